/**
 * The {@code descent} command line (picocli): {@code train}, {@code predict}, {@code evaluate},
 * {@code gradcheck}, {@code devices}, {@code generate} and {@code bench}. The only package that
 * prints; exit codes are 0 success, 1 runtime failure, 2 bad input or usage, 130 interrupted.
 */
package io.descent.cli;

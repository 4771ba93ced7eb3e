package io.descent.bench;

import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.data.SyntheticData;
import io.descent.loss.Loss;
import io.descent.model.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CSV file of the end-to-end lines: the {@link FitProblem}'s data as {@code descent generate}
 * writes it (the same seed, the same bytes), in a temporary directory, and the way {@code train}
 * reads it back ({@link CsvReader} on a regular file, target {@value #TARGET}).
 */
final class FitFile {
  /** The target column {@link SyntheticData} writes. */
  static final String TARGET = "y";

  private FitFile() {}

  /** Writes the problem's data to a new temporary file; the caller deletes it. */
  static Path write(FitProblem problem, long seed) throws IOException {
    Path dir = Files.createTempDirectory("descent-bench-");
    Path file = dir.resolve(String.format(java.util.Locale.ROOT, "%s-%dx%d-s%d.csv",
        problem.loss().label(), problem.rows(), problem.features(), seed));
    SyntheticData data = new SyntheticData(problem.rows(), problem.features(), problem.loss(),
        seed);
    try {
      AtomicFile.write(file, data::write);
    } catch (IOException | RuntimeException e) {
      delete(file);
      throw e;
    }
    return file;
  }

  /** Reads the file as {@code train} does for the problem's loss. */
  static Dataset read(Path file, FitProblem problem) throws IOException {
    CsvReader.Options options = problem.loss() == Loss.LINEAR
        ? CsvReader.Options.numericTarget(TARGET) : CsvReader.Options.binaryTarget(TARGET);
    return new CsvReader(options).read(file);
  }

  /** The file's size in bytes. */
  static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes the file and its temporary directory, quietly (a leftover is only a temp file). */
  static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
      Files.deleteIfExists(file.getParent());
    } catch (IOException ignored) {
      // Left in the temporary directory.
    }
  }
}

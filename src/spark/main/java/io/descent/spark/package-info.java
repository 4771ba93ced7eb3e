/**
 * Descent's estimators for Spark ML: fits run Descent's gradient backends on every executor and
 * its optimizers on the driver.
 */
package io.descent.spark;

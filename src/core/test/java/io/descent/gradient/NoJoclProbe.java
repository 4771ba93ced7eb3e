package io.descent.gradient;

import io.descent.Descent;
import io.descent.train.FitResult;

/**
 * Not a test: a main run by {@link NoJoclTest} in a JVM whose class path lacks JOCL. It fits
 * a small logistic model with the default backend and prints the backend that ran and the
 * fit's notices, one per line.
 */
public final class NoJoclProbe {
  private NoJoclProbe() {}

  /** Fits and prints; any exception ends the JVM with a stack trace (exit 1). */
  public static void main(String[] args) {
    double[][] x = {{0, 1}, {1, 0}, {2, 2}, {3, 1}, {4, 3}, {5, 2}, {1, 1}, {4, 4}};
    int[] labels = {0, 0, 0, 1, 1, 1, 0, 1};
    FitResult r = Descent.logistic().l2(0.1).train(io.descent.data.Dataset.of(x, labels), null);
    System.out.println("backend: " + r.backend().summary());
    r.notices().forEach(n -> System.out.println("notice: " + n));
    try {
      Backends.openClDevices();
      System.out.println("devices listed");
    } catch (BackendUnavailableException e) {
      System.out.println("devices: " + e.getMessage());
    }
  }
}

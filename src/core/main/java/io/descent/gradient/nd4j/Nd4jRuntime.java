package io.descent.gradient.nd4j;

import io.descent.gradient.BackendUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Whether ND4J's native backend and its BLAS load here, checked once per JVM.
 *
 * <p>The first use of {@code Nd4j} loads libnd4j and OpenBLAS through JavaCPP; when that fails,
 * the JVM reports it as an {@link UnsatisfiedLinkError}, a {@link NoClassDefFoundError} or an
 * {@link ExceptionInInitializerError} the first time and as "Could not initialize class" after
 * that. The probe runs once, in this holder's initializer, and keeps the first failure so every
 * later open reports the real reason.
 */
final class Nd4jRuntime {
  /** The failure of the one-time probe, or null when ND4J and its BLAS work. */
  private static final Throwable FAILURE = probe();
  /**
   * The BLAS vendor, read once while the class initializes: read later from several threads at
   * once, ND4J was seen to answer "UNKNOWN" (ConcurrencyTest, once).
   */
  private static final String BLAS = FAILURE == null ? vendor() : "none";

  private Nd4jRuntime() {}

  /**
   * Throws {@link BackendUnavailableException} with a one-line reason when ND4J cannot run.
   */
  static void requireLoaded() {
    if (FAILURE != null) {
      throw new BackendUnavailableException("ND4J native backend could not load: "
          + oneLine(FAILURE), FAILURE);
    }
  }

  /** Loads the backend and runs one tiny float32 GEMV through the binding the backend uses. */
  private static Throwable probe() {
    try {
      try (INDArray a = Nd4j.createFromArray(new float[] {1, 2, 3, 4});
          INDArray x = Nd4j.createFromArray(new float[] {1, 1});
          INDArray y = Nd4j.createFromArray(new float[] {0, 0})) {
        openblas_nolapack.cblas_sgemv(openblas_nolapack.CblasColMajor,
            openblas_nolapack.CblasNoTrans, 2, 2, 1f, (FloatPointer) a.data().addressPointer(), 2,
            (FloatPointer) x.data().addressPointer(), 1, 0f,
            (FloatPointer) y.data().addressPointer(), 1);
        if (y.data().dataType() != DataType.FLOAT || y.getFloat(0) != 4f || y.getFloat(1) != 6f) {
          return new IllegalStateException("BLAS self-test gave " + y + ", expected [4, 6]");
        }
      }
      return null;
    } catch (LinkageError | RuntimeException e) {
      return e;
    }
  }

  /** The innermost message of a failure chain, on one line. */
  static String oneLine(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    String text = root.getClass().getSimpleName()
        + (message == null || message.isBlank() ? "" : ": " + message.strip());
    int eol = text.indexOf('\n');
    return eol < 0 ? text : text.substring(0, eol).strip();
  }

  /** The BLAS ND4J loaded, as a display name ("OpenBLAS", "MKL"). */
  static String blasName() {
    return BLAS;
  }

  private static String vendor() {
    String vendor = String.valueOf(Nd4j.factory().blas().getBlasVendor());
    return switch (vendor.toUpperCase(Locale.ROOT)) {
      case "OPENBLAS" -> "OpenBLAS";
      case "MKL" -> "MKL";
      default -> vendor;
    };
  }

  /**
   * Pins the BLAS to one thread: the backend parallelises over row chunks itself, and a threaded
   * GEMV inside each worker would oversubscribe the cores and tie results to the BLAS's split.
   */
  static void singleThreadedBlas() {
    Nd4j.factory().blas().setMaxThreads(1);
  }

  /** The worker count ND4J was configured with (it honours {@code OMP_NUM_THREADS}). */
  static int configuredThreads() {
    return Math.max(1, Nd4j.getEnvironment().maxThreads());
  }

  /** The CPU's model name from {@code /proc/cpuinfo}, or "host CPU" where there is none. */
  static String cpuName() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8);
      for (String line : lines) {
        if (line.startsWith("model name")) {
          int colon = line.indexOf(':');
          String name = colon < 0 ? "" : line.substring(colon + 1).strip().replaceAll("\\s+", " ");
          if (!name.isEmpty()) {
            return name;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or not readable: the generic name below is the honest answer.
    }
    return "host CPU";
  }
}

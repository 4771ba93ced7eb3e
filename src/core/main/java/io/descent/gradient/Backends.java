package io.descent.gradient;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.nd4j.Nd4jBackend;
import io.descent.gradient.opencl.KernelBenchmark;
import io.descent.gradient.opencl.OpenClBackend;
import io.descent.loss.Loss;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Opens a gradient backend by name: {@code auto}, {@code opencl}, {@code nd4j} or
 * {@code reference}.
 *
 * <p>An explicit choice fails with {@link BackendUnavailableException} when it cannot run.
 * {@code auto} means {@link #AUTO_ORDER}: the trainer tries each in turn and reports one line per
 * skipped backend with its reason, never a silent fallback. An OpenCL device named in the
 * options that this machine does not have is a {@link NoSuchDeviceException} (a usage error)
 * under every choice, {@code auto} included: training elsewhere would ignore what was asked.
 */
public final class Backends {
  private Backends() {}

  /**
   * Why OpenCL cannot run at all in this JVM, or null: JOCL's classes are missing from the class
   * path (a downstream build that leaves {@code org.jocl:jocl} out), where the first use of the
   * OpenCL backend threw {@code NoClassDefFoundError: org/jocl/CLException} out of every
   * {@code auto} fit instead of skipping it as a missing ND4J is skipped.
   */
  private static final String NO_JOCL = joclMissing();

  private static String joclMissing() {
    try {
      Class.forName("org.jocl.CL", false, Backends.class.getClassLoader());
      return null;
    } catch (ClassNotFoundException | LinkageError e) {
      return "the OpenCL binding JOCL (org.jocl:jocl) is not on the class path";
    }
  }

  /** Throws {@link BackendUnavailableException} when OpenCL cannot run at all here. */
  private static void requireJocl() {
    if (NO_JOCL != null) {
      throw new BackendUnavailableException(NO_JOCL);
    }
  }

  /** The order {@code --backend auto} tries: OpenCL, then ND4J, then the reference. */
  public static final List<BackendKind> AUTO_ORDER =
      List.of(BackendKind.OPENCL, BackendKind.ND4J, BackendKind.REFERENCE);

  /**
   * The backends a choice stands for: {@link #AUTO_ORDER} for {@code auto}, otherwise the one
   * named.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static List<BackendKind> candidates(String choice) {
    if (choice.equalsIgnoreCase("auto")) {
      return AUTO_ORDER;
    }
    try {
      return List.of(BackendKind.valueOf(choice.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown backend \"" + choice
          + "\": expected auto, opencl, nd4j or reference");
    }
  }

  /**
   * The OpenCL devices of every platform, in the order {@code --device N} counts them.
   *
   * @throws BackendUnavailableException when there is no OpenCL runtime or platform
   */
  public static List<DeviceDescription> openClDevices() {
    requireJocl();
    return OpenClBackend.devices();
  }

  /**
   * Starts loading the OpenCL platforms on a background thread, for a caller that will open an
   * OpenCL backend after other work (reading its data); does nothing where this JVM does not
   * chain signals. See {@link OpenClBackend#startPlatforms()}.
   *
   * @return whether a start is under way (or done)
   */
  public static boolean startOpenClPlatforms() {
    return NO_JOCL == null && OpenClBackend.startPlatforms();
  }

  /**
   * Starts compiling the float64 reference's evaluation for {@code loss} on a background thread,
   * for a caller that will judge a large fit with it after other work; see {@link
   * ReferenceBackend#warmUp}.
   *
   * @return whether it started (not for a coupled loss)
   */
  public static boolean startReferenceWarmUp(Loss loss) {
    return ReferenceBackend.warmUp(loss) != null;
  }

  /**
   * The OpenCL platforms that failed to list their devices at the last
   * {@link #openClDevices()} (and are missing from it), each as "NAME: STATUS when asked for its
   * devices"; empty when none failed.
   */
  public static List<String> openClPlatformProblems() {
    return NO_JOCL != null ? List.of() : OpenClBackend.platformProblems();
  }

  /**
   * Measures the read bandwidth of the OpenCL device chosen by {@code options} on a
   * {@code rows x features} float32 buffer, in the layout the options choose.
   *
   * @throws BackendUnavailableException when there is no such device
   */
  public static ReadBandwidth openClReadBandwidth(OpenClOptions options, int rows, int features,
      int warmup, int repeats) {
    requireJocl();
    var t = KernelBenchmark.measureReadBandwidth(options, rows, features, warmup, repeats);
    return new ReadBandwidth(t.device(), t.layout(), t.bytes(), t.repeats(), t.medianSeconds());
  }

  /**
   * Times one evaluation of K independent models per pass for each K of {@code models} on the
   * OpenCL device chosen by {@code options}, over generated {@code rows x features} data, with
   * the device's read bandwidth and float32 FMA rate measured in the same run (see
   * {@link ModelsTiming}).
   *
   * @param loss linear or logistic
   * @throws BackendUnavailableException when there is no such device
   * @throws IllegalArgumentException for the multinomial loss
   */
  public static List<ModelsTiming> openClModels(OpenClOptions options, Loss loss, int rows,
      int features, int[] models, int warmup, int repeats) {
    requireJocl();
    return KernelBenchmark.models(options, loss, rows, features, models, warmup, repeats);
  }

  /**
   * What the OpenCL compiler said in this process's successful builds, one entry per build that
   * said anything (see {@link OpenClBackend#compilerMessages()}); nothing of it is printed.
   */
  public static List<String> openClCompilerMessages() {
    return NO_JOCL != null ? List.of() : OpenClBackend.compilerMessages();
  }

  /**
   * Opens one backend kind, or throws {@link BackendUnavailableException} saying why not.
   *
   * @throws NoSuchDeviceException when {@code openCl} names a device this machine does not have
   */
  public static GradientBackend open(BackendKind kind, Dataset data,
      Standardization standardization, Loss loss, OpenClOptions openCl) {
    return open(kind, data, standardization, Columns.single(loss), openCl);
  }

  /**
   * Opens one backend kind evaluating the given columns over the data (and its row weights), or
   * throws {@link BackendUnavailableException} saying why not.
   *
   * @throws NoSuchDeviceException when {@code openCl} names a device this machine does not have
   * @throws IllegalArgumentException when the columns do not fit the data
   */
  public static GradientBackend open(BackendKind kind, Dataset data,
      Standardization standardization, Columns columns, OpenClOptions openCl) {
    columns.check(data);
    return switch (kind) {
      case REFERENCE -> new ReferenceBackend(data, standardization, columns);
      case ND4J -> Nd4jBackend.open(data, standardization, columns);
      case OPENCL -> {
        requireJocl();
        yield OpenClBackend.open(data, standardization, columns,
            openCl == null ? OpenClOptions.defaults() : openCl);
      }
    };
  }

  /** Opens one backend kind on data and columns (as {@link #open(BackendKind, Dataset,
   * Standardization, Columns, OpenClOptions)}, or a caller's own way to). */
  @FunctionalInterface
  public interface KindOpener {
    /** Opens the backend, or throws {@link BackendUnavailableException} saying why not. */
    GradientBackend open(BackendKind kind, Dataset data, Standardization standardization,
        Columns columns, OpenClOptions openCl);
  }

  /**
   * A float64 backend over the rows of the float32 backend {@code trained}, where it can open
   * one without a copy of its own (an OpenCL float32 backend that holds the raw rows and a device
   * with float64: {@link OpenClBackend#float64OnTheSameRows()}), else null. It must be closed
   * before {@code trained}.
   */
  public static GradientBackend float64OnTheSameRows(GradientBackend trained) {
    if (NO_JOCL == null && trained instanceof OpenClBackend o && o.sharesRowsWithFloat64()) {
      try {
        return o.float64OnTheSameRows();
      } catch (BackendUnavailableException e) {
        return null; // the float64 finish opens a backend of its own instead
      }
    }
    return null;
  }

  /**
   * Opens the float64 backend that finishes a float32 fit trained on {@code trainedOn}: the same
   * OpenCL device in double precision (in {@code layout}, null for the options') where it has
   * fp64, otherwise the {@link ReferenceBackend}. The trainer, cross-validation and the Spark
   * estimators' executors all decide here. The caller closes it.
   *
   * @param openCl the options the float32 backend opened with
   * @param notice receives one line when OpenCL's float64 cannot open and the reference is used
   */
  public static GradientBackend openFloat64(BackendKind trainedOn, String layout, Dataset data,
      Standardization standardization, Columns columns, OpenClOptions openCl,
      KindOpener opener, Consumer<String> notice) {
    if (trainedOn == BackendKind.OPENCL) {
      OpenClOptions doubles = (openCl == null ? OpenClOptions.defaults() : openCl)
          .withPrecision("double");
      try {
        return opener.open(BackendKind.OPENCL, data, standardization, columns,
            layout == null ? doubles : doubles.withLayout(layout));
      } catch (BackendUnavailableException e) {
        notice.accept("float64 on opencl unavailable (" + e.getMessage()
            + "); using the reference");
      }
    }
    return new ReferenceBackend(data, standardization, columns);
  }

  /**
   * Opens the normal equations of linear columns on one backend kind with only what computes
   * the rows' moments (per fold when the columns have folds), computes them, and releases the
   * device before returning: the {@link GramBackend} holds nothing open. OpenCL opens a context
   * and the moments kernel, no gradient kernel and no resident copy of the rows ({@link
   * OpenClBackend#moments(Dataset, Standardization, int[], int, OpenClOptions)}); ND4J its
   * backend, whose moments are BLAS rank-k updates; the reference computes them on the host
   * ({@link Moments#of}). {@link GramBackend#source()} says which device computed them.
   *
   * @param columns linear columns (with folds: every fold's moments in the one pass)
   * @throws BackendUnavailableException when the kind cannot run here
   * @throws NoSuchDeviceException when {@code openCl} names a device this machine does not have
   * @throws UnsupportedOperationException when the device cannot compute float64 moments (an
   *     OpenCL device without {@code cl_khr_fp64})
   * @throws IllegalArgumentException when the columns do not fit the data or are not linear
   */
  public static GramBackend normalEquations(BackendKind kind, Dataset data,
      Standardization standardization, Columns columns, OpenClOptions openCl) {
    checkLinear(data, columns);
    int[] rowFold = columns.hasFolds() ? columns.rowFolds() : null;
    int folds = Moments.folds(rowFold);
    // About the standardization's means, or for the raw features about Moments.shiftOf (see
    // Moments.centreFor, which ND4J's backend applies itself).
    double[] centre = Moments.centreFor(standardization.mean(), data);
    DeviceMoments moments = switch (kind) {
      case OPENCL -> {
        requireJocl();
        yield OpenClBackend.moments(data, centre, rowFold, folds,
            openCl == null ? OpenClOptions.defaults() : openCl);
      }
      case REFERENCE -> {
        int threads = HostMoments.threads(data.rows());
        yield new DeviceMoments(HostMoments.info(threads), HostMoments.compute(data,
            centre, rowFold, folds, threads));
      }
      case ND4J -> {
        try (GradientBackend b = open(kind, data, standardization, columns, openCl)) {
          yield new DeviceMoments(b.info(), ((MomentSource) b).moments(rowFold, folds));
        }
      }
    };
    return gram(moments, data, standardization, columns);
  }

  /**
   * As {@link #normalEquations(BackendKind, Dataset, Standardization, Columns, OpenClOptions)},
   * with the standardization (when {@code standardize}) taken from the moments themselves
   * ({@link Moments#standardization()} of every fold's together) instead of a pass of its own:
   * the moments are computed about {@link Moments#shiftOf}, known before any pass, and the
   * standardization is the same as {@link Standardization#fit}'s to about 1e-15 of each
   * feature's spread. Without {@code standardize} the features are the raw ones centred, their
   * means (from the same moments) subtracted and their scales 1 ({@link
   * Standardization#withUnitScales}), the space
   * a raw fit runs in. ND4J, whose moments are about its backend's own
   * standardization, fits it first ({@link Standardization#fit}). {@link
   * GramBackend#standardization()} says which it is.
   */
  public static GramBackend normalEquations(BackendKind kind, Dataset data, boolean standardize,
      Columns columns, OpenClOptions openCl) {
    if (kind == BackendKind.ND4J) {
      Standardization fitted = Standardization.fit(data);
      return normalEquations(kind, data, standardize ? fitted : fitted.withUnitScales(),
          columns, openCl);
    }
    checkLinear(data, columns);
    int[] rowFold = columns.hasFolds() ? columns.rowFolds() : null;
    int folds = Moments.folds(rowFold);
    double[] shift = Moments.shiftOf(data);
    DeviceMoments moments = switch (kind) {
      case OPENCL -> {
        requireJocl();
        yield OpenClBackend.moments(data, shift, rowFold, folds,
            openCl == null ? OpenClOptions.defaults() : openCl);
      }
      case REFERENCE -> {
        int threads = HostMoments.threads(data.rows());
        yield new DeviceMoments(HostMoments.info(threads), HostMoments.compute(data, shift,
            rowFold, folds, threads));
      }
      case ND4J -> throw new IllegalStateException("unreachable");
    };
    Moments all = null;
    for (Moments m : moments.folds()) {
      all = all == null ? m : all.plus(m);
    }
    return gram(moments, data, standardize ? all.standardization()
        : all.standardization().withUnitScales(), columns);
  }

  /** The columns fit the data and are linear: what the normal equations solve. */
  private static void checkLinear(Dataset data, Columns columns) {
    columns.check(data);
    if (columns.loss() != Loss.LINEAR) {
      throw new IllegalArgumentException("the normal equations solve the linear loss, not "
          + columns.loss().label());
    }
  }

  private static GramBackend gram(DeviceMoments moments, Dataset data,
      Standardization standardization, Columns columns) {
    return new GramBackend(moments.folds(), data.rows(), standardization, columns,
        moments.source());
  }
}

package io.descent.gradient.opencl;

import io.descent.gradient.DeviceDescription;
import io.descent.gradient.ModelsTiming;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The developers' command line over {@link KernelBenchmark}: the read bandwidth against one
 * evaluation, or the many-models table, with the kernels' tuning knobs. A tool for tuning the
 * kernels, kept with the tests and not in the library (which speaks of itself, not of options).
 *
 * <p>Usage (after {@code mvn package -DskipTests}, which compiles the tests): {@code java -cp
 * "src/core/target/test-classes:target/lib/*" io.descent.gradient.opencl.KernelBenchmarkMain
 * [--device D] [--layout auto|cpu|gpu] [--rows N] [--features D] [--loss
 * logistic|linear|multinomial] [--warmup K] [--repeats R] [--tuning auto|measure|device] [--vw W]
 * [--rb B] [--items I] [--wgs G] [--rt T] [--define NAME=VALUE]... [--models K,...]} (defaults:
 * every device, auto layout, 1,000,000 x 64, logistic, 5 warm-up runs, 21 timed runs; --vw, --rb
 * and --items override the CPU layout's tunables, --wgs and --rt the GPU layout's, and --define
 * any kernel tunable, for tuning: {@code --define WGS=64} is the same as {@code --wgs 64}, and so
 * for VW, RB and RT, so that the host sizes its buffers and launches from the value the kernel is
 * built with; PRECISION, LOSS and CENTER follow the data and are refused).
 *
 * <p>{@code --models K1,K2,...} instead times one evaluation of K independent models per pass
 * for each K (the batched kernel; K = 1 the single-column one), with the read kernel and an
 * FMA-bound kernel ({@code kernels/fma_peak.cl}) in every round, and prints each K's time, the
 * bound that binds (reading the data once, or its arithmetic: the {@code 2 n d K} multiply-adds
 * at the measured FMA rate plus the {@code n K} margins' link, the loss's exp and log, at the
 * rate {@link KernelBenchmark.LinkProbe} measures in the same rounds), the share of it reached
 * and the speedup over K single-model passes. With {@code --loss multinomial} each K is a number
 * of classes C: one C-class multinomial evaluation per pass on generated data with C classes,
 * against C single logistic passes.
 */
public final class KernelBenchmarkMain {
  private KernelBenchmarkMain() {}

  /**
   * Applies one tuning option of the command line ({@code --vw}, {@code --rb}, {@code --items},
   * {@code --wgs}, {@code --rt} or {@code --define NAME=VALUE}) to {@code tuning}. A define of
   * VW, RB, WGS or RT sets that knob, as its own option does, so the kernel and the host's
   * buffer sizes and launch shape follow one value.
   *
   * @return the new tuning, or null when {@code option} is not a tuning option
   * @throws IllegalArgumentException for a bad value, or a define the host sets from elsewhere
   */
  static Tuning tuningOption(Tuning tuning, String option, String value) {
    return switch (option) {
      case "--vw" -> tuning.withCpu(number(option, value), tuning.rowsPerBlock(),
          tuning.itemsPerComputeUnit());
      case "--rb" -> tuning.withCpu(tuning.vectorWidth(), number(option, value),
          tuning.itemsPerComputeUnit());
      case "--items" -> tuning.withCpu(tuning.vectorWidth(), tuning.rowsPerBlock(),
          number(option, value));
      case "--wgs" -> tuning.withGpu(number(option, value), tuning.rowsPerTile());
      case "--rt" -> tuning.withGpu(tuning.workGroupSize(), number(option, value));
      case "--define" -> tuning.withDefine(require(option, value));
      default -> null;
    };
  }

  private static String require(String option, String value) {
    if (value == null) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return value;
  }

  private static int number(String option, String value) {
    try {
      return Integer.parseInt(require(option, value));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " needs a whole number, got \"" + value
          + "\"");
    }
  }

  /**
   * Runs {@link KernelBenchmark#compare} on each device (or the one named) and prints the
   * figures. A bad
   * option is one line on stderr and exit code 2.
   *
   * @param args the options in the class comment
   */
  public static void main(String[] args) {
    try {
      run(args);
    } catch (IllegalArgumentException e) {
      System.err.println("KernelBenchmarkMain: " + e.getMessage());
      System.exit(2);
    }
  }

  private static void run(String[] args) {
    String deviceChoice = null;
    String layout = "auto";
    String tuningMode = OpenClOptions.DEFAULT_TUNING;
    int rows = 1_000_000;
    int features = 64;
    int warmup = 5;
    int repeats = 21;
    Tuning tuning = Tuning.defaults();
    Loss loss = Loss.LOGISTIC;
    int[] models = null;
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      Tuning tuned = tuningOption(tuning, args[i], value);
      if (tuned != null) {
        tuning = tuned;
        i++;
        continue;
      }
      switch (args[i]) {
        case "--device" -> deviceChoice = value;
        case "--layout" -> layout = value;
        case "--tuning" -> tuningMode = require(args[i], value);
        case "--loss" -> loss = Loss.valueOf(require(args[i], value).toUpperCase(Locale.ROOT));
        case "--rows" -> rows = number(args[i], value);
        case "--models" -> models = Arrays.stream(require(args[i], value).split(","))
            .mapToInt(v -> number("--models", v.trim())).toArray();
        case "--features" -> features = number(args[i], value);
        case "--warmup" -> warmup = number(args[i], value);
        case "--repeats" -> repeats = number(args[i], value);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
      i++;
    }
    if (loss.coupled() && models == null) {
      throw new IllegalArgumentException("--loss multinomial needs --models C,... (the numbers"
          + " of classes to time)");
    }
    List<DeviceDescription> devices = OpenClBackend.devices();
    if (devices.isEmpty()) {
      System.err.println("no OpenCL platform found");
      System.exit(1);
    }
    List<String> choices = new ArrayList<>();
    if (deviceChoice != null) {
      choices.add(deviceChoice);
    } else {
      devices.forEach(d -> choices.add(String.valueOf(d.index())));
    }
    System.out.printf(Locale.ROOT, "%d x %d float32 (%.0f MB), %d warm-up + %d timed runs, %s%n",
        rows, features, 4.0 * rows * features / 1e6, warmup, repeats, tuning);
    for (String choice : choices) {
      OpenClOptions options = new OpenClOptions(choice, layout, "float", tuningMode);
      if (models != null) {
        List<ModelsTiming> table = KernelBenchmark.models(options, loss, rows, features, models,
            warmup, repeats, tuning);
        System.out.println(devices.get(0).name());
        double single = table.stream().filter(m -> m.models() == 1)
            .mapToDouble(ModelsTiming::seconds).findFirst().orElse(Double.NaN);
        for (ModelsTiming m : table) {
          System.out.printf(Locale.ROOT, "  K=%-3d %-22s %8.2f ms  read %7.2f ms  arithmetic"
              + " %7.2f ms (link %.2f)  %s-bound, %.2f of it%s%n", m.models(), m.kernel(),
              m.seconds() * 1e3, m.readSeconds() * 1e3, m.arithmeticSeconds() * 1e3,
              m.linkSeconds() * 1e3, m.binding(), m.share(),
              Double.isNaN(single) || m.models() == 1 ? "" : String.format(Locale.ROOT,
                  ", %.2fx faster than %d single %spasses", single * m.models() / m.seconds(),
                  m.models(), loss.coupled() ? "logistic " : ""));
        }
        continue;
      }
      KernelBenchmark.Comparison r = KernelBenchmark.compare(options, loss, rows, features,
          warmup, repeats, tuning);
      System.out.println(r.read().device());
      System.out.println("  (a) " + r.read().summary());
      System.out.println("  (b) " + r.evaluation().summary());
      System.out.printf(Locale.ROOT, "  (b)/(a) = %.3f from the medians, %.3f median of the %d"
          + " adjacent pairs%n", r.ratio(), r.pairedRatio(), repeats);
    }
  }
}

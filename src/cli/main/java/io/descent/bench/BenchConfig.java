package io.descent.bench;

import io.descent.gradient.BackendKind;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link BackendBenchmark} run measures.
 *
 * @param rows the row counts of the sweep, each > 0, in the order run (repeats dropped)
 * @param features the feature counts of the sweep, each > 0; every rows x features pair is run
 * @param losses the losses, each run on its own generated data (the targets differ)
 * @param backends the backend kinds to measure; OPENCL means every OpenCL device
 * @param openClDevice null for every OpenCL device, or only the one with this index (as listed
 *     by {@code descent devices}) or whose name contains this text (ignoring case)
 * @param warmup evaluations run and discarded before timing, >= 0; when > 0, warm-up also lasts
 *     at least 0.2 s (see {@link BackendBenchmark})
 * @param repeats timed evaluations, >= 1
 * @param seed the seed of the generated data and of the point theta evaluated at
 * @param fit the end-to-end problem, or null for none
 * @param openClTuning how the OpenCL CPU kernel's shapes are chosen (see
 *     {@link OpenClOptions#tuning()})
 */
public record BenchConfig(List<Integer> rows, List<Integer> features, List<Loss> losses,
    Set<BackendKind> backends, String openClDevice, int warmup, int repeats, long seed,
    FitProblem fit, String openClTuning) {

  /** Default rows: 10 thousand to 1 million, 64 features (about a minute on 2 cores). */
  public static final List<Integer> DEFAULT_ROWS = List.of(10_000, 100_000, 1_000_000);
  /** Default features. */
  public static final List<Integer> DEFAULT_FEATURES = List.of(64);
  /** Default warm-up evaluations. */
  public static final int DEFAULT_WARMUP = 3;
  /** Default timed evaluations. */
  public static final int DEFAULT_REPEATS = 15;
  /** Default seed. */
  public static final long DEFAULT_SEED = 42;

  /** As the canonical constructor, with the default OpenCL tuning. */
  public BenchConfig(List<Integer> rows, List<Integer> features, List<Loss> losses,
      Set<BackendKind> backends, String openClDevice, int warmup, int repeats, long seed,
      FitProblem fit) {
    this(rows, features, losses, backends, openClDevice, warmup, repeats, seed, fit,
        OpenClOptions.DEFAULT_TUNING);
  }

  /** Checks every value, naming the rule it breaks, and copies the collections. */
  public BenchConfig {
    openClTuning = new OpenClOptions(null, null, null, openClTuning).tuning();
    rows = List.copyOf(new LinkedHashSet<>(nonEmpty(rows, "rows")));
    features = List.copyOf(new LinkedHashSet<>(nonEmpty(features, "features")));
    losses = List.copyOf(new LinkedHashSet<>(nonEmpty(losses, "losses")));
    Objects.requireNonNull(backends, "backends");
    if (backends.isEmpty()) {
      throw new IllegalArgumentException("backends must name at least one backend");
    }
    backends = Set.copyOf(backends);
    for (int n : rows) {
      if (n <= 0) {
        throw new IllegalArgumentException("rows must be > 0, got " + n);
      }
    }
    for (int d : features) {
      if (d <= 0) {
        throw new IllegalArgumentException("features must be > 0, got " + d);
      }
    }
    if (warmup < 0) {
      throw new IllegalArgumentException("warmup must be >= 0, got " + warmup);
    }
    if (repeats < 1) {
      throw new IllegalArgumentException("repeats must be >= 1, got " + repeats);
    }
  }

  /** The defaults: the sizes above, both losses, every backend, and {@link FitProblem#defaults}. */
  public static BenchConfig defaults() {
    return new BenchConfig(DEFAULT_ROWS, DEFAULT_FEATURES, List.of(Loss.LINEAR, Loss.LOGISTIC),
        EnumSet.allOf(BackendKind.class), null, DEFAULT_WARMUP, DEFAULT_REPEATS, DEFAULT_SEED,
        FitProblem.defaults());
  }

  private static <T> List<T> nonEmpty(List<T> values, String name) {
    Objects.requireNonNull(values, name);
    if (values.isEmpty()) {
      throw new IllegalArgumentException(name + " must list at least one value");
    }
    return values;
  }

  @Override
  public String toString() {
    return "BenchConfig[rows=" + rows + ", features=" + features + ", losses=" + losses
        + ", backends=" + backends + ", openClDevice=" + openClDevice + ", warmup=" + warmup + ", repeats=" + repeats + ", seed="
        + seed + ", fit=" + fit + ", openClTuning=" + openClTuning + "]";
  }
}

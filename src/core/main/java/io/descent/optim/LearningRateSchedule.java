package io.descent.optim;

/**
 * The learning rate of each mini-batch step, as a function of the base rate and the position in
 * training.
 *
 * <p>The trainer calls {@link #rate} before every {@link UpdateRule#update}, with the epoch
 * (0-based: 0 during the first pass over the data) and the step (0-based: the number of updates
 * made before this one, over all epochs). A schedule is stateless and immutable. The four
 * implementations are records whose {@code toString()} shows every parameter; build them with
 * the static factories or by {@link ScheduleKind}.
 */
public interface LearningRateSchedule {
  /**
   * The learning rate of one step.
   *
   * @param base the base learning rate, finite and &gt; 0
   * @param epoch the 0-based epoch of the step
   * @param step the 0-based index of the step over the whole fit
   * @return the rate, &gt; 0: at least {@link #MIN_RATE}, where a long decay would underflow
   */
  double rate(double base, int epoch, long step);

  /**
   * The smallest rate a decaying schedule gives, {@link Double#MIN_NORMAL} (about 2.2e-308): its
   * {@code decay^epochs} underflows to 0 after enough epochs (at 0.95 after about 14,500, at
   * 0.01 after 161), where an update would refuse a rate of 0 and the fit stopped with an error.
   * At this floor the weights no longer move and the fit stops as stalled, keeping its best
   * epoch.
   */
  double MIN_RATE = Double.MIN_NORMAL;

  /** The short name used on the command line, such as "step". */
  String name();

  /**
   * The schedule as the settings a report and a model file show: its {@code schedule} name, then
   * its parameters under their command-line names ({@code decay}, {@code decayInterval}).
   */
  default java.util.Map<String, Object> settings() {
    return settings(name());
  }

  /** {@code schedule} {@code name}, then the parameters as name, value pairs, in order. */
  private static java.util.Map<String, Object> settings(String name, Object... parameters) {
    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("schedule", name);
    for (int i = 0; i < parameters.length; i += 2) {
      m.put((String) parameters[i], parameters[i + 1]);
    }
    return m;
  }

  /** The base rate throughout. */
  static LearningRateSchedule constant() {
    return new Constant();
  }

  /** See {@link StepDecay}. */
  static LearningRateSchedule step(int everyEpochs, double factor) {
    return new StepDecay(everyEpochs, factor);
  }

  /** See {@link ExponentialDecay}. */
  static LearningRateSchedule exponential(double gamma) {
    return new ExponentialDecay(gamma);
  }

  /** See {@link InverseSqrtDecay}. */
  static LearningRateSchedule inverseSqrt(long decaySteps) {
    return new InverseSqrtDecay(decaySteps);
  }

  /** The base rate at every step. */
  record Constant() implements LearningRateSchedule {
    /** The name this schedule goes by, the label its kind reads. */
    public static final String NAME = "constant";

    @Override
    public double rate(double base, int epoch, long step) {
      return base;
    }

    /** "constant". */
    @Override
    public String name() {
      return NAME;
    }
  }

  /**
   * Multiplies the rate by {@code factor} every {@code everyEpochs} epochs:
   * {@code base * factor^floor(epoch / everyEpochs)} (PyTorch's {@code StepLR}).
   *
   * @param everyEpochs epochs between drops, &gt;= 1
   * @param factor the multiplier at each drop, in (0, 1]
   */
  record StepDecay(int everyEpochs, double factor) implements LearningRateSchedule {
    /** The name this schedule goes by, the label its kind reads. */
    public static final String NAME = "step";

    /** Checks the parameters. */
    public StepDecay {
      if (everyEpochs < 1) {
        throw new IllegalArgumentException("decayInterval must be >= 1, got " + everyEpochs);
      }
      if (!(factor > 0 && factor <= 1)) {
        throw new IllegalArgumentException("decay must be in (0, 1], got " + factor);
      }
    }

    @Override
    public double rate(double base, int epoch, long step) {
      return Math.max(MIN_RATE, base * Math.pow(factor, epoch / everyEpochs));
    }

    /** {@code schedule} step, {@code decay} the factor, {@code decayInterval} the epochs. */
    @Override
    public java.util.Map<String, Object> settings() {
      return LearningRateSchedule.settings(NAME, "decay", factor, "decayInterval", everyEpochs);
    }

    /** "step". */
    @Override
    public String name() {
      return NAME;
    }
  }

  /**
   * {@code base * gamma^epoch}, a smooth decay by {@code gamma} per epoch.
   *
   * @param gamma the per-epoch factor, in (0, 1]
   */
  record ExponentialDecay(double gamma) implements LearningRateSchedule {
    /** The name this schedule goes by, the label its kind reads. */
    public static final String NAME = "exponential";

    /** Checks the parameter. */
    public ExponentialDecay {
      if (!(gamma > 0 && gamma <= 1)) {
        throw new IllegalArgumentException("decay must be in (0, 1], got " + gamma);
      }
    }

    @Override
    public double rate(double base, int epoch, long step) {
      return Math.max(MIN_RATE, base * Math.pow(gamma, epoch));
    }

    /** {@code schedule} exponential, {@code decay} gamma. */
    @Override
    public java.util.Map<String, Object> settings() {
      return LearningRateSchedule.settings(NAME, "decay", gamma);
    }

    /** "exponential". */
    @Override
    public String name() {
      return NAME;
    }
  }

  /**
   * {@code base / sqrt(1 + step / decaySteps)}: constant at first, then decaying like
   * {@code 1/sqrt(t)}, the rate for which SGD's averaged iterates converge at the optimal
   * {@code O(1/sqrt(t))} on convex problems (Nemirovski, Juditsky, Lan &amp; Shapiro, SIAM J.
   * Optim. 19(4), 2009), while the last iterate still settles since the rates sum to infinity.
   *
   * @param decaySteps the step count over which the rate falls to {@code base / sqrt(2)}, &gt;= 1
   */
  record InverseSqrtDecay(long decaySteps) implements LearningRateSchedule {
    /** The name this schedule goes by, the label its kind reads. */
    public static final String NAME = "invsqrt";

    /** Checks the parameter. */
    public InverseSqrtDecay {
      if (decaySteps < 1) {
        throw new IllegalArgumentException("decayInterval must be >= 1, got " + decaySteps);
      }
    }

    @Override
    public double rate(double base, int epoch, long step) {
      return base / Math.sqrt(1.0 + (double) step / decaySteps);
    }

    /** {@code schedule} invsqrt, {@code decayInterval} the steps. */
    @Override
    public java.util.Map<String, Object> settings() {
      return LearningRateSchedule.settings(NAME, "decayInterval", decaySteps);
    }

    /** "invsqrt". */
    @Override
    public String name() {
      return NAME;
    }
  }
}

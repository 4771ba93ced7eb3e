package io.descent.optim;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The learning-rate schedules by their command-line names, with a factory taking optional
 * parameters (null: default).
 *
 * <p>Two parameters cover all four schedules: a {@code factor} (the step schedule's drop, the
 * exponential schedule's gamma) and an {@code interval} (the step schedule's epochs between drops,
 * the inverse-square-root schedule's decay steps). A parameter a schedule does not take must be
 * null.
 */
public enum ScheduleKind {
  /** {@link LearningRateSchedule.Constant}; takes nothing. */
  CONSTANT(LearningRateSchedule.Constant.NAME),
  /**
   * {@link LearningRateSchedule.StepDecay}; factor default {@value #DEFAULT_STEP_FACTOR}, interval (epochs) default {@value #DEFAULT_STEP_EPOCHS}.
   */
  STEP(LearningRateSchedule.StepDecay.NAME),
  /**
   * {@link LearningRateSchedule.ExponentialDecay}; factor (gamma per epoch) default {@value
   * #DEFAULT_GAMMA}.
   */
  EXPONENTIAL(LearningRateSchedule.ExponentialDecay.NAME),
  /**
   * {@link LearningRateSchedule.InverseSqrtDecay}; interval (steps) default {@value
   * #DEFAULT_DECAY_STEPS}.
   */
  INVSQRT(LearningRateSchedule.InverseSqrtDecay.NAME);

  /** The step schedule's default drop factor. */
  public static final double DEFAULT_STEP_FACTOR = 0.5;
  /** The step schedule's default epochs between drops. */
  public static final int DEFAULT_STEP_EPOCHS = 10;
  /** The exponential schedule's default per-epoch gamma. */
  public static final double DEFAULT_GAMMA = 0.95;
  /** The inverse-square-root schedule's default decay steps. */
  public static final int DEFAULT_DECAY_STEPS = 1000;

  private final String label;

  ScheduleKind(String label) {
    this.label = label;
  }

  /** The command-line name: "constant", "step", "exponential" or "invsqrt". */
  public String label() {
    return label;
  }

  /**
   * The kind with the given label, ignoring case.
   *
   * @throws IllegalArgumentException naming the valid labels when there is none
   */
  public static ScheduleKind fromLabel(String label) {
    for (ScheduleKind k : values()) {
      if (k.label.equalsIgnoreCase(label.trim())) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown schedule \"" + label + "\", expected one of "
        + Arrays.stream(values()).map(ScheduleKind::label).collect(Collectors.joining(", ")));
  }

  /**
   * Builds the schedule.
   *
   * @param factor the step drop or exponential gamma; null for the default
   * @param interval the step schedule's epochs or the inverse-sqrt decay steps; null for the
   *     default
   * @throws IllegalArgumentException when a parameter the schedule does not take is given, or a
   *     value is out of range
   */
  public LearningRateSchedule create(Double factor, Integer interval) {
    return switch (this) {
      case CONSTANT -> {
        reject("decay", factor);
        reject("decayInterval", interval);
        yield LearningRateSchedule.constant();
      }
      case STEP -> LearningRateSchedule.step(interval == null ? DEFAULT_STEP_EPOCHS : interval,
          factor == null ? DEFAULT_STEP_FACTOR : factor);
      case EXPONENTIAL -> {
        reject("decayInterval", interval);
        yield LearningRateSchedule.exponential(factor == null ? DEFAULT_GAMMA : factor);
      }
      case INVSQRT -> {
        reject("decay", factor);
        yield LearningRateSchedule.inverseSqrt(interval == null ? DEFAULT_DECAY_STEPS : interval);
      }
    };
  }

  private void reject(String name, Object value) {
    if (value != null) {
      throw new IllegalArgumentException(name + " does not apply to schedule " + label);
    }
  }
}

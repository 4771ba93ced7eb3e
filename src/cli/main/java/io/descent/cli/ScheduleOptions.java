package io.descent.cli;

import io.descent.Descent;
import io.descent.optim.ScheduleKind;
import picocli.CommandLine.Option;

/**
 * {@code --schedule}, {@code --decay} and {@code --decay-interval}: how a mini-batch optimizer's
 * learning rate falls, for {@code train} and {@code cv} alike.
 */
final class ScheduleOptions {
  @Option(names = "--schedule", paramLabel = "NAME",
      description = "Learning-rate schedule: constant, step, exponential or invsqrt (default: "
          + Descent.DEFAULT_SCHEDULE + ").")
  String schedule;

  @Option(names = "--decay", paramLabel = "FACTOR",
      description = "Schedule factor: the step schedule's drop factor (default "
          + ScheduleKind.DEFAULT_STEP_FACTOR + ") or the exponential schedule's gamma per epoch"
          + " (default " + ScheduleKind.DEFAULT_GAMMA + ").")
  Double decay;

  @Option(names = "--decay-interval", paramLabel = "N",
      description = "Schedule interval: epochs between the step schedule's drops (default "
          + ScheduleKind.DEFAULT_STEP_EPOCHS + "), or the invsqrt schedule's steps, rate = base"
          + " / sqrt(1 + step / N) (default " + ScheduleKind.DEFAULT_DECAY_STEPS + ").")
  Integer decayInterval;

  /** {@code descent} with these settings (those not given keep their defaults). */
  Descent applyTo(Descent descent) {
    return descent.schedule(schedule).decay(decay).decayInterval(decayInterval);
  }
}

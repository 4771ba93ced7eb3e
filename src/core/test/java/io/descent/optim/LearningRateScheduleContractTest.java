package io.descent.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The contract every {@link LearningRateSchedule} meets: it starts at the base rate, never rises,
 * stays positive over a long fit, scales with the base, and is named by its {@link ScheduleKind}.
 * Subclass it once per implementation.
 */
abstract class LearningRateScheduleContractTest {
  /** Steps per epoch in these checks. */
  static final int STEPS_PER_EPOCH = 14;

  /** The schedule under test, with parameters that make it change within 300 epochs. */
  protected abstract LearningRateSchedule schedule();

  @Test
  void startsAtTheBaseRate() {
    assertEquals(0.3, schedule().rate(0.3, 0, 0));
  }

  @Test
  void neverRisesAndStaysPositive() {
    LearningRateSchedule s = schedule();
    double previous = Double.POSITIVE_INFINITY;
    for (int epoch = 0; epoch < 300; epoch++) {
      for (int k = 0; k < STEPS_PER_EPOCH; k++) {
        double r = s.rate(0.1, epoch, (long) epoch * STEPS_PER_EPOCH + k);
        assertTrue(r <= previous, "rose to " + r + " at epoch " + epoch + ", step " + k);
        assertTrue(r > 0, "rate " + r + " at epoch " + epoch);
        previous = r;
      }
    }
  }

  /** A decay that underflows stops at the floor: an update refuses a rate of 0. */
  @Test
  void neverFallsBelowTheFloor() {
    LearningRateSchedule s = schedule();
    for (int epoch : new int[] {1_000, 100_000, Integer.MAX_VALUE}) {
      assertTrue(s.rate(1e-300, epoch, (long) epoch * STEPS_PER_EPOCH)
          >= LearningRateSchedule.MIN_RATE, "epoch " + epoch);
    }
  }

  @Test
  void scalesWithTheBaseRate() {
    LearningRateSchedule s = schedule();
    for (int epoch : new int[] {0, 7, 30, 120}) {
      long step = (long) epoch * STEPS_PER_EPOCH + 3;
      assertEquals(3 * s.rate(0.01, epoch, step), s.rate(0.03, epoch, step),
          1e-15 * s.rate(0.03, epoch, step));
    }
  }

  @Test
  void nameIsItsKindsLabel() {
    LearningRateSchedule s = schedule();
    assertEquals(s.name(), ScheduleKind.fromLabel(s.name()).label());
  }
}

package io.descent.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Exponential decay against the schedule contract. */
class ExponentialDecayTest extends LearningRateScheduleContractTest {
  @Override
  protected LearningRateSchedule schedule() {
    return LearningRateSchedule.exponential(0.95);
  }

  @Test
  void multipliesByGammaEachEpoch() {
    LearningRateSchedule s = schedule();
    assertEquals(2 * 0.95 * 0.95 * 0.95, s.rate(2, 3, 12345), 1e-15);
    assertEquals(s.rate(2, 3, 0), s.rate(2, 3, 99));
    assertEquals("ExponentialDecay[gamma=0.95]", s.toString());
  }

  /**
   * A decay of 0.01 underflows after 161 epochs: the rate stays at the floor, where a fit with
   * sgd stopped at epoch 161 with "learningRate must be finite and > 0, got 0.0" (exit 2).
   */
  @Test
  void aLongDecayStopsAtTheFloor() {
    LearningRateSchedule s = LearningRateSchedule.exponential(0.01);
    assertEquals(LearningRateSchedule.MIN_RATE, s.rate(0.01, 161, 0));
    assertEquals(LearningRateSchedule.MIN_RATE, s.rate(0.01, 10_000, 0));
    assertEquals(LearningRateSchedule.MIN_RATE, LearningRateSchedule.step(1, 0.5)
        .rate(0.01, 5_000, 0));
  }

  @Test
  void parameterIsChecked() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LearningRateSchedule.exponential(1.01));
    assertEquals("decay must be in (0, 1], got 1.01", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.exponential(0));
  }
}

package io.descent.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Inverse-square-root decay against the schedule contract. */
class InverseSqrtDecayTest extends LearningRateScheduleContractTest {
  @Override
  protected LearningRateSchedule schedule() {
    return LearningRateSchedule.inverseSqrt(100);
  }

  @Test
  void fallsLikeOneOverRootStep() {
    LearningRateSchedule s = schedule();
    assertEquals(1 / Math.sqrt(2), s.rate(1, 0, 100), 1e-15);
    assertEquals(0.5, s.rate(1, 0, 300), 1e-15);
    assertEquals(0.1, s.rate(1, 77, 9900), 1e-15);
    assertEquals("InverseSqrtDecay[decaySteps=100]", s.toString());
  }

  @Test
  void parameterIsChecked() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LearningRateSchedule.inverseSqrt(0));
    assertEquals("decayInterval must be >= 1, got 0", e.getMessage());
  }
}

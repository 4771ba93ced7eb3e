package io.descent.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Step decay against the schedule contract. */
class StepDecayTest extends LearningRateScheduleContractTest {
  @Override
  protected LearningRateSchedule schedule() {
    return LearningRateSchedule.step(10, 0.5);
  }

  @Test
  void dropsByTheFactorEveryInterval() {
    LearningRateSchedule s = schedule();
    assertEquals(1.0, s.rate(1, 9, 999));
    assertEquals(0.5, s.rate(1, 10, 0));
    assertEquals(0.25, s.rate(1, 29, 0));
    assertEquals(0.125, s.rate(1, 30, 0));
    assertEquals("StepDecay[everyEpochs=10, factor=0.5]", s.toString());
    assertEquals(java.util.Map.of("schedule", "step", "decay", 0.5, "decayInterval", 10),
        s.settings());
  }

  @Test
  void parametersAreChecked() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LearningRateSchedule.step(0, 0.5));
    assertEquals("decayInterval must be >= 1, got 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.step(5, 1.5));
    assertEquals("decay must be in (0, 1], got 1.5", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.step(5, 0));
    assertThrows(IllegalArgumentException.class,
        () -> LearningRateSchedule.step(5, Double.NaN));
  }
}

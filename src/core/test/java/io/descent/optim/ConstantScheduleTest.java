package io.descent.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The constant schedule against the contract. */
class ConstantScheduleTest extends LearningRateScheduleContractTest {
  @Override
  protected LearningRateSchedule schedule() {
    return LearningRateSchedule.constant();
  }

  @Test
  void isTheBaseRateThroughout() {
    assertEquals(0.25, schedule().rate(0.25, 1000, 1_000_000));
    assertEquals("Constant[]", schedule().toString());
  }
}

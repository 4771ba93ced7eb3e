package io.descent.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Median, min and max of repeated timings. */
class TimeStatsTest {
  @Test
  void oddCountTakesTheMiddleValue() {
    double[] s = {0.5, 0.1, 0.3};
    assertEquals(new TimeStats(0.3, 0.1, 0.5, 3), TimeStats.of(s));
    assertArrayEquals(new double[] {0.5, 0.1, 0.3}, s, "the input is not reordered");
  }

  @Test
  void evenCountAveragesTheTwoMiddleValues() {
    assertEquals(new TimeStats(0.25, 0.1, 0.4, 4), TimeStats.of(new double[] {0.4, 0.2, 0.1,
        0.3}));
    assertEquals(new TimeStats(2, 2, 2, 1), TimeStats.of(new double[] {2}));
  }

  @Test
  void inconsistentFiguresAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> TimeStats.of(new double[0]));
    assertThrows(IllegalArgumentException.class, () -> new TimeStats(1, 2, 3, 3));
    assertThrows(IllegalArgumentException.class, () -> new TimeStats(1, 0, 3, 0));
    assertThrows(IllegalArgumentException.class, () -> new TimeStats(Double.NaN, 0, 3, 1));
  }
}

package io.descent.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.descent.gradient.BackendKind;
import io.descent.loss.Loss;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The bench's settings: defaults, and messages naming the value and the rule. */
class BenchConfigTest {
  private static final Set<BackendKind> HOST = EnumSet.of(BackendKind.ND4J);

  @Test
  void defaultsSweepThreeSizesBothLossesEveryBackend() {
    BenchConfig c = BenchConfig.defaults();
    assertEquals(List.of(10_000, 100_000, 1_000_000), c.rows());
    assertEquals(List.of(64), c.features());
    assertEquals(List.of(Loss.LINEAR, Loss.LOGISTIC), c.losses());
    assertEquals(EnumSet.allOf(BackendKind.class), c.backends());
    assertEquals(3, c.warmup());
    assertEquals(15, c.repeats());
    assertEquals(42, c.seed());
    assertEquals(new FitProblem(200_000, 32, Loss.LOGISTIC), c.fit());
  }

  @Test
  void repeatedValuesAreRunOnce() {
    BenchConfig c = new BenchConfig(List.of(5, 3, 5), List.of(2, 2), List.of(Loss.LOGISTIC,
        Loss.LOGISTIC), HOST, null, 0, 1, 1, null);
    assertEquals(List.of(5, 3), c.rows());
    assertEquals(List.of(2), c.features());
    assertEquals(List.of(Loss.LOGISTIC), c.losses());
  }

  @Test
  void badValuesNameTheRule() {
    assertEquals("rows must be > 0, got 0", message(() -> new BenchConfig(List.of(10, 0),
        List.of(2), List.of(Loss.LINEAR), HOST, null, 0, 1, 1, null)));
    assertEquals("features must be > 0, got -3", message(() -> new BenchConfig(List.of(10),
        List.of(-3), List.of(Loss.LINEAR), HOST, null, 0, 1, 1, null)));
    assertEquals("warmup must be >= 0, got -1", message(() -> new BenchConfig(List.of(10),
        List.of(2), List.of(Loss.LINEAR), HOST, null, -1, 1, 1, null)));
    assertEquals("repeats must be >= 1, got 0", message(() -> new BenchConfig(List.of(10),
        List.of(2), List.of(Loss.LINEAR), HOST, null, 0, 0, 1, null)));
    assertEquals("backends must name at least one backend", message(() -> new BenchConfig(
        List.of(10), List.of(2), List.of(Loss.LINEAR), Set.of(), null, 0, 1, 1, null)));
    assertEquals("rows must list at least one value", message(() -> new BenchConfig(List.of(),
        List.of(2), List.of(Loss.LINEAR), HOST, null, 0, 1, 1, null)));
    assertEquals("fit rows must be > 0, got 0", message(() -> new FitProblem(0, 2,
        Loss.LINEAR)));
  }

  private static String message(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }
}

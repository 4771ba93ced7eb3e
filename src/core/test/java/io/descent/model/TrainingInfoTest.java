package io.descent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainingInfoTest {
  private static TrainingInfo with(long iterations, double l2, Map<String, Object> hyper) {
    return new TrainingInfo(0.5, "MAX_ITERATIONS", iterations, 0, "reference", "cpu", "float64",
        "GradientDescent[learningRate=0.1]", l2, true, 1, 0.25, Double.NaN, 10, hyper);
  }

  @Test
  void hyperparametersAreWidenedCopiedAndOrdered() {
    Map<String, Object> hyper = new LinkedHashMap<>();
    hyper.put("z", 3);
    hyper.put("a", 0.5f);
    hyper.put("m", "cosine");
    TrainingInfo t = with(5, 0, hyper);
    hyper.put("late", 1);
    assertEquals(Map.of("z", 3L, "a", 0.5, "m", "cosine"), t.hyperparameters());
    assertEquals(List.of("z", "a", "m"), List.copyOf(t.hyperparameters().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> t.hyperparameters().put("b", 1L));
    assertEquals(Map.of(), with(5, 0, null).hyperparameters());
    assertTrue(!with(5, 0, null).verified());
  }

  @Test
  void badValuesAreRejectedByName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> with(-1, 0, null));
    assertEquals("iterations must be >= 0, got -1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> with(1, Double.NaN, null));
    assertEquals("l2 must be finite and >= 0, got NaN", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> with(1, 0, Map.of("rate", Double.POSITIVE_INFINITY)));
    assertEquals("hyperparameter \"rate\" must be finite, got Infinity", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> with(1, 0, Map.of("list", List.of(1))));
    assertTrue(e.getMessage().startsWith("hyperparameter \"list\" must be a String, Boolean,"),
        e.getMessage());
  }

  @Test
  void moreHyperparametersAreAddedAfterTheOthers() {
    TrainingInfo t = new TrainingInfo(0.5, "MAX_ITERATIONS", 5, 0, "reference", "cpu",
        "float64", "sgd with learningRate=0.1", 0.1, true, 1, 0.25, Double.NaN, 10,
        Map.of("batchSize", 32L), 0.01, Map.of("name", "sgd", "learningRate", 0.1));
    TrainingInfo more = t.withHyperparameters(Map.of("dataFile", "/d.csv"));
    assertEquals(List.of("batchSize", "dataFile"),
        List.copyOf(more.hyperparameters().keySet()));
    assertEquals(t, new TrainingInfo(more.objective(), more.stopReason(), more.iterations(),
        more.epochs(), more.backend(), more.device(), more.precision(), more.optimizer(),
        more.l2(), more.standardized(), more.seed(), more.elapsedSeconds(), more.verification(),
        more.rows(), t.hyperparameters(), more.gradientNorm(), more.optimizerSettings()),
        "nothing else changes");
  }
}

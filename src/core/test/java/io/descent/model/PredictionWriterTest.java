package io.descent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.descent.data.BinaryLabels;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.loss.Loss;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionWriterTest {
  private static final Standardization S = new Standardization(new double[] {1, 10},
      new double[] {2, 5});

  @TempDir
  Path dir;

  private static Dataset data() {
    // With theta (0.5, 2, -1) and S the margins are 0.5, 0 and -3.5; no target (prediction input).
    return new Dataset("new.csv", List.of("a", "b"), null,
        new float[] {3, 20, 1, 12.5f, -1, 20}, new double[] {Double.NaN, Double.NaN,
            Double.NaN}, null);
  }

  private List<String> listing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void linearPredictionsReadBackExactly() throws IOException {
    LinearModel model = LinearModel.of(Loss.LINEAR, List.of("a", "b"), "y", null, S,
        new double[] {0.5, 2, -1});
    Path path = dir.resolve("pred.csv");
    PredictionWriter.write(path, model, data());
    List<String> lines = Files.readAllLines(path);
    assertEquals("prediction", lines.get(0));
    double[] expected = model.predict(data());
    assertEquals(expected.length + 1, lines.size());
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Double.doubleToRawLongBits(expected[i]),
          Double.doubleToRawLongBits(Double.parseDouble(lines.get(i + 1))), lines.get(i + 1));
    }
    assertEquals(List.of("pred.csv"), listing());
  }

  @Test
  void logisticPredictionsHaveProbabilityAndOriginalLabel() throws IOException {
    LinearModel model = LinearModel.of(Loss.LOGISTIC, List.of("a", "b"), "y",
        new BinaryLabels("ham", "spam"), S, new double[] {0.5, 2, -1});
    StringWriter out = new StringWriter();
    PredictionWriter.write(out, model, data());
    double[] p = model.predictProbability(data());
    assertEquals("probability,class\n"
        + p[0] + ",spam\n"
        + "0.5,ham\n"
        + p[2] + ",ham\n", out.toString());
    assertEquals(1 / (1 + Math.exp(-0.5)), p[0], 1e-16);
    assertEquals(1 / (1 + Math.exp(3.5)), p[2], 1e-16);
  }

  @Test
  void labelsAreQuotedWhenNeeded() throws IOException {
    LinearModel model = LinearModel.of(Loss.LOGISTIC, List.of("a", "b"), "y",
        new BinaryLabels("no, thanks", "say \"yes\""), S, new double[] {0.5, 2, -1});
    Path path = dir.resolve("pred.csv");
    PredictionWriter.write(path, model, data());
    List<String> lines = Files.readAllLines(path);
    assertEquals(",\"say \"\"yes\"\"\"", lines.get(1).substring(lines.get(1).indexOf(',')));
    assertEquals("0.5,\"no, thanks\"", lines.get(2));
    assertEquals("plain", PredictionWriter.csvField("plain"));
  }

  @Test
  void aMismatchedDatasetCreatesNoFileAndKeepsTheOldOne() throws IOException {
    LinearModel model = LinearModel.of(Loss.LINEAR, List.of("a", "c"), "y", null, S,
        new double[] {0.5, 2, -1});
    Path path = dir.resolve("pred.csv");
    Files.writeString(path, "old\n");
    assertThrows(IllegalArgumentException.class, () -> PredictionWriter.write(path, model,
        data()));
    assertEquals("old\n", Files.readString(path));
    assertEquals(List.of("pred.csv"), listing());
  }

  @Test
  void aFailedMoveLeavesNoTemporaryFile() throws IOException {
    LinearModel model = LinearModel.of(Loss.LINEAR, List.of("a", "b"), "y", null, S,
        new double[] {0.5, 2, -1});
    Path path = dir.resolve("pred.csv");
    Files.createDirectory(path);
    Files.writeString(path.resolve("x"), "x");
    assertThrows(IOException.class, () -> PredictionWriter.write(path, model, data()));
    assertEquals(List.of("pred.csv"), listing());
    assertEquals("x", Files.readString(path.resolve("x")));
  }
}

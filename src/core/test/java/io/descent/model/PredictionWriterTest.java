package io.descent.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.BinaryLabels;
import io.descent.data.CsvReader;
import io.descent.data.CsvRows;
import io.descent.data.DataFormatException;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.loss.Loss;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
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

  // --- streaming: predictions for the rows of a CSV file as they are read ---

  /** A model of the dataset's features with seeded parameters: any parameters will do. */
  private static LinearModel model(Loss loss, Dataset data) {
    Random random = new Random(7);
    double[] theta = new double[data.features() + 1];
    for (int j = 0; j < theta.length; j++) {
      theta[j] = random.nextGaussian();
    }
    return LinearModel.of(loss, data.featureNames(), data.targetName(),
        loss == Loss.LOGISTIC ? BinaryLabels.zeroOne() : null, Standardization.fit(data), theta);
  }

  private static CsvRows rows(String text) throws IOException {
    return new CsvRows(new StringReader(text), "new.csv", ',');
  }

  @Test
  void streamedLinearPredictionsAreTheDatasetsBitForBit() throws IOException {
    Path file = TestData.dir().resolve("diabetes.csv");
    Dataset data = new CsvReader(CsvReader.Options.numericTarget("progression")).read(file);
    LinearModel model = model(Loss.LINEAR, data);
    Path path = dir.resolve("pred.csv");
    try (CsvRows rows = CsvRows.open(file, ',')) {
      assertEquals(442, PredictionWriter.write(path, model, rows, List.of()));
    }
    List<String> lines = Files.readAllLines(path);
    assertEquals("prediction", lines.get(0));
    double[] expected = model.predict(data);
    assertEquals(expected.length + 1, lines.size());
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Double.doubleToRawLongBits(expected[i]),
          Double.doubleToRawLongBits(Double.parseDouble(lines.get(i + 1))), lines.get(i + 1));
    }
  }

  /** The predictions never replace the file their rows come from, a link to it included. */
  @Test
  void predictionsOverTheirInputAreRefused() throws IOException {
    Path file = Files.copy(TestData.dir().resolve("diabetes.csv"), dir.resolve("d.csv"));
    byte[] before = Files.readAllBytes(file);
    Dataset data = new CsvReader(CsvReader.Options.numericTarget("progression")).read(file);
    LinearModel model = model(Loss.LINEAR, data);
    assertThrows(IllegalArgumentException.class,
        () -> PredictionWriter.write(file, model, data));
    Path link = Files.createSymbolicLink(dir.resolve("link.csv"), file);
    assertThrows(IllegalArgumentException.class,
        () -> PredictionWriter.write(link, model, data));
    try (CsvRows rows = CsvRows.open(file, ',')) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> PredictionWriter.write(dir.resolve("./d.csv"), model, rows, List.of()));
      assertTrue(e.getMessage().contains("refusing to overwrite an input"), e.getMessage());
    }
    assertArrayEquals(before, Files.readAllBytes(file));
    PredictionWriter.write(dir.resolve("p.csv"), model, data); // elsewhere: written
    assertTrue(Files.size(dir.resolve("p.csv")) > 0);
  }

  @Test
  void streamedLogisticPredictionsAreTheDatasetsBitForBit() throws IOException {
    Path file = TestData.dir().resolve("spambase.csv");
    Dataset data = new CsvReader(CsvReader.Options.binaryTarget("spam")).read(file);
    LinearModel model = model(Loss.LOGISTIC, data);
    StringWriter out = new StringWriter();
    try (CsvRows rows = CsvRows.open(file, ',')) {
      assertEquals(4601, PredictionWriter.write(out, model, rows, List.of()));
    }
    List<String> lines = out.toString().lines().toList();
    assertEquals("probability,class", lines.get(0));
    double[] probability = model.predictProbability(data);
    double[] cls = model.predict(data);
    assertEquals(probability.length + 1, lines.size());
    int ones = 0;
    for (int i = 0; i < probability.length; i++) {
      String[] fields = lines.get(i + 1).split(",");
      assertEquals(Double.doubleToRawLongBits(probability[i]),
          Double.doubleToRawLongBits(Double.parseDouble(fields[0])), lines.get(i + 1));
      assertEquals((int) cls[i], Integer.parseInt(fields[1]), lines.get(i + 1));
      ones += (int) cls[i];
    }
    assertTrue(ones > 0 && ones < probability.length, "both classes predicted: " + ones);
  }

  @Test
  void copiedColumnsComeFirstAsTheirText() throws IOException {
    LinearModel model = LinearModel.of(Loss.LINEAR, List.of("a", "b"), "y", null, S,
        new double[] {0.5, 2, -1});
    StringWriter out = new StringWriter();
    try (CsvRows rows = rows("customer,b,date,a,note\n"
        + "\"Smith, J.\",20,2024-01-02,3,\"x\"\"y\"\n"
        + "Doe,12.5,2024-01-03,1,\n")) {
      assertEquals(2, PredictionWriter.write(out, model, rows, List.of("customer", "date", "a")));
    }
    assertEquals("customer,date,a,prediction\n"
        + "\"Smith, J.\",2024-01-02,3,0.5\n"
        + "Doe,2024-01-03,1,0.0\n", out.toString());
  }

  @Test
  void aCopiedColumnIsNamedAsTheHeaderSpellsIt() throws IOException {
    // " customer" finds the header's "customer" (names are read without the spaces around
    // them) and is written so: the output's header held " customer".
    LinearModel model = LinearModel.of(Loss.LINEAR, List.of("a", "b"), "y", null, S,
        new double[] {0.5, 2, -1});
    StringWriter out = new StringWriter();
    try (CsvRows rows = rows("customer,a,b\nDoe,1,2\n")) {
      PredictionWriter.write(out, model, rows, List.of(" customer"));
    }
    assertTrue(out.toString().startsWith("customer,prediction\n"), out.toString());
    try (CsvRows rows = rows("customer,a,b\nDoe,1,2\n")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> PredictionWriter.write(new StringWriter(), model, rows,
              List.of("customer", "customer ")));
      assertEquals("copied columns list \"customer\" twice", e.getMessage());
    }
  }

  @Test
  void anUnknownCopiedColumnOrFeatureCreatesNoFile() throws IOException {
    LinearModel model = LinearModel.of(Loss.LINEAR, List.of("a", "b"), "y", null, S,
        new double[] {0.5, 2, -1});
    Path path = dir.resolve("pred.csv");
    try (CsvRows rows = rows("id,a,b\nx,1,2\n")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> PredictionWriter.write(path, model, rows, List.of("ID")));
      assertEquals("new.csv has no column \"ID\" to copy; the columns are \"id\", \"a\", \"b\"",
          e.getMessage());
    }
    try (CsvRows rows = rows("id,a\nx,1\n")) {
      DataFormatException e = assertThrows(DataFormatException.class,
          () -> PredictionWriter.write(path, model, rows, List.of("id")));
      assertEquals("new.csv:1:0: no column \"b\" for a feature; the columns are \"id\", \"a\"",
          e.getMessage());
    }
    assertEquals(List.of(), listing());
  }

  @Test
  void aBadRowPartWayKeepsTheOldFileAndLeavesNoTemporaryFile() throws IOException {
    LinearModel model = LinearModel.of(Loss.LINEAR, List.of("a", "b"), "y", null, S,
        new double[] {0.5, 2, -1});
    Path path = dir.resolve("pred.csv");
    Files.writeString(path, "old\n");
    try (CsvRows rows = rows("a,b\n3,20\n1,12.5\n-1,NaN\n")) {
      DataFormatException e = assertThrows(DataFormatException.class,
          () -> PredictionWriter.write(path, model, rows, List.of()));
      assertEquals("new.csv:4:2: \"NaN\" is not a finite number in column \"b\"",
          e.getMessage());
    }
    assertEquals("old\n", Files.readString(path));
    assertEquals(List.of("pred.csv"), listing());
  }
}

package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.Descent;
import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.data.SyntheticData;
import io.descent.loss.Loss;
import io.descent.model.LinearModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code descent generate}: reproducible, and the generating model is recoverable. */
class GenerateTest {
  @TempDir
  Path dir;

  @Test
  void theSameSeedWritesByteIdenticalFiles() throws Exception {
    Path a = dir.resolve("a.csv");
    Path b = dir.resolve("b.csv");
    Path c = dir.resolve("c.csv");
    for (Path p : new Path[] {a, b}) {
      Cli r = Cli.run("generate", "--rows", "2000", "--features", "9", "--loss", "logistic",
          "--seed", "5", "--out", p.toString());
      assertEquals(0, r.code(), r.err());
    }
    assertEquals(0, Cli.run("generate", "--rows", "2000", "--features", "9", "--loss",
        "logistic", "--seed", "6", "--out", c.toString()).code());
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    assertFalse(Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
    assertEquals(2001, Files.readAllLines(a).size());
  }

  @Test
  void multinomialDataHasCClassesOnTheSameFeaturesAndReadsBackAsTheDatasetInMemory()
      throws Exception {
    Path m = dir.resolve("m.csv");
    Path l = dir.resolve("l.csv");
    Cli r = Cli.run("generate", "--rows", "3000", "--features", "4", "--loss", "multinomial",
        "--classes", "4", "--seed", "3", "--out", m.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("multinomial target (4 classes)"), r.out());
    assertEquals(0, Cli.run("generate", "--rows", "3000", "--features", "4", "--loss",
        "logistic", "--seed", "3", "--out", l.toString()).code());
    Dataset multi = new CsvReader(CsvReader.Options.classTarget("y")).read(m);
    Dataset logistic = new CsvReader(CsvReader.Options.binaryTarget("y")).read(l);
    assertArrayEquals(logistic.x(), multi.x(), "the features do not depend on the target");
    assertEquals(java.util.List.of("0", "1", "2", "3"),
        multi.classLabels().orElseThrow().labels());
    SyntheticData generator = new SyntheticData(3000, 4, 4, 3);
    Dataset memory = generator.dataset();
    assertArrayEquals(memory.x(), multi.x());
    assertArrayEquals(memory.y(), multi.y());
    // The summary names every class's generating margin, not class 0's alone.
    double[][] weights = generator.classWeights();
    assertEquals(4, weights.length);
    for (int c = 0; c < 4; c++) {
      String line = "  class " + c + ": intercept " + (c == 0 ? SyntheticData.INTERCEPT : 0.0)
          + ", weights " + java.util.Arrays.toString(weights[c]);
      assertTrue(r.out().contains(line), "no line \"" + line + "\" in " + r.out());
    }
    Cli wrong = Cli.run("generate", "--rows", "5", "--features", "2", "--loss", "logistic",
        "--classes", "3", "--out", dir.resolve("x.csv").toString());
    assertEquals(2, wrong.code());
    assertTrue(wrong.err().contains("--classes is for --loss multinomial, not logistic"),
        wrong.err());
    Cli one = Cli.run("generate", "--rows", "5", "--features", "2", "--loss", "multinomial",
        "--classes", "1", "--out", dir.resolve("x.csv").toString());
    assertEquals(2, one.code());
    assertTrue(one.err().contains("--classes must be between 2 and"), one.err());
  }

  @Test
  void linearFitRecoversTheGeneratingWeights() throws Exception {
    Path file = dir.resolve("lin.csv");
    assertEquals(0, Cli.run("generate", "--rows", "20000", "--features", "8", "--loss",
        "linear", "--seed", "11", "--out", file.toString()).code());
    Dataset data = new CsvReader(CsvReader.Options.numericTarget("y")).read(file);
    LinearModel model = Descent.linear().backend("reference").fit(data);
    double[] truth = new SyntheticData(20000, 8, Loss.LINEAR, 11).weights();
    double[] w = model.standardizedCoef();
    for (int j = 0; j < truth.length; j++) {
      // Standardized by the sample std (about 1) and 20000 rows of noise 0.5: error ~0.005.
      assertEquals(truth[j], w[j], 0.03, "weight " + j);
    }
    assertEquals(SyntheticData.INTERCEPT, model.standardizedIntercept(), 0.03);
    // Mixed scales: raw feature standard deviations span 1e-3 to 1e3.
    double[] scale = model.standardization().scale();
    assertTrue(Arrays.stream(scale).max().getAsDouble()
        / Arrays.stream(scale).min().getAsDouble() > 1e5);
  }

  @Test
  void zeroWeightsAreExactlyZeroAndLeaveTheFeaturesAsTheyWere() throws Exception {
    Path dense = dir.resolve("dense.csv");
    Path sparse = dir.resolve("sparse.csv");
    assertEquals(0, Cli.run("generate", "--rows", "300", "--features", "12", "--loss",
        "logistic", "--seed", "3", "--out", dense.toString()).code());
    Cli r = Cli.run("generate", "--rows", "300", "--features", "12", "--loss", "logistic",
        "--seed", "3", "--zero-weights", "5", "--out", sparse.toString());
    assertEquals(0, r.code(), r.err());
    double[] truth = new SyntheticData(300, 12, Loss.LOGISTIC, 3, 5).weights();
    double[] full = new SyntheticData(300, 12, Loss.LOGISTIC, 3).weights();
    int zeros = 0;
    for (int j = 0; j < 12; j++) {
      if (truth[j] == 0) {
        zeros++;
      } else {
        assertEquals(full[j], truth[j], 0.0, "weight " + j);
      }
    }
    assertEquals(5, zeros);
    assertTrue(r.out().contains(Arrays.toString(truth)), r.out());
    var a = Files.readAllLines(dense);
    var b = Files.readAllLines(sparse);
    for (int i = 0; i < a.size(); i++) {
      // Same features; only the target (the last column) may differ.
      assertEquals(a.get(i).substring(0, a.get(i).lastIndexOf(',')),
          b.get(i).substring(0, b.get(i).lastIndexOf(',')), "line " + (i + 1));
    }
    Cli bad = Cli.run("generate", "--rows", "3", "--features", "4", "--loss", "linear",
        "--zero-weights", "5", "--out", dir.resolve("y.csv").toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--zero-weights must be in 0..4"), bad.err());
  }

  @Test
  void badSizesAreUsageErrors() {
    Cli r = Cli.run("generate", "--rows", "0", "--features", "3", "--loss", "linear", "--out",
        dir.resolve("x.csv").toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--rows must be > 0"), r.err());
  }

  /**
   * A file larger than the room where it goes is refused before a byte is written (a typo of
   * 99999999999 rows wrote for ten minutes towards 4 TB); standard output is not checked.
   */
  @Test
  void aFileLargerThanTheFreeRoomIsRefusedBeforeWriting() throws Exception {
    Path huge = dir.resolve("huge.csv");
    Cli r = Cli.run("generate", "--rows", "9000000000000000", "--features", "3", "--loss",
        "linear", "--out", huge.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().startsWith("descent: " + huge + ": the CSV would take about "),
        r.err());
    assertTrue(r.err().strip().endsWith("free; nothing written (fewer --rows or --features, or"
        + " another --out)"), r.err());
    assertFalse(Files.exists(huge));
    // Past a long's bytes the estimate saturates: said as a bound, not as an estimate.
    Cli most = Cli.run("generate", "--rows", String.valueOf(Long.MAX_VALUE), "--features", "3",
        "--loss", "linear", "--out", huge.toString());
    assertEquals(1, most.code(), most.err());
    assertTrue(most.err().startsWith("descent: " + huge + ": the CSV would take more than"
        + " 8388608.00 TiB and "), most.err());
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "no temporary file either");
    }
  }
}

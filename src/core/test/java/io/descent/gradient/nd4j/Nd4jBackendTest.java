package io.descent.gradient.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.BackendKind;
import io.descent.gradient.Batch;
import io.descent.gradient.Evaluation;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.GradientBackendContractTest;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The ND4J backend against the contract, a real dataset, and its own promises. */
class Nd4jBackendTest extends GradientBackendContractTest {
  @Override
  protected GradientBackend open(Dataset data, Standardization standardization, Loss loss) {
    return Nd4jBackend.open(data, standardization, loss);
  }

  private static double[] theta(int d, long seed) {
    Random rnd = new Random(seed);
    double[] t = new double[d + 1];
    for (int j = 0; j <= d; j++) {
      t[j] = rnd.nextGaussian() / Math.sqrt(d + 1.0);
    }
    return t;
  }

  private static int[] shuffled(int n, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Random rnd = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int k = rnd.nextInt(i + 1);
      int t = order[i];
      order[i] = order[k];
      order[k] = t;
    }
    return order;
  }

  private static void assertClose(Evaluation expected, Evaluation actual, double tolerance,
      String where) {
    double gradErr = relativeError(actual.gradient(), expected.gradient());
    double lossErr = Math.abs(actual.loss() - expected.loss()) / Math.abs(expected.loss());
    assertTrue(gradErr <= tolerance, where + ": gradient relative error " + gradErr);
    assertTrue(lossErr <= tolerance, where + ": loss relative error " + lossErr);
  }

  @Test
  void namesWhatRan() {
    Dataset data = randomData(10, 3, Loss.LINEAR, 31);
    try (Nd4jBackend b = Nd4jBackend.open(data, Standardization.fit(data), Loss.LINEAR)) {
      assertEquals(BackendKind.ND4J, b.info().kind());
      assertEquals("float32", b.info().precision());
      assertTrue(b.info().device().contains(" via ND4J/"), b.info().device());
      assertEquals(10, b.rows());
      assertEquals(3, b.features());
    }
  }

  @Test
  void chunkRowsFollowTheFeatureCount() {
    assertEquals(1024, Nd4jBackend.chunkRows(1));
    assertEquals(1024, Nd4jBackend.chunkRows(64));
    assertEquals(512, Nd4jBackend.chunkRows(100));
    assertEquals(64, Nd4jBackend.chunkRows(1000));
    assertEquals(32, Nd4jBackend.chunkRows(2048));
    assertEquals(32, Nd4jBackend.chunkRows(100_000));
  }

  /** Many chunks, batches that start and end inside chunks, and shuffled rows. */
  @ParameterizedTest
  @EnumSource(value = Loss.class, names = {"LINEAR", "LOGISTIC"})
  void agreesAcrossChunkBoundaries(Loss loss) {
    Dataset data = randomData(5000, 9, loss, 32);
    Standardization s = Standardization.fit(data);
    ReferenceBackend ref = new ReferenceBackend(data, s, loss);
    double[] theta = theta(9, 33);
    int[] order = shuffled(5000, 34);
    List<Batch> batches = List.of(Batch.all(5000), new Batch(null, 1000, 1024),
        new Batch(null, 777, 4321), new Batch(order, 0, 5000), new Batch(order, 1500, 3333));
    try (Nd4jBackend b = Nd4jBackend.open(data, s, loss, 2)) {
      for (Batch batch : batches) {
        assertClose(ref.evaluate(theta, batch), b.evaluate(theta, batch), b.tolerance(),
            loss + " batch " + batch.from() + ".." + batch.to());
      }
    }
  }

  /**
   * Workers claim chunks in whatever order they get to them, but every chunk's sums are the same
   * whoever computed them, and they are added in chunk order.
   */
  @Test
  void resultsDoNotDependOnTheWorkersOrTheirTiming() {
    Dataset data = randomData(9000, 11, Loss.LOGISTIC, 35);
    Standardization s = Standardization.fit(data);
    double[] theta = theta(11, 36);
    int[] order = shuffled(9000, 37);
    List<Batch> batches = List.of(Batch.all(9000), new Batch(null, 5, 8001),
        new Batch(order, 100, 9000));
    try (Nd4jBackend one = Nd4jBackend.open(data, s, Loss.LOGISTIC, 1);
        Nd4jBackend three = Nd4jBackend.open(data, s, Loss.LOGISTIC, 3)) {
      for (Batch batch : batches) {
        Evaluation a = one.evaluate(theta, batch);
        for (int repeat = 0; repeat < 5; repeat++) {
          Evaluation b = three.evaluate(theta, batch);
          assertEquals(a.loss(), b.loss(), 0.0);
          assertArrayEquals(a.gradient(), b.gradient(), 0.0);
        }
      }
    }
  }

  /**
   * Chunked float32 sums keep the error independent of n: 300,000 rows are as accurate as 1,000.
   */
  @Test
  void manyRowsStayWithinTolerance() {
    Dataset data = randomData(300_000, 8, Loss.LOGISTIC, 38);
    Standardization s = Standardization.fit(data);
    ReferenceBackend ref = new ReferenceBackend(data, s, Loss.LOGISTIC);
    double[] theta = theta(8, 39);
    try (Nd4jBackend b = Nd4jBackend.open(data, s, Loss.LOGISTIC)) {
      assertClose(ref.evaluate(theta, Batch.all(300_000)), b.evaluate(theta, Batch.all(300_000)),
          b.tolerance(), "300000 x 8");
    }
  }

  @ParameterizedTest
  @EnumSource(value = Loss.class, names = {"LINEAR", "LOGISTIC"})
  void interceptOnlyModelHasNoFeatures(Loss loss) {
    double[] y = {0, 1, 1, 0, 1};
    Dataset data = new Dataset("none", List.of(), "y", new float[0], y, null);
    Standardization s = Standardization.identity(0);
    double[] theta = {0.3};
    try (Nd4jBackend b = Nd4jBackend.open(data, s, loss)) {
      assertClose(new ReferenceBackend(data, s, loss).evaluate(theta, Batch.all(5)),
          b.evaluate(theta, Batch.all(5)), b.tolerance(), "d = 0");
    }
  }

  @Test
  void rejectsWhatItCannotEvaluate() {
    Dataset data = randomData(20, 2, Loss.LINEAR, 40);
    Standardization s = Standardization.fit(data);
    assertThrows(IllegalArgumentException.class,
        () -> Nd4jBackend.open(data, s, Loss.LINEAR, 0));
    assertThrows(IllegalArgumentException.class,
        () -> Nd4jBackend.open(data, Standardization.identity(3), Loss.LINEAR));
    Nd4jBackend b = Nd4jBackend.open(data, s, Loss.LINEAR);
    assertThrows(IllegalArgumentException.class,
        () -> b.evaluate(new double[2], Batch.all(20)));
    assertThrows(IllegalArgumentException.class,
        () -> b.evaluate(new double[3], new Batch(null, 10, 21)));
    assertThrows(IndexOutOfBoundsException.class,
        () -> b.evaluate(new double[3], new Batch(new int[] {0, 20}, 0, 2)));
    b.close();
    IllegalStateException closed = assertThrows(IllegalStateException.class,
        () -> b.evaluate(new double[3], Batch.all(20)));
    assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    b.close();
  }

  /**
   * Spambase (4601 x 57, badly conditioned, raw counts up to 15841) at the origin, a random point
   * and the L2-penalized optimum of {@code datasets/reference.json}. At that optimum the data
   * gradient must equal {@code -lambda (0, w)}: a check against ground truth, not only against the
   * reference backend.
   */
  @Test
  void spambaseLogisticAgreesWithTheReference() throws IOException {
    Path dir = Path.of(System.getProperty("descent.datasets", "datasets"));
    Dataset data = readCsv(dir.resolve("spambase.csv"));
    assertEquals(4601, data.rows());
    assertEquals(57, data.features());
    Standardization s = Standardization.fit(data);

    JsonNode l2 = new ObjectMapper().readTree(dir.resolve("reference.json").toFile())
        .path("spambase").path("full").path("logistic_l2_lambda_1e-2");
    double lambda = 0.01;
    double[] optimum = new double[58];
    optimum[0] = l2.path("intercept").asDouble();
    for (int j = 0; j < 57; j++) {
      optimum[j + 1] = l2.path("coef").path(j).asDouble();
    }
    assertTrue(optimum[0] != 0 && optimum[57] != 0, "optimum read from reference.json");

    ReferenceBackend ref = new ReferenceBackend(data, s, Loss.LOGISTIC);
    int[] order = shuffled(4601, 41);
    try (Nd4jBackend b = Nd4jBackend.open(data, s, Loss.LOGISTIC)) {
      for (double[] theta : List.of(new double[58], theta(57, 42), optimum)) {
        for (Batch batch : List.of(Batch.all(4601), new Batch(order, 0, 2048))) {
          assertClose(ref.evaluate(theta, batch), b.evaluate(theta, batch), b.tolerance(),
              "spambase at " + Arrays.toString(Arrays.copyOf(theta, 2)) + "... batch "
                  + batch.from() + ".." + batch.to());
        }
      }
      double[] g = b.evaluate(optimum, Batch.all(4601)).gradient();
      double[] expected = new double[58];
      for (int j = 1; j <= 57; j++) {
        expected[j] = -lambda * optimum[j];
      }
      double err = 0;
      for (int j = 0; j <= 57; j++) {
        err = Math.max(err, Math.abs(g[j] - expected[j]));
      }
      assertTrue(err < 1e-6, "data gradient at the L2 optimum is off -lambda w by " + err);
      assertEquals(l2.path("train").path("mean_log_loss").asDouble(),
          b.evaluate(optimum, Batch.all(4601)).loss(), 1e-6);
    }
  }

  /** A header, then numeric rows with the target last: enough for the shipped datasets. */
  private static Dataset readCsv(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    String[] header = lines.get(0).split(",");
    int d = header.length - 1;
    List<String> rows = lines.subList(1, lines.size()).stream()
        .filter(line -> !line.isBlank()).toList();
    float[] x = new float[rows.size() * d];
    double[] y = new double[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      String[] cells = rows.get(i).split(",");
      assertEquals(d + 1, cells.length, file + ":" + (i + 2) + ": cell count");
      for (int j = 0; j < d; j++) {
        x[i * d + j] = Float.parseFloat(cells[j].strip());
      }
      y[i] = Double.parseDouble(cells[d].strip());
    }
    return new Dataset(file.getFileName().toString(), Arrays.asList(header).subList(0, d),
        header[d], x, y, null);
  }
}

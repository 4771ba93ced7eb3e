package io.descent.gradient.nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.BackendKind;
import io.descent.gradient.Backends;
import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.Columns;
import io.descent.gradient.Evaluation;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.GradientBackendContractTest;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import io.descent.train.ReferenceProblems;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ND4J backend's many-column (GEMM) path against the reference: K columns, softmax groups,
 * positive classes, folds, row weights, class-weight tables, contiguous and shuffled batches.
 *
 * <p>Errors are judged as {@code --verify-every} judges them: per group,
 * {@code ||g - g_ref|| / ||g_scale||} and {@code |L - L_ref| / L_scale} with the scales of
 * {@link ReferenceBackend#evaluateColumnsScaled}, each within the backend's tolerance. At the
 * random points used here the gradients are far from 0, so the plain relative error of the
 * whole gradient is held to the same bound too.
 */
class Nd4jColumnsTest {
  private static Dataset read(String name, String target) throws IOException {
    return new CsvReader(CsvReader.Options.numericTarget(target))
        .read(ReferenceProblems.datasets().resolve(name + ".csv"));
  }

  private static Dataset iris() throws IOException {
    return read("iris", "species");
  }

  private static Dataset digits() throws IOException {
    return read("digits", "digit");
  }

  private static double[] random(int n, long seed, double scale) {
    Random r = new Random(seed);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = scale * r.nextGaussian();
    }
    return v;
  }

  /** Parameters for K columns of d features, entries of size about 1/sqrt(d + 1). */
  private static double[] parameters(int d, int k, long seed) {
    return random((d + 1) * k, seed, 1.0 / Math.sqrt(d + 1.0));
  }

  /** Weights in [0, 3), about one in seven exactly 0. */
  private static double[] weights(int n, long seed) {
    Random r = new Random(seed);
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = r.nextInt(7) == 0 ? 0 : 3 * r.nextDouble();
    }
    w[0] = 1;
    return w;
  }

  private static int[] folds(int n, int folds, long seed) {
    Random r = new Random(seed);
    int[] f = new int[n];
    for (int i = 0; i < n; i++) {
      f[i] = r.nextInt(folds);
    }
    return f;
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

  /** Random features as the contract test makes them, with y a class in 0..classes-1. */
  private static Dataset classes(int n, int d, int classes, long seed) {
    Dataset data = GradientBackendContractTest.randomData(n, d, Loss.LINEAR, seed);
    Random r = new Random(seed + 1);
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(classes);
    }
    return new Dataset("classes", data.featureNames(), "y", data.x(), y, null);
  }

  /** A full batch, an odd contiguous one, and two odd shuffled ones. */
  private static List<Batch> batches(int n, long seed) {
    int[] order = shuffled(n, seed);
    return List.of(Batch.all(n), new Batch(null, n / 7, n - n / 5 + 1), new Batch(order, 0, n),
        new Batch(order, n / 3, n - 1));
  }

  /**
   * Evaluates on a fresh ND4J backend with the given workers and asserts agreement with the
   * reference on every batch; returns the last evaluation.
   */
  private static BatchedEvaluation assertAgrees(Dataset data, Standardization s,
      Columns columns, double[] w, List<Batch> batches, int threads, String where) {
    ReferenceBackend ref = new ReferenceBackend(data, s, columns);
    BatchedEvaluation last = null;
    try (Nd4jBackend b = Nd4jBackend.open(data, s, columns, threads)) {
      assertEquals(columns, b.columns());
      for (Batch batch : batches) {
        last = b.evaluateColumns(w, batch);
        assertAgrees(ref.evaluateColumnsScaled(w, batch), last, b.tolerance(), columns.groups(),
            columns.classes(), where + " batch " + batch.from() + ".." + batch.to()
                + (batch.contiguous() ? "" : " shuffled"));
      }
    }
    return last;
  }

  private static void assertAgrees(ReferenceBackend.ScaledColumns expected,
      BatchedEvaluation actual, double tolerance, int groups, int classes, String where) {
    BatchedEvaluation r = expected.evaluation();
    assertEquals(r.columns(), actual.columns(), where);
    assertEquals(r.gradient().length, actual.gradient().length, where);
    int p = r.parameters();
    for (int g = 0; g < groups; g++) {
      assertEquals(r.weight()[g], actual.weight()[g], 1e-12 * r.weight()[g],
          where + " group " + g + " weight");
      double diff = 0;
      double scale = 0;
      for (int j = g * classes * p; j < (g + 1) * classes * p; j++) {
        double e = actual.gradient()[j] - r.gradient()[j];
        diff += e * e;
        scale += expected.gradientScale()[j] * expected.gradientScale()[j];
      }
      if (r.weight()[g] == 0) {
        assertEquals(0.0, diff, 0.0, where + " group " + g + " has no rows");
        assertEquals(0.0, actual.loss()[g], 0.0, where + " group " + g + " has no rows");
        continue;
      }
      double gradientError = Math.sqrt(diff / scale);
      double lossError = Math.abs(actual.loss()[g] - r.loss()[g]) / expected.lossScale()[g];
      assertTrue(gradientError <= tolerance,
          where + " group " + g + ": scaled gradient error " + gradientError);
      assertTrue(lossError <= tolerance, where + " group " + g + ": scaled loss error "
          + lossError);
    }
    double relative = GradientBackendContractTest.relativeError(actual.gradient(), r.gradient());
    assertTrue(relative <= tolerance, where + ": relative gradient error " + relative);
  }

  @ParameterizedTest
  @EnumSource(value = Loss.class, names = {"LINEAR", "LOGISTIC"})
  void oneWeightedColumnTakesTheBatchedPath(Loss loss) {
    Dataset data = GradientBackendContractTest.randomData(3001, 7, loss, 1)
        .withWeights(weights(3001, 2));
    Standardization s = Standardization.fit(data);
    double[] w = parameters(7, 1, 3);
    assertAgrees(data, s, Columns.single(loss), w, batches(3001, 4), 2, loss + " K=1 weighted");
    // evaluate() is the weighted evaluation of the one column.
    ReferenceBackend ref = new ReferenceBackend(data, s, loss);
    try (Nd4jBackend b = Nd4jBackend.open(data, s, loss)) {
      Evaluation e = b.evaluate(w, Batch.all(3001));
      Evaluation r = ref.evaluate(w, Batch.all(3001));
      assertTrue(GradientBackendContractTest.relativeError(e.gradient(), r.gradient())
          <= b.tolerance());
      assertEquals(r.loss(), e.loss(), b.tolerance() * r.loss());
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 16, 64})
  void manyLinearAndLogisticColumns(int k) {
    for (Loss loss : new Loss[] {Loss.LINEAR, Loss.LOGISTIC}) {
      Dataset data = GradientBackendContractTest.randomData(2501, 9, loss, 10 + k);
      Standardization s = Standardization.fit(data);
      assertAgrees(data, s, Columns.of(loss, k), parameters(9, k, 11 + k), batches(2501, 12),
          2, loss + " K=" + k);
    }
  }

  @Test
  void everyColumnIsItsOwnSingleEvaluation() {
    Dataset data = GradientBackendContractTest.randomData(1500, 6, Loss.LOGISTIC, 20);
    Standardization s = Standardization.fit(data);
    int p = 7;
    double[] w = parameters(6, 16, 21);
    Batch batch = new Batch(shuffled(1500, 22), 3, 1400);
    try (Nd4jBackend many = Nd4jBackend.open(data, s, Columns.of(Loss.LOGISTIC, 16), 2);
        Nd4jBackend one = Nd4jBackend.open(data, s, Loss.LOGISTIC, 2)) {
      BatchedEvaluation all = many.evaluateColumns(w, batch);
      for (int k = 0; k < 16; k++) {
        double[] theta = java.util.Arrays.copyOfRange(w, k * p, (k + 1) * p);
        Evaluation e = one.evaluate(theta, batch);
        assertTrue(GradientBackendContractTest.relativeError(all.column(k), e.gradient())
            <= 2 * many.tolerance(), "column " + k);
        assertEquals(e.loss(), all.loss()[k], 2 * many.tolerance() * e.loss());
        assertEquals(1397, all.weight()[k], 0.0);
      }
    }
  }

  @Test
  void positiveClassesFoldsAndWeights() throws IOException {
    Dataset data = digits();
    int n = data.rows();
    Dataset weighted = data.withWeights(weights(n, 30));
    Standardization s = Standardization.fit(data);
    int[] positive = new int[16];
    int[] held = new int[16];
    for (int g = 0; g < 16; g++) {
      positive[g] = g % 10;
      held[g] = g % 5 - 1;
    }
    Columns columns = Columns.positives(positive).withFolds(folds(n, 4, 31), held);
    double[] w = parameters(64, 16, 32);
    assertAgrees(data, s, columns, w, batches(n, 33), 2, "digits one-vs-rest with folds");
    assertAgrees(weighted, s, columns, w, batches(n, 34), 3,
        "digits one-vs-rest with folds and weights");
  }

  /**
   * Per-group class-weight tables: one-vs-rest with folds, row weights and a zero class weight;
   * binary models that each weigh labels 0 and 1; multinomial groups with a table.
   */
  @Test
  void classWeightTables() throws IOException {
    Dataset data = digits();
    int n = data.rows();
    Dataset weighted = data.withWeights(weights(n, 120));
    Standardization s = Standardization.fit(data);
    int[] positive = new int[8];
    int[] held = new int[8];
    double[] table = new double[8 * 10];
    Random r = new Random(121);
    for (int g = 0; g < 8; g++) {
      positive[g] = (3 * g) % 10;
      held[g] = g % 4 - 1;
      for (int c = 0; c < 10; c++) {
        table[g * 10 + c] = (g + c) % 6 == 0 ? 0 : 0.1 + 3 * r.nextDouble();
      }
    }
    Columns ovr = Columns.positives(positive).withFolds(folds(n, 3, 122), held)
        .withClassWeights(10, table);
    assertAgrees(weighted, s, ovr, parameters(64, 8, 123), batches(n, 124), 2,
        "digits one-vs-rest with folds, weights and class weights");
    Dataset binary = GradientBackendContractTest.randomData(2001, 9, Loss.LOGISTIC, 125)
        .withWeights(weights(2001, 126));
    assertAgrees(binary, Standardization.fit(binary), Columns.of(Loss.LOGISTIC, 4)
        .withClassWeights(2, new double[] {1, 3, 0.5, 0.5, 0, 2, 2.5, 1}),
        parameters(9, 4, 127), batches(2001, 128), 3, "binary K=4 with class weights");
    Columns softmax = Columns.multinomial(10, 2).withFolds(folds(n, 2, 129), new int[] {0, -1})
        .withClassWeights(10, java.util.Arrays.copyOf(table, 20));
    assertAgrees(weighted, s, softmax, parameters(64, 20, 130), batches(n, 131), 2,
        "digits C=10, 2 groups with folds, weights and class weights");
  }

  @Test
  void multinomialIris() throws IOException {
    Dataset data = iris();
    int n = data.rows();
    Standardization s = Standardization.fit(data);
    assertAgrees(data, s, Columns.multinomial(3), parameters(4, 3, 40), batches(n, 41), 2,
        "iris C=3");
    Columns folded = Columns.multinomial(3, 5).withFolds(folds(n, 4, 42),
        new int[] {0, 1, 2, 3, -1});
    assertAgrees(data.withWeights(weights(n, 43)), s, folded, parameters(4, 15, 44),
        batches(n, 45), 2, "iris C=3, 5 groups with folds and weights");
  }

  @Test
  void multinomialDigits() throws IOException {
    Dataset data = digits();
    int n = data.rows();
    Standardization s = Standardization.fit(data);
    assertAgrees(data, s, Columns.multinomial(10), parameters(64, 10, 50), batches(n, 51), 2,
        "digits C=10");
    Columns folded = Columns.multinomial(10, 3).withFolds(folds(n, 3, 52),
        new int[] {2, 0, 1});
    assertAgrees(data.withWeights(weights(n, 53)), s, folded, parameters(64, 30, 54),
        batches(n, 55), 2, "digits C=10, 3 groups with folds and weights");
  }

  @Test
  void oneFeatureAndNone() {
    Dataset one = classes(777, 1, 4, 60).withWeights(weights(777, 61));
    assertAgrees(one, Standardization.fit(one), Columns.multinomial(4, 2), parameters(1, 8, 62),
        batches(777, 63), 2, "d=1 multinomial");
    Dataset lin = GradientBackendContractTest.randomData(555, 1, Loss.LINEAR, 64);
    assertAgrees(lin, Standardization.fit(lin), Columns.of(Loss.LINEAR, 16),
        parameters(1, 16, 65), batches(555, 66), 2, "d=1 linear K=16");
    Dataset none = new Dataset("none", List.of(), "y", new float[0],
        new double[] {0, 2, 1, 1, 0, 2, 2}, null).withWeights(new double[] {1, 2, 0, 1, 3, 1, 1});
    assertAgrees(none, Standardization.identity(0), Columns.multinomial(3), new double[] {0.3,
        -0.2, 0.5}, List.of(Batch.all(7), new Batch(new int[] {6, 5, 4, 3, 2, 1, 0}, 1, 6)), 1,
        "d=0 multinomial");
  }

  /** 1000 features: 64 rows per chunk, and at K=64 the chunks' sums run in several waves. */
  @Test
  void wideDataInWaves() {
    Dataset data = GradientBackendContractTest.randomData(2000, 1000, Loss.LOGISTIC, 70);
    Standardization s = Standardization.fit(data);
    Columns columns = Columns.of(Loss.LOGISTIC, 64);
    double[] w = parameters(1000, 64, 71);
    try (Nd4jBackend b = Nd4jBackend.open(data, s, columns, 2)) {
      assertEquals(64, b.chunkRows());
    }
    assertTrue(2000 / 64 > Nd4jBackend.WAVE_DOUBLES / (64 * 1001 + 128), "several waves");
    int[] order = shuffled(2000, 72);
    assertAgrees(data, s, columns, w, List.of(Batch.all(2000), new Batch(order, 11, 1999)), 2,
        "2000 x 1000 logistic K=64");
  }

  /** Same call twice, and with 1 or 3 workers: the same bits. */
  @Test
  void resultsAreReproducibleBitForBit() throws IOException {
    Dataset data = digits().withWeights(weights(1797, 80));
    Standardization s = Standardization.fit(data);
    Columns columns = Columns.multinomial(10, 2).withFolds(folds(1797, 2, 81), new int[] {0, 1});
    double[] w = parameters(64, 20, 82);
    List<Batch> batches = batches(1797, 83);
    try (Nd4jBackend one = Nd4jBackend.open(data, s, columns, 1);
        Nd4jBackend three = Nd4jBackend.open(data, s, columns, 3)) {
      for (Batch batch : batches) {
        BatchedEvaluation a = one.evaluateColumns(w, batch);
        for (int repeat = 0; repeat < 3; repeat++) {
          BatchedEvaluation b = three.evaluateColumns(w, batch);
          assertArrayEquals(a.loss(), b.loss(), 0.0);
          assertArrayEquals(a.gradient(), b.gradient(), 0.0);
          assertArrayEquals(a.weight(), b.weight(), 0.0);
        }
      }
    }
  }

  /** A group whose fold holds every row of the batch has weight, loss and gradient 0. */
  @Test
  void aGroupWithoutRowsInTheBatchIsZero() {
    Dataset data = GradientBackendContractTest.randomData(400, 3, Loss.LOGISTIC, 90);
    int[] fold = new int[400];
    for (int i = 200; i < 400; i++) {
      fold[i] = 1;
    }
    Columns columns = Columns.of(Loss.LOGISTIC, 2).withFolds(fold, new int[] {0, 1});
    BatchedEvaluation e = assertAgrees(data, Standardization.fit(data), columns,
        parameters(3, 2, 91), List.of(new Batch(null, 10, 190)), 1, "held-out batch");
    assertEquals(0.0, e.weight()[0], 0.0);
    assertEquals(180.0, e.weight()[1], 0.0);
  }

  @Test
  void backendsOpensNd4jOnAnyColumns() throws IOException {
    Dataset data = iris().withWeights(weights(150, 100));
    Standardization s = Standardization.fit(data);
    try (GradientBackend b = Backends.open(BackendKind.ND4J, data, s, Columns.multinomial(3),
        null)) {
      assertEquals(BackendKind.ND4J, b.info().kind());
      assertEquals(3, b.columns().count());
      IllegalStateException single = assertThrows(IllegalStateException.class,
          () -> b.evaluate(new double[5], Batch.all(150)));
      assertTrue(single.getMessage().contains("3 columns"), single.getMessage());
    }
  }

  @Test
  void rejectsWhatItCannotEvaluate() throws IOException {
    Dataset data = iris();
    Standardization s = Standardization.fit(data);
    assertThrows(IllegalArgumentException.class,
        () -> Nd4jBackend.open(data, s, Columns.multinomial(2)));
    Nd4jBackend b = Nd4jBackend.open(data, s, Columns.multinomial(3));
    IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
        () -> b.evaluateColumns(new double[5], Batch.all(150)));
    assertTrue(length.getMessage().contains("5 x 3"), length.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> b.evaluateColumns(new double[15], new Batch(null, 0, 151)));
    assertThrows(IndexOutOfBoundsException.class,
        () -> b.evaluateColumns(new double[15], new Batch(new int[] {0, 150}, 0, 2)));
    b.close();
    assertThrows(IllegalStateException.class,
        () -> b.evaluateColumns(new double[15], Batch.all(150)));
  }
}

package io.descent.gradient.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
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
import io.descent.gradient.OpenClOptions;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import io.descent.train.ReferenceProblems;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The batched OpenCL kernels (gradient_cpu_columns.cl, gradient_gpu_columns.cl) against the
 * reference, in both layouts and both precisions: K from 1 (weighted) to 64, the three losses,
 * positive classes, folds, row weights, per-group class-weight tables, contiguous and shuffled
 * batches, row counts that are no multiple of the kernels' blocks and feature counts that are no
 * multiple of their vectors. Each
 * column must be within the backend's tolerance, measured against the reference's error scales
 * ({@link ReferenceBackend#evaluateColumnsScaled}) as {@code --verify-every} measures it.
 */
class OpenClColumnsTest {
  @BeforeEach
  void requireOpenCl() {
    OpenClAvailability.require();
  }

  /** Features as randomData makes them, with the targets {@code target} gives each margin. */
  private static Dataset data(int n, int d, long seed, int classes, double[] weights) {
    Dataset base = GradientBackendContractTest.randomData(n, d, Loss.LINEAR, seed);
    double[] y = base.y().clone();
    if (classes > 0) {
      Random r = new Random(seed + 1);
      for (int i = 0; i < n; i++) {
        // Classes that depend on the features (so margins matter) with some noise.
        double v = base.x()[i * d] * 7.3 + r.nextGaussian();
        y[i] = Math.floorMod((long) Math.floor(v + 100 * classes), classes);
      }
    }
    return new Dataset("random", base.featureNames(), "y", base.x(), y, null)
        .withWeights(weights);
  }

  private static double[] weights(int n, long seed) {
    Random r = new Random(seed);
    double[] w = new double[n];
    for (int i = 0; i < n; i++) {
      w[i] = r.nextInt(7) == 0 ? 0 : 3 * r.nextDouble();
    }
    w[0] = 1.5;
    return w;
  }

  private static int[] folds(int n, int k, long seed) {
    Random r = new Random(seed);
    int[] f = new int[n];
    for (int i = 0; i < n; i++) {
      f[i] = r.nextInt(k);
    }
    return f;
  }

  private static double[] parameters(int d, int k, long seed) {
    Random r = new Random(seed);
    double[] w = new double[(d + 1) * k];
    for (int j = 0; j < w.length; j++) {
      w[j] = 1.5 * r.nextGaussian() / Math.sqrt(d + 1.0);
    }
    return w;
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

  private static OpenClOptions options(String layout, String precision) {
    return new OpenClOptions(null, layout, precision);
  }

  /** The batches every case runs: all rows, a contiguous range, two shuffled ranges. */
  private static List<Batch> batches(int n) {
    int[] order = shuffled(n, n);
    List<Batch> all = new ArrayList<>();
    all.add(Batch.all(n));
    all.add(new Batch(null, n / 7, n - n / 5));
    all.add(new Batch(order, 0, Math.max(1, n / 3)));
    all.add(new Batch(order, n / 4, n));
    return all;
  }

  /** Asserts every group's loss and weight and every column's gradient against the reference. */
  static void assertAgrees(GradientBackend b, ReferenceBackend ref, double[] w, Batch batch,
      String where) {
    BatchedEvaluation e = b.evaluateColumns(w, batch);
    ReferenceBackend.ScaledColumns s = ref.evaluateColumnsScaled(w, batch);
    BatchedEvaluation r = s.evaluation();
    Columns columns = ref.columns();
    String what = b.info().summary() + " " + columns + " " + where + " batch " + batch.from()
        + ".." + batch.to() + (batch.contiguous() ? "" : " shuffled");
    int p = b.features() + 1;
    for (int g = 0; g < columns.groups(); g++) {
      assertEquals(r.weight()[g], e.weight()[g], 1e-15 * Math.abs(r.weight()[g]),
          what + ": weight of group " + g);
      double lossError = Math.abs(e.loss()[g] - r.loss()[g])
          / Math.max(s.lossScale()[g], Double.MIN_NORMAL);
      assertTrue(lossError <= b.tolerance(), what + ": group " + g + " loss " + e.loss()[g]
          + " against " + r.loss()[g] + ", scaled error " + lossError);
    }
    for (int k = 0; k < columns.count(); k++) {
      double diff = 0;
      double scale = 0;
      for (int j = k * p; j < (k + 1) * p; j++) {
        double x = e.gradient()[j] - r.gradient()[j];
        diff += x * x;
        scale += s.gradientScale()[j] * s.gradientScale()[j];
      }
      double error = Math.sqrt(diff) / Math.max(Math.sqrt(scale), Double.MIN_NORMAL);
      assertTrue(error <= b.tolerance(), what + ": column " + k + " scaled gradient error "
          + error + " > " + b.tolerance());
    }
  }

  private static void check(String layout, String precision, Dataset data, Columns columns,
      long seed) {
    Standardization s = Standardization.fit(data);
    ReferenceBackend ref = new ReferenceBackend(data, s, columns);
    double[] w = parameters(data.features(), columns.count(), seed);
    try (OpenClBackend b = OpenClBackend.open(data, s, columns, options(layout, precision))) {
      for (Batch batch : batches(data.rows())) {
        assertAgrees(b, ref, w, batch, "n=" + data.rows() + " d=" + data.features());
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"cpu, float", "cpu, double", "gpu, float", "gpu, double"})
  void linearColumnsAgreeWithTheReference(String layout, String precision) {
    int n = 1003;
    // K = 1 with row weights: the batched kernel, not the single-column one.
    check(layout, precision, data(n, 13, 1, 0, weights(n, 2)), Columns.single(Loss.LINEAR), 3);
    // Many columns with folds.
    check(layout, precision, data(n, 9, 4, 0, null),
        Columns.of(Loss.LINEAR, 16).withFolds(folds(n, 5, 5),
            new int[] {0, 1, 2, 3, 4, -1, 0, 1, 2, 3, 4, -1, 0, 1, 2, 3}), 6);
    // K = 64, wide rows, a small data size.
    check(layout, precision, data(150, 257, 7, 0, weights(150, 8)),
        Columns.of(Loss.LINEAR, 64), 9);
    // The few-columns paths (K <= 4): K = 2 and 4 with feature vectors and a tail, K = 4 with
    // fewer features than one vector.
    check(layout, precision, data(n, 37, 40, 0, null), Columns.of(Loss.LINEAR, 2), 41);
    check(layout, precision, data(n, 70, 42, 0, weights(n, 43)), Columns.of(Loss.LINEAR, 4), 44);
    check(layout, precision, data(n, 3, 45, 0, null), Columns.of(Loss.LINEAR, 4), 46);
    // K = 3: phase 1 fills 6 of the 8 lanes of the shuffle reduction; 64 and 70 features.
    check(layout, precision, data(n, 64, 80, 0, weights(n, 81)), Columns.of(Loss.LINEAR, 3), 82);
    check(layout, precision, data(n, 70, 83, 0, null), Columns.of(Loss.LINEAR, 3), 84);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"cpu, float", "cpu, double", "gpu, float", "gpu, double"})
  void logisticColumnsAgreeWithTheReference(String layout, String precision) {
    int n = 1003;
    // One-vs-rest over four classes (three of them positive), row weights and folds.
    check(layout, precision, data(n, 13, 10, 4, weights(n, 11)),
        Columns.positives(0, 1, 3).withFolds(folds(n, 3, 12), new int[] {0, -1, 2}), 13);
    // Sixteen models on 0/1 targets; one feature.
    check(layout, precision, data(n, 1, 14, 2, null), Columns.of(Loss.LOGISTIC, 16), 15);
    // 20 models: an odd number of column vectors (pairs, then one alone), 19 features.
    check(layout, precision, data(333, 19, 38, 2, null), Columns.of(Loss.LOGISTIC, 20), 39);
    // 64 models, a feature count past the vector width and a small data size.
    check(layout, precision, data(131, 70, 16, 2, weights(131, 17)),
        Columns.of(Loss.LOGISTIC, 64), 18);
    // Two and four models (the few-columns paths), with folds, 64 and 21 features.
    check(layout, precision, data(n, 64, 47, 2, null),
        Columns.of(Loss.LOGISTIC, 2).withFolds(folds(n, 2, 48), new int[] {0, -1}), 49);
    check(layout, precision, data(n, 21, 50, 2, weights(n, 51)), Columns.of(Loss.LOGISTIC, 4),
        52);
    // Three models (6 of the 8 shuffle lanes), folds, 70 features.
    check(layout, precision, data(n, 70, 85, 2, weights(n, 86)),
        Columns.of(Loss.LOGISTIC, 3).withFolds(folds(n, 3, 87), new int[] {0, -1, 2}), 88);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"cpu, float", "cpu, double", "gpu, float", "gpu, double"})
  void multinomialColumnsAgreeWithTheReference(String layout, String precision)
      throws IOException {
    int n = 1003;
    // Two models of three coupled classes, weights and folds: K = 6.
    check(layout, precision, data(n, 11, 19, 3, weights(n, 20)),
        Columns.multinomial(3, 2).withFolds(folds(n, 4, 21), new int[] {1, -1}), 22);
    // The few-columns paths: one model of three classes (K = 3), two of two (K = 4, folds).
    check(layout, precision, data(n, 29, 53, 3, weights(n, 54)), Columns.multinomial(3), 55);
    check(layout, precision, data(n, 64, 56, 2, null),
        Columns.multinomial(2, 2).withFolds(folds(n, 2, 57), new int[] {0, 1}), 58);
    // Digits: ten classes, 64 features (some constant), 1797 rows.
    Dataset digits = new CsvReader(CsvReader.Options.numericTarget("digit"))
        .read(ReferenceProblems.datasets().resolve("digits.csv"));
    check(layout, precision, digits, Columns.multinomial(10), 23);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"cpu, float", "cpu, double", "gpu, float", "gpu, double"})
  void classWeightTablesAgreeWithTheReference(String layout, String precision) {
    int n = 1003;
    // One-vs-rest over four classes with folds, row weights and each model's own class
    // weights, one of them 0 (model 0 ignores label 2): K = 4, the few-columns path.
    check(layout, precision, data(n, 21, 60, 4, weights(n, 61)),
        Columns.positives(0, 1, 3, 2).withFolds(folds(n, 3, 62), new int[] {0, -1, 2, 1})
            .withClassWeights(4, new double[] {
                2.5, 1, 0, 0.75, 1, 3, 1, 1, 0.5, 0.5, 0.5, 4, 1.25, 1, 2, 0.3}), 63);
    // One weighted logistic column with a table (K = 1, the batched kernel).
    check(layout, precision, data(n, 13, 64, 2, null),
        Columns.single(Loss.LOGISTIC).withClassWeights(2, new double[] {0.2, 3}), 65);
    // Sixteen binary models, each its own weights of labels 0 and 1 (zeros among them), with
    // folds and row weights: the column-vectorized path; 19 features.
    double[] table = new double[32];
    java.util.Random r = new java.util.Random(66);
    for (int i = 0; i < table.length; i++) {
      table[i] = i % 7 == 3 ? 0 : 0.1 + 3 * r.nextDouble();
    }
    int[] held = new int[16];
    for (int g = 0; g < 16; g++) {
      held[g] = g % 5 - 1;
    }
    check(layout, precision, data(n, 19, 67, 2, weights(n, 68)),
        Columns.of(Loss.LOGISTIC, 16).withFolds(folds(n, 4, 69), held)
            .withClassWeights(2, table), 70);
    // Multinomial groups with a table: two models of three classes (K = 6, folds, row weights,
    // a zero class weight), and one of three (K = 3, the few-columns path).
    check(layout, precision, data(n, 11, 71, 3, weights(n, 72)),
        Columns.multinomial(3, 2).withFolds(folds(n, 4, 73), new int[] {1, -1})
            .withClassWeights(3, new double[] {1, 0, 2.5, 0.4, 1.5, 1}), 74);
    check(layout, precision, data(n, 29, 75, 3, null),
        Columns.multinomial(3).withClassWeights(3, new double[] {3, 0.5, 1}), 76);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"cpu, float", "cpu, double", "gpu, float", "gpu, double"})
  void dataInManyChunksAgreesWithTheReference(String layout, String precision) {
    // 10 features x 4 bytes = 40 bytes a row: 102 rows per 4 KiB chunk, 10 chunks; the weights
    // and folds are split with the rows, and batches span chunks.
    int n = 1001;
    Dataset data = data(n, 10, 34, 3, weights(n, 35));
    Standardization s = Standardization.fit(data);
    Columns columns = Columns.multinomial(3, 2).withFolds(folds(n, 3, 36), new int[] {2, -1});
    ReferenceBackend ref = new ReferenceBackend(data, s, columns);
    double[] w = parameters(10, 6, 37);
    try (OpenClBackend b = OpenClBackend.open(data, s, columns, options(layout, precision),
        Tuning.defaults().withMaxChunkBytes(4096))) {
      assertEquals(10, b.chunkCount());
      for (Batch batch : batches(n)) {
        assertAgrees(b, ref, w, batch, "in 10 chunks");
      }
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"cpu, float", "gpu, float"})
  void theSameInputGivesTheSameBits(String layout, String precision) {
    int n = 2049;
    Dataset data = data(n, 17, 24, 3, weights(n, 25));
    Standardization s = Standardization.fit(data);
    Columns columns = Columns.multinomial(3, 3).withFolds(folds(n, 3, 26), new int[] {0, 1, 2});
    double[] w = parameters(17, 9, 27);
    try (OpenClBackend b = OpenClBackend.open(data, s, columns, options(layout, precision))) {
      for (Batch batch : batches(n)) {
        BatchedEvaluation first = b.evaluateColumns(w, batch);
        for (int k = 0; k < 3; k++) {
          BatchedEvaluation again = b.evaluateColumns(w, batch);
          assertArrayEquals(first.loss(), again.loss(), 0.0);
          assertArrayEquals(first.gradient(), again.gradient(), 0.0);
          assertArrayEquals(first.weight(), again.weight(), 0.0);
        }
      }
    }
  }

  @Test
  void threeColumnsAgreeWithTheReferenceOnEveryPhaseOnePath() {
    // K = 3 on the shuffle reduction (SHUFFLE3=1, the default) and on per-row horizontal sums
    // (SHUFFLE3=0), each with the multinomial margins column-major (SOFTMAX_VECTOR=1) and
    // row-major (SOFTMAX_VECTOR=0, the scratch rows written lane by lane), and logistic.
    int n = 1003;
    Dataset three = data(n, 29, 89, 3, weights(n, 90));
    Dataset two = data(n, 70, 91, 2, null);
    for (String defines : new String[] {"-DSHUFFLE3=1", "-DSHUFFLE3=0",
        "-DSHUFFLE3=1 -DSOFTMAX_VECTOR=0", "-DSHUFFLE3=0 -DSOFTMAX_VECTOR=0"}) {
      Tuning t = Tuning.defaults().withDefines(defines);
      checkTuned(three, Columns.multinomial(3), t, 92, defines);
      checkTuned(two, Columns.of(Loss.LOGISTIC, 3), t, 93, defines);
    }
  }

  @Test
  void fiveToEightColumnsAgreeWithTheReferenceOnThePairsPath() {
    // Phase 1 over pairs of features (PAIRS: float32, 5 to 8 columns on 16-wide vectors), on
    // any CPU (VW forced to 16): even and odd d (the last feature on its own), a partial
    // superblock, row weights, folds, coupled softmax groups, and the shuffled batches
    // (gathered rows); d = 1 and 2, fewer features than lanes, take the tiles instead.
    int n = 1037;
    Tuning wide = Tuning.defaults().withDefine("VW=16");
    checkTuned(data(n, 37, 94, 2, weights(n, 95)), Columns.of(Loss.LOGISTIC, 8), wide, 96,
        "K = 8 logistic, d = 37, weights");
    checkTuned(data(n, 64, 97, 0, null), Columns.of(Loss.LINEAR, 5), wide.withDefine("OCTETS=0"),
        98, "K = 5 linear, d = 64");
    checkTuned(data(n, 2, 99, 0, null), Columns.of(Loss.LINEAR, 7).withFolds(folds(n, 7, 100),
        new int[] {0, 1, 2, 3, 4, 5, 6}), wide, 101, "K = 7 linear, d = 2, folds");
    checkTuned(data(n, 1, 102, 2, null), Columns.of(Loss.LOGISTIC, 6), wide, 103,
        "K = 6 logistic, d = 1");
    checkTuned(data(n, 70, 104, 4, weights(n, 105)), Columns.multinomial(4, 2)
        .withFolds(folds(n, 3, 106), new int[] {2, -1}), wide, 107,
        "two multinomial models of 4 classes, d = 70, weights, folds");
  }

  @Test
  void nineToSixteenColumnsAgreeWithTheReferenceOnTheFeatureVectorGradient() {
    // Phase 3 over feature vectors for 9 to 16 columns on 16-wide vectors (NG), in two groups
    // of columns, on any CPU (VW forced to 16): d = 16 (one vector, short of a tile of two),
    // 37, 48 (a tile and one more vector), 70 (vectors and a tail; d = 1, fewer features than
    // lanes, takes the tiles), row weights, folds, the row-major softmax of 10, 16 and 2 x 6
    // classes, and the shuffled batches.
    int n = 1037;
    Tuning wide = Tuning.defaults().withDefine("VW=16");
    checkTuned(data(n, 37, 110, 2, weights(n, 111)), Columns.of(Loss.LOGISTIC, 9), wide, 112,
        "K = 9 logistic, d = 37, weights");
    checkTuned(data(n, 16, 113, 0, null), Columns.of(Loss.LINEAR, 15).withFolds(folds(n, 5,
        114), new int[] {0, 1, 2, 3, 4, -1, 0, 1, 2, 3, 4, -1, 0, 1, 2}), wide, 115,
        "K = 15 linear, d = 16, folds");
    checkTuned(data(n, 1, 116, 0, null), Columns.of(Loss.LINEAR, 12), wide, 117,
        "K = 12 linear, d = 1");
    checkTuned(data(n, 70, 118, 10, weights(n, 119)), Columns.multinomial(10), wide, 120,
        "multinomial, 10 classes, d = 70, weights");
    checkTuned(data(n, 29, 121, 6, null), Columns.multinomial(6, 2).withFolds(folds(n, 3, 122),
        new int[] {1, -1}), wide, 123, "two multinomial models of 6 classes, d = 29, folds");
    checkTuned(data(n, 70, 125, 2, weights(n, 126)), Columns.of(Loss.LOGISTIC, 16), wide, 127,
        "K = 16 logistic, d = 70, weights");
    checkTuned(data(n, 48, 128, 0, null), Columns.of(Loss.LINEAR, 16).withFolds(folds(n, 4,
        129), new int[] {0, 1, 2, 3, -1, 0, 1, 2, 3, -1, 0, 1, 2, 3, -1, 0}), wide, 147,
        "K = 16 linear, d = 48, folds");
    checkTuned(data(n, 37, 148, 16, weights(n, 149)), Columns.multinomial(16), wide, 153,
        "multinomial, 16 classes, d = 37, weights");
    checkTuned(data(n, 16, 154, 0, null), Columns.of(Loss.LINEAR, 13), wide, 155,
        "K = 13 linear, d = 16");
    Dataset small = data(64, 16, 124, 0, null);
    for (int k : new int[] {10, 16}) {
      try (OpenClBackend b = OpenClBackend.open(small, Standardization.fit(small),
          Columns.of(Loss.LINEAR, k), options("cpu", "float"), wide)) {
        assertTrue(b.buildOptions().contains("-DNG=" + k), b.buildOptions());
      }
    }
  }

  @Test
  void rowsShorterThanARegisterTakeTheTiles() {
    // Fewer features than a register's lanes: no whole feature vector, so neither the
    // few-columns phases (NK) nor phase 3 over feature vectors (NG), but the tiles, which
    // agree with the reference for 2, 4, 8, 12 and 16 columns at d = 3, 10 and 15 (16 lanes
    // forced), weighted and with folds, contiguous and shuffled; one lane more, the others.
    int n = 1037;
    Tuning wide = Tuning.defaults().withDefine("VW=16");
    int seed = 170;
    for (int d : new int[] {3, 10, 15}) {
      for (int k : new int[] {2, 4, 8, 12, 16}) {
        Dataset data = data(n, d, seed++, 2, k % 8 == 0 ? weights(n, seed++) : null);
        Columns columns = Columns.of(k == 4 ? Loss.LINEAR : Loss.LOGISTIC, k);
        if (k == 12) {
          columns = columns.withFolds(folds(n, 3, seed++),
              new int[] {0, 1, 2, -1, 0, 1, 2, -1, 0, 1, 2, -1});
        }
        checkTuned(data, columns, wide, seed++, "K = " + k + ", d = " + d);
        try (OpenClBackend b = OpenClBackend.open(data, Standardization.fit(data), columns,
            options("cpu", "float"), wide)) {
          assertTrue(b.buildOptions().contains("-DNK=0 "), b.buildOptions());
          assertFalse(b.buildOptions().contains("-DNG="), b.buildOptions());
        }
      }
    }
    Dataset sixteen = data(200, 16, seed++, 2, null);
    for (int k : new int[] {4, 8}) {
      try (OpenClBackend b = OpenClBackend.open(sixteen, Standardization.fit(sixteen),
          Columns.of(Loss.LOGISTIC, k), options("cpu", "float"), wide)) {
        assertTrue(b.buildOptions().contains("-DNK=" + k + " "), b.buildOptions());
      }
    }
  }

  @Test
  void theFeatureVectorGradientSumsInTheTilesOrder() {
    // Phase 3 over feature vectors (NG, in groups of columns) against the many-columns tiles
    // (NG=0), phase 1 the same (NG_PAIRS and NG_PAIRS8 off): every lane sums the same products
    // in the same order into the same Kahan steps, so every bit agrees, for 9 to 16 columns on
    // 16-wide vectors and 5 to 12 on 8-wide ones, weighted, d = 70 (vectors and a tail),
    // contiguous and shuffled rows.
    int n = 515;
    Dataset data = data(n, 70, 156, 2, weights(n, 157));
    Standardization s = Standardization.fit(data);
    for (int lanes : new int[] {16, 8}) {
      Tuning tuning = Tuning.defaults().withDefine("VW=" + lanes).withDefine("NG_PAIRS=0")
          .withDefine("NG_PAIRS8=0");
      for (int k = lanes == 16 ? 9 : 5; k <= (lanes == 16 ? 16 : 12); k++) {
        Columns columns = Columns.of(Loss.LOGISTIC, k);
        double[] w = parameters(70, k, 158 + k);
        try (OpenClBackend vectors = OpenClBackend.open(data, s, columns,
            options("cpu", "float"), tuning);
            OpenClBackend tiles = OpenClBackend.open(data, s, columns, options("cpu", "float"),
                tuning.withDefine("NG=0"))) {
          assertTrue(vectors.buildOptions().contains("-DNG=" + k), vectors.buildOptions());
          for (Batch batch : batches(n)) {
            BatchedEvaluation a = vectors.evaluateColumns(w, batch);
            BatchedEvaluation b = tiles.evaluateColumns(w, batch);
            assertArrayEquals(b.gradient(), a.gradient(), lanes + " lanes, K = " + k);
            assertArrayEquals(b.loss(), a.loss(), lanes + " lanes, K = " + k);
          }
        }
      }
    }
  }

  @Test
  void eightWideRegistersAgreeWithTheReferenceOnThePairsPaths() {
    // On 8-wide vectors (VW forced to 8, as AVX2 has), phase 1 over pairs of features: for 3
    // and 4 columns PAIRS (4 columns per FMA), for 5 to 12 NG_PAIRS8 (groups of 4 columns,
    // each broadcast pair serving every group, and phase 3 over feature vectors), then 13 to 16
    // in the tiles: d even and odd (the pairs' last feature), d = 8 (one vector),
    // fewer features than lanes (the tiles), a partial superblock, row weights, folds, coupled
    // softmax groups (column-major margins, and row-major with SOFTMAX_VECTOR=0), and the
    // shuffled batches.
    int n = 1037;
    Tuning eight = Tuning.defaults().withDefine("VW=8");
    checkTuned(data(n, 37, 200, 2, weights(n, 201)), Columns.of(Loss.LOGISTIC, 4), eight, 202,
        "K = 4 logistic, d = 37, weights");
    checkTuned(data(n, 64, 203, 0, null), Columns.of(Loss.LINEAR, 3).withFolds(folds(n, 3,
        204), new int[] {0, 1, 2}), eight, 205, "K = 3 linear, d = 64, folds");
    checkTuned(data(n, 70, 206, 4, weights(n, 207)), Columns.multinomial(4), eight, 208,
        "multinomial, 4 classes, d = 70, weights");
    checkTuned(data(n, 29, 209, 3, null), Columns.multinomial(3), eight, 210,
        "multinomial, 3 classes, d = 29");
    checkTuned(data(n, 8, 211, 0, null), Columns.of(Loss.LINEAR, 4), eight, 212,
        "K = 4 linear, d = 8");
    checkTuned(data(n, 7, 213, 2, null), Columns.of(Loss.LOGISTIC, 4), eight, 214,
        "K = 4 logistic, d = 7");
    checkTuned(data(n, 64, 215, 0, null), Columns.of(Loss.LINEAR, 5), eight, 216,
        "K = 5 linear, d = 64");
    checkTuned(data(n, 37, 217, 2, weights(n, 218)), Columns.of(Loss.LOGISTIC, 6), eight, 219,
        "K = 6 logistic, d = 37, weights");
    checkTuned(data(n, 70, 220, 2, weights(n, 221)), Columns.of(Loss.LOGISTIC, 8)
        .withFolds(folds(n, 4, 222), new int[] {0, 1, 2, 3, -1, 0, 1, 2}), eight, 223,
        "K = 8 logistic, d = 70, weights, folds");
    checkTuned(data(n, 8, 224, 0, null), Columns.of(Loss.LINEAR, 9), eight, 225,
        "K = 9 linear, d = 8");
    checkTuned(data(n, 19, 226, 2, null), Columns.of(Loss.LOGISTIC, 10), eight, 227,
        "K = 10 logistic, d = 19");
    checkTuned(data(n, 64, 228, 0, null), Columns.of(Loss.LINEAR, 12).withFolds(folds(n, 3,
        229), new int[] {0, 1, 2, -1, 0, 1, 2, -1, 0, 1, 2, -1}), eight, 230,
        "K = 12 linear, d = 64, folds");
    checkTuned(data(n, 37, 231, 10, weights(n, 232)), Columns.multinomial(10), eight, 233,
        "multinomial, 10 classes, d = 37, weights");
    checkTuned(data(n, 37, 257, 10, null), Columns.multinomial(10),
        eight.withDefine("SOFTMAX_VECTOR=0"), 258,
        "multinomial, 10 classes, d = 37, row-major margins (SOFTMAX_VECTOR=0)");
    checkTuned(data(n, 29, 234, 6, null), Columns.multinomial(6, 2).withFolds(folds(n, 3, 235),
        new int[] {1, -1}), eight, 236, "two multinomial models of 6 classes, d = 29, folds");
    checkTuned(data(n, 3, 237, 2, null), Columns.of(Loss.LOGISTIC, 12), eight, 238,
        "K = 12 logistic, d = 3");
    checkTuned(data(n, 16, 239, 0, null), Columns.of(Loss.LINEAR, 13), eight, 240,
        "K = 13 linear, d = 16");
    checkTuned(data(n, 70, 241, 2, weights(n, 242)), Columns.of(Loss.LOGISTIC, 16), eight, 243,
        "K = 16 logistic, d = 70, weights");
    checkTuned(data(n, 37, 244, 16, null), Columns.multinomial(16), eight, 245,
        "multinomial, 16 classes, d = 37");
    // Float64 on 8 lanes (AVX-512 registers of 8 doubles): phase 3 over feature vectors for 5
    // to 12 columns, phase 1 in the tiles.
    checkTuned(data(n, 37, 249, 2, weights(n, 250)), Columns.of(Loss.LOGISTIC, 6), eight,
        "double", 251, "float64, K = 6 logistic, d = 37, weights");
    checkTuned(data(n, 70, 252, 0, null), Columns.of(Loss.LINEAR, 12).withFolds(folds(n, 3,
        253), new int[] {0, 1, 2, -1, 0, 1, 2, -1, 0, 1, 2, -1}), eight, "double", 254,
        "float64, K = 12 linear, d = 70, folds");
    checkTuned(data(n, 29, 255, 10, null), Columns.multinomial(10), eight, "double", 256,
        "float64, multinomial, 10 classes, d = 29");
    Dataset small = data(64, 16, 246, 0, null);
    for (int k : new int[] {3, 4, 5, 10, 16}) {
      try (OpenClBackend b = OpenClBackend.open(small, Standardization.fit(small),
          Columns.of(Loss.LINEAR, k), options("cpu", "float"), eight)) {
        assertTrue(b.buildOptions().contains(k <= 4 ? "-DNK=" + k + " "
            : k <= 12 ? "-DNG=" + k : "-DNK=0 "), b.buildOptions());
        assertEquals(k > 4 && k <= 12, b.buildOptions().contains("-DNG="), b.buildOptions());
      }
    }
  }

  @Test
  void theEightWidePairsPathsAreTheDefaultsTheyReplace() {
    // The same evaluations on 8-wide vectors with and without PAIRS (K = 3, 4) and NG_PAIRS8
    // (K = 5 to 12): the margins are summed in another order, so the bits differ (the default
    // took the pairs path); both agree with the reference above.
    int n = 515;
    Dataset data = data(n, 64, 247, 2, null);
    Standardization s = Standardization.fit(data);
    Tuning eight = Tuning.defaults().withDefine("VW=8");
    for (int k : new int[] {3, 4, 5, 8, 10, 12}) {
      Columns columns = Columns.of(Loss.LOGISTIC, k);
      double[] w = parameters(64, k, 248 + k);
      try (OpenClBackend pairs = OpenClBackend.open(data, s, columns, options("cpu", "float"),
          eight);
          OpenClBackend other = OpenClBackend.open(data, s, columns, options("cpu", "float"),
              eight.withDefine(k <= 4 ? "PAIRS=0" : "NG_PAIRS8=0"))) {
        BatchedEvaluation a = pairs.evaluateColumns(w, Batch.all(n));
        BatchedEvaluation b = other.evaluateColumns(w, Batch.all(n));
        assertFalse(Arrays.equals(a.gradient(), b.gradient()), "pairs changed no bit, K = " + k);
      }
    }
  }

  @Test
  void nineToTwelveColumnsAgreeWithTheReferenceOnThePairsAndRestPath() {
    // Phase 1 of 9 to 12 columns as pairs for columns 0 to 7 and one group for the rest
    // (NG_PAIRS: REST_G 1, 2 and 4 columns of 16, 8 and 4 features per FMA), column-major
    // margins, on any CPU (VW forced to 16): d odd (the pairs' last feature) and with tails
    // of every group width, d = 2 and 8 (one group or none), row weights, folds, softmax of 9
    // and 11 classes, and the shuffled batches.
    int n = 1037;
    Tuning wide = Tuning.defaults().withDefine("VW=16");
    checkTuned(data(n, 70, 130, 2, weights(n, 131)), Columns.of(Loss.LOGISTIC, 10), wide, 132,
        "K = 10 logistic, d = 70, weights");
    checkTuned(data(n, 37, 133, 0, null), Columns.of(Loss.LINEAR, 11).withFolds(folds(n, 5,
        134), new int[] {0, 1, 2, 3, 4, -1, 0, 1, 2, 3, 4}), wide, 135,
        "K = 11 linear, d = 37, folds");
    checkTuned(data(n, 64, 136, 9, weights(n, 137)), Columns.multinomial(9), wide, 138,
        "multinomial, 9 classes, d = 64, weights");
    checkTuned(data(n, 2, 139, 2, null), Columns.of(Loss.LOGISTIC, 12), wide, 140,
        "K = 12 logistic, d = 2");
    checkTuned(data(n, 8, 141, 0, null), Columns.of(Loss.LINEAR, 10), wide, 142,
        "K = 10 linear, d = 8");
    checkTuned(data(n, 19, 143, 11, null), Columns.multinomial(11), wide, 144,
        "multinomial, 11 classes, d = 19");
  }

  @Test
  void thePairsAndRestPathIsTheDefaultItReplaces() {
    // The same K = 9 to 12 evaluations with and without NG_PAIRS: the margins are summed in
    // another order, so the bits differ (the default took the new path).
    int n = 515;
    Dataset data = data(n, 64, 145, 2, null);
    Standardization s = Standardization.fit(data);
    Tuning wide = Tuning.defaults().withDefine("VW=16");
    for (int k = 9; k <= 12; k++) {
      assertTheDefaultDiffersFrom("NG_PAIRS=0", data, s, wide, k, 146 + k,
          "NG_PAIRS changed no bit, K = " + k);
    }
  }

  @Test
  void fourToSixColumnsAgreeWithTheReferenceOnTheOctetsPath() {
    // Phase 1 over octets of features, 2 columns per FMA (OCTETS: float32, 4 to 6 columns on
    // 16-wide vectors), on any CPU (VW forced to 16): whole octets and d mod 8 features left
    // over (one at a time), the smallest d that takes it (16), a partial superblock, row
    // weights, folds, one-vs-rest classes, coupled softmax groups and the shuffled batches;
    // then 4 columns on the shuffle reduction it replaces (OCTETS=0), which the kernel still
    // takes where OCTETS does not apply (the rows centred on the device).
    int n = 1037;
    Tuning wide = Tuning.defaults().withDefine("VW=16");
    checkTuned(data(n, 64, 138, 0, null), Columns.of(Loss.LINEAR, 4), wide, 139,
        "K = 4 linear, d = 64");
    checkTuned(data(n, 45, 140, 2, weights(n, 141)), Columns.of(Loss.LOGISTIC, 4).withFolds(
        folds(n, 4, 142), new int[] {0, 1, 2, 3}), wide, 143,
        "K = 4 logistic, d = 45, weights, folds");
    checkTuned(data(n, 16, 144, 4, null), Columns.positives(0, 1, 2, 3), wide, 145,
        "one-vs-rest of 4 classes, d = 16");
    checkTuned(data(n, 30, 146, 4, weights(n, 147)), Columns.multinomial(4), wide, 148,
        "multinomial of 4 classes, d = 30, weights");
    checkTuned(data(n, 45, 140, 2, weights(n, 141)), Columns.of(Loss.LOGISTIC, 4),
        wide.withDefine("OCTETS=0"), 149, "K = 4 logistic, d = 45, OCTETS=0");
    checkTuned(data(n, 64, 120, 0, null), Columns.of(Loss.LINEAR, 5), wide, 121,
        "K = 5 linear, d = 64");
    checkTuned(data(n, 37, 122, 2, weights(n, 123)), Columns.of(Loss.LOGISTIC, 6), wide, 124,
        "K = 6 logistic, d = 37, weights");
    checkTuned(data(n, 16, 125, 2, null), Columns.of(Loss.LOGISTIC, 5).withFolds(
        folds(n, 5, 126), new int[] {0, 1, 2, 3, 4}), wide, 127, "K = 5 logistic, d = 16, folds");
    checkTuned(data(n, 23, 128, 5, null), Columns.positives(0, 1, 2, 3, 4), wide, 129,
        "one-vs-rest of 5 classes, d = 23");
    checkTuned(data(n, 70, 130, 3, weights(n, 131)), Columns.multinomial(3, 2)
        .withFolds(folds(n, 3, 132), new int[] {1, -1}), wide, 133,
        "two multinomial models of 3 classes, d = 70, weights, folds");
    checkTuned(data(n, 41, 134, 6, null), Columns.multinomial(6), wide, 135,
        "multinomial of 6 classes, d = 41");
  }

  @Test
  void theOctetsPathIsTheDefaultItReplaces() {
    // The same K = 4 and K = 6 evaluations with and without OCTETS: the margins are summed in
    // another order, so the bits differ (the default took the octets path); both agree with
    // the reference (above and in the pairs test).
    Dataset data = data(515, 64, 136, 2, null);
    Standardization s = Standardization.fit(data);
    for (int k : new int[] {4, 6}) {
      assertTheDefaultDiffersFrom("OCTETS=0", data, s, Tuning.defaults().withDefine("VW=16"),
          k, 137, "OCTETS changed no bit, K = " + k);
    }
  }

  @Test
  void thePairsPathIsTheDefaultItReplaces() {
    // The same K = 8 evaluation with and without PAIRS: the sums run in another order, so the
    // bits differ (the default took the pairs path), and both agree with the reference above.
    Dataset data = data(515, 64, 108, 2, null);
    assertTheDefaultDiffersFrom("PAIRS=0", data, Standardization.fit(data),
        Tuning.defaults().withDefine("VW=16"), 8, 109, "PAIRS changed no bit");
  }

  /**
   * K logistic columns (weights from {@code seed}) evaluated on every row with {@code tuning}
   * and with {@code off} added: their gradients differ in some bit, so the default took the
   * path that {@code off} turns off.
   */
  private static void assertTheDefaultDiffersFrom(String off, Dataset data, Standardization s,
      Tuning tuning, int k, long seed, String message) {
    Columns columns = Columns.of(Loss.LOGISTIC, k);
    double[] w = parameters(data.features(), k, seed);
    try (OpenClBackend byDefault = OpenClBackend.open(data, s, columns,
        options("cpu", "float"), tuning);
        OpenClBackend without = OpenClBackend.open(data, s, columns, options("cpu", "float"),
            tuning.withDefine(off))) {
      BatchedEvaluation a = byDefault.evaluateColumns(w, Batch.all(data.rows()));
      BatchedEvaluation b = without.evaluateColumns(w, Batch.all(data.rows()));
      assertFalse(Arrays.equals(a.gradient(), b.gradient()), message);
    }
  }

  private static void checkTuned(Dataset data, Columns columns, Tuning tuning, long seed,
      String what) {
    checkTuned(data, columns, tuning, "float", seed, what);
  }

  private static void checkTuned(Dataset data, Columns columns, Tuning tuning,
      String precision, long seed, String what) {
    Standardization s = Standardization.fit(data);
    ReferenceBackend ref = new ReferenceBackend(data, s, columns);
    double[] w = parameters(data.features(), columns.count(), seed);
    try (OpenClBackend b = OpenClBackend.open(data, s, columns, options("cpu", precision),
        tuning)) {
      assertTrue(b.kernelName().equals("gradient_cpu_columns"), b.kernelName());
      for (Batch batch : batches(data.rows())) {
        assertAgrees(b, ref, w, batch, what);
      }
    }
  }

  @Test
  void aTuningsSuperblockSizesTheScratchRows() {
    // -DSB larger than the default: the host sizes each item's scratch rows (margins, and a
    // multinomial model's second block) and its partial rows from the same SB as the kernel
    // (sized from the default instead, the kernel wrote past the scratch buffer: glibc aborted
    // the JVM, "malloc(): unaligned tcache chunk detected").
    int n = 1200;
    Dataset two = data(n, 20, 150, 2, weights(n, 151));
    Dataset four = data(n, 20, 152, 4, null);
    for (String sb : new String[] {"SB=256", "SB=512"}) {
      Tuning t = Tuning.defaults().withDefine(sb);
      checkTuned(two, Columns.of(Loss.LOGISTIC, 12), t, 153, sb);
      checkTuned(four, Columns.multinomial(4), t, 154, sb);
      checkTuned(data(n, 20, 155, 0, null), Columns.of(Loss.LINEAR, 16), t, 156, sb);
    }
  }

  @Test
  void thePacedPrefetchChangesNoBit() {
    // SPREAD_PREFETCH (on by default for 1 column, 2 to 4 and 5 to 12 (NG_PAIRS8) on 8-wide
    // vectors, 3 and 4 on 16-wide ones) only moves prefetches: the paced and the burst kernels
    // give the same bits, weighted, on contiguous and shuffled batches, with d = 70 (feature
    // vectors and a tail) and n ending in a partial superblock, with every few-columns shape on
    // 16-wide vectors and the paced ones on 8-wide ones.
    int n = 2049;
    Dataset data = data(n, 70, 52, 2, weights(n, 53));
    Standardization s = Standardization.fit(data);
    for (String width : new String[] {"VW=8", "VW=16"}) {
      Tuning tuning = Tuning.defaults().withDefine(width);
      for (int k : width.equals("VW=8") ? new int[] {2, 3, 4, 6, 10} : new int[] {1, 2, 3, 4}) {
        Columns columns = Columns.of(Loss.LOGISTIC, k);
        double[] w = parameters(70, k, 54);
        try (OpenClBackend paced = OpenClBackend.open(data, s, columns,
            options("cpu", "float"), tuning.withDefine("SPREAD_PREFETCH=1"));
            OpenClBackend burst = OpenClBackend.open(data, s, columns, options("cpu", "float"),
                tuning.withDefine("SPREAD_PREFETCH=0"))) {
          assertTrue(paced.kernelName().equals("gradient_cpu_columns"), paced.kernelName());
          for (Batch batch : batches(n)) {
            BatchedEvaluation a = paced.evaluateColumns(w, batch);
            BatchedEvaluation b = burst.evaluateColumns(w, batch);
            assertArrayEquals(b.loss(), a.loss(), 0.0, width + ", K = " + k);
            assertArrayEquals(b.gradient(), a.gradient(), 0.0, width + ", K = " + k);
          }
        }
      }
    }
  }

  @Test
  void thePhaseThreeTileChangesNoBit() {
    // VT (feature vectors per phase-3 tile; 2 by default for 5 to 8 columns on 16-wide
    // vectors) only groups the vectors: one and two per tile give the same bits, weighted, on
    // contiguous and shuffled batches, with d = 70 (a vector left over and a tail).
    int n = 1037;
    Dataset data = data(n, 70, 56, 2, weights(n, 57));
    Standardization s = Standardization.fit(data);
    Tuning wide = Tuning.defaults().withDefine("VW=16");
    for (int k : new int[] {5, 8}) {
      Columns columns = Columns.of(Loss.LOGISTIC, k);
      double[] w = parameters(70, k, 58 + k);
      try (OpenClBackend two = OpenClBackend.open(data, s, columns, options("cpu", "float"),
          wide.withDefine("VT=2"));
          OpenClBackend one = OpenClBackend.open(data, s, columns, options("cpu", "float"),
              wide.withDefine("VT=1"))) {
        for (Batch batch : batches(n)) {
          BatchedEvaluation a = two.evaluateColumns(w, batch);
          BatchedEvaluation b = one.evaluateColumns(w, batch);
          assertArrayEquals(b.loss(), a.loss(), 0.0, "K = " + k);
          assertArrayEquals(b.gradient(), a.gradient(), 0.0, "K = " + k);
        }
      }
    }
  }

  @Test
  void fourVectorTilesAndTheirTailsChangeNoBit() {
    // 3 and 4 columns on 16-wide vectors take 4 feature vectors per phase-3 tile by default,
    // then a tile of 2 for what is left, and one column 8 then 4 and 2: the same bits as one
    // vector per tile, weighted, on contiguous and shuffled batches, with d = 100 (a tile of
    // 4, a pair and a tail) and 48 (a pair and one vector), for one logistic column (of a
    // weighted fit), logistic, linear with folds and softmax columns.
    int n = 1037;
    Tuning wide = Tuning.defaults().withDefine("VW=16");
    for (int d : new int[] {100, 48}) {
      Dataset data = data(n, d, 60 + d, 3, weights(n, 61 + d));
      Dataset binary = data(n, d, 62 + d, 2, weights(n, 63 + d));
      Standardization s = Standardization.fit(data);
      Standardization sb = Standardization.fit(binary);
      Object[][] cases = {{binary, sb, Columns.single(Loss.LOGISTIC)},
          {binary, sb, Columns.of(Loss.LOGISTIC, 3)},
          {binary, sb, Columns.of(Loss.LINEAR, 4).withFolds(folds(n, 4, 64 + d),
              new int[] {0, 1, 2, 3})},
          {data, s, Columns.multinomial(3)}};
      for (Object[] c : cases) {
        Dataset x = (Dataset) c[0];
        Columns columns = (Columns) c[2];
        double[] w = parameters(d, columns.count(), 65 + d);
        try (OpenClBackend tiles = OpenClBackend.open(x, (Standardization) c[1], columns,
            options("cpu", "float"), wide);
            OpenClBackend one = OpenClBackend.open(x, (Standardization) c[1], columns,
                options("cpu", "float"), wide.withDefine("VT=1"))) {
          for (Batch batch : batches(n)) {
            BatchedEvaluation a = tiles.evaluateColumns(w, batch);
            BatchedEvaluation b = one.evaluateColumns(w, batch);
            String what = columns + ", d = " + d;
            assertArrayEquals(b.loss(), a.loss(), 0.0, what);
            assertArrayEquals(b.gradient(), a.gradient(), 0.0, what);
          }
        }
      }
    }
  }

  @Test
  void oneWeightedColumnIsAlsoAnEvaluation() {
    int n = 500;
    Dataset data = data(n, 6, 28, 2, weights(n, 29));
    Standardization s = Standardization.fit(data);
    double[] theta = parameters(6, 1, 30);
    try (OpenClBackend b = OpenClBackend.open(data, s, Columns.single(Loss.LOGISTIC),
        options("cpu", "float"))) {
      Evaluation e = b.evaluate(theta, Batch.all(n));
      BatchedEvaluation c = b.evaluateColumns(theta, Batch.all(n));
      assertEquals(c.loss()[0], e.loss(), 0.0);
      assertArrayEquals(c.gradient(), e.gradient(), 0.0);
      assertEquals("gradient_cpu_columns", b.kernelName());
    }
  }

  @Test
  void backendsOpenOpenClForAnyColumns() {
    int n = 300;
    Dataset data = data(n, 5, 31, 3, weights(n, 32));
    Standardization s = Standardization.fit(data);
    Columns columns = Columns.multinomial(3);
    try (GradientBackend b = Backends.open(BackendKind.OPENCL, data, s, columns,
        options("cpu", "float"))) {
      assertInstanceOf(OpenClBackend.class, b);
      assertEquals(columns, b.columns());
      assertAgrees(b, new ReferenceBackend(data, s, columns), parameters(5, 3, 33),
          Batch.all(n), "through Backends.open");
    }
  }
}

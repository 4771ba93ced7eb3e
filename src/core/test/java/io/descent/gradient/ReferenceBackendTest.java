package io.descent.gradient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.loss.Loss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The reference against itself (the contract) and against central finite differences. */
class ReferenceBackendTest extends GradientBackendContractTest {
  @Override
  protected GradientBackend open(Dataset data, Standardization standardization, Loss loss) {
    return new ReferenceBackend(data, standardization, loss);
  }

  @ParameterizedTest
  @EnumSource(value = Loss.class, names = {"LINEAR", "LOGISTIC"})
  void gradientMatchesCentralDifferences(Loss loss) {
    Dataset data = randomData(400, 6, loss, 21);
    ReferenceBackend ref = new ReferenceBackend(data, Standardization.fit(data), loss);
    double[] theta = randomTheta(6, 22);
    double[] g = ref.evaluate(theta, Batch.all(400)).gradient();
    double[] fd = new double[theta.length];
    for (int j = 0; j < theta.length; j++) {
      double h = 1e-5 * Math.max(1, Math.abs(theta[j]));
      double[] p = theta.clone();
      double[] m = theta.clone();
      p[j] += h;
      m[j] -= h;
      fd[j] = (ref.evaluate(p, Batch.all(400)).loss() - ref.evaluate(m, Batch.all(400)).loss())
          / (2 * h);
    }
    double err = relativeError(fd, g);
    assertTrue(err < 1e-8, "finite differences disagree by " + err);
  }

  @ParameterizedTest
  @EnumSource(value = Loss.class, names = {"LINEAR", "LOGISTIC"})
  void lossOfOneRowIsTheFormula(Loss loss) {
    Dataset data = new Dataset("one", java.util.List.of("a"), "y", new float[] {2f},
        new double[] {1}, null);
    ReferenceBackend ref = new ReferenceBackend(data, Standardization.identity(1), loss);
    Evaluation e = ref.evaluate(new double[] {0.5, 0.25}, Batch.all(1));
    double m = 0.5 + 0.25 * 2;
    double expected = loss == Loss.LINEAR ? 0.5 * (1 - m) * (1 - m) : Math.log(1 + Math.exp(m)) - m;
    double r = loss == Loss.LINEAR ? m - 1 : 1 / (1 + Math.exp(-m)) - 1;
    assertEquals(expected, e.loss(), 1e-15);
    assertEquals(r, e.gradient()[0], 1e-15);
    assertEquals(2 * r, e.gradient()[1], 1e-15);
  }

  @org.junit.jupiter.api.Test
  void fourRowsMarginsSideBySideAreEachRowsMarginBitForBit() {
    // The grouped margins (four chains side by side) against one row at a time: the same
    // additions in the same order, so the same bits, for several columns of 37 features.
    java.util.Random rnd = new java.util.Random(7);
    int d = 37;
    int k = 3;
    double[] w = new double[k * (d + 1)];
    for (int j = 0; j < w.length; j++) {
      w[j] = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(7) - 3);
    }
    ReferenceBackend.Row[] rows = new ReferenceBackend.Row[ReferenceBackend.GROUP_ROWS];
    for (int q = 0; q < rows.length; q++) {
      double[] z = new double[d];
      for (int j = 0; j < d; j++) {
        z[j] = rnd.nextGaussian() * Math.pow(10, rnd.nextInt(7) - 3);
      }
      rows[q] = new ReferenceBackend.Row(z, new double[k], new double[k], null, null, null);
    }
    for (int c = 0; c < k; c++) {
      ReferenceBackend.margins4(w, c * (d + 1), rows, c);
      for (ReferenceBackend.Row row : rows) {
        assertEquals(Double.doubleToRawLongBits(ReferenceBackend.margin(w, c * (d + 1), row.z())),
            Double.doubleToRawLongBits(row.m()[c]), "column " + c);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Loss.class, names = {"LINEAR", "LOGISTIC"})
  void rowsInGroupsAndAloneSumTheSameTerms(Loss loss) {
    // Batches of 1 to 9 rows (whole groups of four, and the rows after them one at a time),
    // contiguous and shuffled: each agrees with its rows' one-row evaluations added up.
    Dataset data = randomData(9, 5, loss, 23);
    ReferenceBackend ref = new ReferenceBackend(data, Standardization.fit(data), loss);
    double[] theta = randomTheta(5, 24);
    int[] order = {8, 3, 0, 5, 1, 7, 2, 6, 4};
    for (int size = 1; size <= 9; size++) {
      int[] picked = java.util.Arrays.copyOf(order, size);
      double loss1 = 0;
      double[] g1 = new double[theta.length];
      for (int i : picked) {
        Evaluation one = ref.evaluate(theta, new Batch(new int[] {i}, 0, 1));
        loss1 += one.loss();
        for (int j = 0; j < g1.length; j++) {
          g1[j] += one.gradient()[j];
        }
      }
      Evaluation all = ref.evaluate(theta, new Batch(picked, 0, size));
      assertEquals(loss1 / size, all.loss(), 1e-14 * Math.max(1, Math.abs(all.loss())));
      for (int j = 0; j < g1.length; j++) {
        assertEquals(g1[j] / size, all.gradient()[j], 1e-14, "size " + size + ", entry " + j);
      }
    }
  }

  @Test
  void theWarmUpRunsOnItsOwnThreadAndLeavesNothingBehind() throws InterruptedException {
    java.util.List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> failures.add(e));
    try {
      for (Loss loss : new Loss[] {Loss.LINEAR, Loss.LOGISTIC}) {
        Thread t = ReferenceBackend.warmUp(loss);
        assertTrue(t.isDaemon());
        t.join(60_000);
        assertFalse(t.isAlive(), loss.toString());
      }
      // A coupled loss needs the data's classes: no warm-up for it.
      assertEquals(null, ReferenceBackend.warmUp(Loss.MULTINOMIAL));
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(before);
    }
    assertEquals(java.util.List.of(), failures);
  }
}

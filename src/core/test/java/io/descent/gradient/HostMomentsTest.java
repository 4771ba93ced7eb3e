package io.descent.gradient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.loss.Loss;
import org.junit.jupiter.api.Test;

/**
 * The host's fast moments ({@link HostMoments}) against the oracle ({@link Moments#of}) to 1e-12
 * of each entry's scale: shipped and generated sets, weights (zero weights among them), a
 * constant column, folds, 1 to 3 threads, fewer rows than threads, feature counts around the
 * rank-4 groups and the blocks; the same bits twice and on any number of threads; and the
 * reference kind's moments-only open.
 */
class HostMomentsTest {
  static final double REL = 1e-12;

  private static void check(Dataset data, int[] rowFold, String what) {
    Moments[] ref = MomentsFixtures.reference(data, rowFold);
    double[] shift = Standardization.fit(data).mean();
    for (int threads = 1; threads <= 3; threads++) {
      Moments[] got = HostMoments.compute(data, shift, rowFold, Moments.folds(rowFold),
          threads);
      assertEquals(ref.length, got.length);
      for (int f = 0; f < ref.length; f++) {
        MomentsFixtures.assertMomentsClose(ref[f], got[f], REL, what + ", " + threads
            + " threads, fold " + f);
      }
      Moments[] again = HostMoments.compute(data, shift, rowFold, Moments.folds(rowFold),
          threads);
      for (int f = 0; f < ref.length; f++) {
        assertArrayEquals(got[f].packed(), again[f].packed(), 0.0, "the same bits twice");
      }
    }
  }

  @Test
  void matchesTheOracle() {
    check(MomentsFixtures.diabetes(), null, "diabetes");
    check(MomentsFixtures.mtcars(), null, "mtcars");
    check(MomentsFixtures.generated(3000, 6, true, 61), null, "weighted, constant column");
    check(MomentsFixtures.generated(3000, 6, false, 62), null, "unweighted, constant column");
    check(MomentsFixtures.generated(300, 1, false, 63), null, "one feature");
    check(MomentsFixtures.generated(2, 3, false, 64), null, "fewer rows than threads");
    for (int d : new int[] {2, 5, 13, 64}) {
      // 1027 rows: blocks of 256 and groups of 4 with a remainder of each.
      check(MomentsFixtures.generated(1027, d, d % 2 == 0, 70 + d), null, d + " features");
    }
  }

  /** Segments of the problem, not of the threads: the same bits on 1, 2, 3 or 16 threads. */
  @Test
  void theBitsDoNotDependOnTheThreads() {
    Dataset data = MomentsFixtures.generated(5 * HostMoments.ROWS_PER_THREAD + 77, 5, true, 90);
    int[] rowFold = new int[data.rows()];
    for (int i = 0; i < rowFold.length; i++) {
      rowFold[i] = i % 3;
    }
    assertEquals(5, HostMoments.segments(data.rows(), 5, 3));
    double[] shift = Standardization.fit(data).mean();
    for (int[] folds : new int[][] {null, rowFold}) {
      Moments[] one = HostMoments.compute(data, shift, folds, Moments.folds(folds), 1);
      Moments[] ref = MomentsFixtures.reference(data, folds);
      for (int threads : new int[] {2, 3, 16}) {
        Moments[] got = HostMoments.compute(data, shift, folds, Moments.folds(folds), threads);
        for (int f = 0; f < one.length; f++) {
          assertArrayEquals(one[f].packed(), got[f].packed(), 0.0, threads + " threads");
          MomentsFixtures.assertMomentsClose(ref[f], got[f], REL, threads + " threads");
        }
      }
    }
    // Fewer, longer segments where their totals would take too much memory.
    int d = 500;
    long perSegment = 2L * Double.BYTES * Moments.size(d);
    assertEquals(HostMoments.SEGMENT_TOTALS_BYTES / perSegment,
        HostMoments.segments(10_000_000, d, 1));
    assertEquals(HostMoments.MAX_SEGMENTS, HostMoments.segments(10_000_000, 4, 1));
    assertEquals(1, HostMoments.segments(100, 4, 1));
  }

  @Test
  void foldsAddUpAndMatchTheOracle() {
    Dataset data = MomentsFixtures.generated(2500, 4, true, 65);
    int[] rowFold = new int[data.rows()];
    for (int i = 0; i < rowFold.length; i++) {
      rowFold[i] = (i * 3) % 4;
    }
    check(data, rowFold, "folds");
  }

  @Test
  void checksItsArguments() {
    Dataset data = MomentsFixtures.generated(10, 2, false, 66);
    assertThrows(IllegalArgumentException.class,
        () -> HostMoments.compute(data, new double[3], null, 1, 1));
    assertThrows(IllegalArgumentException.class,
        () -> HostMoments.compute(data, new double[2], new int[3], 1, 1));
    assertThrows(IllegalArgumentException.class,
        () -> HostMoments.compute(data, new double[2], null, 1, 0));
    assertTrue(HostMoments.threads(1) >= 1);
  }

  /**
   * The reference kind's moments-only open evaluates as the normal equations on the oracle's
   * moments, and says the host computed them.
   */
  @Test
  void theReferenceKindsNormalEquationsComeFromTheHost() {
    Dataset data = MomentsFixtures.generated(2000, 5, true, 67);
    Standardization std = Standardization.fit(data);
    Columns columns = Columns.of(Loss.LINEAR, 3);
    GramBackend fast = Backends.normalEquations(BackendKind.REFERENCE, data, std, columns,
        null);
    GramBackend oracle = GramBackend.of(new ReferenceBackend(data, std, columns), std, columns);
    assertEquals(BackendKind.REFERENCE, fast.source().kind());
    assertTrue(fast.source().device().startsWith("Java (host CPU, "), fast.source().device());
    assertTrue(GramBackend.describes(fast.info()), fast.info().device());
    double[] w = MomentsFixtures.random(3 * 6, 68, 1);
    BatchedEvaluation a = fast.evaluateColumns(w, Batch.all(data.rows()));
    BatchedEvaluation b = oracle.evaluateColumns(w, Batch.all(data.rows()));
    for (int g = 0; g < 3; g++) {
      assertEquals(b.loss()[g], a.loss()[g], 1e-12 * Math.abs(b.loss()[g]), "loss " + g);
    }
    double largest = 0;
    for (double v : b.gradient()) {
      largest = Math.max(largest, Math.abs(v));
    }
    assertArrayEquals(b.gradient(), a.gradient(), 1e-11 * largest, "gradient");
    assertThrows(IllegalArgumentException.class, () -> Backends.normalEquations(
        BackendKind.REFERENCE, data, std, Columns.of(Loss.LOGISTIC, 1), null));
  }

  /** A selection of plain columns evaluates as the backend's first group, column by column. */
  @Test
  void aSelectionEvaluatesAsTheWhole() {
    Dataset data = MomentsFixtures.generated(500, 3, false, 69);
    Standardization std = Standardization.fit(data);
    GramBackend all = Backends.normalEquations(BackendKind.REFERENCE, data, std,
        Columns.of(Loss.LINEAR, 4), null);
    GramBackend one = all.select(Columns.of(Loss.LINEAR, 1));
    assertEquals(1, one.columns().count());
    assertEquals(all.info(), one.info());
    double[] w = MomentsFixtures.random(4 * 4, 70, 1);
    BatchedEvaluation e = all.evaluateColumns(w, Batch.all(data.rows()));
    for (int k = 0; k < 4; k++) {
      double[] wk = java.util.Arrays.copyOfRange(w, k * 4, (k + 1) * 4);
      BatchedEvaluation x = one.evaluateColumns(wk, Batch.all(data.rows()));
      assertEquals(e.loss()[k], x.loss()[0], 0.0);
      assertArrayEquals(java.util.Arrays.copyOfRange(e.gradient(), k * 4, (k + 1) * 4),
          x.gradient(), 0.0);
    }
    int[] folds = new int[data.rows()];
    assertThrows(IllegalArgumentException.class, () -> all.select(Columns.of(Loss.LINEAR, 1)
        .withFolds(folds, new int[] {0})));
  }
}

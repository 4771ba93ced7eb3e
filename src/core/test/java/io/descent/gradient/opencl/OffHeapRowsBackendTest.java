package io.descent.gradient.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.data.SyntheticData;
import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.Columns;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.Moments;
import io.descent.gradient.OpenClOptions;
import io.descent.gradient.ReferenceBackend;
import io.descent.gradient.nd4j.Nd4jBackend;
import io.descent.loss.Loss;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every backend gives the same bits over features kept off the Java heap ({@link
 * Dataset#offHeapRows()}) as over the same features on the heap: the OpenCL backend on PoCL,
 * which uses them in place where its rows are the raw ones ({@code CL_MEM_USE_HOST_PTR}) and
 * copies them otherwise, its moments, the reference and ND4J.
 */
class OffHeapRowsBackendTest {
  private static final OpenClOptions FLOAT = new OpenClOptions(null, "cpu", "float");
  private static final OpenClOptions DOUBLE = new OpenClOptions(null, "cpu", "double");

  @BeforeEach
  void requireOpenCl() {
    OpenClAvailability.require();
  }

  private static Dataset data(Loss loss, int rows, int d, long seed) {
    return loss == Loss.MULTINOMIAL ? new SyntheticData(rows, d, 4, seed).dataset()
        : new SyntheticData(rows, d, loss, seed).dataset();
  }

  private static double[] theta(int d, int k, long seed) {
    Random rnd = new Random(seed);
    double[] w = new double[(d + 1) * k];
    for (int j = 0; j < w.length; j++) {
      w[j] = rnd.nextGaussian() / Math.sqrt(d);
    }
    return w;
  }

  /** Opens a backend on the heap data and on the same data off the heap: the same bits. */
  private static void assertSameBits(Dataset heap, Columns columns,
      Function<Dataset, GradientBackend> open, String what) {
    Dataset off = heap.withRowsOffHeap();
    assertTrue(off.offHeapRows().isPresent());
    double[] w = theta(heap.features(), columns.count(), 17);
    try (GradientBackend a = open.apply(heap); GradientBackend b = open.apply(off)) {
      for (Batch batch : new Batch[] {Batch.all(heap.rows()),
          new Batch(new int[] {5, 1, heap.rows() - 1, 77}, 0, 4)}) {
        BatchedEvaluation e = a.evaluateColumns(w, batch);
        BatchedEvaluation f = b.evaluateColumns(w, batch);
        assertArrayEquals(e.loss(), f.loss(), what + ": loss");
        assertArrayEquals(e.gradient(), f.gradient(), what + ": gradient");
      }
    }
  }

  @Test
  void openClGivesTheSameBits() {
    for (Loss loss : new Loss[] {Loss.LOGISTIC, Loss.LINEAR}) {
      Dataset heap = data(loss, 30_011, 13, 3);
      Standardization s = Standardization.fit(heap);
      // One column: raw rows, used in place off the heap, in float32 and float64.
      assertSameBits(heap, Columns.single(loss),
          d -> OpenClBackend.open(d, s, loss, FLOAT), loss + " float32");
      assertSameBits(heap, Columns.single(loss),
          d -> OpenClBackend.open(d, s, loss, DOUBLE), loss + " float64");
      // Many columns and weights: standardized copies made from the rows off the heap.
      assertSameBits(heap, Columns.of(loss, 5),
          d -> OpenClBackend.open(d, s, Columns.of(loss, 5), FLOAT), loss + " 5 columns");
      Dataset weighted = heap.withWeights(weights(heap.rows()));
      Standardization sw = Standardization.fit(weighted);
      assertSameBits(weighted, Columns.single(loss),
          d -> OpenClBackend.open(d, sw, loss, FLOAT), loss + " weighted");
    }
    Dataset classes = data(Loss.MULTINOMIAL, 20_003, 9, 5);
    Standardization sc = Standardization.fit(classes);
    assertSameBits(classes, Columns.multinomial(4),
        d -> OpenClBackend.open(d, sc, Columns.multinomial(4), FLOAT), "multinomial");
  }

  @Test
  void rawRowsOffTheHeapAreUsedInPlaceAndOthersCopied() {
    Dataset heap = data(Loss.LOGISTIC, 5_000, 6, 19);
    Dataset off = heap.withRowsOffHeap();
    Standardization s = Standardization.fit(heap);
    try (OpenClBackend onHeap = OpenClBackend.open(heap, s, Loss.LOGISTIC, FLOAT);
        OpenClBackend inPlace32 = OpenClBackend.open(off, s, Loss.LOGISTIC, FLOAT);
        OpenClBackend inPlace64 = OpenClBackend.open(off, s, Loss.LOGISTIC, DOUBLE);
        OpenClBackend columns = OpenClBackend.open(off, s, Columns.of(Loss.LOGISTIC, 3), FLOAT)) {
      assertTrue(!onHeap.rowsInPlace() && inPlace32.rowsInPlace() && inPlace64.rowsInPlace());
      assertTrue(!columns.rowsInPlace(), "batched columns upload standardized copies");
    }
  }

  @Test
  void theFloat64FinishOnTheRowsOffTheHeapGivesTheSameBits() {
    Dataset heap = data(Loss.LOGISTIC, 25_000, 11, 7);
    Standardization s = Standardization.fit(heap);
    Dataset off = heap.withRowsOffHeap();
    double[] w = theta(11, 1, 3);
    try (OpenClBackend a32 = OpenClBackend.open(heap, s, Loss.LOGISTIC, FLOAT);
        OpenClBackend b32 = OpenClBackend.open(off, s, Loss.LOGISTIC, FLOAT)) {
      if (!a32.sharesRowsWithFloat64()) {
        return; // no float64 on this device: nothing to share
      }
      try (OpenClBackend a = a32.float64OnTheSameRows();
          OpenClBackend b = b32.float64OnTheSameRows()) {
        BatchedEvaluation e = a.evaluateColumns(w, Batch.all(heap.rows()));
        BatchedEvaluation f = b.evaluateColumns(w, Batch.all(heap.rows()));
        assertArrayEquals(e.loss(), f.loss());
        assertArrayEquals(e.gradient(), f.gradient());
      }
    }
  }

  @Test
  void theOpenClMomentsHaveTheSameBits() {
    Dataset heap = data(Loss.LINEAR, 40_009, 8, 9).withWeights(weights(40_009));
    Dataset off = heap.withRowsOffHeap();
    double[] shift = Moments.shiftOf(heap);
    int[] folds = new int[heap.rows()];
    for (int i = 0; i < folds.length; i++) {
      folds[i] = i % 4;
    }
    for (int[] rowFold : new int[][] {null, folds}) {
      int k = rowFold == null ? 1 : 4;
      Moments[] want = OpenClBackend.moments(heap, shift, rowFold, k, FLOAT).folds();
      Moments[] got = OpenClBackend.moments(off, shift, rowFold, k, FLOAT).folds();
      for (int f = 0; f < k; f++) {
        assertArrayEquals(want[f].packed(), got[f].packed(), "fold " + f);
      }
    }
  }

  @Test
  void theReferenceAndNd4jGiveTheSameBits() {
    Dataset heap = data(Loss.MULTINOMIAL, 12_001, 7, 11).withWeights(weights(12_001));
    Standardization s = Standardization.fit(heap);
    assertSameBits(heap, Columns.multinomial(4),
        d -> new ReferenceBackend(d, s, Columns.multinomial(4)), "reference");
    Dataset logistic = data(Loss.LOGISTIC, 12_001, 7, 13);
    Standardization sl = Standardization.fit(logistic);
    assertSameBits(logistic, Columns.single(Loss.LOGISTIC),
        d -> Nd4jBackend.open(d, sl, Columns.single(Loss.LOGISTIC)), "nd4j");
  }

  private static double[] weights(int rows) {
    double[] w = new double[rows];
    for (int i = 0; i < rows; i++) {
      w[i] = i % 5 == 2 ? 0 : 1 + (i % 3);
    }
    return w;
  }
}

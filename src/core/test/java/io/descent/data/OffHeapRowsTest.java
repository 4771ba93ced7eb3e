package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.gradient.HostMoments;
import io.descent.gradient.Moments;
import io.descent.loss.Loss;
import io.descent.model.LinearModel;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Features kept off the Java heap ({@link Dataset#offHeapRows()}): a dataset over them answers
 * as the same data on the heap does, and every reader of the features gives the same bits from
 * either.
 */
class OffHeapRowsTest {
  @TempDir Path dir;

  private static Dataset weighted(int rows, int d, long seed) {
    Dataset data = new SyntheticData(rows, d, Loss.LOGISTIC, seed).dataset();
    Random rnd = new Random(seed);
    double[] w = new double[rows];
    for (int i = 0; i < rows; i++) {
      w[i] = i % 7 == 3 ? 0 : rnd.nextInt(4) + 0.5;
    }
    return data.withWeights(w);
  }

  /** A generated 20,000 x 16 logistic CSV file (several 64 KiB slices) in the test's folder. */
  private Path generated(String name, long seed) throws IOException {
    Path file = dir.resolve(name);
    StringWriter text = new StringWriter();
    new SyntheticData(20_000, 16, Loss.LOGISTIC, seed).write(text);
    Files.writeString(file, text.toString());
    return file;
  }

  @Test
  void aDatasetOffTheHeapAnswersAsOnTheHeap() {
    Dataset heap = weighted(1_001, 7, 3);
    Dataset off = heap.withRowsOffHeap();
    assertFalse(heap.offHeapRows().isPresent());
    assertTrue(off.offHeapRows().isPresent());
    assertTrue(off.offHeapRows().get().isDirect());
    assertSame(off, off.withRowsOffHeap(), "already off the heap: the same dataset");
    for (int i = 0; i < heap.rows(); i += 97) {
      for (int j = 0; j < heap.features(); j++) {
        assertEquals(heap.get(i, j), off.get(i, j));
      }
    }
    float[] a = new float[5 * 7 + 3];
    float[] b = new float[5 * 7 + 3];
    heap.copyRows(996, 5, a, 3);
    off.copyRows(996, 5, b, 3);
    assertArrayEquals(a, b);
    assertThrows(IndexOutOfBoundsException.class, () -> off.copyRows(997, 5, b, 0));
    int[] some = {1000, 0, 17, 17, 512};
    assertArrayEquals(heap.rows(some).x(), off.rows(some).x());
    assertFalse(off.rows(some).offHeapRows().isPresent(), "a selection is a heap copy");
    // Derived datasets share the rows (and the one heap copy x() makes).
    Dataset renamed = off.withFeatureNames(List.of("a", "b", "c", "d", "e", "f", "g"));
    assertTrue(renamed.offHeapRows().isPresent());
    assertArrayEquals(heap.x(), off.x());
    assertSame(off.x(), renamed.x(), "one heap copy for the rows and their derived datasets");
    assertArrayEquals(heap.weights(), off.weights());
  }

  @Test
  void aFileReadInSlicesKeepsItsFeaturesOffTheHeap() throws IOException {
    Path file = generated("logistic.csv", 7);
    CsvReader.Options o = CsvReader.Options.binaryTarget("y");
    Dataset sliced = new CsvReader(o).withSliceBytes(1 << 16).withThreads(3).read(file);
    Dataset sequential = new CsvReader(o).withSliceBytes(0).read(file);
    assertTrue(sliced.offHeapRows().isPresent());
    assertFalse(sequential.offHeapRows().isPresent());
    FloatBuffer rows = sliced.offHeapRows().get();
    assertEquals(sequential.x().length, rows.capacity());
    for (int k = 0; k < rows.capacity(); k++) {
      assertEquals(Float.floatToRawIntBits(sequential.x()[k]), Float.floatToRawIntBits(rows.get(k)),
          "value " + k);
    }
    assertArrayEquals(sequential.y(), sliced.y());
    assertEquals(sequential.labels(), sliced.labels());
  }

  @Test
  void aFitOnOpenClReadsTheRowsInPlace() {
    io.descent.gradient.opencl.OpenClAvailability.require();
    Dataset heap = new SyntheticData(20_000, 12, Loss.LOGISTIC, 23).dataset();
    Dataset off = heap.withRowsOffHeap();
    assertTheSameFitWithoutAHeapCopy(heap, off);
    // Unpenalized: the end of the fit also checks the rows for a separating hyperplane.
    Dataset off2 = heap.withRowsOffHeap();
    io.descent.train.FitResult free = io.descent.Descent.logistic().backend("opencl")
        .train(off2, io.descent.train.TrainingListener.NONE);
    assertTrue(free.converged(), free.message());
    assertFalse(off2.rowsCopiedToHeap(), "unpenalized: no copy onto the heap either");
  }

  @Test
  void theStandardizationHasTheSameBits() {
    // Above Standardization.PARALLEL_VALUES, in blocks with a short last one.
    Dataset heap = weighted(70_001, 61, 5);
    Dataset off = heap.withRowsOffHeap();
    assertTrue((long) heap.rows() * heap.features() >= Standardization.PARALLEL_VALUES);
    Dataset unweighted = heap.withWeights(null);
    assertStandardization(Standardization.fit(unweighted),
        Standardization.fit(unweighted.withRowsOffHeap()));
    assertStandardization(Standardization.fit(heap), Standardization.fit(off));
    Dataset small = weighted(301, 5, 9);
    assertStandardization(Standardization.fit(small), Standardization.fit(small.withRowsOffHeap()));
  }

  private static void assertStandardization(Standardization want, Standardization got) {
    assertArrayEquals(want.mean(), got.mean());
    assertArrayEquals(want.scale(), got.scale());
  }

  @Test
  void theMomentsHaveTheSameBits() {
    Dataset heap = weighted(5_003, 9, 11);
    Dataset off = heap.withRowsOffHeap();
    double[] shift = Moments.shiftOf(heap);
    assertArrayEquals(shift, Moments.shiftOf(off));
    int[] folds = new int[heap.rows()];
    for (int i = 0; i < folds.length; i++) {
      folds[i] = i % 3;
    }
    for (int f = 0; f < 3; f++) {
      assertArrayEquals(Moments.of(heap, shift, 0.25, folds, f).packed(),
          Moments.of(off, shift, 0.25, folds, f).packed());
    }
    for (int threads : new int[] {1, 2}) {
      Moments[] want = HostMoments.compute(heap, shift, folds, 3, threads);
      Moments[] got = HostMoments.compute(off, shift, folds, 3, threads);
      for (int f = 0; f < 3; f++) {
        assertArrayEquals(want[f].packed(), got[f].packed(), threads + " threads, fold " + f);
      }
    }
  }

  @Test
  void aModelsMarginsHaveTheSameBits() {
    Dataset heap = weighted(2_000, 6, 13);
    Dataset off = heap.withRowsOffHeap();
    Standardization s = Standardization.fit(heap);
    double[] theta = {0.3, -1, 0.5, 0.25, 2, -0.125, 0.75};
    LinearModel logistic = LinearModel.of(Loss.LOGISTIC, heap.featureNames(), "y",
        heap.labels().orElse(null), s, theta);
    assertArrayEquals(logistic.margins(heap), logistic.margins(off));
    Dataset classes = heap.asClasses();
    double[] theta2 = new double[2 * 7];
    for (int k = 0; k < theta2.length; k++) {
      theta2[k] = 0.1 * (k % 5) - 0.2;
    }
    LinearModel multinomial = LinearModel.multinomial(heap.featureNames(), "y",
        classes.classLabels().get(), s, theta2);
    assertArrayEquals(multinomial.classMargins(classes),
        multinomial.classMargins(off.asClasses()));
  }

  @Test
  void aCachedCopyOfRowsOffTheHeapReadsBackTheSame() throws IOException {
    Path file = generated("data.csv", 21);
    CsvReader reader = new CsvReader(CsvReader.Options.binaryTarget("y")).withSliceBytes(1 << 16)
        .withThreads(2);
    DatasetCache cache = new DatasetCache(dir.resolve("cache"));
    DatasetCache.Loaded first = cache.load(file, reader);
    assertTrue(first.data().offHeapRows().isPresent(), "parsed in slices");
    DatasetCache.Loaded again = cache.load(file, reader);
    assertTrue(again.fromCopy());
    assertNotSame(first.data(), again.data());
    assertArrayEquals(first.data().x(), again.data().x());
    assertArrayEquals(first.data().y(), again.data().y());
  }

  @Test
  void aCachedCopysFeaturesAreUsedInPlaceFromItsMapping() throws IOException {
    io.descent.gradient.opencl.OpenClAvailability.require();
    Path file = generated("mapped.csv", 31);
    CsvReader reader = new CsvReader(CsvReader.Options.binaryTarget("y")).withSliceBytes(0);
    DatasetCache cache = new DatasetCache(dir.resolve("cache"));
    Dataset parsed = cache.load(file, reader).data();
    assertFalse(parsed.offHeapRows().isPresent(), "read in one piece: on the heap");
    DatasetCache.Loaded again = cache.load(file, reader);
    assertTrue(again.fromCopy());
    Dataset copy = again.data();
    FloatBuffer rows = copy.offHeapRows().orElseThrow(() -> new AssertionError("on the heap"));
    assertEquals(parsed.x().length, rows.capacity());
    for (int k = 0; k < rows.capacity(); k++) {
      assertEquals(Float.floatToRawIntBits(parsed.x()[k]), Float.floatToRawIntBits(rows.get(k)),
          "value " + k);
    }
    assertTheSameFitWithoutAHeapCopy(parsed, copy);
  }

  /**
   * A penalized logistic fit on OpenCL of {@code off} (its rows off the heap) converges to bit
   * for bit the fit of {@code heap}, and nothing in it copies {@code off}'s rows onto the heap.
   */
  private static void assertTheSameFitWithoutAHeapCopy(Dataset heap, Dataset off) {
    io.descent.train.FitResult want = io.descent.Descent.logistic().l2(1e-3).backend("opencl")
        .train(heap, io.descent.train.TrainingListener.NONE);
    io.descent.train.FitResult got = io.descent.Descent.logistic().l2(1e-3).backend("opencl")
        .train(off, io.descent.train.TrainingListener.NONE);
    assertTrue(got.converged(), got.message());
    assertArrayEquals(want.model().theta(), got.model().theta(), "the same fit, bit for bit");
    assertFalse(off.rowsCopiedToHeap(), "no reader of the fit copied the rows onto the heap");
  }
}

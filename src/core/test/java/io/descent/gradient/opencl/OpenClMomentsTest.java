package io.descent.gradient.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.Columns;
import io.descent.gradient.Moments;
import io.descent.gradient.MomentsFixtures;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import org.junit.jupiter.api.Test;

/**
 * OpenCL's moments ({@code kernels/moments.cl}) against the reference's, entry by entry to
 * {@value #REL} of the entry's Cauchy-Schwarz scale, from a float and a double backend (the
 * moments come from the raw rows either way), in both layouts: shipped sets, weights, one
 * feature, a constant column, folds, slabs forced small, and the same bits twice.
 */
class OpenClMomentsTest {
  static final double REL = 1e-12;

  private static void check(Dataset data, int[] rowFold, String precision, Tuning tuning,
      String what) {
    for (String layout : new String[] {"cpu", "gpu"}) {
      check(data, rowFold, precision, layout, tuning, what + ", " + layout + " layout");
    }
  }

  private static void check(Dataset data, int[] rowFold, String precision, String layout,
      Tuning tuning, String what) {
    OpenClAvailability.require();
    Moments[] ref = MomentsFixtures.reference(data, rowFold);
    try (OpenClBackend b = OpenClBackend.open(data, Standardization.fit(data),
        Columns.single(Loss.LINEAR), OpenClOptions.defaults().withPrecision(precision)
            .withLayout(layout),
        tuning)) {
      Moments[] got = b.moments(rowFold, Moments.folds(rowFold));
      for (int f = 0; f < ref.length; f++) {
        MomentsFixtures.assertMomentsClose(ref[f], got[f], REL, what + " (" + precision
            + ") fold " + f);
      }
      Moments[] again = b.moments(rowFold, Moments.folds(rowFold));
      for (int f = 0; f < ref.length; f++) {
        assertArrayEquals(got[f].packed(), again[f].packed(), 0.0, "the same bits twice");
      }
    }
  }

  @Test
  void matchesTheReference() {
    for (String precision : new String[] {"float", "double"}) {
      check(MomentsFixtures.diabetes(), null, precision, Tuning.defaults(), "diabetes");
      check(MomentsFixtures.mtcars(), null, precision, Tuning.defaults(), "mtcars");
      check(MomentsFixtures.generated(3000, 6, true, 41), null, precision, Tuning.defaults(),
          "weighted, constant column");
      check(MomentsFixtures.generated(300, 1, false, 42), null, precision, Tuning.defaults(),
          "one feature");
    }
  }

  /**
   * Feature counts around the cpu layout's tiles (8 columns a tile, 6 rows on AVX2, 8 on
   * AVX-512): a multiple of the tile's columns, one under and over, and 64 with 1000 rows (not
   * a multiple of the 64-row block), so that every padding and the border rows are exercised.
   */
  @Test
  void featureCountsAroundTheTiles() {
    for (int d : new int[] {7, 8, 9, 16, 23, 64}) {
      check(MomentsFixtures.generated(1000, d, true, 50 + d), null, "float", "cpu",
          Tuning.defaults(), d + " features, weighted, cpu layout");
    }
    check(MomentsFixtures.generated(1000, 64, false, 49), null, "double", "cpu",
        Tuning.defaults(), "64 features, unweighted, cpu layout");
  }

  @Test
  void foldsAndSmallSlabs() {
    Dataset data = MomentsFixtures.generated(2500, 4, true, 43);
    int[] rowFold = new int[data.rows()];
    for (int i = 0; i < rowFold.length; i++) {
      rowFold[i] = (i * 3) % 4;
    }
    check(data, rowFold, "float", Tuning.defaults(), "folds");
    // 4096 bytes: 128 rows of 4 features (with target and weight) per slab: many per fold.
    check(data, rowFold, "double", Tuning.defaults().withMaxChunkBytes(4096), "small slabs");
    check(data, null, "float", Tuning.defaults().withMaxChunkBytes(4096), "small slabs");
    // Unweighted, no folds: each slab goes up straight from the dataset's array, at its offset.
    check(MomentsFixtures.generated(2500, 4, false, 44), null, "float",
        Tuning.defaults().withMaxChunkBytes(4096), "small slabs straight from the data");
  }

  /**
   * The moments-only open (a context and the moments kernel, no gradient backend): the same
   * moments as the reference in both layouts, with weights and folds, says what computed them,
   * and releases every OpenCL object it made before returning.
   */
  @Test
  void aMomentsOnlyOpenMatchesTheReferenceAndKeepsNothing() {
    OpenClAvailability.require();
    Dataset data = MomentsFixtures.generated(3000, 9, true, 45);
    int[] rowFold = new int[data.rows()];
    for (int i = 0; i < rowFold.length; i++) {
      rowFold[i] = (i * 5) % 3;
    }
    Standardization std = Standardization.fit(data);
    for (int[] folds : new int[][] {null, rowFold}) {
      Moments[] ref = MomentsFixtures.reference(data, folds);
      for (String layout : new String[] {"cpu", "gpu"}) {
        int live = OpenClBackend.liveObjects();
        io.descent.gradient.DeviceMoments got = OpenClBackend.moments(data, std, folds,
            Moments.folds(folds), OpenClOptions.defaults().withLayout(layout));
        assertEquals(live, OpenClBackend.liveObjects(), "every OpenCL object released");
        assertEquals(io.descent.gradient.BackendKind.OPENCL, got.source().kind());
        assertEquals("float64", got.source().precision());
        assertEquals(layout, got.source().layout());
        for (int f = 0; f < ref.length; f++) {
          MomentsFixtures.assertMomentsClose(ref[f], got.folds()[f], REL, "moments only, "
              + layout + (folds == null ? "" : ", folds") + ", fold " + f);
        }
      }
    }
    // Through Backends: the normal equations of linear columns, on OpenCL's moments.
    int live = OpenClBackend.liveObjects();
    io.descent.gradient.GramBackend gram = io.descent.gradient.Backends.normalEquations(
        io.descent.gradient.BackendKind.OPENCL, data, std, Columns.of(Loss.LINEAR, 2), null);
    assertEquals(live, OpenClBackend.liveObjects(), "the normal equations hold nothing open");
    assertEquals(io.descent.gradient.BackendKind.OPENCL, gram.source().kind());
    assertTrue(io.descent.gradient.GramBackend.describes(gram.info()), gram.info().device());
  }

  /**
   * The moments-only open about {@link Moments#shiftOf} (the standardization then taken from
   * the moments, no pass of its own): OpenCL's moments match the oracle's about the same shift,
   * and the standardization they give matches the host's, with large means and weights.
   */
  @Test
  void momentsAboutTheFirstRowsShiftGiveTheStandardization() {
    OpenClAvailability.require();
    for (boolean weighted : new boolean[] {false, true}) {
      Dataset data = io.descent.gradient.StandardizationFromMomentsTest.largeMeans(3000,
          weighted, 46);
      double[] shift = Moments.shiftOf(data);
      Moments ref = MomentsFixtures.referenceAbout(data, shift);
      for (String layout : new String[] {"cpu", "gpu"}) {
        int live = OpenClBackend.liveObjects();
        Moments got = OpenClBackend.moments(data, shift, null, 1,
            OpenClOptions.defaults().withLayout(layout)).folds()[0];
        assertEquals(live, OpenClBackend.liveObjects(), "every OpenCL object released");
        MomentsFixtures.assertMomentsClose(ref, got, REL, "about the shift, " + layout);
        Standardization s = got.standardization();
        Standardization host = ref.standardization();
        for (int j = 0; j < data.features(); j++) {
          assertEquals(host.mean(j), s.mean(j), 1e-12 * host.scale(j), "mean " + j);
          assertEquals(host.scale(j), s.scale(j), 1e-12 * host.scale(j), "scale " + j);
        }
      }
      io.descent.gradient.GramBackend gram = io.descent.gradient.Backends.normalEquations(
          io.descent.gradient.BackendKind.OPENCL, data, true, Columns.of(Loss.LINEAR, 2), null);
      io.descent.gradient.StandardizationFromMomentsTest.assertAgrees(data,
          gram.standardization(), Columns.of(Loss.LINEAR, 2), gram, 47);
    }
  }
}

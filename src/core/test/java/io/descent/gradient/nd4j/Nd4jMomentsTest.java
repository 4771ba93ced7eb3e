package io.descent.gradient.nd4j;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.Columns;
import io.descent.gradient.Moments;
import io.descent.gradient.MomentsFixtures;
import io.descent.loss.Loss;
import org.junit.jupiter.api.Test;

/**
 * ND4J's moments (float64 GEMMs over chunks of rows) against the reference's, entry by entry to
 * {@value #REL} of the entry's Cauchy-Schwarz scale: shipped sets, weights, one feature, a
 * constant column, folds, and more rows than one GEMM chunk.
 */
class Nd4jMomentsTest {
  static final double REL = 1e-12;

  private static void check(Dataset data, int[] rowFold, String what) {
    Moments[] ref = MomentsFixtures.reference(data, rowFold);
    try (Nd4jBackend b = Nd4jBackend.open(data, Standardization.fit(data),
        Columns.single(Loss.LINEAR), 1)) {
      Moments[] got = b.moments(rowFold, Moments.folds(rowFold));
      for (int f = 0; f < ref.length; f++) {
        MomentsFixtures.assertMomentsClose(ref[f], got[f], REL, what + " fold " + f);
      }
    }
  }

  @Test
  void matchesTheReference() {
    check(MomentsFixtures.diabetes(), null, "diabetes");
    check(MomentsFixtures.mtcars(), null, "mtcars");
    check(MomentsFixtures.generated(2000, 5, true, 31), null, "weighted, constant column");
    check(MomentsFixtures.generated(300, 1, false, 32), null, "one feature");
    // 1 << 20 doubles per chunk over 3 values a row: more than one chunk.
    check(MomentsFixtures.generated(400_000, 1, true, 33), null, "several chunks");
    Dataset data = MomentsFixtures.generated(1500, 4, true, 34);
    int[] rowFold = new int[data.rows()];
    for (int i = 0; i < rowFold.length; i++) {
      rowFold[i] = i % 5;
    }
    check(data, rowFold, "folds");
  }
}

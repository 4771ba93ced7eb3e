package io.descent.spark;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.shared.HasThresholds;

/**
 * MLlib's rule between {@code threshold} and {@code thresholds} of a binary logistic stage:
 * setting either clears the other, and the threshold read while two-class thresholds (t0, t1)
 * are set is the one they stand for, 1 / (1 + t0 / t1).
 */
final class Thresholds {
  private Thresholds() {}

  /** Whether two stages decide alike: the same thresholds, or the same threshold. */
  static boolean same(HasThresholds a, DoubleParam aThreshold, HasThresholds b,
      DoubleParam bThreshold) {
    boolean at = a.isSet(a.thresholds());
    boolean bt = b.isSet(b.thresholds());
    if (at || bt) {
      return at && bt && java.util.Arrays.equals(a.getThresholds(), b.getThresholds());
    }
    return ((Double) a.getOrDefault(aThreshold)).equals(b.getOrDefault(bThreshold));
  }

  /**
   * Refuses thresholds set on a stage whose fit found {@code numClasses} classes where their
   * count differs, as MLlib's {@code train} does (rather than its model's transform, later).
   *
   * @throws IllegalArgumentException naming both counts
   */
  static void requireMatching(HasThresholds stage, int numClasses) {
    if (stage.isSet(stage.thresholds()) && stage.getThresholds().length != numClasses) {
      throw new IllegalArgumentException("DescentLogisticRegression.train() called with"
          + " non-matching numClasses and thresholds.length. numClasses=" + numClasses
          + ", but thresholds has length " + stage.getThresholds().length);
    }
  }

  /**
   * The threshold: the one two-class thresholds stand for, else the param's.
   *
   * @throws IllegalArgumentException where thresholds of another length are set (a multiclass
   *     stage's), as MLlib's {@code getThreshold} refuses them
   */
  static double threshold(HasThresholds stage, DoubleParam threshold) {
    if (stage.isSet(stage.thresholds())) {
      double[] t = stage.getThresholds();
      if (t.length != 2) {
        throw new IllegalArgumentException("getThreshold only applies to binary classification,"
            + " but thresholds has length " + t.length + " (" + java.util.Arrays.toString(t)
            + "): use getThresholds");
      }
      return 1 / (1 + t[0] / t[1]);
    }
    return (Double) stage.getOrDefault(threshold);
  }
}

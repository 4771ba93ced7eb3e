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

  static double threshold(HasThresholds stage, DoubleParam threshold) {
    if (stage.isSet(stage.thresholds())) {
      double[] t = stage.getThresholds();
      if (t.length == 2) {
        return 1 / (1 + t[0] / t[1]);
      }
    }
    return (Double) stage.getOrDefault(threshold);
  }
}

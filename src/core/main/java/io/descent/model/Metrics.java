package io.descent.model;

import io.descent.data.BinaryLabels;
import io.descent.data.ClassLabels;
import io.descent.data.CompensatedSum;
import io.descent.data.Dataset;
import io.descent.loss.Loss;
import io.descent.loss.Softmax;
import java.util.Arrays;
import java.util.Optional;

/**
 * Regression and classification metrics, with every sum in float64 with Neumaier compensation.
 *
 * <p>Classification metrics are computed from margins rather than probabilities: the log loss
 * {@code log(1 + e^m) - y m} is then exact for any margin (a probability that rounds to 0 or 1
 * would need clipping, which is what makes scikit-learn's {@code log_loss} differ for confident
 * wrong predictions), and the ROC AUC sees the margins' full resolution, whereas distinct large
 * margins can round to the same probability and tie.
 */
public final class Metrics {
  /** The probability of class 1 above which a row is called 1, unless another is given. */
  public static final double DEFAULT_THRESHOLD = 0.5;

  private Metrics() {}

  /**
   * The metrics of a model on a dataset with targets: {@link RegressionMetrics} for a linear
   * model, {@link ClassificationMetrics} for a logistic one.
   *
   * @throws IllegalArgumentException if the dataset has no target, its features differ from the
   *     model's, it has no rows, or its class labels differ from the model's
   */
  public static ModelMetrics evaluate(LinearModel model, Dataset data) {
    return evaluate(model, data, DEFAULT_THRESHOLD);
  }

  /**
   * As {@link #evaluate(LinearModel, Dataset)}, calling a row 1 when its probability of class 1
   * is above {@code threshold} (accuracy and the confusion matrix; log loss and ROC AUC do not
   * depend on it).
   *
   * @throws IllegalArgumentException also when the threshold is not in (0, 1)
   */
  public static ModelMetrics evaluate(LinearModel model, Dataset data, double threshold) {
    checkThreshold(threshold);
    if (data.targetName() == null) {
      throw new IllegalArgumentException(data.source() + " has no target column, so the model"
          + " cannot be evaluated on it (expected \"" + model.targetName() + "\")");
    }
    if (model.loss() == Loss.LINEAR) {
      return regression(data.y(), model.predict(data));
    }
    if (model.isMulticlass()) {
      return multiclass(model, data);
    }
    Optional<BinaryLabels> ml = model.labels();
    Optional<BinaryLabels> dl = data.labels();
    if (ml.isPresent() && dl.isPresent() && !ml.get().equals(dl.get())) {
      throw new IllegalArgumentException(data.source() + " codes its target as "
          + dl.get().negative() + " = 0, " + dl.get().positive() + " = 1 but the model uses "
          + ml.get().negative() + " = 0, " + ml.get().positive() + " = 1");
    }
    return classification(data.y(), model.margins(data), threshold);
  }

  /**
   * The multiclass log loss, accuracy and confusion matrix of a multinomial or one-vs-rest model
   * (its normalized probabilities; the class of the largest margin) on a dataset
   * whose class target is coded by the model's classes ({@link Dataset#withClassLabels}).
   *
   * @throws IllegalArgumentException if the dataset has a label that is not one of the model's
   *     classes, its features differ from the model's, or it has no rows
   */
  public static MulticlassMetrics multiclass(LinearModel model, Dataset data) {
    ClassLabels classes = model.classes().orElseThrow(() -> new IllegalArgumentException(
        "multiclass metrics need a multinomial or one-vs-rest model, this one is "
            + model.loss().label()));
    Dataset coded = data.withClassLabels(classes);
    int n = coded.rows();
    if (n == 0) {
      throw new IllegalArgumentException("no rows to evaluate");
    }
    int c = classes.size();
    double[] m = model.classMargins(coded);
    double[] y = coded.y();
    long[][] counts = new long[c][c];
    CompensatedSum loss = new CompensatedSum();
    int correct = 0;
    for (int i = 0; i < n; i++) {
      int t = (int) y[i];
      loss.add(model.classLogLoss(m, i * c, t));
      int p = Softmax.argmax(m, i * c, c);
      counts[t][p]++;
      if (p == t) {
        correct++;
      }
    }
    return new MulticlassMetrics(n, loss.value() / n, (double) correct / n,
        new MulticlassConfusion(counts));
  }

  /**
   * MSE, RMSE and R2 of predictions against targets.
   *
   * @param y the targets, all finite
   * @param predictions one per target, all finite
   * @throws IllegalArgumentException if the lengths differ, there are no rows, or a target or a
   *     prediction is not finite
   */
  public static RegressionMetrics regression(double[] y, double[] predictions) {
    int n = checkLengths(y, predictions);
    CompensatedSum sy = new CompensatedSum();
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(y[i])) {
        throw new IllegalArgumentException("target of row " + i + " is not finite: " + y[i]);
      }
      sy.add(y[i]);
    }
    double mean = sy.value() / n;
    CompensatedSum res = new CompensatedSum();
    CompensatedSum tot = new CompensatedSum();
    for (int i = 0; i < n; i++) {
      if (!Double.isFinite(predictions[i])) {
        // As classification refuses a NaN margin: NaN metrics would name nothing.
        throw new IllegalArgumentException("prediction of row " + i + " is not finite: "
            + predictions[i]);
      }
      double r = y[i] - predictions[i];
      double c = y[i] - mean;
      res.add(r * r);
      tot.add(c * c);
    }
    double ssRes = res.value();
    double ssTot = tot.value();
    double mse = ssRes / n;
    double r2 = ssTot > 0 ? 1 - ssRes / ssTot : Double.NaN;
    CompensatedSum absolute = new CompensatedSum();
    for (int i = 0; i < n; i++) {
      absolute.add(Math.abs(y[i] - predictions[i]));
    }
    return new RegressionMetrics(n, mse, Math.sqrt(mse), r2, absolute.value() / n);
  }

  /**
   * Mean log loss, accuracy at threshold 0.5 and ROC AUC of margins against 0/1 targets.
   *
   * @param y the targets, each 0 or 1
   * @param margins {@code m_i = b + w . z_i}, one per target, none NaN
   * @throws IllegalArgumentException if the lengths differ, there are no rows, a target is not 0
   *     or 1, or a margin is NaN
   */
  public static ClassificationMetrics classification(double[] y, double[] margins) {
    return classification(y, margins, DEFAULT_THRESHOLD);
  }

  /**
   * As {@link #classification(double[], double[])}, with accuracy and the confusion matrix at
   * probability {@code threshold} (a row is 1 when its margin is above logit(threshold)).
   *
   * @throws IllegalArgumentException as that method, or when {@code threshold} is not in (0, 1)
   */
  public static ClassificationMetrics classification(double[] y, double[] margins,
      double threshold) {
    checkThreshold(threshold);
    int n = checkLengths(y, margins);
    double cut = Math.log(threshold / (1 - threshold));
    long[] counts = new long[4];
    checkBinary(y);
    CompensatedSum loss = new CompensatedSum();
    int correct = 0;
    int positives = 0;
    for (int i = 0; i < n; i++) {
      double m = margins[i];
      if (Double.isNaN(m)) {
        throw new IllegalArgumentException("margin of row " + i + " is NaN");
      }
      // softplus(m) - y m, written per class so that no large terms cancel.
      boolean positive = y[i] == 1;
      loss.add(positive ? Loss.softplus(-m) : Loss.softplus(m));
      // At 0.5 the cut is log(1) = 0 exactly: the model's own classOf(m).
      boolean called = m > cut;
      if (called == positive) {
        correct++;
      }
      counts[(positive ? 2 : 0) + (called ? 1 : 0)]++;
      if (positive) {
        positives++;
      }
    }
    return new ClassificationMetrics(n, positives, loss.value() / n, (double) correct / n,
        rocAuc(y, margins), new ConfusionMatrix(threshold, counts[0], counts[1], counts[2],
            counts[3]));
  }

  /**
   * The area under the ROC curve of scores against 0/1 targets: the Mann-Whitney statistic
   * {@code U / (P N)}, where U counts the (positive, negative) pairs in which the positive scores
   * higher, a tie counting one half. This is the rank formula with tied scores given their average
   * rank, and the same as the trapezoidal area under the ROC curve.
   *
   * <p>Counts are kept as exact integers (twice U), so the result is correctly rounded.
   *
   * @param y the targets, each 0 or 1
   * @param scores any increasing function of P(y = 1) (margins or probabilities), none NaN
   * @return the AUC in [0, 1], or NaN when all targets are of one class
   * @throws IllegalArgumentException if the lengths differ, there are no rows, a target is not 0
   *     or 1, or a score is NaN
   */
  public static double rocAuc(double[] y, double[] scores) {
    int n = checkLengths(y, scores);
    checkBinary(y);
    int p = 0;
    for (int i = 0; i < n; i++) {
      if (Double.isNaN(scores[i])) {
        throw new IllegalArgumentException("score of row " + i + " is NaN");
      }
      if (y[i] == 1) {
        p++;
      }
    }
    if (p == 0 || p == n) {
      return Double.NaN;
    }
    double[] pos = new double[p];
    double[] neg = new double[n - p];
    for (int i = 0, a = 0, b = 0; i < n; i++) {
      // + 0.0 turns -0.0 into 0.0: Arrays.sort would otherwise order them as distinct.
      if (y[i] == 1) {
        pos[a++] = scores[i] + 0.0;
      } else {
        neg[b++] = scores[i] + 0.0;
      }
    }
    Arrays.sort(pos);
    Arrays.sort(neg);
    long twiceU = 0;
    int below = 0;
    int equal = 0;
    for (int i = 0; i < p; ) {
      double s = pos[i];
      int k = 0;
      while (i < p && pos[i] == s) {
        i++;
        k++;
      }
      below += equal;
      equal = 0;
      while (below < neg.length && neg[below] < s) {
        below++;
      }
      while (below + equal < neg.length && neg[below + equal] == s) {
        equal++;
      }
      twiceU += (long) k * (2L * below + equal);
    }
    return twiceU / (2.0 * p * (n - p));
  }

  /** A probability threshold strictly between 0 and 1 (at 0 or 1 every row is one class). */
  private static void checkThreshold(double threshold) {
    if (!(threshold > 0 && threshold < 1)) {
      throw new IllegalArgumentException("threshold must be in (0, 1), got " + threshold);
    }
  }

  private static int checkLengths(double[] y, double[] other) {
    if (y.length != other.length) {
      throw new IllegalArgumentException("targets and predictions differ in length: " + y.length
          + " vs " + other.length);
    }
    if (y.length == 0) {
      throw new IllegalArgumentException("no rows to evaluate");
    }
    return y.length;
  }

  private static void checkBinary(double[] y) {
    for (int i = 0; i < y.length; i++) {
      if (y[i] != 0 && y[i] != 1) {
        throw new IllegalArgumentException("target of row " + i + " must be 0 or 1, got " + y[i]);
      }
    }
  }
}

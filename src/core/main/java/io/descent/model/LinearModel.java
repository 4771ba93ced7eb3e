package io.descent.model;

import io.descent.data.BinaryLabels;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.loss.Loss;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A fitted linear or logistic regression model: immutable, and safe to share between threads.
 *
 * <p>The optimizer works on standardized features {@code z_j = (x_j - mean_j) / scale_j} and
 * produces {@code theta = (b, w)} with margin {@code m = b + w . z} (see {@link Loss}). The model
 * keeps that form, which is what {@code datasets/reference.json} calls {@code intercept} and
 * {@code coef}, and derives the equivalent parameters on the original features,
 *
 * <pre>
 *   w_orig_j = w_j / scale_j,    b_orig = b - sum_j w_j mean_j / scale_j,
 * </pre>
 *
 * so that {@code m = b_orig + w_orig . x}. Margins are always computed from the standardized form
 * in float64: centring each feature first avoids the cancellation that {@code b_orig} can carry
 * when features have large means.
 *
 * <p>A logistic model predicts {@code P(y = 1) = sigmoid(m)} and classifies a row as 1 when
 * {@code m > 0} (probability above 0.5; a margin of exactly 0 gives class 0, as in scikit-learn).
 */
public final class LinearModel {
  private final Loss loss;
  private final List<String> featureNames;
  private final String targetName;
  private final BinaryLabels labels;
  private final Standardization standardization;
  private final double[] theta;
  private final double[] mean;
  private final double[] scale;
  private final double intercept;
  private final double[] coef;

  private LinearModel(Loss loss, List<String> featureNames, String targetName, BinaryLabels labels,
      Standardization standardization, double[] theta) {
    this.loss = loss;
    this.featureNames = featureNames;
    this.targetName = targetName;
    this.labels = labels;
    this.standardization = standardization;
    this.theta = theta;
    this.mean = standardization.mean();
    this.scale = standardization.scale();
    int d = featureNames.size();
    this.coef = new double[d];
    CompensatedSum b = new CompensatedSum();
    b.add(theta[0]);
    for (int j = 0; j < d; j++) {
      coef[j] = theta[j + 1] / scale[j];
      b.add(-(theta[j + 1] * mean[j] / scale[j]));
      if (!Double.isFinite(coef[j])) {
        throw new IllegalArgumentException("weight of feature \"" + featureNames.get(j)
            + "\" overflows on the original scale: " + theta[j + 1] + " / " + scale[j]);
      }
    }
    this.intercept = b.value();
    if (!Double.isFinite(intercept)) {
      throw new IllegalArgumentException("the intercept overflows on the original scale");
    }
  }

  /**
   * A model from the parameters an optimizer produced.
   *
   * @param loss LINEAR (regression) or LOGISTIC (binary classification)
   * @param featureNames one distinct name per feature, in column order
   * @param targetName the target column's name
   * @param labels for a logistic model, the original labels behind 0 and 1, or null when the
   *     target was already 0/1 without names to keep; must be null for a linear model
   * @param standardization the centring and scaling the parameters apply to (use
   *     {@link Standardization#identity} when training did not standardize)
   * @param theta {@code (b, w_1, ..., w_d)} in standardized space, all finite; copied
   * @throws IllegalArgumentException if the sizes disagree, a name repeats, a parameter is not
   *     finite, or labels are given for a linear model
   */
  public static LinearModel of(Loss loss, List<String> featureNames, String targetName,
      BinaryLabels labels, Standardization standardization, double[] theta) {
    Objects.requireNonNull(loss, "loss");
    Objects.requireNonNull(targetName, "targetName");
    Objects.requireNonNull(standardization, "standardization");
    List<String> names = List.copyOf(featureNames);
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      if (!seen.add(name)) {
        throw new IllegalArgumentException("feature name \"" + name + "\" appears twice");
      }
    }
    int d = names.size();
    if (standardization.features() != d) {
      throw new IllegalArgumentException("standardization has " + standardization.features()
          + " features, the model has " + d);
    }
    if (theta.length != d + 1) {
      throw new IllegalArgumentException("theta must have features + 1 = " + (d + 1)
          + " entries, got " + theta.length);
    }
    for (int j = 0; j < theta.length; j++) {
      if (!Double.isFinite(theta[j])) {
        throw new IllegalArgumentException("theta[" + j + "] must be finite, got " + theta[j]);
      }
    }
    if (labels != null && loss != Loss.LOGISTIC) {
      throw new IllegalArgumentException("labels are only for a logistic model, this one is "
          + loss.label());
    }
    return new LinearModel(loss, names, targetName, labels, standardization, theta.clone());
  }

  /** The loss the model was fitted with: LINEAR for regression, LOGISTIC for classification. */
  public Loss loss() {
    return loss;
  }

  /** Feature names in the column order the model expects (unmodifiable). */
  public List<String> featureNames() {
    return featureNames;
  }

  /** Number of features d. */
  public int features() {
    return featureNames.size();
  }

  /** The target column's name. */
  public String targetName() {
    return targetName;
  }

  /** For a logistic model, the original labels behind classes 0 and 1, when they were given. */
  public Optional<BinaryLabels> labels() {
    return Optional.ofNullable(labels);
  }

  /** The standardization the standardized-space parameters apply to. */
  public Standardization standardization() {
    return standardization;
  }

  /** A copy of {@code theta = (b, w_1, ..., w_d)} in standardized space. */
  public double[] theta() {
    return theta.clone();
  }

  /** The intercept b in standardized space ({@code theta[0]}). */
  public double standardizedIntercept() {
    return theta[0];
  }

  /** A copy of the weights w in standardized space ({@code theta[1..d]}). */
  public double[] standardizedCoef() {
    return Arrays.copyOfRange(theta, 1, theta.length);
  }

  /** The intercept on the original features, {@code b - sum_j w_j mean_j / scale_j}. */
  public double intercept() {
    return intercept;
  }

  /** A copy of the weights on the original features, {@code w_j / scale_j}. */
  public double[] coef() {
    return coef.clone();
  }

  /**
   * The margin {@code b + w . z} of one row of original (unstandardized) float32 features.
   *
   * @throws IllegalArgumentException if the row does not have {@link #features()} values
   */
  public double margin(float[] row) {
    checkRow(row.length);
    double m = theta[0];
    for (int j = 0; j < row.length; j++) {
      m += theta[j + 1] * ((row[j] - mean[j]) / scale[j]);
    }
    return m;
  }

  /**
   * The margin {@code b + w . z} of one row of original features given in float64, for callers
   * whose data never went through float32.
   *
   * @throws IllegalArgumentException if the row does not have {@link #features()} values
   */
  public double margin(double[] row) {
    checkRow(row.length);
    double m = theta[0];
    for (int j = 0; j < row.length; j++) {
      m += theta[j + 1] * ((row[j] - mean[j]) / scale[j]);
    }
    return m;
  }

  /**
   * The margin of every row of a dataset.
   *
   * @throws IllegalArgumentException if the dataset's feature names differ from the model's
   */
  public double[] margins(Dataset data) {
    checkCompatible(data);
    int n = data.rows();
    int d = features();
    float[] x = data.x();
    double[] m = new double[n];
    for (int i = 0; i < n; i++) {
      int base = i * d;
      double s = theta[0];
      for (int j = 0; j < d; j++) {
        s += theta[j + 1] * ((x[base + j] - mean[j]) / scale[j]);
      }
      m[i] = s;
    }
    return m;
  }

  /**
   * The prediction for a margin: the margin itself for a linear model, {@code sigmoid(m)} (the
   * probability of class 1, computed without overflow) for a logistic one.
   */
  public double prediction(double margin) {
    return loss == Loss.LOGISTIC ? Loss.sigmoid(margin) : margin;
  }

  /**
   * Predictions, one per row: the value for a linear model, the class (0 or 1, at probability
   * 0.5) for a logistic one; {@link #predictProbability(Dataset)} gives the probabilities.
   *
   * @throws IllegalArgumentException if the dataset's feature names differ from the model's
   */
  public double[] predict(Dataset data) {
    return predictions(margins(data));
  }

  /**
   * The probability of class 1 of every row.
   *
   * @throws IllegalStateException if the model is linear
   * @throws IllegalArgumentException if the dataset's feature names differ from the model's
   */
  public double[] predictProbability(Dataset data) {
    requireLogistic();
    return probabilities(margins(data));
  }

  /**
   * The prediction for one row of original (unstandardized) features, in the model's feature
   * order: the value for a linear model, the class (0 or 1) for a logistic one. The model applies
   * its own standardization.
   *
   * @throws IllegalArgumentException if the row does not have {@link #features()} values
   */
  public double predict(double[] row) {
    double m = margin(row);
    return loss == Loss.LOGISTIC ? classOf(m) : m;
  }

  /**
   * The probability of class 1 for one row of original features.
   *
   * @throws IllegalStateException if the model is linear
   * @throws IllegalArgumentException if the row does not have {@link #features()} values
   */
  public double predictProbability(double[] row) {
    requireLogistic();
    return Loss.sigmoid(margin(row));
  }

  /** {@link #predict(double[])} of every row. */
  public double[] predict(double[][] rows) {
    return predictions(margins(rows));
  }

  /**
   * {@link #predictProbability(double[])} of every row.
   *
   * @throws IllegalStateException if the model is linear
   */
  public double[] predictProbability(double[][] rows) {
    requireLogistic();
    return probabilities(margins(rows));
  }

  private double[] margins(double[][] rows) {
    double[] m = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      try {
        m[i] = margin(rows[i]);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("row " + i + ": " + e.getMessage(), e);
      }
    }
    return m;
  }

  private double[] predictions(double[] m) {
    if (loss == Loss.LOGISTIC) {
      for (int i = 0; i < m.length; i++) {
        m[i] = classOf(m[i]);
      }
    }
    return m;
  }

  private static double[] probabilities(double[] m) {
    for (int i = 0; i < m.length; i++) {
      m[i] = Loss.sigmoid(m[i]);
    }
    return m;
  }

  /**
   * The class of each row, 0 or 1: 1 when the probability is above 0.5 ({@code m > 0}).
   *
   * @throws IllegalStateException if the model is linear
   * @throws IllegalArgumentException if the dataset's feature names differ from the model's
   */
  public int[] classify(Dataset data) {
    requireLogistic();
    double[] m = margins(data);
    int[] cls = new int[m.length];
    for (int i = 0; i < m.length; i++) {
      cls[i] = classOf(m[i]);
    }
    return cls;
  }

  /** The class of a margin at threshold 0.5: 1 when {@code m > 0}, else 0. */
  public static int classOf(double margin) {
    return margin > 0 ? 1 : 0;
  }

  /**
   * The original label of a class (0 or 1): from {@link #labels()}, or "0" and "1" when the model
   * has none.
   *
   * @throws IllegalStateException if the model is linear
   */
  public String label(int cls) {
    requireLogistic();
    if (cls != 0 && cls != 1) {
      throw new IllegalArgumentException("class must be 0 or 1, got " + cls);
    }
    return (labels != null ? labels : BinaryLabels.zeroOne()).label(cls);
  }

  /**
   * Checks that a dataset has the model's features, by name and in order.
   *
   * @throws IllegalArgumentException naming the dataset and the first difference
   */
  public void checkCompatible(Dataset data) {
    List<String> names = data.featureNames();
    if (names.size() != featureNames.size()) {
      throw new IllegalArgumentException(data.source() + " has " + names.size()
          + " features but the model expects " + featureNames.size() + ": " + featureNames);
    }
    for (int j = 0; j < names.size(); j++) {
      if (!names.get(j).equals(featureNames.get(j))) {
        throw new IllegalArgumentException(data.source() + ": feature " + (j + 1) + " is \""
            + names.get(j) + "\" but the model expects \"" + featureNames.get(j) + "\"");
      }
    }
  }

  private void checkRow(int length) {
    if (length != featureNames.size()) {
      throw new IllegalArgumentException("row has " + length + " values, the model expects "
          + featureNames.size());
    }
  }

  private void requireLogistic() {
    if (loss != Loss.LOGISTIC) {
      throw new IllegalStateException("classes need a logistic model, this one is "
          + loss.label());
    }
  }

  /** Equal when every field is equal, the parameters bit for bit. */
  @Override
  public boolean equals(Object o) {
    return o instanceof LinearModel m && loss == m.loss && featureNames.equals(m.featureNames)
        && targetName.equals(m.targetName) && Objects.equals(labels, m.labels)
        && standardization.equals(m.standardization) && Arrays.equals(theta, m.theta);
  }

  /** Consistent with {@link #equals}. */
  @Override
  public int hashCode() {
    return Objects.hash(loss, featureNames, targetName, labels, standardization,
        Arrays.hashCode(theta));
  }

  /** A short summary, such as {@code LinearModel[logistic, 57 features, target spam (0/1)]}. */
  @Override
  public String toString() {
    return "LinearModel[" + loss.label() + ", " + features() + " features, target " + targetName
        + (labels != null ? " (" + labels.negative() + "/" + labels.positive() + ")" : "") + "]";
  }
}

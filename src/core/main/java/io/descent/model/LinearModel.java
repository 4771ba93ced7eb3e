package io.descent.model;

import io.descent.data.BinaryLabels;
import io.descent.data.ClassLabels;
import io.descent.data.CompensatedSum;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.loss.Loss;
import io.descent.loss.Softmax;
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
 *
 * <p>A <b>multinomial</b> model ({@link #multinomial}) has one margin per class,
 * {@code m_k = b_k + w_k . z}, C intercepts and a C x d weight matrix: {@code theta} holds the
 * classes' {@code (b_k, w_k)} one after the other (column-major, as {@link
 * io.descent.gradient.BatchedEvaluation} lays them out). It predicts {@code P(y = k) =
 * softmax(m)_k} ({@link #predictProbabilities(Dataset)}) and the class with the largest margin
 * (the first on ties). Since adding the same number to every class's margin changes nothing,
 * its parameters are kept centered over the classes ({@code sum_k b_k = 0} and
 * {@code sum_k w_kj = 0}, which the L2-penalized optimum satisfies anyway), as
 * {@code datasets/reference.json} reports them; the original-space parameters are then centered
 * too. With an L1 penalty, whose optimum the weights' centering would move, only the
 * standardized intercepts are centered ({@link #multinomialInterceptsCentered}): neither the
 * weights nor the original-space intercepts are. The single-column accessors ({@link
 * #intercept()}, {@link #coef()}, {@link #margin}) are for linear and logistic models; a
 * multinomial one has {@link #intercepts()} and {@link #coefficients()}.
 *
 * <p>A <b>one-vs-rest</b> model ({@link #oneVsRest}) is C binary logistic models side by side,
 * one per class, laid out as a multinomial model's columns: model k's margin {@code m_k = b_k +
 * w_k . z} gives the probability {@code sigmoid(m_k)} that a row is of class k rather than
 * another. Its {@link #loss()} is LOGISTIC and it has {@link #classes()}; its columns are not
 * centered (each is a model of its own). It predicts the classes' sigmoids normalized to sum 1,
 * {@code P(y = k) = sigmoid(m_k) / sum_j sigmoid(m_j)} (as scikit-learn's OneVsRestClassifier),
 * and the class with the largest margin (the first on ties).
 */
public final class LinearModel {
  private final Loss loss;
  private final List<String> featureNames;
  private final String targetName;
  private final BinaryLabels labels;
  /** A multinomial model's classes; null otherwise. */
  private final ClassLabels classes;
  private final Standardization standardization;
  private final double[] theta;
  private final double[] mean;
  private final double[] scale;
  /** The original-space intercept of each column (one unless multinomial). */
  private final double[] intercepts;
  /** The original-space weights, column after column. */
  private final double[] coefs;

  private LinearModel(Loss loss, List<String> featureNames, String targetName, BinaryLabels labels,
      ClassLabels classes, Standardization standardization, double[] theta) {
    this.loss = loss;
    this.featureNames = featureNames;
    this.targetName = targetName;
    this.labels = labels;
    this.classes = classes;
    this.standardization = standardization;
    this.theta = theta;
    this.mean = standardization.mean();
    this.scale = standardization.scale();
    int d = featureNames.size();
    int columns = theta.length / (d + 1);
    this.coefs = new double[columns * d];
    this.intercepts = new double[columns];
    for (int k = 0; k < columns; k++) {
      int o = k * (d + 1);
      CompensatedSum b = new CompensatedSum();
      b.add(theta[o]);
      for (int j = 0; j < d; j++) {
        double c = theta[o + 1 + j] / scale[j];
        coefs[k * d + j] = c;
        b.add(-(theta[o + 1 + j] * mean[j] / scale[j]));
        if (!Double.isFinite(c)) {
          throw new IllegalArgumentException("weight of feature \"" + featureNames.get(j)
              + "\" overflows on the original scale: " + theta[o + 1 + j] + " / " + scale[j]);
        }
      }
      intercepts[k] = b.value();
      if (!Double.isFinite(intercepts[k])) {
        throw new IllegalArgumentException("the intercept overflows on the original scale");
      }
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
    if (loss.coupled()) {
      throw new IllegalArgumentException("a multinomial model is made by multinomial(...)");
    }
    List<String> names = checkedNames(featureNames, targetName, standardization);
    int d = names.size();
    if (theta.length != d + 1) {
      throw new IllegalArgumentException("theta must have features + 1 = " + (d + 1)
          + " entries, got " + theta.length);
    }
    checkFinite(theta);
    if (labels != null && loss != Loss.LOGISTIC) {
      throw new IllegalArgumentException("labels are only for a logistic model, this one is "
          + loss.label());
    }
    return new LinearModel(loss, names, targetName, labels, null, standardization,
        theta.clone());
  }

  /**
   * A multinomial (softmax) model from the parameters an optimizer produced, centered over the
   * classes (which changes no prediction).
   *
   * @param featureNames one distinct name per feature, in column order
   * @param targetName the target column's name
   * @param classes the classes' labels, C >= 2, in the order of the columns
   * @param standardization the centring and scaling the parameters apply to
   * @param theta {@code (d + 1) x C} entries, class k's {@code (b_k, w_k)} at {@code k (d + 1)},
   *     in standardized space, all finite; copied
   * @throws IllegalArgumentException if the sizes disagree, a name repeats, or a parameter is
   *     not finite
   */
  public static LinearModel multinomial(List<String> featureNames, String targetName,
      ClassLabels classes, Standardization standardization, double[] theta) {
    return multinomial(featureNames, targetName, classes, standardization, theta, true);
  }

  /**
   * A multinomial model from the parameters an optimizer produced with an L1 penalty: only the
   * intercepts are centered over the classes (which changes neither a prediction nor the
   * objective); the weights are kept as they are, since centering them would change the L1 term
   * and turn exact zeros into nonzero weights. Arguments as {@link #multinomial(List, String,
   * ClassLabels, Standardization, double[])}.
   */
  public static LinearModel multinomialInterceptsCentered(List<String> featureNames,
      String targetName, ClassLabels classes, Standardization standardization, double[] theta) {
    return multinomial(featureNames, targetName, classes, standardization, theta, true, false);
  }

  /** As above; {@code center} false keeps theta as it is (a model file's, centered already). */
  static LinearModel multinomial(List<String> featureNames, String targetName,
      ClassLabels classes, Standardization standardization, double[] theta, boolean center) {
    return multinomial(featureNames, targetName, classes, standardization, theta, center,
        center);
  }

  /** Centering the intercepts and the weights each or not. */
  private static LinearModel multinomial(List<String> featureNames, String targetName,
      ClassLabels classes, Standardization standardization, double[] theta,
      boolean centerIntercepts, boolean centerWeights) {
    Objects.requireNonNull(classes, "classes");
    List<String> names = checkedNames(featureNames, targetName, standardization);
    int p = names.size() + 1;
    int c = classes.size();
    if (theta.length != p * c) {
      throw new IllegalArgumentException("theta must have (features + 1) x classes = " + p
          + " x " + c + " entries, got " + theta.length);
    }
    checkFinite(theta);
    double[] centered = theta.clone();
    for (int j = 0; j < p; j++) {
      if (j == 0 ? !centerIntercepts : !centerWeights) {
        continue;
      }
      double m = 0;
      for (int k = 0; k < c; k++) {
        m += theta[k * p + j];
      }
      m /= c;
      for (int k = 0; k < c; k++) {
        centered[k * p + j] = theta[k * p + j] - m;
      }
    }
    return new LinearModel(Loss.MULTINOMIAL, names, targetName, null, classes, standardization,
        centered);
  }

  /**
   * A one-vs-rest model: C binary logistic models, model k fitted on the target {@code y == k}.
   *
   * @param featureNames one distinct name per feature, in column order
   * @param targetName the target column's name
   * @param classes the classes' labels, C >= 2, in the order of the columns
   * @param standardization the centring and scaling the parameters apply to
   * @param theta {@code (d + 1) x C} entries, class k's model {@code (b_k, w_k)} at {@code k (d +
   *     1)}, in standardized space, all finite; copied as they are (not centered)
   * @throws IllegalArgumentException if the sizes disagree, a name repeats, or a parameter is
   *     not finite
   */
  public static LinearModel oneVsRest(List<String> featureNames, String targetName,
      ClassLabels classes, Standardization standardization, double[] theta) {
    Objects.requireNonNull(classes, "classes");
    List<String> names = checkedNames(featureNames, targetName, standardization);
    int p = names.size() + 1;
    int c = classes.size();
    if (theta.length != p * c) {
      throw new IllegalArgumentException("theta must have (features + 1) x classes = " + p
          + " x " + c + " entries, got " + theta.length);
    }
    checkFinite(theta);
    return new LinearModel(Loss.LOGISTIC, names, targetName, null, classes, standardization,
        theta.clone());
  }

  /** Whether this is a one-vs-rest model: C logistic models, one per class. */
  public boolean isOneVsRest() {
    return loss == Loss.LOGISTIC && classes != null;
  }

  /**
   * Whether the model has C >= 2 classes with a column each (multinomial or one-vs-rest), so
   * that it predicts {@link #predictProbabilities(Dataset)} from {@link #classMargins(Dataset)}.
   */
  public boolean isMulticlass() {
    return classes != null;
  }

  /**
   * The probabilities of the C classes from their margins {@code m[at .. at + C)} into
   * {@code p[pAt ..)}: the softmax for a multinomial model, the normalized sigmoids for a
   * one-vs-rest one.
   *
   * @throws IllegalStateException if the model is neither
   */
  public void classProbabilities(double[] m, int at, double[] p, int pAt) {
    int c = requireClasses();
    if (isOneVsRest()) {
      double[] logs = new double[c];
      logSigmoids(m, at, c, logs);
      Softmax.probabilities(logs, 0, c, p, pAt);
    } else {
      Softmax.probabilities(m, at, c, p, pAt);
    }
  }

  /**
   * {@code -log P(y = t)} of a row whose class margins are {@code m[at .. at + C)}, computed
   * without overflow: the softmax loss for a multinomial model, that of the normalized sigmoids
   * for a one-vs-rest one.
   *
   * @throws IllegalStateException if the model is neither
   */
  public double classLogLoss(double[] m, int at, int t) {
    int c = requireClasses();
    if (isOneVsRest()) {
      double[] logs = new double[c];
      logSigmoids(m, at, c, logs);
      return Softmax.loss(logs, 0, c, t);
    }
    return Softmax.loss(m, at, c, t);
  }

  /**
   * {@code log sigmoid(m_k) = -softplus(-m_k)}: the normalized sigmoids are the softmax of
   * these, which stays finite where every sigmoid underflows.
   */
  private static void logSigmoids(double[] m, int at, int c, double[] out) {
    for (int k = 0; k < c; k++) {
      out[k] = -Loss.softplus(-m[at + k]);
    }
  }

  private int requireClasses() {
    if (classes == null) {
      throw new IllegalStateException("class probabilities need a multinomial or one-vs-rest"
          + " model, this one is " + loss.label());
    }
    return classes.size();
  }

  private static void checkFinite(double[] theta) {
    for (int j = 0; j < theta.length; j++) {
      if (!Double.isFinite(theta[j])) {
        throw new IllegalArgumentException("theta[" + j + "] must be finite, got " + theta[j]);
      }
    }
  }

  private static List<String> checkedNames(List<String> featureNames, String targetName,
      Standardization standardization) {
    Objects.requireNonNull(targetName, "targetName");
    Objects.requireNonNull(standardization, "standardization");
    if (targetName.isBlank()) {
      throw new IllegalArgumentException("the target's name is blank (\"" + targetName
          + "\"): a model file keeps it by name");
    }
    List<String> names = List.copyOf(featureNames);
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      if (!seen.add(name)) {
        throw new IllegalArgumentException("feature name \"" + name + "\" appears twice");
      }
      if (name.isBlank()) {
        throw new IllegalArgumentException("a feature's name is blank (\"" + name
            + "\"): a model file keeps its features by name");
      }
      if (name.equals(targetName)) {
        throw new IllegalArgumentException("feature \"" + name + "\" is named as the target");
      }
    }
    int d = names.size();
    if (standardization.features() != d) {
      throw new IllegalArgumentException("standardization has " + standardization.features()
          + " features, the model has " + d);
    }
    return names;
  }

  /**
   * The loss the model was fitted with: LINEAR for regression, LOGISTIC for two classes (or,
   * with {@link #classes()}, a one-vs-rest model's C binary models), MULTINOMIAL for two or
   * more.
   */
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

  /**
   * The number of features with a nonzero weight (in any class, for a multinomial or one-vs-rest
   * model): with an L1 penalty, the features the model uses.
   */
  public int featuresInUse() {
    int d = features();
    int used = 0;
    for (int j = 0; j < d; j++) {
      for (int k = 0; k < intercepts.length; k++) {
        if (theta[k * (d + 1) + 1 + j] != 0) {
          used++;
          break;
        }
      }
    }
    return used;
  }

  /** The target column's name. */
  public String targetName() {
    return targetName;
  }

  /** For a logistic model, the original labels behind classes 0 and 1, when they were given. */
  public Optional<BinaryLabels> labels() {
    return Optional.ofNullable(labels);
  }

  /** For a multinomial model, its classes' labels in the order of its columns. */
  public Optional<ClassLabels> classes() {
    return Optional.ofNullable(classes);
  }

  /** The number of classes: C for a multinomial model, 2 for a logistic one, 0 for linear. */
  public int classCount() {
    return classes != null ? classes.size() : loss == Loss.LOGISTIC ? 2 : 0;
  }

  /** The standardization the standardized-space parameters apply to. */
  public Standardization standardization() {
    return standardization;
  }

  /**
   * A copy of {@code theta = (b, w_1, ..., w_d)} in standardized space; for a multinomial model
   * the classes' {@code (b_k, w_k)} one after the other.
   */
  public double[] theta() {
    return theta.clone();
  }

  /**
   * The intercept b in standardized space ({@code theta[0]}).
   *
   * @throws IllegalStateException for a multinomial model: see {@link
   *     #standardizedIntercepts()}
   */
  public double standardizedIntercept() {
    requireSingle();
    return theta[0];
  }

  /**
   * A copy of the weights w in standardized space ({@code theta[1..d]}).
   *
   * @throws IllegalStateException for a multinomial model: see {@link
   *     #standardizedCoefficients()}
   */
  public double[] standardizedCoef() {
    requireSingle();
    return Arrays.copyOfRange(theta, 1, theta.length);
  }

  /**
   * The intercept on the original features, {@code b - sum_j w_j mean_j / scale_j}.
   *
   * @throws IllegalStateException for a multinomial model: see {@link #intercepts()}
   */
  public double intercept() {
    requireSingle();
    return intercepts[0];
  }

  /**
   * A copy of the weights on the original features, {@code w_j / scale_j}.
   *
   * @throws IllegalStateException for a multinomial model: see {@link #coefficients()}
   */
  public double[] coef() {
    requireSingle();
    return coefs.clone();
  }

  /** Every column's intercept on the original features (one per class; one for linear). */
  public double[] intercepts() {
    return intercepts.clone();
  }

  /** Every column's weights on the original features: a C x d matrix for a multinomial model. */
  public double[][] coefficients() {
    int d = features();
    double[][] w = new double[intercepts.length][];
    for (int k = 0; k < w.length; k++) {
      w[k] = Arrays.copyOfRange(coefs, k * d, (k + 1) * d);
    }
    return w;
  }

  /** Every column's intercept in standardized space ({@code b_k}). */
  public double[] standardizedIntercepts() {
    int p = features() + 1;
    double[] b = new double[intercepts.length];
    for (int k = 0; k < b.length; k++) {
      b[k] = theta[k * p];
    }
    return b;
  }

  /** Every column's weights in standardized space: a C x d matrix for a multinomial model. */
  public double[][] standardizedCoefficients() {
    int p = features() + 1;
    double[][] w = new double[intercepts.length][];
    for (int k = 0; k < w.length; k++) {
      w[k] = Arrays.copyOfRange(theta, k * p + 1, (k + 1) * p);
    }
    return w;
  }

  /**
   * Every class's margin {@code b_k + w_k . z} for every row of a dataset, row-major
   * ({@code m[i * C + k]}), for a multinomial or one-vs-rest model; for the others, {@link
   * #margins(Dataset)}.
   *
   * @throws IllegalArgumentException if the dataset's feature names differ from the model's, or
   *     a row holds a value that is not finite
   */
  public double[] classMargins(Dataset data) {
    checkCompatible(data);
    int n = data.rows();
    int d = features();
    int c = intercepts.length;
    boolean offHeap = data.offHeapRows().isPresent();
    float[] x = offHeap ? new float[d] : data.x();
    double[] m = new double[n * c];
    double[] z = new double[d];
    for (int i = 0; i < n; i++) {
      if (offHeap) {
        data.copyRows(i, 1, x, 0);
      }
      classMargins(x, offHeap ? 0 : i * d, z, m, i * c);
      if (!Double.isFinite(m[i * c])) {
        checkRow(data, x, offHeap ? 0 : i * d, i);
      }
    }
    return m;
  }

  /**
   * Row {@code i} of a dataset, at {@code x[base ..)}, has only finite values (a dataset's
   * constructor checks them, but its array may have changed since): only where a margin came out
   * not finite, which any value that is not finite makes it.
   *
   * @throws IllegalArgumentException naming the dataset, the row and the feature
   */
  private void checkRow(Dataset data, float[] x, int base, int i) {
    for (int j = 0; j < featureNames.size(); j++) {
      if (!Float.isFinite(x[base + j])) {
        throw new IllegalArgumentException(data.source() + ": row " + i + ", feature " + (j + 1)
            + " (\"" + featureNames.get(j) + "\") is " + x[base + j]
            + ": a model predicts from finite values only");
      }
    }
  }

  /** The margins of the row at {@code x[offset ..)} into {@code m[at ..)}, via {@code z}. */
  private void classMargins(float[] x, int offset, double[] z, double[] m, int at) {
    int d = z.length;
    int p = d + 1;
    for (int j = 0; j < d; j++) {
      z[j] = (x[offset + j] - mean[j]) / scale[j];
    }
    for (int k = 0; k < intercepts.length; k++) {
      double s = theta[k * p];
      for (int j = 0; j < d; j++) {
        s += theta[k * p + 1 + j] * z[j];
      }
      m[at + k] = s;
    }
  }

  /**
   * Every class's margin for one row of original float32 features (a multinomial model's C;
   * one for the others).
   *
   * @throws IllegalArgumentException if the row does not have {@link #features()} values, or
   *     holds a value that is not finite
   */
  public double[] classMargins(float[] row) {
    checkRow(row);
    double[] m = new double[intercepts.length];
    classMargins(row, 0, new double[row.length], m, 0);
    return m;
  }

  /**
   * The probability of every class for every row, {@code p[i][k] = softmax(m_i)_k}, for a
   * multinomial model; the classes' sigmoids normalized to sum 1 for a one-vs-rest model; for a
   * logistic one the two classes' (1 - P(y = 1), P(y = 1)).
   *
   * @throws IllegalStateException if the model is linear
   * @throws IllegalArgumentException if the dataset's feature names differ from the model's, or
   *     a row holds a value that is not finite
   */
  public double[][] predictProbabilities(Dataset data) {
    if (loss == Loss.LOGISTIC && classes == null) {
      double[] p1 = predictProbability(data);
      double[][] p = new double[p1.length][];
      for (int i = 0; i < p1.length; i++) {
        p[i] = new double[] {1 - p1[i], p1[i]};
      }
      return p;
    }
    int c = requireClasses();
    double[] m = classMargins(data);
    double[][] p = new double[data.rows()][c];
    for (int i = 0; i < p.length; i++) {
      classProbabilities(m, i * c, p[i], 0);
    }
    return p;
  }

  /**
   * The probability of every class for one row of original features (multinomial and
   * one-vs-rest models, as {@link #predictProbabilities(Dataset)}).
   *
   * @throws IllegalStateException if the model is neither
   * @throws IllegalArgumentException if the row does not have {@link #features()} values, or
   *     holds a value that is not finite
   */
  public double[] predictProbabilities(double[] row) {
    requireClasses();
    checkRow(row);
    double[] m = new double[intercepts.length];
    int d = row.length;
    int p = d + 1;
    for (int k = 0; k < m.length; k++) {
      double s = theta[k * p];
      for (int j = 0; j < d; j++) {
        s += theta[k * p + 1 + j] * ((row[j] - mean[j]) / scale[j]);
      }
      m[k] = s;
    }
    double[] prob = new double[m.length];
    classProbabilities(m, 0, prob, 0);
    return prob;
  }

  /**
   * The margin {@code b + w . z} of one row of original (unstandardized) float32 features.
   *
   * @throws IllegalArgumentException if the row does not have {@link #features()} values, or
   *     holds a value that is not finite
   */
  public double margin(float[] row) {
    requireSingle();
    checkRow(row);
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
   * @throws IllegalArgumentException if the row does not have {@link #features()} values, or
   *     holds a value that is not finite
   */
  public double margin(double[] row) {
    requireSingle();
    checkRow(row);
    double m = theta[0];
    for (int j = 0; j < row.length; j++) {
      m += theta[j + 1] * ((row[j] - mean[j]) / scale[j]);
    }
    return m;
  }

  /**
   * The margin of every row of a dataset.
   *
   * @throws IllegalArgumentException if the dataset's feature names differ from the model's, or
   *     a row holds a value that is not finite
   */
  public double[] margins(Dataset data) {
    requireSingle();
    checkCompatible(data);
    int n = data.rows();
    int d = features();
    boolean offHeap = data.offHeapRows().isPresent();
    float[] x = offHeap ? new float[d] : data.x();
    double[] m = new double[n];
    for (int i = 0; i < n; i++) {
      int base = i * d;
      if (offHeap) {
        data.copyRows(i, 1, x, 0);
        base = 0;
      }
      double s = theta[0];
      for (int j = 0; j < d; j++) {
        s += theta[j + 1] * ((x[base + j] - mean[j]) / scale[j]);
      }
      m[i] = s;
      if (!Double.isFinite(s)) {
        checkRow(data, x, base, i);
      }
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
   * @throws IllegalArgumentException if the dataset's feature names differ from the model's, or
   *     a row holds a value that is not finite
   */
  public double[] predict(Dataset data) {
    if (classes != null) {
      int[] cls = classify(data);
      double[] out = new double[cls.length];
      for (int i = 0; i < cls.length; i++) {
        out[i] = cls[i];
      }
      return out;
    }
    return predictions(margins(data));
  }

  /**
   * The probability of class 1 of every row.
   *
   * @throws IllegalStateException if the model is linear
   * @throws IllegalArgumentException if the dataset's feature names differ from the model's, or
   *     a row holds a value that is not finite
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
   * @throws IllegalArgumentException if the row does not have {@link #features()} values, or
   *     holds a value that is not finite
   */
  public double predict(double[] row) {
    if (classes != null) {
      checkRow(row);
      int c = classes.size();
      int p = row.length + 1;
      double[] m = new double[c];
      for (int k = 0; k < c; k++) {
        double s = theta[k * p];
        for (int j = 0; j < row.length; j++) {
          s += theta[k * p + 1 + j] * ((row[j] - mean[j]) / scale[j]);
        }
        m[k] = s;
      }
      return Softmax.argmax(m, 0, c);
    }
    double m = margin(row);
    return loss == Loss.LOGISTIC ? classOf(m) : m;
  }

  /**
   * The probability of class 1 for one row of original features.
   *
   * @throws IllegalStateException if the model is linear
   * @throws IllegalArgumentException if the row does not have {@link #features()} values, or
   *     holds a value that is not finite
   */
  public double predictProbability(double[] row) {
    requireLogistic();
    return Loss.sigmoid(margin(row));
  }

  /** {@link #predict(double[])} of every row. */
  public double[] predict(double[][] rows) {
    if (classes != null) {
      double[] out = new double[rows.length];
      for (int i = 0; i < rows.length; i++) {
        try {
          out[i] = predict(rows[i]);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("row " + i + ": " + e.getMessage(), e);
        }
      }
      return out;
    }
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
   * The class of each row, 0 or 1: 1 when the probability is above 0.5 ({@code m > 0}); for a
   * multinomial or one-vs-rest model the class index of the largest margin (the first on ties).
   *
   * @throws IllegalStateException if the model is linear
   * @throws IllegalArgumentException if the dataset's feature names differ from the model's, or
   *     a row holds a value that is not finite
   */
  public int[] classify(Dataset data) {
    if (classes != null) {
      int c = intercepts.length;
      double[] m = classMargins(data);
      int[] cls = new int[data.rows()];
      for (int i = 0; i < cls.length; i++) {
        cls[i] = Softmax.argmax(m, i * c, c);
      }
      return cls;
    }
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
    if (classes != null) {
      if (cls < 0 || cls >= classes.size()) {
        throw new IllegalArgumentException("class must be in 0.." + (classes.size() - 1)
            + ", got " + cls);
      }
      return classes.label(cls);
    }
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

  /** The row's length, and every value finite (a NaN would otherwise pick a class). */
  private void checkRow(double[] row) {
    checkRow(row.length);
    for (int j = 0; j < row.length; j++) {
      if (!Double.isFinite(row[j])) {
        throw notFinite(j, row[j]);
      }
    }
  }

  /** As {@link #checkRow(double[])}, for float32 values. */
  private void checkRow(float[] row) {
    checkRow(row.length);
    for (int j = 0; j < row.length; j++) {
      if (!Float.isFinite(row[j])) {
        throw notFinite(j, row[j]);
      }
    }
  }

  private IllegalArgumentException notFinite(int j, double value) {
    return new IllegalArgumentException("row value " + j + " (feature \"" + featureNames.get(j)
        + "\") is " + value + ": a model predicts from finite values only");
  }

  private void requireSingle() {
    if (classes != null) {
      throw new IllegalStateException("a " + (isOneVsRest() ? "one-vs-rest" : "multinomial")
          + " model has one intercept, weight vector and margin per class: use intercepts(),"
          + " coefficients(), classMargins(...) and predictProbabilities(...)");
    }
  }

  private void requireLogistic() {
    if (classes != null) {
      throw new IllegalStateException("a " + (isOneVsRest() ? "one-vs-rest" : "multinomial")
          + " model has a probability per class: use predictProbabilities(...)");
    }
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
        && Objects.equals(classes, m.classes)
        && standardization.equals(m.standardization) && Arrays.equals(theta, m.theta);
  }

  /** Consistent with {@link #equals}. */
  @Override
  public int hashCode() {
    return Objects.hash(loss, featureNames, targetName, labels, classes, standardization,
        Arrays.hashCode(theta));
  }

  /** A short summary, such as {@code LinearModel[logistic, 57 features, target spam (0/1)]}. */
  @Override
  public String toString() {
    return "LinearModel[" + loss.label() + (isOneVsRest() ? " one-vs-rest" : "") + ", "
        + features() + " features, target " + targetName
        + (labels != null ? " (" + labels.negative() + "/" + labels.positive() + ")" : "")
        + (classes != null ? " " + classes : "") + "]";
  }
}

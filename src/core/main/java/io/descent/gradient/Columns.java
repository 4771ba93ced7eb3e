package io.descent.gradient;

import io.descent.data.Dataset;
import io.descent.loss.Loss;
import java.util.Arrays;
import java.util.Objects;

/**
 * What one batched evaluation computes: K = {@code groups x classes} weight columns over the
 * same rows, in one pass (see {@link GradientBackend#evaluateColumns}).
 *
 * <ul>
 *   <li>A <b>group</b> is one model: one column for the linear and logistic losses, C columns
 *       (one per class) for the multinomial loss, whose margins are coupled within the group.
 *       Column {@code k} belongs to group {@code k / classes()}.
 *   <li>Each group may have a <b>positive class</b> (logistic only): its target is 1 for rows
 *       whose y equals that class and 0 otherwise, which is how one-vs-rest fits every class
 *       from one column of labels. Without one, y is the target as it is.
 *   <li>Each group may leave out the rows of one <b>fold</b>: with a fold number per row, group g
 *       gives the rows of fold {@code heldOut(g)} weight 0, which is how a cross-validation's
 *       validation rows are excluded from the columns fitted without them.
 *   <li>Each group may weigh the rows of each <b>label</b> (y as an integer 0..L-1) by its own
 *       factor, a table of {@code groups x L} class weights: how each one-vs-rest model or each
 *       cross-validation fold balances its own classes.
 *   <li>The rows' own weights (sample and class weights, {@link Dataset#weights()}) are shared
 *       by every column.
 * </ul>
 *
 * <p>So the weight of row i in group g is {@code s_ig = s_i * f_ig * c_g(y_i)}: {@code s_i} the
 * row's weight (1 when the data is unweighted), {@code f_ig} 0 or 1 (its fold) and
 * {@code c_g(y_i)} the group's class weight of its label (1 without a table); the group's data
 * term is {@code (sum_i s_ig l_ig) / (sum_i s_ig)} ({@link #weight}).
 */
public final class Columns {
  /** The positive class of a group that uses y as it is. */
  public static final int NO_CLASS = -1;

  private final Loss loss;
  private final int groups;
  private final int classes;
  private final int[] positive;
  private final int[] rowFold;
  private final int[] heldOut;
  private final int labels;
  private final double[] classWeights;

  private Columns(Loss loss, int groups, int classes, int[] positive, int[] rowFold,
      int[] heldOut) {
    this(loss, groups, classes, positive, rowFold, heldOut, 0, null);
  }

  private Columns(Loss loss, int groups, int classes, int[] positive, int[] rowFold,
      int[] heldOut, int labels, double[] classWeights) {
    this.loss = Objects.requireNonNull(loss, "loss");
    if (groups < 1) {
      throw new IllegalArgumentException("groups must be >= 1, got " + groups);
    }
    if (loss.coupled() ? classes < 2 : classes != 1) {
      throw new IllegalArgumentException(loss.label() + " needs "
          + (loss.coupled() ? ">= 2" : "1") + " columns per group, got " + classes);
    }
    if (positive != null) {
      if (loss != Loss.LOGISTIC) {
        throw new IllegalArgumentException("positive classes need the logistic loss, not "
            + loss.label());
      }
      if (positive.length != groups) {
        throw new IllegalArgumentException(groups + " groups but " + positive.length
            + " positive classes");
      }
      for (int p : positive) {
        if (p < 0) {
          throw new IllegalArgumentException("a positive class must be >= 0, got " + p);
        }
      }
    }
    if ((rowFold == null) != (heldOut == null)) {
      throw new IllegalArgumentException("row folds and held-out folds come together");
    }
    if (heldOut != null && heldOut.length != groups) {
      throw new IllegalArgumentException(groups + " groups but " + heldOut.length
          + " held-out folds");
    }
    if (rowFold != null) {
      for (int f : rowFold) {
        if (f < 0) {
          throw new IllegalArgumentException("a row's fold must be >= 0, got " + f);
        }
      }
    }
    if (classWeights != null) {
      if (loss == Loss.LINEAR) {
        throw new IllegalArgumentException("class weights need a classification loss, not "
            + loss.label());
      }
      if (labels < 1 || classWeights.length != (long) groups * labels) {
        throw new IllegalArgumentException("class weights must be a table of " + groups
            + " groups x labels, got " + classWeights.length + " entries for " + labels
            + " labels");
      }
      for (double c : classWeights) {
        if (!(c >= 0) || !Double.isFinite(c)) {
          throw new IllegalArgumentException("a class weight must be finite and >= 0, got " + c);
        }
      }
    }
    this.groups = groups;
    this.classes = classes;
    this.positive = positive;
    this.rowFold = rowFold;
    this.heldOut = heldOut;
    this.labels = labels;
    this.classWeights = classWeights;
  }

  /** One column of a linear or logistic loss (K = 1): the evaluation of one model. */
  public static Columns single(Loss loss) {
    return new Columns(loss, 1, 1, null, null, null);
  }

  /** {@code groups} independent models of a linear or logistic loss, one column each. */
  public static Columns of(Loss loss, int groups) {
    return new Columns(loss, groups, 1, null, null, null);
  }

  /** One multinomial model over {@code classes} classes: C coupled columns, y in 0..C-1. */
  public static Columns multinomial(int classes) {
    return new Columns(Loss.MULTINOMIAL, 1, classes, null, null, null);
  }

  /** {@code groups} independent multinomial models over {@code classes} classes. */
  public static Columns multinomial(int classes, int groups) {
    return new Columns(Loss.MULTINOMIAL, groups, classes, null, null, null);
  }

  /**
   * Logistic groups with a positive class each: group g's target is {@code y == positive[g]}.
   * One-vs-rest over C classes is {@code positives(0, 1, .., C-1)}.
   */
  public static Columns positives(int... positive) {
    return new Columns(Loss.LOGISTIC, positive.length, 1, positive.clone(), null, null);
  }

  /**
   * The same columns, with group g leaving out the rows whose fold is {@code heldOut[g]} (a
   * negative value leaves out none).
   *
   * @param rowFold the fold of every row of the data (>= 0), not copied
   * @param heldOut one fold per group
   */
  public Columns withFolds(int[] rowFold, int[] heldOut) {
    return new Columns(loss, groups, classes, positive, Objects.requireNonNull(rowFold),
        heldOut.clone(), labels, classWeights);
  }

  /**
   * The same columns, with group g weighing a row of label c (its y, an integer in 0..labels-1)
   * by {@code table[g * labels + c]} on top of the row's own weight: one-vs-rest models and
   * cross-validation folds that each balance their own classes.
   *
   * @param labels L, the number of labels (2 for a binary logistic target)
   * @param table {@code groups x L} class weights, finite and &gt;= 0, copied
   */
  public Columns withClassWeights(int labels, double[] table) {
    return new Columns(loss, groups, classes, positive, rowFold, heldOut, labels,
        table.clone());
  }

  /** The loss of every column. */
  public Loss loss() {
    return loss;
  }

  /** The number of models. */
  public int groups() {
    return groups;
  }

  /** Columns per group: C for the multinomial loss, 1 otherwise. */
  public int classes() {
    return classes;
  }

  /** K, the number of weight columns: {@code groups() * classes()}. */
  public int count() {
    return groups * classes;
  }

  /** True for one column without positive class or folds: what a single-model backend does. */
  public boolean isSingle() {
    return groups == 1 && classes == 1 && positive == null && rowFold == null
        && classWeights == null;
  }

  /** True when groups have positive classes (one-vs-rest). */
  public boolean hasPositives() {
    return positive != null;
  }

  /** Group g's positive class, or {@link #NO_CLASS} when y is its target as it is. */
  public int positive(int g) {
    return positive == null ? NO_CLASS : positive[g];
  }

  /** True when groups weigh labels by their own class weights. */
  public boolean hasClassWeights() {
    return classWeights != null;
  }

  /** L, the labels of the class-weight table, or 0 without one. */
  public int labels() {
    return labels;
  }

  /** Group g's weight of rows whose y is the given label: 1 without a table. */
  public double classWeight(int g, double y) {
    return classWeights == null ? 1 : classWeights[g * labels + (int) y];
  }

  /** The class-weight table, {@code groups x labels} (a copy), or null. */
  public double[] classWeights() {
    return classWeights == null ? null : classWeights.clone();
  }

  /**
   * {@code s_ig}, the weight of row i in group g: the row's own weight, 0 when g leaves out its
   * fold, times g's class weight of its label y.
   */
  public double weight(int g, int i, double y, double rowWeight) {
    if (!includes(g, i)) {
      return 0;
    }
    return classWeights == null ? rowWeight : rowWeight * classWeights[g * labels + (int) y];
  }

  /** True when groups leave out folds of rows. */
  public boolean hasFolds() {
    return rowFold != null;
  }

  /** The fold of row i, or -1 without folds. */
  public int fold(int i) {
    return rowFold == null ? -1 : rowFold[i];
  }

  /** The fold group g leaves out, or -1. */
  public int heldOut(int g) {
    return heldOut == null ? -1 : heldOut[g];
  }

  /** The folds of the rows (not copied), or null. */
  public int[] rowFolds() {
    return rowFold;
  }

  /** True when row i counts in group g (its fold is not the one g leaves out). */
  public boolean includes(int g, int i) {
    return rowFold == null || heldOut[g] < 0 || rowFold[i] != heldOut[g];
  }

  /** Group g's target for a row whose y is given: {@code y == positive(g)} as 0/1, or y. */
  public double target(int g, double y) {
    return positive == null ? y : (y == positive[g] ? 1 : 0);
  }

  /**
   * Checks that these columns fit the data: a fold for every row, and for the multinomial loss
   * integer classes in 0..C-1.
   *
   * @throws IllegalArgumentException naming the first row that does not fit
   */
  public void check(Dataset data) {
    if (rowFold != null && rowFold.length != data.rows()) {
      throw new IllegalArgumentException(data.source() + ": " + data.rows() + " rows but "
          + rowFold.length + " row folds");
    }
    if (classWeights != null) {
      double[] y = data.y();
      for (int i = 0; i < y.length; i++) {
        if (!(y[i] >= 0 && y[i] < labels && y[i] == Math.rint(y[i]))) {
          throw new IllegalArgumentException(data.source() + ": row " + i + " has label "
              + y[i] + ", not one of the class weights' 0.." + (labels - 1));
        }
      }
    }
    if (loss.coupled()) {
      double[] y = data.y();
      for (int i = 0; i < y.length; i++) {
        if (!(y[i] >= 0 && y[i] < classes && y[i] == Math.rint(y[i]))) {
          throw new IllegalArgumentException(data.source() + ": row " + i + " has class "
              + y[i] + ", not one of 0.." + (classes - 1));
        }
      }
    }
  }

  @Override
  public String toString() {
    return "Columns[" + loss.label() + ", " + groups + " group(s) x " + classes
        + (positive != null ? ", positives " + Arrays.toString(positive) : "")
        + (heldOut != null ? ", held-out folds " + Arrays.toString(heldOut) : "")
        + (classWeights != null ? ", class weights " + Arrays.toString(classWeights) : "") + "]";
  }
}

package io.descent.train;

import io.descent.data.BinaryLabels;
import io.descent.data.CompensatedSum;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.loss.Loss;
import io.descent.model.LinearModel;
import java.util.List;

/**
 * A fit that starts from a model's weights instead of the constant model. The model must have
 * been fitted for the same problem: the same features in the same order, the same loss, and for
 * a classification target the same labels in the same roles; {@link #check} says which differs.
 *
 * <p>A model keeps its weights in its own standardized space; the new fit standardizes with the
 * data it is given, so the weights are carried over through the original features: with {@code
 * m = b + sum_j w_j (x_j - mean_j) / scale_j} in the model's space and {@code mean'}, {@code
 * scale'} the new fit's,
 *
 * <pre>
 *   w'_j = w_j scale'_j / scale_j,    b' = b + sum_j w_j (mean'_j - mean_j) / scale_j,
 * </pre>
 *
 * which gives every row the margin the model gives it.
 */
public final class WarmStart {
  private WarmStart() {}

  /**
   * Checks that {@code model} can start a fit of {@code loss} on {@code data}.
   *
   * @throws IllegalArgumentException naming the first difference: the loss, the features (count,
   *     then the first name out of place), or the labels
   */
  public static void check(LinearModel model, Dataset data, Loss loss) {
    if (model.isOneVsRest()) {
      throw new IllegalArgumentException("the initial model is one-vs-rest (one logistic model"
          + " per class), which cannot start a fit of one " + loss.label() + " model");
    }
    if (model.loss() != loss) {
      throw new IllegalArgumentException("the initial model is " + model.loss().label()
          + " but this fit is " + loss.label());
    }
    checkFeatures(model, data);
    if (loss == Loss.LOGISTIC) {
      BinaryLabels mine = model.labels().orElse(BinaryLabels.zeroOne());
      BinaryLabels theirs = data.labels().orElse(BinaryLabels.zeroOne());
      if (!mine.equals(theirs)) {
        throw new IllegalArgumentException("the initial model's classes are \""
            + mine.negative() + "\" (0) and \"" + mine.positive() + "\" (1) but "
            + data.source() + "'s are \"" + theirs.negative() + "\" (0) and \""
            + theirs.positive() + "\" (1)");
      }
    }
    if (loss.coupled()) {
      List<String> mine = model.classes().map(c -> c.labels()).orElse(List.of());
      List<String> theirs = data.classLabels().map(c -> c.labels()).orElse(List.of());
      if (!mine.equals(theirs)) {
        throw new IllegalArgumentException("the initial model's classes are " + mine + " but "
            + data.source() + "'s are " + theirs);
      }
    }
  }

  /**
   * Checks that {@code model} can start a one-vs-rest fit on {@code data}, whose target holds
   * class indices: a one-vs-rest model with the same features in the same order and the same
   * classes in the same order.
   *
   * @throws IllegalArgumentException naming the first difference
   */
  public static void checkOneVsRest(LinearModel model, Dataset data) {
    if (!model.isOneVsRest()) {
      throw new IllegalArgumentException("the initial model is " + (model.loss().coupled()
          ? "multinomial" : "one " + model.loss().label() + " model") + " but this fit is"
          + " one-vs-rest (one logistic model per class)");
    }
    checkFeatures(model, data);
    List<String> mine = model.classes().map(c -> c.labels()).orElse(List.of());
    List<String> theirs = data.classLabels().map(c -> c.labels()).orElse(List.of());
    if (!mine.equals(theirs)) {
      throw new IllegalArgumentException("the initial model's classes are " + mine + " but "
          + data.source() + "'s are " + theirs);
    }
  }

  /** The same features in the same order, else the first difference. */
  private static void checkFeatures(LinearModel model, Dataset data) {
    List<String> have = model.featureNames();
    List<String> want = data.featureNames();
    if (have.size() != want.size()) {
      throw new IllegalArgumentException("the initial model has " + have.size()
          + " features but " + data.source() + " has " + want.size() + ": the model's are "
          + have);
    }
    for (int j = 0; j < have.size(); j++) {
      if (!have.get(j).equals(want.get(j))) {
        throw new IllegalArgumentException("feature " + (j + 1) + " of the initial model is \""
            + have.get(j) + "\" but " + data.source() + "'s is \"" + want.get(j)
            + "\": the features must be the same, in the same order");
      }
    }
  }

  /**
   * The model's parameters {@code (b, w)} in the space {@code target} standardizes to: the same
   * margin for every row.
   *
   * @throws IllegalArgumentException when the feature counts differ, or a weight overflows
   */
  public static double[] theta(LinearModel model, Standardization target) {
    Standardization own = model.standardization();
    int d = model.features();
    if (target.features() != d) {
      throw new IllegalArgumentException("the initial model has " + d + " features, the fit "
          + target.features());
    }
    double[] from = model.theta();
    double[] theta = new double[from.length];
    int p = d + 1;
    // Every column (one per class of a multinomial model) maps the same way.
    for (int k = 0; k < from.length / p; k++) {
      int o = k * p;
      CompensatedSum b = new CompensatedSum();
      b.add(from[o]);
      for (int j = 0; j < d; j++) {
        double w = from[o + j + 1];
        theta[o + j + 1] = w * (target.scale(j) / own.scale(j));
        b.add(w * ((target.mean(j) - own.mean(j)) / own.scale(j)));
      }
      theta[o] = b.value();
    }
    for (int q = 0; q < theta.length; q++) {
      int j = q % p;
      if (!Double.isFinite(theta[q])) {
        throw new IllegalArgumentException("the initial model's " + (j == 0 ? "intercept"
            : "weight of feature \"" + model.featureNames().get(j - 1) + "\"")
            + " overflows in this fit's standardized space");
      }
    }
    return theta;
  }
}

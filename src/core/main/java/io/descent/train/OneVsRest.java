package io.descent.train;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.Columns;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import io.descent.model.LinearModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One-vs-rest classification over C classes: C binary logistic models, model c fitted on the
 * target {@code y == c}, all in the same passes over the rows ({@link Columns#positives}, fitted
 * in lockstep by {@link LockstepFit}). A row's class is the one whose model gives it the highest
 * probability (the highest margin, the sigmoid being increasing).
 *
 * <p>The target holds class indices 0..C-1. Every model is standardized on all rows, penalized
 * alike, and starts where the trainer starts (the intercept of the constant model), so model c
 * is the binary logistic model {@code train} fits on {@code y == c}, to the optimizer's
 * tolerance.
 */
public final class OneVsRest {
  private final List<LinearModel> models;
  private final LockstepFit.Result fit;

  private OneVsRest(List<LinearModel> models, LockstepFit.Result fit) {
    this.models = List.copyOf(models);
    this.fit = fit;
  }

  /**
   * Fits the C models.
   *
   * @param data rows whose target is a class index 0..C-1, C &gt;= 3 (two classes are one
   *     logistic model)
   * @param l2 the penalty of every model
   * @param backend {@code auto}, {@code opencl}, {@code nd4j} or {@code reference}
   * @param openCl the OpenCL options (null for the defaults)
   * @param settings the optimizer and stopping rules
   * @param messages one line per skipped backend
   * @throws IllegalArgumentException when a target is not a class index, a class has no row, or
   *     there are fewer than 3 classes
   */
  public static OneVsRest fit(Dataset data, double l2, String backend, OpenClOptions openCl,
      LockstepFit.Settings settings, Consumer<String> messages) {
    int classes = classes(data);
    int[] positives = new int[classes];
    for (int c = 0; c < classes; c++) {
      positives[c] = c;
    }
    Columns columns = Columns.positives(positives);
    Standardization s = Standardization.fit(data);
    List<LockstepFit.Model> starts = new ArrayList<>();
    double[] binary = new double[data.rows()];
    for (int c = 0; c < classes; c++) {
      for (int i = 0; i < binary.length; i++) {
        binary[i] = columns.target(c, data.y()[i]);
      }
      double[] start = new double[data.features() + 1];
      start[0] = Trainer.initialIntercept(Loss.LOGISTIC, binary);
      starts.add(new LockstepFit.Model(l2, null, start));
    }
    LockstepFit.Result result;
    try (ChosenBackend chosen = new ChosenBackend(backend, data, s, columns, openCl,
        messages)) {
      result = new LockstepFit(settings).fit(data, chosen.opener(), chosen.float64(), columns,
          s, starts);
    }
    List<LinearModel> models = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      double[] theta = result.models().get(c).theta();
      if (!java.util.Arrays.stream(theta).allMatch(Double::isFinite)) {
        throw new IllegalStateException("the model of class " + c + " diverged: "
            + result.models().get(c).message());
      }
      models.add(LinearModel.of(Loss.LOGISTIC, data.featureNames(), data.targetName() + " == "
          + c, null, s, theta));
    }
    return new OneVsRest(models, result);
  }

  /** C, checking that every target is a class index and every class has a row. */
  private static int classes(Dataset data) {
    int most = -1;
    for (int i = 0; i < data.rows(); i++) {
      double y = data.y()[i];
      if (!(y >= 0 && y == Math.rint(y) && y < Integer.MAX_VALUE)) {
        throw new IllegalArgumentException(data.source() + ": row " + (i + 1) + " has class " + y
            + ", not a class index 0, 1, 2, ...");
      }
      most = Math.max(most, (int) y);
    }
    int classes = most + 1;
    if (classes < 3) {
      throw new IllegalArgumentException(data.source() + ": one-vs-rest needs 3 or more classes,"
          + " got " + classes + "; two classes are one logistic model");
    }
    boolean[] seen = new boolean[classes];
    for (double y : data.y()) {
      seen[(int) y] = true;
    }
    for (int c = 0; c < classes; c++) {
      if (!seen[c]) {
        throw new IllegalArgumentException(data.source() + ": class " + c + " has no row");
      }
    }
    return classes;
  }

  /** The number of classes C. */
  public int classes() {
    return models.size();
  }

  /** Model c: the probability that a row is of class c rather than another. */
  public LinearModel model(int c) {
    return models.get(c);
  }

  /** How each model's fit ended, and the passes they shared. */
  public LockstepFit.Result fit() {
    return fit;
  }

  /** Each row's class: the one whose model gives the highest probability (first of equals). */
  public int[] classify(Dataset data) {
    Objects.requireNonNull(data, "data");
    double[][] margins = new double[models.size()][];
    for (int c = 0; c < models.size(); c++) {
      margins[c] = models.get(c).margins(data);
    }
    int[] out = new int[data.rows()];
    for (int i = 0; i < out.length; i++) {
      int best = 0;
      for (int c = 1; c < margins.length; c++) {
        if (margins[c][i] > margins[best][i]) {
          best = c;
        }
      }
      out[i] = best;
    }
    return out;
  }
}

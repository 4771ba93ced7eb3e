package io.descent.bench;

import io.descent.loss.Loss;
import java.util.Objects;

/**
 * The problem of the end-to-end line: a generated {@code rows x features} dataset fitted with
 * every default (L-BFGS to the default tolerance, standardized features).
 *
 * @param rows rows, > 0
 * @param features features, > 0
 * @param loss the loss fitted, and the kind of target generated
 */
public record FitProblem(int rows, int features, Loss loss) {
  /** Checks the sizes are positive and the loss is given. */
  public FitProblem {
    if (rows <= 0) {
      throw new IllegalArgumentException("fit rows must be > 0, got " + rows);
    }
    if (features <= 0) {
      throw new IllegalArgumentException("fit features must be > 0, got " + features);
    }
    Objects.requireNonNull(loss, "loss");
  }

  /** 200000 x 32, logistic: a few seconds per backend on a 2-core machine. */
  public static FitProblem defaults() {
    return new FitProblem(200_000, 32, Loss.LOGISTIC);
  }
}

package io.descent.model;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How well a linear model's predictions match the targets.
 *
 * @param rows number of rows
 * @param mse mean squared error {@code (1/n) sum (y_i - p_i)^2}
 * @param rmse the square root of the MSE, in the target's units
 * @param r2 the coefficient of determination {@code 1 - SS_res / SS_tot}, with
 *     {@code SS_tot = sum (y_i - mean(y))^2} over the same rows; NaN when the targets are all equal
 *     (SS_tot = 0), where it is undefined
 * @param mae mean absolute error {@code (1/n) sum |y_i - p_i|}; NaN when not computed
 */
public record RegressionMetrics(int rows, double mse, double rmse, double r2, double mae)
    implements ModelMetrics {

  /** The figures without the mean absolute error. */
  public RegressionMetrics(int rows, double mse, double rmse, double r2) {
    this(rows, mse, rmse, r2, Double.NaN);
  }

  /** {@code mse}, {@code rmse}, {@code r2}, and {@code mae} when computed. */
  @Override
  public Map<String, Double> values() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("mse", mse);
    m.put("rmse", rmse);
    m.put("r2", r2);
    if (!Double.isNaN(mae)) {
      m.put("mae", mae);
    }
    return m;
  }

  /** For people: {@code mse 2859.696 rmse 53.47613 r2 0.5177484 (442 rows)}. */
  @Override
  public String toString() {
    return String.format(Locale.ROOT, "mse %.7g rmse %.7g r2 %.7g (%d rows)", mse, rmse, r2, rows);
  }
}

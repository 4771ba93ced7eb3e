package io.descent.train;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.optim.DifferentiableFunction;
import io.descent.optim.Iteration;
import io.descent.optim.Lbfgs;
import java.util.Locale;

/**
 * Complete separation of a binary target, the certificate that unpenalized logistic regression
 * has no finite optimum: when theta puts every training row strictly on the side of its class,
 * scaling theta up lowers every row's loss and the infimum 0 is never reached.
 *
 * <p>The test ({@link #separates}) is one float64 pass over the float32 data, so its verdict
 * never rests on float32 rounding. A slow optimizer may stop (converged in its own terms,
 * stalled, capped) far from a separating hyperplane; {@link #probe} then looks for one with
 * L-BFGS on a float64 objective.
 */
final class Separation {
  /**
   * L-BFGS iterations a probe may spend: as many as a default L-BFGS fit. On breast_cancer_wdbc
   * it needs 190 to 310, from where each optimizer stops after 5 or 100 epochs (iterations).
   */
  static final int PROBE_ITERATIONS = io.descent.Descent.DEFAULT_MAX_ITERATIONS;
  /** Iterations between two tests during a probe, unless the loss says to test at once. */
  private static final int PROBE_TEST_INTERVAL = 10;
  private final Dataset train;
  private final Standardization standardization;
  private final double lossImplyingSeparation;

  Separation(Dataset train, Standardization standardization) {
    this.train = train;
    this.standardization = standardization;
    this.lossImplyingSeparation = lossImplyingSeparation(train);
  }

  /**
   * A data term below which every row that weighs more than 0 is on its own side: {@code ln(2)
   * s_min / sum_i s_i}, with {@code s_min} the smallest weight above 0 ({@code ln(2) / n}
   * unweighted). Below it, {@code s_i l_i <= sum s_k l_k < ln(2) s_min} gives {@code l_i <
   * ln(2)}, so {@code m_i} has the sign of its class.
   */
  double lossImplyingSeparation() {
    return lossImplyingSeparation;
  }

  private static double lossImplyingSeparation(Dataset train) {
    if (train.weights() == null) {
      return Math.log(2) / train.rows();
    }
    double smallest = Double.POSITIVE_INFINITY;
    double total = 0;
    for (double s : train.weights()) {
      if (s > 0) {
        smallest = Math.min(smallest, s);
        total += s;
      }
    }
    return Math.log(2) * smallest / total;
  }

  /**
   * Whether theta puts every training row strictly on the side of its class (rows of weight 0
   * take no part: they do not change the loss).
   */
  boolean separates(double[] theta) {
    float[] x = train.x();
    double[] y = train.y();
    int d = train.features();
    double[] mean = standardization.mean();
    double[] scale = standardization.scale();
    for (int i = 0; i < train.rows(); i++) {
      if (train.weight(i) == 0) {
        continue;
      }
      double m = theta[0];
      for (int j = 0; j < d; j++) {
        m += theta[j + 1] * ((x[i * d + j] - mean[j]) / scale[j]);
      }
      if (y[i] > 0.5 ? !(m > 0) : !(m < 0)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Looks for a separating hyperplane by L-BFGS from {@code start}: at most
   * {@link #PROBE_ITERATIONS} iterations of the unpenalized logistic objective {@code float64},
   * testing every {@value #PROBE_TEST_INTERVAL} iterations and whenever the mean loss falls below
   * {@link #lossImplyingSeparation()} (ln(2)/n unweighted), which implies separation. It ends without one where the gradient test holds (a
   * finite optimum) or the line search finds no decrease.
   *
   * @param float64 the objective, computed in float64 (a float32 line search gives up on
   *     rounding noise long before the hyperplane is found)
   * @param test the fit's gradient test
   * @return theta that separates the classes, or null when none was found
   */
  double[] probe(DifferentiableFunction float64, double[] start, GradientTest test) {
    var run = new Lbfgs().start(float64, start);
    for (int k = 1; k <= PROBE_ITERATIONS; k++) {
      Iteration it = run.iterate();
      if (it.lineSearchFailed() || test.holds(it.point().gradient(), it.point().value())) {
        return null;
      }
      boolean due = k % PROBE_TEST_INTERVAL == 0
          || it.point().value() < lossImplyingSeparation;
      if (due && separates(it.point().x())) {
        return it.point().x().clone();
      }
    }
    return null;
  }

  /**
   * For an unpenalized fit that stopped without converging: the classes may be quasi-separable
   * (separable but for rows on the boundary), where the weights also grow without end.
   */
  static String quasiSeparationHint(double[] theta) {
    double w = 0;
    for (int j = 1; j < theta.length; j++) {
      w += theta[j] * theta[j];
    }
    return String.format(Locale.ROOT, "; if the weights keep growing (now ||w|| = %.3g), the"
        + " classes may be quasi-separable and have no finite optimum: add a penalty with"
        + " l2(...)", Math.sqrt(w));
  }
}

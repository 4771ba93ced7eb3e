package io.descent.train;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.Batch;
import io.descent.gradient.Columns;
import io.descent.gradient.Evaluation;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import io.descent.optim.DifferentiableFunction;
import io.descent.optim.Iteration;
import io.descent.optim.Lbfgs;
import io.descent.optim.Point;
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
  /** C for a multinomial fit, 0 for a binary one. */
  private final int classes;
  private final double lossImplyingSeparation;

  Separation(Dataset train, Standardization standardization) {
    this(train, standardization, 0);
  }

  /**
   * @param classes C for a multinomial fit of C columns (parameters laid out column-major,
   *     {@code (b_k, w_k)} at {@code k * (d + 1)}), 0 for a binary one
   */
  Separation(Dataset train, Standardization standardization, int classes) {
    this.train = train;
    this.standardization = standardization;
    this.classes = classes;
    this.lossImplyingSeparation = lossImplyingSeparation(train);
  }

  /**
   * Whether theta proves that the fit has no finite optimum: binary, it puts every training row
   * strictly on the side of its class; multinomial, see {@link #certificate}.
   */
  boolean separates(double[] theta) {
    if (classes > 0) {
      return certificate(theta) != null;
    }
    return separatesBinary(theta);
  }

  /**
   * For a multinomial fit, what about theta proves that unpenalized multinomial regression has
   * no finite optimum, or null: either every training row's own class has the strictly largest
   * margin (complete separation: scaling theta up lowers every row's loss towards 0), or some
   * class c is strictly separated from the rest by a linear function {@code h} (positive on
   * every row of c, negative on every other row; adding {@code t h} to c's margins lowers every
   * row's loss as t grows, so the infimum is not attained, which is quasi-complete separation
   * when the other classes overlap, as on iris). The functions tried are theta's own: for each
   * class c, {@code m_c - m_k} for every other class k and {@code m_c - mean_k m_k}. One float64
   * pass over the float32 data.
   *
   * @return a phrase for the message ("class 0 is separable from the others"), or null
   */
  String certificate(double[] theta) {
    int c = classes;
    float[] x = new float[train.features()];
    double[] y = train.y();
    int d = train.features();
    int p = d + 1;
    double[] mean = standardization.mean();
    double[] scale = standardization.scale();
    double[] z = new double[d];
    double[] m = new double[c];
    boolean complete = true;
    // alive[a * (c + 1) + k]: class a vs k (k < c, k != a), or vs the mean (k == c), still holds.
    boolean[] alive = new boolean[c * (c + 1)];
    for (int a = 0; a < c; a++) {
      for (int k = 0; k <= c; k++) {
        alive[a * (c + 1) + k] = k != a;
      }
    }
    for (int i = 0; i < train.rows(); i++) {
      if (train.weight(i) == 0) {
        continue;
      }
      train.copyRows(i, 1, x, 0);
      for (int j = 0; j < d; j++) {
        z[j] = (x[j] - mean[j]) / scale[j];
      }
      double avg = 0;
      for (int k = 0; k < c; k++) {
        double s = theta[k * p];
        for (int j = 0; j < d; j++) {
          s += theta[k * p + 1 + j] * z[j];
        }
        m[k] = s;
        avg += s;
      }
      avg /= c;
      int label = (int) y[i];
      for (int k = 0; k < c; k++) {
        if (k != label && !(m[label] > m[k])) {
          complete = false;
        }
      }
      for (int a = 0; a < c; a++) {
        boolean own = a == label;
        for (int k = 0; k <= c; k++) {
          int q = a * (c + 1) + k;
          if (alive[q]) {
            double h = m[a] - (k == c ? avg : m[k]);
            alive[q] = own ? h > 0 : h < 0;
          }
        }
      }
    }
    if (complete) {
      return "every training row's own class has the largest margin";
    }
    for (int a = 0; a < c; a++) {
      for (int k = 0; k <= c; k++) {
        if (alive[a * (c + 1) + k]) {
          return "class " + label(a) + " is linearly separable from the others";
        }
      }
    }
    return null;
  }

  private String label(int cls) {
    return train.classLabels().map(l -> "\"" + l.label(cls) + "\"").orElse("" + cls);
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
  private boolean separatesBinary(double[] theta) {
    float[] x = new float[train.features()];
    double[] y = train.y();
    int d = train.features();
    double[] mean = standardization.mean();
    double[] scale = standardization.scale();
    for (int i = 0; i < train.rows(); i++) {
      if (train.weight(i) == 0) {
        continue;
      }
      train.copyRows(i, 1, x, 0);
      double m = theta[0];
      for (int j = 0; j < d; j++) {
        m += theta[j + 1] * ((x[j] - mean[j]) / scale[j]);
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
   * The judgement {@code train} passes on an unpenalized fit's final weights ({@code
   * Fit.judge}), for fits that run in lockstep (cross-validation folds, one-vs-rest classes):
   * theta itself when it proves the classes separable ({@link #separates}); otherwise, where
   * theta does not pass the gradient test of {@code tolerance} on the float64 reference, what an
   * L-BFGS {@link #probe} from it finds (a mini-batch fit may stop anywhere on its way to a
   * separating hyperplane, capped or stalled); else null.
   *
   * @param theta the fit's parameters, in this separation's standardization
   * @param converged whether the fit passed its gradient test (then no probe: it has no way
   *     left to go)
   * @param tolerance the fit's relative gradient tolerance
   */
  double[] proof(double[] theta, boolean converged, double tolerance) {
    if (separates(theta)) {
      return theta;
    }
    if (converged) {
      return null;
    }
    Columns columns = classes > 0 ? Columns.multinomial(classes) : Columns.single(Loss.LOGISTIC);
    try (ReferenceBackend reference = new ReferenceBackend(train, standardization, columns)) {
      Batch all = Batch.all(train.rows());
      DifferentiableFunction float64 = x -> {
        Evaluation e = reference.evaluate(x, all);
        return new Point(x.clone(), e.loss(), e.gradient().clone());
      };
      Point start = float64.evaluate(theta);
      GradientTest test = new GradientTest(tolerance, Math.abs(start.value()));
      if (test.holds(start.gradient(), start.value())) {
        return null;
      }
      return probe(float64, theta, test);
    }
  }

  /**
   * For an unpenalized fit that stopped without converging: the classes may be quasi-separable
   * (separable but for rows on the boundary), where the weights also grow without end.
   */
  static String quasiSeparationHint(double[] theta) {
    return quasiSeparationHint(theta, theta.length);
  }

  /** As {@link #quasiSeparationHint(double[])}, for columns of {@code parameters} entries. */
  static String quasiSeparationHint(double[] theta, int parameters) {
    double w = 0;
    for (int j = 0; j < theta.length; j++) {
      if (j % parameters != 0) {
        w += theta[j] * theta[j];
      }
    }
    return String.format(Locale.ROOT, "; if the weights keep growing (now ||w|| = %.3g), the"
        + " classes may be quasi-separable and have no finite optimum: add a penalty with"
        + " l2(...)", Math.sqrt(w));
  }
}

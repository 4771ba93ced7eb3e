package io.descent.train;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.BackendKind;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.Backends;
import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.Columns;
import io.descent.gradient.Evaluation;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.OpenClOptions;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import io.descent.loss.Objective;
import io.descent.optim.FullBatchOptimizer;
import io.descent.optim.Lbfgs;
import io.descent.optim.Point;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Checks gradients: the reference against central finite differences, and every other backend
 * against the reference, at several points: zero, two random points, and a point near the
 * optimum (the L-BFGS solution of the reference, slightly perturbed, where the gradient is small
 * and errors show most; for unpenalized logistic regression, which may have no optimum, the
 * solution with lambda = {@value #NEAR_OPTIMUM_L2}).
 *
 * <p>Tolerances: the reference must match central differences to {@link #FINITE_DIFFERENCES}
 * (relative, {@code ||fd - g|| / ||g||}; each step moves the margins by about 1e-5 of their
 * scale, whatever the scale of the feature: 1 for log-odds, a linear target's root mean square),
 * or to the rounding the differences cannot avoid where that is larger, at most {@link
 * #MAX_LIMIT}; a backend must match the reference to its own
 * {@link GradientBackend#tolerance()}, measured as in {@link Verifier} (error against the scale
 * of the summed terms), and its loss to the same relative bound.
 */
public final class GradientCheck {
  /** The bound on the reference's relative disagreement with central finite differences. */
  public static final double FINITE_DIFFERENCES = 1e-6;

  /**
   * The rounding of a central difference, in units in the last place of the objective: each of
   * its two float64 objectives is off by a few (compensated sums), their difference by the sum.
   * Where the objective is large against its gradient (a linear target far from 0: 5e5, 1e12),
   * this noise, {@value} ulp(|J|) / (2h) per coordinate, exceeds {@link #FINITE_DIFFERENCES} of
   * the gradient; the check's limit is then that noise, not a failure of the gradient.
   */
  public static final double ROUNDING_ULPS = 16;

  /**
   * The most the finite-difference check's limit may be, {@value}: where the rounding bound
   * exceeds it the differences cannot tell a right gradient from a wrong one, and the check
   * fails rather than pass any gradient (a limit of 110 once passed an error of 100%).
   */
  public static final double MAX_LIMIT = 1e-2;

  /** The penalty that defines "near the optimum" for unpenalized logistic regression. */
  public static final double NEAR_OPTIMUM_L2 = 1e-3;

  /** The cap on OWL-QN iterations of {@link #kktViolations}' optimum. */
  public static final int KKT_OPTIMUM_ITERATIONS = 500;

  private GradientCheck() {}

  /**
   * One comparison.
   *
   * @param point which point: zero, random-1, random-2, near-optimum
   * @param checked what was checked: "reference vs finite differences" or a backend summary
   * @param relativeError {@code ||g - g_ref|| / ||g_ref||}
   * @param scaledError the error against the scale of the summed terms (see {@link Verifier});
   *     NaN for the finite-difference check
   * @param lossError relative loss error; NaN for the finite-difference check
   * @param tolerance the bound that applies
   * @param passed whether the check passed
   */
  public record Row(String point, String checked, double relativeError, double scaledError,
      double lossError, double tolerance, boolean passed) {}

  /**
   * Runs the check.
   *
   * @param kinds the backends to compare with the reference (the reference itself is always
   *     checked against finite differences); an unavailable one is reported through {@code log}
   *     and skipped, unless {@code required}
   * @param required when true, an unavailable backend throws instead of being skipped
   */
  public static List<Row> run(Dataset data, Loss loss, double l2, boolean standardize,
      List<BackendKind> kinds, boolean required, OpenClOptions openCl, long seed,
      Consumer<String> log) {
    if (loss == Loss.LINEAR) {
      Trainer.requireSquaresInRange(data);
    }
    Standardization s = standardize ? Standardization.fit(data)
        : Standardization.identity(data.features());
    // A multinomial model is one group of C coupled columns: its C x (d + 1) parameters are
    // checked together, as one flat vector.
    Columns columns = loss.coupled()
        ? Columns.multinomial(data.classLabels().orElseThrow(() -> new IllegalArgumentException(
            data.source() + ": a multinomial check needs a class target")).size())
        : Columns.single(loss);
    ReferenceBackend reference = new ReferenceBackend(data, s, columns);
    // Unpenalized logistic or multinomial regression may have no optimum (separable classes):
    // the weights would grow without bound. The near-optimum point then comes from a small L2
    // penalty.
    double l2ForOptimum = loss != Loss.LINEAR && l2 == 0 ? NEAR_OPTIMUM_L2 : l2;
    int parameters = data.features() + 1;
    Map<String, double[]> points = points(reference, new Objective(loss, l2ForOptimum),
        parameters, columns.count(), seed);
    Batch all = Batch.all(data.rows());
    List<Row> rows = new ArrayList<>();
    double[] rms = rootMeanSquares(data, s);
    // The margins' own scale: a linear target's root mean square (its mean included), 1 for
    // the classification losses, whose margins are log-odds. A target of 1.7e9 (seconds since
    // 1970) moved by steps of 1e-5 changed an objective of 1e18 by less than its rounding.
    double marginScale = loss == Loss.LINEAR ? targetRms(data) : 1;
    // The objective a fit minimizes: the loss and the L2 penalty (its gradient the host's
    // addPenaltyGradient, which every fit adds to a backend's); L1, not differentiable at 0,
    // by the KKT violations of kktViolations.
    Objective penalized = new Objective(loss, l2);
    for (Map.Entry<String, double[]> p : points.entrySet()) {
      double[] theta = p.getValue();
      double[] g = evaluate(reference, theta, all).gradient().clone();
      penalized.addPenaltyGradient(theta, g, parameters);
      double[] fd = new double[theta.length];
      double noise = 0;
      for (int j = 0; j < theta.length; j++) {
        // The step moves the margins by about 1e-5 (or 1e-5 of the coordinate's own share of
        // them): for raw features of size 1e4 a step of 1e-5 in the weight would move the
        // margins by 0.1 and the truncation error of the difference would swamp the check.
        double h = 1e-5 * Math.max(marginScale / rms[j % parameters], Math.abs(theta[j]));
        double[] plus = theta.clone();
        double[] minus = theta.clone();
        plus[j] += h;
        minus[j] -= h;
        double up = evaluate(reference, plus, all).loss() + penalized.penalty(plus, parameters);
        double down = evaluate(reference, minus, all).loss()
            + penalized.penalty(minus, parameters);
        fd[j] = (up - down) / (plus[j] - minus[j]);
        double objective = Math.max(Math.abs(up), Math.abs(down));
        double r = ROUNDING_ULPS * (Math.ulp(objective)
            + marginRounding(loss, marginScale, objective)) / (plus[j] - minus[j]);
        noise += r * r;
      }
      double err = relative(fd, g);
      double limit = Math.min(MAX_LIMIT, Math.max(FINITE_DIFFERENCES,
          Math.sqrt(noise) / norm(g)));
      rows.add(new Row(p.getKey(), "reference vs finite differences", err, Double.NaN,
          Double.NaN, limit, err <= limit));
    }
    for (BackendKind kind : kinds) {
      if (kind == BackendKind.REFERENCE) {
        continue;
      }
      GradientBackend backend;
      try {
        backend = Backends.open(kind, data, s, columns, openCl);
      } catch (BackendUnavailableException e) {
        if (required) {
          throw e;
        }
        log.accept("skipped " + kind.label() + ": " + e.getMessage());
        continue;
      }
      try (backend) {
        Verifier verifier = new Verifier(data, s, columns, backend.tolerance());
        for (Map.Entry<String, double[]> p : points.entrySet()) {
          Evaluation e = evaluate(backend, p.getValue(), all);
          Verifier.Check c = verifier.compare(p.getValue(), all, e);
          boolean ok = c.error() <= backend.tolerance() && c.lossError() <= backend.tolerance();
          rows.add(new Row(p.getKey(), backend.info().summary(), c.relativeError(), c.error(),
              c.lossError(), backend.tolerance(), ok));
        }
      }
    }
    return rows;
  }

  /**
   * The KKT violation ({@link Objective#kktViolation}, absolute, by the float64 reference) of the
   * objective with penalties l1 and l2 at the points of {@link #run} (zero, random-1, random-2,
   * near-optimum, for the same seed) and at "l1-optimum", the solution OWL-QN finds on the
   * reference in at most {@value #KKT_OPTIMUM_ITERATIONS} iterations: what a fit's reported
   * figure means, and that it goes to rounding level at the optimum.
   *
   * @return the violation by point name, in that order
   */
  public static Map<String, Double> kktViolations(Dataset data, Loss loss, double l2, double l1,
      boolean standardize, long seed) {
    Standardization s = standardize ? Standardization.fit(data)
        : Standardization.identity(data.features());
    Columns columns = loss.coupled()
        ? Columns.multinomial(data.classLabels().orElseThrow(() -> new IllegalArgumentException(
            data.source() + ": a multinomial check needs a class target")).size())
        : Columns.single(loss);
    ReferenceBackend reference = new ReferenceBackend(data, s, columns);
    double l2ForOptimum = loss != Loss.LINEAR && l2 == 0 ? NEAR_OPTIMUM_L2 : l2;
    int parameters = data.features() + 1;
    Map<String, double[]> points = points(reference, new Objective(loss, l2ForOptimum),
        parameters, columns.count(), seed);
    Objective objective = new Objective(loss, l2, l1);
    Batch all = Batch.all(data.rows());
    java.util.function.Function<double[], Point> smooth = x -> {
      Evaluation e = evaluate(reference, x, all);
      double[] g = e.gradient().clone();
      objective.addPenaltyGradient(x, g, parameters);
      return new Point(x.clone(), e.loss() + objective.penalty(x, parameters), g);
    };
    var run = new io.descent.optim.OwlQn().withPenalty(l1,
        j -> Objective.penalized(j, parameters)).start(smooth::apply,
        new double[parameters * columns.count()]);
    for (int i = 0; i < KKT_OPTIMUM_ITERATIONS; i++) {
      if (run.iterate().lineSearchFailed()) {
        break;
      }
    }
    points.put(L1_OPTIMUM, run.current().x());
    Map<String, Double> violations = new LinkedHashMap<>();
    points.forEach((name, x) -> violations.put(name,
        objective.kktViolation(x, smooth.apply(x).gradient(), parameters)));
    // Where OWL-QN stopped short of the fits' convergence test, the point is no optimum: said.
    Point end = smooth.apply(run.current().x());
    double end1 = end.value() + objective.l1Penalty(end.x(), parameters);
    GradientTest test = new GradientTest(io.descent.Descent.DEFAULT_TOLERANCE,
        Double.POSITIVE_INFINITY, GradientTest.targetScale(loss, data.y(), data.weights()));
    if (!test.holdsFor(violations.get(L1_OPTIMUM), end1)) {
      violations.put(L1_STOPPED, test.bound(end1));
    }
    return violations;
  }

  /** The point where OWL-QN on the reference converged: {@value}. */
  public static final String L1_OPTIMUM = "l1-optimum";
  /**
   * A key of {@link #kktViolations} only where OWL-QN stopped short of the fits' convergence
   * test in {@link #KKT_OPTIMUM_ITERATIONS} iterations (raw features, a hard problem): the bound
   * its KKT violation at {@link #L1_OPTIMUM} exceeds.
   */
  public static final String L1_STOPPED = "l1-optimum-bound";

  /**
   * The root mean square of each column of the (standardized) features, with 1 for the
   * intercept; 1 for a column that is all zeros.
   */
  /**
   * The rounding of the objective that its rows' margins carry: each margin is off by a few
   * ulp of the margins' scale, which moves a row's loss by its residual times that. For the
   * squared error the residuals' root mean square is at most sqrt(2 J) and the margins are
   * as large as the target ({@code scale}), which a constant target of 1e7 makes a thousand
   * times the objective's own ulp; a classification loss's residuals are at most 1.
   */
  static double marginRounding(Loss loss, double scale, double objective) {
    double residuals = loss == Loss.LINEAR ? Math.sqrt(2 * objective) : 1;
    return Math.ulp(1.0) * 2 * scale * residuals;
  }

  /** The target's root mean square (its mean included), at least 1. */
  private static double targetRms(Dataset data) {
    double sum = 0;
    for (double v : data.y()) {
      sum += v * v;
    }
    return Math.max(1, Math.sqrt(sum / Math.max(1, data.rows())));
  }

  private static double[] rootMeanSquares(Dataset data, Standardization s) {
    int d = data.features();
    double[] sum = new double[d + 1];
    float[] x = new float[d];
    double[] mean = s.mean();
    double[] scale = s.scale();
    for (int i = 0; i < data.rows(); i++) {
      data.copyRows(i, 1, x, 0);
      for (int j = 0; j < d; j++) {
        double z = (x[j] - mean[j]) / scale[j];
        sum[j + 1] += z * z;
      }
    }
    double[] rms = new double[d + 1];
    rms[0] = 1;
    for (int j = 1; j <= d; j++) {
      double r = Math.sqrt(sum[j] / data.rows());
      rms[j] = r > 0 ? r : 1;
    }
    return rms;
  }

  /** The one group's loss and every column's gradient, as one evaluation. */
  private static Evaluation evaluate(GradientBackend backend, double[] w, Batch batch) {
    BatchedEvaluation e = backend.evaluateColumns(w, batch);
    return new Evaluation(e.loss()[0], e.gradient());
  }

  private static Map<String, double[]> points(ReferenceBackend reference, Objective objective,
      int parameters, int columns, long seed) {
    int n = parameters * columns;
    Random random = new Random(seed);
    Map<String, double[]> points = new LinkedHashMap<>();
    points.put("zero", new double[n]);
    for (int k = 1; k <= 2; k++) {
      double[] t = new double[n];
      for (int j = 0; j < n; j++) {
        t[j] = random.nextGaussian() / Math.sqrt(parameters);
      }
      points.put("random-" + k, t);
    }
    Batch all = Batch.all(reference.rows());
    FullBatchOptimizer lbfgs = new Lbfgs();
    var run = lbfgs.start(x -> {
      Evaluation e = evaluate(reference, x, all);
      double[] g = e.gradient().clone();
      objective.addPenaltyGradient(x, g, parameters);
      return new Point(x.clone(), e.loss() + objective.penalty(x, parameters), g);
    }, new double[n]);
    for (int i = 0; i < 200; i++) {
      if (run.iterate().lineSearchFailed()) {
        break;
      }
    }
    double[] near = run.current().x().clone();
    for (int j = 0; j < n; j++) {
      near[j] += 1e-3 * random.nextGaussian() * Math.max(1, Math.abs(near[j]));
    }
    points.put("near-optimum", near);
    return points;
  }

  /** The Euclidean norm, at least the smallest normal double (the denominator of a ratio). */
  private static double norm(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x * x;
    }
    return Math.max(Math.sqrt(s), Double.MIN_NORMAL);
  }

  private static double relative(double[] a, double[] b) {
    double num = 0;
    double den = 0;
    for (int j = 0; j < a.length; j++) {
      num += (a[j] - b[j]) * (a[j] - b[j]);
      den += b[j] * b[j];
    }
    return Math.sqrt(num) / Math.max(Math.sqrt(den), Double.MIN_NORMAL);
  }
}

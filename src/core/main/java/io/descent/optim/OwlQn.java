package io.descent.optim;

import java.util.function.IntPredicate;

/**
 * Orthant-wise limited-memory quasi-Newton (OWL-QN; Andrew &amp; Gao, "Scalable Training of
 * L1-Regularized Log-Linear Models", ICML 2007), as Spark MLlib (through Breeze) uses for L1 and
 * elastic-net penalties: minimizes {@code F(x) = f(x) + l1 sum_{j penalized} |x_j|} for a smooth
 * f, the default full-batch optimizer when an L1 penalty is set.
 *
 * <p>Each iteration:
 *
 * <ol>
 *   <li>the <em>pseudo-gradient</em> {@code pg}, the minimum-norm subgradient of F: for a
 *       penalized {@code x_j != 0}, {@code g_j + l1 sign(x_j)}; at {@code x_j = 0}, {@code g_j +
 *       l1} if that is below 0, {@code g_j - l1} if that is above 0, else 0; for a free
 *       coordinate, {@code g_j} (g is f's gradient). Its max-norm is the KKT violation, 0 exactly
 *       at a minimizer;
 *   <li>the direction {@code d = -H pg} by the L-BFGS two-loop recursion over the last {@link
 *       #memory()} pairs {@code (s, y)} of steps and <em>f's</em> gradient changes, with every
 *       penalized component whose sign disagrees with {@code -pg} set to 0 (the paper's
 *       direction projection, here not applied to the free coordinates, the intercepts, which
 *       need no orthant); steepest descent {@code -pg} when that leaves no descent direction;
 *   <li>the orthant of the step: {@code sign(x_j)}, or {@code sign(-pg_j)} where {@code x_j = 0};
 *   <li>a backtracking line search on F along the <em>projected</em> path {@code x(a) = P(x + a
 *       d)}, where P sets every penalized coordinate that left the orthant to exactly 0 (so that
 *       weights reach exact zeros and stay there while their subgradient condition holds),
 *       accepting the first a with {@code F(x(a)) <= F(x) + c1 pg.(x(a) - x)}, halving a
 *       otherwise; the unit step first (after a reset, a step of length at most 1), or where
 *       the decrease that step promises is below the rounding of F (a target of 1e18), the
 *       shortest step whose decrease the value can show.
 * </ol>
 *
 * <p>As in {@link Lbfgs}: a pair is stored only when {@code s'y > }{@value
 * Lbfgs#CURVATURE_EPSILON}{@code ||s|| ||y||}; a failed search along the quasi-Newton direction
 * clears the memory and the iteration retries along {@code -pg}. Near the minimizer of an exact
 * objective the decrease a step makes falls to the rounding of F, where the difference of two
 * computed values can no longer decide the sufficient-decrease test: there (a trial whose computed
 * F is no higher, and lower by at most a relative {@value #APPROXIMATE_TOLERANCE}) the test
 * uses the change estimated from the
 * gradients instead, by the trapezoid rule on f plus the exact change of the L1 term (in the
 * spirit of Hager and Zhang's approximate Wolfe conditions, which L-BFGS uses), and so lets the
 * KKT violation go down to rounding level. On a
 * function that declares {@link DifferentiableFunction#relativeNoise() noise} (float32) that test
 * is off; instead, once {@value #NOISE_PATIENCE} trials are indistinguishable from F(x) within the
 * noise, the iteration reports {@code lineSearchFailed} (and a trainer finishes in float64).
 *
 * <p>The points of a run carry F (smooth part plus the L1 term) as their value and f's gradient
 * (the smooth part's, not the pseudo-gradient) as their gradient: the caller judges optimality
 * with the KKT violation ({@link #kktViolation}). Configure the penalty with {@link
 * #withPenalty}; without one (l1 = 0) OWL-QN is L-BFGS with a backtracking line search.
 *
 * <p>Immutable.
 */
public final class OwlQn implements FullBatchOptimizer {
  /** The name this optimizer goes by, the label its kind reads. */
  public static final String NAME = "owlqn";
  /** The default sufficient-decrease constant of the backtracking line search (the paper's). */
  public static final double C1 = 1e-4;
  /** The default number of stored correction pairs (as L-BFGS). */
  public static final int DEFAULT_MEMORY = Lbfgs.DEFAULT_MEMORY;
  /** The default number of function evaluations one line search may spend. */
  public static final int MAX_LINE_SEARCH_EVALUATIONS = 40;
  /** The factor a rejected trial step is multiplied by. */
  public static final double BACKTRACK = 0.5;
  /** The relative change of F below which the decrease is estimated from gradients. */
  static final double APPROXIMATE_TOLERANCE = 1e-10;
  /** Trials indistinguishable from F(x) after which a search on a noisy function gives up. */
  static final int NOISE_PATIENCE = 6;
  /**
   * The share of the start's slope that a too-short first trial's slope still exceeds (as the
   * strong Wolfe search's c2): {@value}.
   */
  static final double STILL_STEEP = 0.9;

  private final int memory;
  private final double c1;
  private final int maxLineSearchEvaluations;
  private final double l1;
  private final IntPredicate penalized;
  private final java.util.function.UnaryOperator<Point> move;

  /** OWL-QN with the defaults and no penalty yet ({@link #withPenalty}). */
  public OwlQn() {
    this(DEFAULT_MEMORY, C1, MAX_LINE_SEARCH_EVALUATIONS);
  }

  /**
   * @param memory the number of correction pairs kept, &gt;= 1
   * @param c1 the sufficient-decrease constant, in (0, 1)
   * @param maxLineSearchEvaluations function evaluations one line search may spend, &gt;= 1
   */
  public OwlQn(int memory, double c1, int maxLineSearchEvaluations) {
    this(memory, c1, maxLineSearchEvaluations, 0, j -> false, null);
  }

  private OwlQn(int memory, double c1, int maxLineSearchEvaluations, double l1,
      IntPredicate penalized, java.util.function.UnaryOperator<Point> move) {
    if (memory < 1) {
      throw new IllegalArgumentException("memory must be >= 1, got " + memory);
    }
    if (!(c1 > 0 && c1 < 1)) {
      throw new IllegalArgumentException("need 0 < c1 < 1, got c1=" + c1);
    }
    if (maxLineSearchEvaluations < 1) {
      throw new IllegalArgumentException("maxLineSearchEvaluations must be >= 1, got "
          + maxLineSearchEvaluations);
    }
    if (!(l1 >= 0) || !Double.isFinite(l1)) {
      throw new IllegalArgumentException("l1 must be finite and >= 0, got " + l1);
    }
    this.memory = memory;
    this.c1 = c1;
    this.maxLineSearchEvaluations = maxLineSearchEvaluations;
    this.l1 = l1;
    this.penalized = java.util.Objects.requireNonNull(penalized, "penalized");
    this.move = move;
  }

  /**
   * A copy that minimizes {@code f(x) + l1 sum_{penalized(j)} |x_j|}.
   *
   * @param strength the L1 strength l1, finite and &gt;= 0
   * @param which which coordinates the penalty applies to (for a model: every weight, no
   *     intercept)
   */
  public OwlQn withPenalty(double strength, IntPredicate which) {
    return new OwlQn(memory, c1, maxLineSearchEvaluations, strength, which, move);
  }

  /**
   * A copy that, after each accepted step, moves the point along a direction the smooth part
   * is flat in (a symmetry of f) to where the objective F is lower: {@code move} returns the
   * point there, with F's value and f's gradient, or the point it was given. A curvature pair
   * across such a move stays a secant pair of f, since f's Hessian vanishes along it. (For a
   * multinomial model: {@code io.descent.loss.SoftmaxShift}.)
   */
  public OwlQn withMove(java.util.function.UnaryOperator<Point> move) {
    return new OwlQn(memory, c1, maxLineSearchEvaluations, l1, penalized, move);
  }

  /** The L1 strength (0 until {@link #withPenalty}). */
  public double l1() {
    return l1;
  }

  /** The number of correction pairs kept. */
  public int memory() {
    return memory;
  }

  /** The line search's sufficient-decrease constant. */
  public double c1() {
    return c1;
  }

  /** Function evaluations one line search may spend. */
  public int maxLineSearchEvaluations() {
    return maxLineSearchEvaluations;
  }

  /** "owlqn". */
  @Override
  public String name() {
    return NAME;
  }

  /** The name and every hyperparameter, in a fixed order, for the model file. */
  @Override
  public java.util.Map<String, Object> settings() {
    java.util.Map<String, Object> s = new java.util.LinkedHashMap<>();
    s.put("name", name());
    s.put("memory", memory);
    s.put("c1", c1);
    s.put("curvatureEpsilon", Lbfgs.CURVATURE_EPSILON);
    s.put("maxLineSearchEvaluations", maxLineSearchEvaluations);
    return s;
  }

  @Override
  public String toString() {
    return Settings.describe("OwlQn", settings());
  }

  /** {@code l1 sum_{penalized} |x_j|}. */
  public double penalty(double[] x) {
    if (l1 == 0) {
      return 0;
    }
    double s = 0;
    for (int j = 0; j < x.length; j++) {
      if (penalized.test(j)) {
        s += Math.abs(x[j]);
      }
    }
    return l1 * s;
  }

  /**
   * The pseudo-gradient at x given f's gradient g there: the minimum-norm subgradient of F.
   */
  public double[] pseudoGradient(double[] x, double[] g) {
    double[] pg = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      if (l1 == 0 || !penalized.test(j)) {
        pg[j] = g[j];
      } else if (x[j] > 0) {
        pg[j] = g[j] + l1;
      } else if (x[j] < 0) {
        pg[j] = g[j] - l1;
      } else if (g[j] + l1 < 0) {
        pg[j] = g[j] + l1;
      } else if (g[j] - l1 > 0) {
        pg[j] = g[j] - l1;
      }
    }
    return pg;
  }

  /** The KKT violation at x: the max-norm of the pseudo-gradient. */
  public double kktViolation(double[] x, double[] g) {
    double max = 0;
    for (double v : pseudoGradient(x, g)) {
      max = Math.max(max, Math.abs(v));
    }
    return max;
  }

  @Override
  public Run start(DifferentiableFunction f, double[] x0) {
    Point p = Vectors.start(f, x0);
    return new OwlQnRun(f, full(p));
  }

  /** The point with F's value (f's plus the L1 term) and f's gradient. */
  private Point full(Point p) {
    return new Point(p.x(), p.value() + penalty(p.x()), p.gradient());
  }

  /** How one line search ended. */
  private enum Outcome { ACCEPTED, FAILED, BELOW_NOISE }

  private final class OwlQnRun implements Run {
    private final DifferentiableFunction f;
    private final CurvaturePairs pairs;
    private Point current;
    private int evaluations = 1;
    private Point accepted;
    private double acceptedStep;

    OwlQnRun(DifferentiableFunction f, Point start) {
      this.f = f;
      this.current = start;
      this.pairs = new CurvaturePairs(memory);
    }

    @Override
    public Point current() {
      return current;
    }

    @Override
    public int evaluations() {
      return evaluations;
    }

    @Override
    public Iteration iterate() {
      double[] x = current.x();
      double[] pg = pseudoGradient(x, current.gradient());
      if (Vectors.dot(pg, pg) == 0) {
        return new Iteration(current, 0, 0, true);
      }
      int before = evaluations;
      Outcome o = Outcome.FAILED;
      if (pairs.count() > 0) {
        double[] d = constrain(pairs.direction(pg), pg);
        if (Vectors.allFinite(d) && Vectors.dot(pg, d) < 0) {
          o = search(x, pg, d, 1.0);
        }
        if (o != Outcome.ACCEPTED) {
          pairs.clear();
        }
      }
      if (o == Outcome.FAILED) {
        double[] d = Vectors.negate(pg);
        o = search(x, pg, d, Math.min(1.0, 1.0 / Vectors.norm(pg)));
      }
      int spent = evaluations - before;
      if (o != Outcome.ACCEPTED) {
        return new Iteration(current, 0, spent, true);
      }
      if (move != null) {
        Point moved = move.apply(accepted);
        if (moved != accepted && moved.value() <= accepted.value()) {
          accepted = moved;
        }
      }
      pairs.remember(current, accepted);
      current = accepted;
      return new Iteration(current, acceptedStep, spent, false);
    }

    /**
     * Sets to 0 every penalized component of d whose sign is not that of {@code -pg}. Free
     * coordinates keep theirs: the constraint is there to keep penalized weights in their
     * orthant, and on a free coordinate it would only spoil the quasi-Newton step.
     */
    private double[] constrain(double[] d, double[] pg) {
      for (int j = 0; j < d.length; j++) {
        if (l1 > 0 && penalized.test(j) && d[j] * pg[j] >= 0) {
          d[j] = 0;
        }
      }
      return d;
    }

    /**
     * Backtracks along the projected path from x; on success sets {@link #accepted} and
     * {@link #acceptedStep}.
     */
    private Outcome search(double[] x, double[] pg, double[] d, double a0) {
      double fx = current.value();
      double noise = f.relativeNoise() * Math.abs(fx);
      int indistinct = 0;
      double lowest = Double.POSITIVE_INFINITY;
      double slope = Vectors.dot(pg, d);
      double a = a0;
      for (int k = 0; k < maxLineSearchEvaluations; k++, a *= BACKTRACK) {
        double[] xt = project(Vectors.step(x, a, d), x, pg);
        Point pt = full(Vectors.evaluate(f, xt));
        evaluations++;
        double ft = pt.value();
        if (!Double.isFinite(ft) || !Vectors.allFinite(pt.gradient())) {
          continue;
        }
        if (k == 0 && tooShortToShow(a, slope, fx, ft, Vectors.dot(pseudoGradient(xt,
            pt.gradient()), d))) {
          // The decrease the slope promises is below the rounding of F, and the slope at the
          // trial is still as steep: no trial this short or shorter can show a decrease, so
          // the search goes on from the shortest step that can (the loop halves it first).
          a = StrongWolfeLineSearch.VISIBLE * StrongWolfeLineSearch.ROUNDING * Math.abs(fx)
              / -slope / BACKTRACK;
          continue;
        }
        lowest = Math.min(lowest, ft);
        double decrease = 0;
        for (int j = 0; j < x.length; j++) {
          decrease += pg[j] * (xt[j] - x[j]);
        }
        if (noise > 0 && Math.abs(ft - fx) <= noise && ++indistinct >= NOISE_PATIENCE
            && !(fx - lowest > noise)) {
          return Outcome.BELOW_NOISE;
        }
        double change = ft - fx;
        if (noise == 0 && change <= 0 && -change <= APPROXIMATE_TOLERANCE * Math.abs(fx)) {
          // The computed value did not rise, but its decrease is too close to rounding to say
          // by how much: the gradients say it.
          change = estimatedChange(x, current.gradient(), xt, pt.gradient());
        }
        boolean sufficient = change <= c1 * decrease && decrease < 0;
        if (sufficient && (noise == 0 || fx - ft > noise)) {
          accepted = pt;
          acceptedStep = a;
          return Outcome.ACCEPTED;
        }
      }
      return Outcome.FAILED;
    }

    /**
     * Whether the first trial {@code a} was too short for F to show its decrease, as {@link
     * StrongWolfeLineSearch} tests its trials: F no higher (within rounding), the decrease the
     * slope promises ({@code a} times it) below F's rounding, and the slope at the trial ({@code
     * trialSlope}, along d) still steeper than {@value #STILL_STEEP} of the start's, so that the
     * step is short on the curve, not close to its minimum. Then the search goes on from the
     * shortest step whose decrease the value can show ({@link
     * StrongWolfeLineSearch#VISIBLE} times the rounding). On a linear target of 1e18 (an
     * objective of 3e39, a gradient of norm 9e19) the first step of length 1 changed F by 3e-20
     * of itself, and every halving less: the fit stayed at its start for 1000 iterations.
     */
    private static boolean tooShortToShow(double a, double slope, double fx, double ft,
        double trialSlope) {
      double rounding = StrongWolfeLineSearch.ROUNDING * Math.abs(fx);
      return slope < 0 && a * -slope <= rounding && ft - fx <= rounding
          && trialSlope < STILL_STEEP * slope
          && Double.isFinite(StrongWolfeLineSearch.VISIBLE * rounding / -slope);
    }

    /**
     * The change of F from x to xt from gradients rather than values: the trapezoid rule {@code
     * (g + gt).(xt - x) / 2} for f (exact for a quadratic, off by {@code O(|xt - x|^3)}
     * otherwise) plus the change of the L1 term, coordinate by coordinate. Near the minimizer it
     * is accurate where the difference of two computed values of F is only rounding.
     */
    private double estimatedChange(double[] x, double[] g, double[] xt, double[] gt) {
      double smooth = 0;
      double l1Change = 0;
      for (int j = 0; j < x.length; j++) {
        smooth += 0.5 * (g[j] + gt[j]) * (xt[j] - x[j]);
        if (l1 > 0 && penalized.test(j)) {
          l1Change += Math.abs(xt[j]) - Math.abs(x[j]);
        }
      }
      return smooth + l1 * l1Change;
    }

    /**
     * Sets to exactly 0 every penalized coordinate of the trial that left the orthant of the
     * step: {@code sign(x_j)}, or {@code sign(-pg_j)} where {@code x_j = 0}.
     */
    private double[] project(double[] xt, double[] x, double[] pg) {
      if (l1 == 0) {
        return xt;
      }
      for (int j = 0; j < xt.length; j++) {
        if (!penalized.test(j)) {
          continue;
        }
        double orthant = x[j] != 0 ? Math.signum(x[j]) : -Math.signum(pg[j]);
        if (Math.signum(xt[j]) != orthant) {
          xt[j] = 0;
        }
      }
      return xt;
    }
  }

  private static double max(double[] v) {
    double m = 0;
    for (double e : v) {
      m = Math.max(m, Math.abs(e));
    }
    return m;
  }
}

package io.descent.optim;

/**
 * Limited-memory BFGS (Nocedal &amp; Wright, Numerical Optimization, 2nd ed., Algorithms 7.4 and
 * 7.5) with a strong Wolfe line search: the default full-batch optimizer.
 *
 * <p>Each iteration computes the direction {@code d = -H g} by the two-loop recursion over the
 * last {@link #memory()} pairs {@code s = x_{k+1} - x_k}, {@code y = g_{k+1} - g_k}, with the
 * initial matrix {@code H0 = (s'y / y'y) I} from the newest pair (their eq. 7.20), and searches
 * along it for a step satisfying the strong Wolfe conditions with {@code c1 = }{@value #C1},
 * {@code c2 = }{@value #C2}, trying the unit step first.
 *
 * <p>Safeguards, for ill-conditioned problems and inexact gradients:
 *
 * <ul>
 *   <li>a pair is stored only when {@code s'y > }{@value #CURVATURE_EPSILON}{@code ||s|| ||y||},
 *       which keeps H positive definite and well defined (the Wolfe conditions guarantee
 *       {@code s'y > 0} in exact arithmetic, rounding does not);
 *   <li>when d is not a descent direction ({@code g'd >= 0}, or not finite), the memory is
 *       cleared and the iteration uses steepest descent;
 *   <li>when the line search along a quasi-Newton direction fails, the memory is cleared and the
 *       same iteration retries along steepest descent; only when that fails too does the iteration
 *       report {@code lineSearchFailed}, keeping the current point;
 *   <li>when the quasi-Newton search ends because no trial could be told apart from the current
 *       value within the function's declared {@link DifferentiableFunction#relativeNoise()
 *       noise}, the iteration reports {@code lineSearchFailed} at once: steepest descent would
 *       drown in the same noise.
 * </ul>
 *
 * <p>A steepest-descent step (the first iteration, or after a reset) first tries a step of unit
 * length, or the unit step if the gradient is shorter than 1. Near the minimizer of an exact
 * objective the line search accepts approximate Wolfe steps (see {@code StrongWolfeLineSearch}),
 * so the gradient can be driven to rounding level rather than stopping where value differences
 * reach it.
 *
 * <p>Immutable; configure with {@link #withMemory}.
 */
public final class Lbfgs implements FullBatchOptimizer {
  /** The name this optimizer goes by, the label its kind reads. */
  public static final String NAME = "lbfgs";
  /** The default sufficient-decrease constant of the Wolfe conditions. */
  public static final double C1 = 1e-4;
  /** The default curvature constant of the strong Wolfe conditions. */
  public static final double C2 = 0.9;
  /** The default number of stored correction pairs. */
  public static final int DEFAULT_MEMORY = 10;
  /** The bound on the cosine between s and y below which a pair is not stored. */
  public static final double CURVATURE_EPSILON = 1e-10;
  /** The default number of function evaluations one line search may spend. */
  public static final int MAX_LINE_SEARCH_EVALUATIONS = 40;

  private final int memory;
  private final double c1;
  private final double c2;
  private final int maxLineSearchEvaluations;
  private final StrongWolfeLineSearch lineSearch;

  /** L-BFGS with the default memory of {@value #DEFAULT_MEMORY} pairs. */
  public Lbfgs() {
    this(DEFAULT_MEMORY);
  }

  /**
   * @param memory the number of correction pairs kept, &gt;= 1
   */
  public Lbfgs(int memory) {
    this(memory, C1, C2, MAX_LINE_SEARCH_EVALUATIONS);
  }

  /**
   * @param memory the number of correction pairs kept, &gt;= 1
   * @param c1 the sufficient-decrease constant, {@code 0 < c1 < c2}
   * @param c2 the curvature constant, {@code c1 < c2 < 1}
   * @param maxLineSearchEvaluations function evaluations one line search may spend, &gt;= 1
   */
  public Lbfgs(int memory, double c1, double c2, int maxLineSearchEvaluations) {
    if (memory < 1) {
      throw new IllegalArgumentException("memory must be >= 1, got " + memory);
    }
    this.memory = memory;
    this.c1 = c1;
    this.c2 = c2;
    this.maxLineSearchEvaluations = maxLineSearchEvaluations;
    this.lineSearch = new StrongWolfeLineSearch(c1, c2, maxLineSearchEvaluations);
  }

  /** The number of correction pairs kept. */
  public int memory() {
    return memory;
  }

  /** The line search's sufficient-decrease constant. */
  public double c1() {
    return c1;
  }

  /** The line search's curvature constant. */
  public double c2() {
    return c2;
  }

  /** Function evaluations one line search may spend. */
  public int maxLineSearchEvaluations() {
    return maxLineSearchEvaluations;
  }

  /** A copy with another memory. */
  public Lbfgs withMemory(int pairs) {
    return new Lbfgs(pairs, c1, c2, maxLineSearchEvaluations);
  }

  /** "lbfgs". */
  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Run start(DifferentiableFunction f, double[] x0) {
    return new LbfgsRun(f, Vectors.start(f, x0));
  }

  /** The name and every hyperparameter, in a fixed order, for the model file. */
  @Override
  public java.util.Map<String, Object> settings() {
    java.util.Map<String, Object> s = new java.util.LinkedHashMap<>();
    s.put("name", name());
    s.put("memory", memory);
    s.put("c1", c1);
    s.put("c2", c2);
    s.put("curvatureEpsilon", CURVATURE_EPSILON);
    s.put("maxLineSearchEvaluations", maxLineSearchEvaluations);
    return s;
  }

  @Override
  public String toString() {
    return Settings.describe("Lbfgs", settings());
  }

  private final class LbfgsRun implements Run {
    private final DifferentiableFunction f;
    private final CurvaturePairs pairs;
    private Point current;
    private int evaluations = 1;

    LbfgsRun(DifferentiableFunction f, Point start) {
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
      double[] g = current.gradient();
      if (Vectors.dot(g, g) == 0) {
        return new Iteration(current, 0, 0, true);
      }
      int spent = 0;
      StrongWolfeLineSearch.Outcome o = null;
      if (pairs.count() > 0) {
        double[] d = pairs.direction(g);
        if (Vectors.allFinite(d) && Vectors.dot(g, d) < 0) {
          o = lineSearch.search(f, current, d, 1.0);
          spent += o.evaluations();
        }
        if (o == null || o.failed()) {
          pairs.clear();
        }
      }
      boolean belowNoise =
          o != null && o.acceptance() == StrongWolfeLineSearch.Acceptance.BELOW_NOISE;
      if (!belowNoise && (o == null || o.failed())) {
        double[] d = Vectors.negate(g);
        o = lineSearch.search(f, current, d, Math.min(1.0, 1.0 / Vectors.norm(g)));
        spent += o.evaluations();
      }
      evaluations += spent;
      if (o.failed()) {
        return new Iteration(current, 0, spent, true);
      }
      pairs.remember(current, o.point());
      current = o.point();
      return new Iteration(current, o.step(), spent, false);
    }
  }
}

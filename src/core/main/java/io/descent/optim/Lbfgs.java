package io.descent.optim;

import io.descent.optim.StrongWolfeLineSearch.NoisySlopes;

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
 *       drown in the same noise;
 *   <li>before that, a step the noise hides may be accepted by its slope (Hager and Zhang's
 *       approximate Wolfe conditions), while such steps keep bringing the gradient down ({@link
 *       #slopesStillHelp}; when they stop, the run goes back to where they began and reports
 *       the lost search there): a float32 gradient is often accurate well below the point where
 *       float32 values stop telling steps apart. The value may then rise within the noise.
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

  /**
   * Steps a run takes by their slopes alone, where the function's values are lost in its declared
   * noise ({@code StrongWolfeLineSearch}'s noisy approximate Wolfe steps), before the gradient
   * must show that they help: see {@link #slopesStillHelp}.
   */
  static final int NOISY_LAG = 3;
  /**
   * The factor per noisy step by which the gradient's norm must fall: after k of them, the lowest
   * norm they reached must be at most {@code NOISY_RATE^k} times the norm before the first. It
   * was 0.7 until the 1M x 64 logistic fit on an AVX2 CPU fell to 0.42 in its first three steps
   * (above 0.7^3 = 0.34, 0.8^3 = 0.51) and went back to a float64 finish of 13 iterations; at 0.8
   * it went on and converged in float32 alone, ten steps later. On the shipped datasets' fits on
   * that CPU (OpenCL, float32 with the finish) 0.8 took breast cancer (diagnostic) with balanced
   * weights from 44 evaluations to 41 and spambase with balanced weights from 44 to 53 (nine
   * more steps before going back), digits 99 to 100; the other twelve kept their paths.
   */
  static final double NOISY_RATE = 0.8;
  /**
   * The most steps a run takes from its first noisy one. The slopes follow the float32
   * gradient, which has a stationary point of its own a little way from the objective's: a
   * run still going after this many has most likely gone past what float32 can tell (the 1M x
   * 64 logistic fit needed 11).
   */
  static final int NOISY_MAX_STEPS = 20;

  /**
   * Whether a run that took {@code steps} noisy steps, from a gradient norm {@code from}, the
   * lowest norm since then being {@code lowest}, may take more: always for the first {@value
   * #NOISY_LAG}, then while the lowest norm keeps falling by {@value #NOISY_RATE} a step, up to
   * {@value #NOISY_MAX_STEPS} in all.
   *
   * <p>A run takes its first noisy step only where its line search would otherwise end below
   * the noise ({@code NoisySlopes.WHEN_LOST}), the next ones as soon as a trial's slope allows
   * ({@code AT_ONCE}). Once it may take no more, or a line search fails among them, it goes back
   * to the point before the first and reports the lost line search there, as it did before it
   * took any: a float32 fit then goes on to its float64 finish from that point, on the same path
   * as before. On a 1M x 64 logistic file (l2 1e-6) eleven noisy steps took the gradient from
   * 3.0e-6 to 2.6e-8 and the fit converged in float32, without the finish. On spambase
   * unpenalized they did not bring it down; letting them go on, the fit spent 243 more float32
   * iterations on them (before a line search failed) and ran into its 1000-iteration cap, where
   * from the first lost search it converges in 784 iterations, and with this rule in 787. On
   * spambase with l2 0.01 and a gradient tolerance of 1e-10 (below what float32 resolves) they
   * take the most allowed, 20, before going back.
   */
  static boolean slopesStillHelp(int steps, double from, double lowest) {
    return steps < NOISY_LAG
        || steps < NOISY_MAX_STEPS && lowest <= from * Math.pow(NOISY_RATE, steps);
  }

  private final class LbfgsRun implements Run {
    private final DifferentiableFunction f;
    private final CurvaturePairs pairs;
    private Point current;
    private int evaluations = 1;
    /**
     * Steps since the first accepted by its slope in the noise (by their slopes or by their
     * values), and the gradient norms of slopesStillHelp.
     */
    private int noisySteps;
    private double noisyFrom;
    private double lowestNoisy;
    /** The point before the first noisy step: where the run goes back if they do not finish. */
    private Point beforeNoisy;
    /** Whether the run gave up on noisy steps (it takes none after that). */
    private boolean noisyEnded;

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
      if (takingNoisySteps() && !slopesStillHelp(noisySteps, noisyFrom, lowestNoisy)) {
        return backBeforeNoisy(0);
      }
      NoisySlopes bySlopes = noisyEnded ? NoisySlopes.NEVER
          : noisySteps == 0 ? NoisySlopes.WHEN_LOST : NoisySlopes.AT_ONCE;
      int spent = 0;
      StrongWolfeLineSearch.Outcome o = null;
      if (pairs.count() > 0) {
        double[] d = pairs.direction(g);
        if (Vectors.allFinite(d) && Vectors.dot(g, d) < 0) {
          o = lineSearch.search(f, current, d, 1.0, bySlopes);
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
        o = lineSearch.search(f, current, d, Math.min(1.0, 1.0 / Vectors.norm(g)), bySlopes);
        spent += o.evaluations();
      }
      evaluations += spent;
      if (o.failed()) {
        return takingNoisySteps() ? backBeforeNoisy(spent)
            : new Iteration(current, 0, spent, true);
      }
      if (noisySteps == 0
          && o.acceptance() == StrongWolfeLineSearch.Acceptance.NOISY_APPROXIMATE_WOLFE) {
        beforeNoisy = current;
        noisyFrom = Vectors.norm(g);
        lowestNoisy = noisyFrom;
      }
      if (takingNoisySteps()) {
        noisySteps++;
        lowestNoisy = Math.min(lowestNoisy, Vectors.norm(o.point().gradient()));
      }
      pairs.remember(current, o.point());
      current = o.point();
      return new Iteration(current, o.step(), spent, false);
    }

    /** Whether the run took its first noisy step and has not given them up. */
    private boolean takingNoisySteps() {
      return beforeNoisy != null && !noisyEnded;
    }

    /**
     * Ends the noisy steps without convergence: back to the point before the first, where the
     * line search was lost, and that search's failure reported (with its memory cleared, as a
     * lost search leaves it).
     */
    private Iteration backBeforeNoisy(int spent) {
      noisyEnded = true;
      current = beforeNoisy;
      pairs.clear();
      return new Iteration(current, 0, spent, true);
    }
  }
}

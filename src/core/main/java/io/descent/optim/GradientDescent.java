package io.descent.optim;

/**
 * Steepest descent, {@code x <- x - a grad f(x)}, with a backtracking (Armijo) line search.
 *
 * <p>Each iteration first tries twice the step accepted in the previous iteration (the first
 * iteration tries {@link #initialStep()}) and halves it until the sufficient-decrease condition
 * {@code f(x - a g) - f(x) <= -c1 a ||g||^2} holds, with {@code c1 = }{@value #C1}. Trying a
 * longer step each time lets the step follow the local curvature up as well as down, so a
 * poor initial step costs a few halvings once instead of slowing every later iteration (Nocedal
 * &amp; Wright, Numerical Optimization, 2nd ed., Algorithm 3.1 and §3.5).
 *
 * <p>The condition is tested on the difference {@code f(x - a g) - f(x)}, so an accepted step
 * strictly lowers the computed value. When {@value #MAX_HALVINGS} halvings do not find one (the
 * gradient is at the function's noise floor, or does not match the function), or when
 * {@value #NOISE_PATIENCE} trial values fall within the function's declared {@link
 * DifferentiableFunction#relativeNoise() noise} of the current value, the iteration reports
 * {@code lineSearchFailed} and keeps the current point.
 *
 * <p>Immutable; configure with {@link #withInitialStep}.
 */
public final class GradientDescent implements FullBatchOptimizer {
  /** The name this optimizer goes by, the label its kind reads. */
  public static final String NAME = "gd";
  /** The default sufficient-decrease constant of the Armijo condition. */
  public static final double C1 = 1e-4;
  /** The factor a rejected trial step is multiplied by. */
  public static final double SHRINK = 0.5;
  /** The factor the previous accepted step is multiplied by to give the next first trial. */
  public static final double GROW = 2.0;
  /** The default number of halvings tried before an iteration gives up. */
  public static final int MAX_HALVINGS = 60;
  /**
   * Trial values within the function's declared noise of the current value after which an
   * iteration gives up: halving further cannot reveal a decrease hidden by rounding.
   */
  public static final int NOISE_PATIENCE = 6;
  /** The default first trial step, suited to standardized features. */
  public static final double DEFAULT_INITIAL_STEP = 1.0;

  private final double initialStep;
  private final double c1;
  private final int maxHalvings;

  /** Gradient descent with the default initial step {@value #DEFAULT_INITIAL_STEP}. */
  public GradientDescent() {
    this(DEFAULT_INITIAL_STEP);
  }

  /**
   * @param initialStep the first trial step of the first iteration; finite and &gt; 0
   */
  public GradientDescent(double initialStep) {
    this(initialStep, C1, MAX_HALVINGS);
  }

  /**
   * @param initialStep the first trial step of the first iteration; finite and &gt; 0
   * @param c1 the sufficient-decrease constant, in (0, 1)
   * @param maxHalvings halvings tried before an iteration gives up, &gt;= 0
   */
  public GradientDescent(double initialStep, double c1, int maxHalvings) {
    if (!(initialStep > 0) || !Double.isFinite(initialStep)) {
      throw new IllegalArgumentException("initialStep must be finite and > 0, got " + initialStep);
    }
    if (!(c1 > 0 && c1 < 1)) {
      throw new IllegalArgumentException("c1 must be in (0, 1), got " + c1);
    }
    if (maxHalvings < 0) {
      throw new IllegalArgumentException("maxHalvings must be >= 0, got " + maxHalvings);
    }
    this.initialStep = initialStep;
    this.c1 = c1;
    this.maxHalvings = maxHalvings;
  }

  /** The first trial step of the first iteration. */
  public double initialStep() {
    return initialStep;
  }

  /** The sufficient-decrease constant. */
  public double c1() {
    return c1;
  }

  /** Halvings tried before an iteration gives up. */
  public int maxHalvings() {
    return maxHalvings;
  }

  /** A copy with another initial step. */
  public GradientDescent withInitialStep(double step) {
    return new GradientDescent(step, c1, maxHalvings);
  }

  /** "gd". */
  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Run start(DifferentiableFunction f, double[] x0) {
    return new GdRun(f, Vectors.start(f, x0), initialStep, c1, maxHalvings);
  }

  /** The name and every hyperparameter, in a fixed order, for the model file. */
  @Override
  public java.util.Map<String, Object> settings() {
    java.util.Map<String, Object> s = new java.util.LinkedHashMap<>();
    s.put("name", name());
    s.put("initialStep", initialStep);
    s.put("c1", c1);
    s.put("shrink", SHRINK);
    s.put("grow", GROW);
    s.put("maxHalvings", maxHalvings);
    return s;
  }

  @Override
  public String toString() {
    return Settings.describe("GradientDescent", settings());
  }

  private static final class GdRun implements Run {
    private final DifferentiableFunction f;
    private final double c1;
    private final int maxHalvings;
    private Point current;
    private double nextTrial;
    private int evaluations = 1;

    GdRun(DifferentiableFunction f, Point start, double initialStep, double c1,
        int maxHalvings) {
      this.f = f;
      this.current = start;
      this.nextTrial = initialStep;
      this.c1 = c1;
      this.maxHalvings = maxHalvings;
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
      double gg = Vectors.dot(g, g);
      if (gg == 0) {
        // At a stationary point there is no descent direction to search along.
        return new Iteration(current, 0, 0, true);
      }
      double[] d = Vectors.negate(g);
      double a = nextTrial;
      int spent = 0;
      double noise = f.relativeNoise() * Math.abs(current.value());
      int indistinct = 0;
      for (int k = 0; k <= maxHalvings; k++) {
        Point p = Vectors.evaluate(f, Vectors.step(current.x(), a, d));
        spent++;
        if (noise > 0 && Math.abs(p.value() - current.value()) <= noise
            && ++indistinct >= NOISE_PATIENCE) {
          break;
        }
        if (Double.isFinite(p.value()) && p.value() - current.value() <= -c1 * a * gg
            && Vectors.allFinite(p.gradient())) {
          current = p;
          evaluations += spent;
          nextTrial = Math.min(GROW * a, Double.MAX_VALUE);
          return new Iteration(p, a, spent, false);
        }
        a *= SHRINK;
      }
      evaluations += spent;
      return new Iteration(current, 0, spent, true);
    }
  }
}

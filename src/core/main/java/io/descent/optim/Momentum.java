package io.descent.optim;

/**
 * Stochastic gradient descent with heavy-ball momentum (Polyak, 1964), in the velocity form of
 * Sutskever, Martens, Dahl &amp; Hinton (ICML 2013, eqs. 1 and 2):
 *
 * <pre>
 *   v &lt;- mu v - lr g
 *   x &lt;- x + v
 * </pre>
 *
 * with v = 0 after {@link #reset}. The velocity is in parameter units, so a decaying learning rate
 * slows new contributions without rescaling the motion already under way. Default
 * {@code mu = }{@value #DEFAULT_MOMENTUM} (Sutskever et al.; also the usual library default).
 *
 * <p>Default learning rate {@value #DEFAULT_LEARNING_RATE}: along a direction of low curvature
 * the steady-state step is {@code lr / (1 - mu)}, ten times lr, which is what lets momentum cross
 * the long valleys of correlated standardized features; the heavy ball is stable on a quadratic
 * while {@code lr L < 2 (1 + mu)}, i.e. for L up to 76 at this rate.
 */
public final class Momentum implements UpdateRule {
  /** The name this optimizer goes by, the label its kind reads. */
  public static final String NAME = "momentum";
  /** The default momentum coefficient. */
  public static final double DEFAULT_MOMENTUM = 0.9;
  /** The default learning rate. */
  public static final double DEFAULT_LEARNING_RATE = 0.05;

  private final double momentum;
  private double[] velocity;
  private int dimension = -1;

  /** Momentum {@value #DEFAULT_MOMENTUM}. */
  public Momentum() {
    this(DEFAULT_MOMENTUM);
  }

  /**
   * @param momentum the coefficient mu, in [0, 1)
   */
  public Momentum(double momentum) {
    this.momentum = RuleChecks.unitInterval("momentum", momentum);
  }

  /** The momentum coefficient mu. */
  public double momentum() {
    return momentum;
  }

  @Override
  public void reset(int dimension) {
    RuleChecks.dimension(dimension);
    this.dimension = dimension;
    this.velocity = new double[dimension];
  }

  @Override
  public void update(double[] x, double[] gradient, double learningRate) {
    RuleChecks.update(name(), dimension, x, gradient, learningRate);
    for (int i = 0; i < x.length; i++) {
      velocity[i] = momentum * velocity[i] - learningRate * gradient[i];
      x[i] += velocity[i];
    }
  }

  /** "momentum". */
  @Override
  public String name() {
    return NAME;
  }

  @Override
  public double defaultLearningRate() {
    return DEFAULT_LEARNING_RATE;
  }

  /** The name and every hyperparameter, in a fixed order, for the model file. */
  @Override
  public java.util.Map<String, Object> settings() {
    java.util.Map<String, Object> s = new java.util.LinkedHashMap<>();
    s.put("name", name());
    s.put("momentum", momentum);
    return s;
  }

  @Override
  public String toString() {
    return Settings.describe("Momentum", settings());
  }
}

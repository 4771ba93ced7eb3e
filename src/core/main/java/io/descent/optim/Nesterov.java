package io.descent.optim;

/**
 * Stochastic gradient descent with Nesterov momentum, in the form that needs the gradient only at
 * the current parameters (Sutskever, Martens, Dahl &amp; Hinton, ICML 2013; Bengio,
 * Boulanger-Lewandowski &amp; Pascanu, ICASSP 2013):
 *
 * <pre>
 *   v &lt;- mu v - lr g
 *   x &lt;- x + mu v - lr g
 * </pre>
 *
 * with v = 0 after {@link #reset}. Nesterov's accelerated gradient evaluates the gradient at the
 * look-ahead point {@code theta + mu v}; tracking {@code x = theta + mu v} instead gives the
 * update above, in which the gradient at x is that look-ahead gradient. For a constant learning
 * rate it is the same sequence as PyTorch's {@code SGD(nesterov=True)}, whose velocity is
 * {@code -v / lr}. Default {@code mu = }{@value #DEFAULT_MOMENTUM}.
 *
 * <p>Default learning rate {@value #DEFAULT_LEARNING_RATE}, as for {@link Momentum}: a
 * steady-state step of {@code lr / (1 - mu) = 0.5} along flat directions.
 */
public final class Nesterov implements UpdateRule {
  /** The name this optimizer goes by, the label its kind reads. */
  public static final String NAME = "nesterov";
  /** The default momentum coefficient. */
  public static final double DEFAULT_MOMENTUM = 0.9;
  /** The default learning rate. */
  public static final double DEFAULT_LEARNING_RATE = 0.05;

  private final double momentum;
  private double[] velocity;
  private int dimension = -1;

  /** Momentum {@value #DEFAULT_MOMENTUM}. */
  public Nesterov() {
    this(DEFAULT_MOMENTUM);
  }

  /**
   * @param momentum the coefficient mu, in [0, 1)
   */
  public Nesterov(double momentum) {
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
      double step = learningRate * gradient[i];
      velocity[i] = momentum * velocity[i] - step;
      x[i] += momentum * velocity[i] - step;
    }
  }

  /** "nesterov". */
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
    return Settings.describe("Nesterov", settings());
  }
}

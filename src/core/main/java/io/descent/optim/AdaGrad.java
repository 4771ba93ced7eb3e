package io.descent.optim;

/**
 * AdaGrad (Duchi, Hazan &amp; Singer, "Adaptive Subgradient Methods for Online Learning and
 * Stochastic Optimization", JMLR 12, 2011), diagonal form:
 *
 * <pre>
 *   G &lt;- G + g * g
 *   x &lt;- x - lr g / (sqrt(G) + eps)
 * </pre>
 *
 * with G = 0 after {@link #reset}, elementwise operations, and default
 * {@code eps = }{@value #DEFAULT_EPSILON}, which only guards the division.
 *
 * <p>Default learning rate {@value #DEFAULT_LEARNING_RATE}: the first step moves each coordinate
 * by about lr and later steps shrink like {@code 1/sqrt(t)}, so lr must be of the order of the
 * distance to travel; for standardized features the coefficients are O(1), and 0.5 (larger than
 * the usual 0.01 of deep-learning libraries) keeps the built-in decay from stalling too early.
 *
 * <p>Like every rule that divides by a root mean square of gradients, it moves each parameter by
 * about lr per step whatever the gradient's scale, so its rate is in parameter units. The default
 * assumes parameters of order 1 (logistic regression, or a standardized regression target). For a
 * raw regression target, multiply the rate by the target's standard deviation (or standardize the
 * target): on {@code diabetes.csv} (target sd 77, mean 152) the default rate needs thousands of
 * epochs just to move the intercept, while sd times the default reaches the optimum to
 * 1e-4 relative in 1000 epochs of batch 32 with step decay.
 */
public final class AdaGrad implements UpdateRule {
  /** The name this optimizer goes by, the label its kind reads. */
  public static final String NAME = "adagrad";
  /** The default epsilon. */
  public static final double DEFAULT_EPSILON = 1e-8;
  /** The default learning rate. */
  public static final double DEFAULT_LEARNING_RATE = 0.5;

  private final double epsilon;
  private double[] sumSquares;
  private int dimension = -1;

  /** AdaGrad with epsilon {@value #DEFAULT_EPSILON}. */
  public AdaGrad() {
    this(DEFAULT_EPSILON);
  }

  /**
   * @param epsilon added to the root of the accumulated squares, finite and &gt; 0
   */
  public AdaGrad(double epsilon) {
    this.epsilon = RuleChecks.positive("epsilon", epsilon);
  }

  /** The epsilon added to the denominator. */
  public double epsilon() {
    return epsilon;
  }

  @Override
  public void reset(int dimension) {
    RuleChecks.dimension(dimension);
    this.dimension = dimension;
    this.sumSquares = new double[dimension];
  }

  @Override
  public void update(double[] x, double[] gradient, double learningRate) {
    RuleChecks.update(name(), dimension, x, gradient, learningRate);
    for (int i = 0; i < x.length; i++) {
      double g = gradient[i];
      sumSquares[i] += g * g;
      x[i] -= learningRate * g / (Math.sqrt(sumSquares[i]) + epsilon);
    }
  }

  /** "adagrad". */
  /** {@code learningRate / (sqrt(sumSquares[i]) + epsilon)} after the last update. */
  @Override
  public double effectiveStep(int i, double learningRate) {
    return learningRate / (Math.sqrt(sumSquares[i]) + epsilon);
  }

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
    s.put("epsilon", epsilon);
    return s;
  }

  @Override
  public String toString() {
    return Settings.describe("AdaGrad", settings());
  }
}

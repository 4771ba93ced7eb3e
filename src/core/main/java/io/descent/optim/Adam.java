package io.descent.optim;

/**
 * Adam (Kingma &amp; Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, Algorithm 1):
 *
 * <pre>
 *   t &lt;- t + 1
 *   m &lt;- beta1 m + (1 - beta1) g
 *   v &lt;- beta2 v + (1 - beta2) g * g
 *   x &lt;- x - lr (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
 * </pre>
 *
 * with m = v = 0 and t = 0 after {@link #reset}, elementwise operations, and the paper's defaults
 * {@code beta1 = }{@value #DEFAULT_BETA1}, {@code beta2 = }{@value #DEFAULT_BETA2},
 * {@code eps = }{@value #DEFAULT_EPSILON}. The bias corrections make the first step
 * {@code lr sign(g)} per coordinate.
 *
 * <p>Default learning rate {@value #DEFAULT_LEARNING_RATE}, ten times the paper's 0.001: each
 * coordinate moves by at most about lr per step, and the coefficients of a standardized linear
 * model are O(1) (or O(the target's scale) for regression), so the paper's rate, chosen for deep
 * networks, needs thousands of steps just to travel. As with {@link RmsProp}, a decaying
 * {@link LearningRateSchedule} is needed to converge beyond a neighbourhood of size about lr.
 *
 * <p>Like every rule that divides by a root mean square of gradients, it moves each parameter by
 * about lr per step whatever the gradient's scale, so its rate is in parameter units. The default
 * assumes parameters of order 1 (logistic regression, or a standardized regression target). For a
 * raw regression target, multiply the rate by the target's standard deviation (or standardize the
 * target): on {@code diabetes.csv} (target sd 77, mean 152) the default rate needs thousands of
 * epochs just to move the intercept, while sd times the default reaches the optimum to
 * 3e-4 relative in 1000 epochs of batch 32 with step decay.
 */
public final class Adam implements UpdateRule {
  /** The name this optimizer goes by, the label its kind reads. */
  public static final String NAME = "adam";
  /** The default decay of the first-moment average. */
  public static final double DEFAULT_BETA1 = 0.9;
  /** The default decay of the second-moment average. */
  public static final double DEFAULT_BETA2 = 0.999;
  /** The default epsilon. */
  public static final double DEFAULT_EPSILON = 1e-8;
  /** The default learning rate. */
  public static final double DEFAULT_LEARNING_RATE = 0.01;

  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private double[] m;
  private double[] v;
  /** beta1^t and beta2^t, kept as running products. */
  private double beta1Power;
  private double beta2Power;
  private int dimension = -1;

  /** Adam with the paper's defaults. */
  public Adam() {
    this(DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON);
  }

  /**
   * @param beta1 decay of the gradient average, in [0, 1)
   * @param beta2 decay of the squared-gradient average, in [0, 1)
   * @param epsilon added to the root of the second moment, finite and &gt; 0
   */
  public Adam(double beta1, double beta2, double epsilon) {
    this.beta1 = RuleChecks.unitInterval("beta1", beta1);
    this.beta2 = RuleChecks.unitInterval("beta2", beta2);
    this.epsilon = RuleChecks.positive("epsilon", epsilon);
  }

  /** The decay beta1 of the first moment. */
  public double beta1() {
    return beta1;
  }

  /** The decay beta2 of the second moment. */
  public double beta2() {
    return beta2;
  }

  /** The epsilon added to the denominator. */
  public double epsilon() {
    return epsilon;
  }

  @Override
  public void reset(int dimension) {
    RuleChecks.dimension(dimension);
    this.dimension = dimension;
    this.m = new double[dimension];
    this.v = new double[dimension];
    this.beta1Power = 1;
    this.beta2Power = 1;
  }

  @Override
  public void update(double[] x, double[] gradient, double learningRate) {
    RuleChecks.update(name(), dimension, x, gradient, learningRate);
    beta1Power *= beta1;
    beta2Power *= beta2;
    double c1 = 1 - beta1Power;
    double c2 = 1 - beta2Power;
    for (int i = 0; i < x.length; i++) {
      double g = gradient[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      x[i] -= learningRate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + epsilon);
    }
  }

  /** "adam". */
  /** {@code learningRate / (sqrt(v[i] / (1 - beta2Power)) + epsilon)} after the last update. */
  @Override
  public double effectiveStep(int i, double learningRate) {
    return learningRate / (Math.sqrt(v[i] / (1 - beta2Power)) + epsilon);
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
    s.put("beta1", beta1);
    s.put("beta2", beta2);
    s.put("epsilon", epsilon);
    return s;
  }

  @Override
  public String toString() {
    return Settings.describe("Adam", settings());
  }
}

package io.descent.optim;

/**
 * RMSProp (Tieleman &amp; Hinton, Coursera "Neural Networks for Machine Learning", lecture 6.5,
 * 2012):
 *
 * <pre>
 *   v &lt;- rho v + (1 - rho) g * g
 *   x &lt;- x - lr g / (sqrt(v) + eps)
 * </pre>
 *
 * with v = 0 after {@link #reset}, elementwise operations, and defaults
 * {@code rho = }{@value #DEFAULT_RHO} (the lecture's) and {@code eps = }{@value #DEFAULT_EPSILON}.
 * Starting v at 0 makes the first steps longer (the first is {@code lr / sqrt(1 - rho)}, about
 * 3.2 lr, per coordinate), as in PyTorch and Keras.
 *
 * <p>Default learning rate {@value #DEFAULT_LEARNING_RATE}: each coordinate moves by about lr per
 * step whatever the gradient's scale, so with a constant rate the iterates settle within about lr
 * of the optimum; 0.01 is the library default and fine for O(1) standardized coefficients. Use a
 * decaying {@link LearningRateSchedule} to converge further.
 *
 * <p>Like every rule that divides by a root mean square of gradients, it moves each parameter by
 * about lr per step whatever the gradient's scale, so its rate is in parameter units. The default
 * assumes parameters of order 1 (logistic regression, or a standardized regression target). For a
 * raw regression target, multiply the rate by the target's standard deviation (or standardize the
 * target): on {@code diabetes.csv} (target sd 77, mean 152) the default rate needs thousands of
 * epochs just to move the intercept, while sd times the default reaches the optimum to
 * 2e-4 relative in 1000 epochs of batch 32 with step decay.
 */
public final class RmsProp implements UpdateRule {
  /** The name this optimizer goes by, the label its kind reads. */
  public static final String NAME = "rmsprop";
  /** The default decay of the squared-gradient average. */
  public static final double DEFAULT_RHO = 0.9;
  /** The default epsilon. */
  public static final double DEFAULT_EPSILON = 1e-8;
  /** The default learning rate. */
  public static final double DEFAULT_LEARNING_RATE = 0.01;

  private final double rho;
  private final double epsilon;
  private double[] meanSquare;
  private int dimension = -1;

  /** RMSProp with rho {@value #DEFAULT_RHO} and epsilon {@value #DEFAULT_EPSILON}. */
  public RmsProp() {
    this(DEFAULT_RHO, DEFAULT_EPSILON);
  }

  /**
   * @param rho the decay of the running mean of squared gradients, in [0, 1)
   * @param epsilon added to the root of the mean square, finite and &gt; 0
   */
  public RmsProp(double rho, double epsilon) {
    this.rho = RuleChecks.unitInterval("rho", rho);
    this.epsilon = RuleChecks.positive("epsilon", epsilon);
  }

  /** The decay rho of the squared-gradient average. */
  public double rho() {
    return rho;
  }

  /** The epsilon added to the denominator. */
  public double epsilon() {
    return epsilon;
  }

  @Override
  public void reset(int dimension) {
    RuleChecks.dimension(dimension);
    this.dimension = dimension;
    this.meanSquare = new double[dimension];
  }

  @Override
  public void update(double[] x, double[] gradient, double learningRate) {
    RuleChecks.update(name(), dimension, x, gradient, learningRate);
    for (int i = 0; i < x.length; i++) {
      double g = gradient[i];
      meanSquare[i] = rho * meanSquare[i] + (1 - rho) * g * g;
      x[i] -= learningRate * g / (Math.sqrt(meanSquare[i]) + epsilon);
    }
  }

  /** "rmsprop". */
  /** {@code learningRate / (sqrt(meanSquare[i]) + epsilon)} after the last update. */
  @Override
  public double effectiveStep(int i, double learningRate) {
    return learningRate / (Math.sqrt(meanSquare[i]) + epsilon);
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
    s.put("rho", rho);
    s.put("epsilon", epsilon);
    return s;
  }

  @Override
  public String toString() {
    return Settings.describe("RmsProp", settings());
  }
}

package io.descent.optim;

/**
 * Plain stochastic gradient descent, {@code x <- x - lr g} (Robbins &amp; Monro, 1951). Stateless.
 *
 * <p>Default learning rate {@value #DEFAULT_LEARNING_RATE}: with standardized features the
 * Hessian of the linear loss is the feature correlation matrix (plus the intercept), whose largest
 * eigenvalue L is at most d + 1 and typically a few units; a step of 0.1 is below 2/L for L up to
 * 20 and leaves a small noise floor with mini-batches. The step scales with the gradient, so the
 * same rate suits a raw regression target: parameters and gradients grow together.
 */
public final class Sgd implements UpdateRule {
  /** The name this optimizer goes by, the label its kind reads. */
  public static final String NAME = "sgd";
  /** The default learning rate. */
  public static final double DEFAULT_LEARNING_RATE = 0.1;

  private int dimension = -1;

  /** Plain SGD; it has no hyperparameter besides the learning rate. */
  public Sgd() {}

  @Override
  public void reset(int dimension) {
    RuleChecks.dimension(dimension);
    this.dimension = dimension;
  }

  @Override
  public void update(double[] x, double[] gradient, double learningRate) {
    RuleChecks.update(name(), dimension, x, gradient, learningRate);
    for (int i = 0; i < x.length; i++) {
      x[i] -= learningRate * gradient[i];
    }
  }

  /** "sgd". */
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
    return s;
  }

  @Override
  public String toString() {
    return Settings.describe("Sgd", settings());
  }
}

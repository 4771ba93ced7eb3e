package io.descent.optim;

/**
 * A mini-batch update rule of the stochastic-gradient family: given the gradient of the current
 * batch, moves the parameters in place, keeping whatever state the rule needs (velocity, moment
 * estimates) inside.
 *
 * <p>Call order: {@link #reset(int)} once before a fit, with the number of parameters; then
 * {@link #update} once per mini-batch, with the gradient at the current parameters and the
 * learning rate of that step (from a {@link LearningRateSchedule}). {@code reset} may be called
 * again to start a new fit; it forgets all state. A rule is not thread-safe: use one per fit.
 *
 * <p>The gradient is {@code dJ/dtheta}, so every rule moves against it. Hyperparameters other than
 * the learning rate are fixed at construction and printed by {@code toString()}.
 */
public interface UpdateRule {
  /**
   * Forgets all state and prepares for parameters of the given dimension.
   *
   * @param dimension the number of parameters, &gt;= 1
   */
  void reset(int dimension);

  /**
   * Applies one update to x in place.
   *
   * @param x the parameters, of the dimension given to {@link #reset}; modified
   * @param gradient the mini-batch gradient at x, same length; not modified
   * @param learningRate this step's learning rate, finite and &gt; 0
   * @throws IllegalStateException when {@link #reset} was not called first
   * @throws IllegalArgumentException on a dimension mismatch or a bad learning rate
   */
  void update(double[] x, double[] gradient, double learningRate);

  /**
   * The step the last {@link #update} took along coordinate i per unit of gradient: the factor
   * that multiplies the gradient (or its running average) there, {@code learningRate} for plain
   * steps and the adapted {@code learningRate / (sqrt(...) + epsilon)} for the adaptive rules. A
   * proximal step (the soft threshold of an L1 penalty) uses it as its step size.
   *
   * @param i the coordinate
   * @param learningRate the learning rate of that update
   */
  default double effectiveStep(int i, double learningRate) {
    return learningRate;
  }

  /** The short name used on the command line, such as "adam". */
  String name();

  /** A learning rate that works for standardized features and the losses of this project. */
  double defaultLearningRate();

  /**
   * The optimizer's name ({@code "name"}) and every hyperparameter by name, in a fixed order:
   * what the model file records.
   */
  java.util.Map<String, Object> settings();
}

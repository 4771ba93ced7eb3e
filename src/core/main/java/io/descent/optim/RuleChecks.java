package io.descent.optim;

/** Argument checks shared by the update rules, with messages that name the value and the rule. */
final class RuleChecks {
  private RuleChecks() {}

  static void dimension(int dimension) {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be >= 1, got " + dimension);
    }
  }

  /** Checks an update's arguments against the dimension given to reset (-1: not reset). */
  static void update(String rule, int dimension, double[] x, double[] gradient,
      double learningRate) {
    if (dimension < 0) {
      throw new IllegalStateException(rule + ": reset(dimension) must be called before update");
    }
    if (x.length != dimension || gradient.length != dimension) {
      throw new IllegalArgumentException(rule + ": x and gradient must have " + dimension
          + " entries, got " + x.length + " and " + gradient.length);
    }
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be finite and > 0, got "
          + learningRate);
    }
  }

  /** Checks {@code 0 <= value < 1}. */
  static double unitInterval(String name, double value) {
    if (!(value >= 0 && value < 1)) {
      throw new IllegalArgumentException(name + " must be in [0, 1), got " + value);
    }
    return value;
  }

  /** Checks {@code value > 0} and finite. */
  static double positive(String name, double value) {
    if (!(value > 0) || !Double.isFinite(value)) {
      throw new IllegalArgumentException(name + " must be finite and > 0, got " + value);
    }
    return value;
  }
}

package io.descent.train;

/**
 * The training rows lack a class that the fit needs: logistic regression rows of both classes,
 * multinomial regression rows of every class, a one-vs-rest model rows of its class and of the
 * others (each with a weight above 0). A caller that set rows aside at random before the fit (a
 * test or validation split) can say so by {@link #setAside}, as the file itself may hold every
 * class.
 */
public final class MissingClassException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** @param message names the data, the target and the class missing */
  public MissingClassException(String message) {
    super(message);
  }

  private MissingClassException(String message, MissingClassException cause) {
    super(message, cause);
  }

  /**
   * The same problem, its message followed by what was set aside: {@code " (of the rows left to
   * train on after " + setAside + ")"}.
   */
  public MissingClassException setAside(String setAside) {
    return new MissingClassException(getMessage() + " (of the rows left to train on after "
        + setAside + ")", this);
  }
}

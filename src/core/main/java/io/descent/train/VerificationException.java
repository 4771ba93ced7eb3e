package io.descent.train;

/** A fast backend's gradient disagreed with the reference by more than its tolerance. */
public class VerificationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message names both figures and the tolerance */
  public VerificationException(String message) {
    super(message);
  }
}

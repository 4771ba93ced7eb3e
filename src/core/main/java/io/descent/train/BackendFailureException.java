package io.descent.train;

import io.descent.gradient.BackendInfo;

/**
 * A backend failed in the middle of training (a device lost, an allocation refused, a driver
 * error). With {@code --backend auto} the trainer falls back to the next backend; otherwise this
 * is the error the user sees.
 */
public class BackendFailureException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param backend what failed; cause the failure */
  public BackendFailureException(BackendInfo backend, RuntimeException cause) {
    super(backend.summary() + " failed during training: " + cause.getMessage(), cause);
  }
}

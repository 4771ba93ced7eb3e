package io.descent.gradient;

/**
 * A backend cannot run here: no OpenCL platform, no matching device, native libraries missing,
 * not enough device memory. The message is the reason, in one line, for the user.
 */
public class BackendUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param reason one line saying why, e.g. "no OpenCL platform found" */
  public BackendUnavailableException(String reason) {
    super(reason);
  }

  /** @param reason one line saying why; cause the underlying failure */
  public BackendUnavailableException(String reason, Throwable cause) {
    super(reason, cause);
  }
}

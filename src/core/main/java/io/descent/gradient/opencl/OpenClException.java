package io.descent.gradient.opencl;

/**
 * An OpenCL call failed while the backend was running (after it opened): the message names the
 * step, the device and the OpenCL status, e.g. {@code "running gradient_cpu failed on
 * pthread-skylake: CL_OUT_OF_RESOURCES"}.
 */
public final class OpenClException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  /**
   * @param message what failed, where, and the status's name
   * @param status the OpenCL status code (negative)
   * @param cause the underlying JOCL exception
   */
  public OpenClException(String message, int status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /** The OpenCL status code, e.g. -5 for CL_OUT_OF_RESOURCES. */
  public int status() {
    return status;
  }
}

package io.descent.gradient;

/**
 * An explicit {@code --device} choice that names no OpenCL device on this machine: neither a
 * valid index nor a substring of any device's name. It is a usage error (exit 2), not a reason
 * to skip OpenCL, so {@code --backend auto} does not quietly train on another backend when the
 * device asked for does not exist. The message names the value and lists the devices, in one
 * line.
 */
public class NoSuchDeviceException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** @param message one line naming the value asked for and the devices there are */
  public NoSuchDeviceException(String message) {
    super(message);
  }
}

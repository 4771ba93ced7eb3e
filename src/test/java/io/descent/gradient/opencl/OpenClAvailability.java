package io.descent.gradient.opencl;

import static org.junit.jupiter.api.Assertions.fail;

import io.descent.gradient.BackendUnavailableException;
import org.junit.jupiter.api.Assumptions;

/**
 * Skips OpenCL tests, with the reason, where no OpenCL device exists, and fails them instead
 * when the environment sets {@code DESCENT_REQUIRE_OPENCL=1} (CI does), so they can never skip
 * silently there.
 */
public final class OpenClAvailability {
  private OpenClAvailability() {}

  /** Returns when an OpenCL device exists; otherwise skips, or fails under DESCENT_REQUIRE_OPENCL=1. */
  public static void require() {
    String reason;
    try {
      if (!OpenClBackend.devices().isEmpty()) {
        return;
      }
      reason = "no OpenCL platform found";
    } catch (BackendUnavailableException e) {
      reason = e.getMessage();
    }
    if ("1".equals(System.getenv("DESCENT_REQUIRE_OPENCL"))) {
      fail("OpenCL is required here (DESCENT_REQUIRE_OPENCL=1) but unavailable: " + reason);
    }
    Assumptions.abort("OpenCL tests skipped: " + reason
        + " (set DESCENT_REQUIRE_OPENCL=1 to make this a failure)");
  }
}

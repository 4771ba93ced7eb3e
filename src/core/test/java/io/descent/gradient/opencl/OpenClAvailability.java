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
  /** Why OpenCL cannot run here, or "" when it can; looked up once. */
  private static String reason;
  private static boolean told;

  private OpenClAvailability() {}

  /** Returns when a device exists; otherwise skips the test, or fails it where required. */
  public static synchronized void require() {
    if (reason == null) {
      try {
        reason = OpenClBackend.devices().isEmpty() ? "no OpenCL platform found" : "";
      } catch (BackendUnavailableException e) {
        reason = e.getMessage();
      }
    }
    if (reason.isEmpty()) {
      return;
    }
    if ("1".equals(System.getenv("DESCENT_REQUIRE_OPENCL"))) {
      fail("OpenCL is required here (DESCENT_REQUIRE_OPENCL=1) but unavailable: " + reason);
    }
    String message = "OpenCL tests skipped: " + reason
        + " (set DESCENT_REQUIRE_OPENCL=1 to make this a failure)";
    if (!told) {
      // Surefire's summary counts skips but does not show why; say it once on the console.
      System.err.println(message);
      told = true;
    }
    Assumptions.abort(message);
  }
}

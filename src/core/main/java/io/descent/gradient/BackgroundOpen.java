package io.descent.gradient;

import io.descent.gradient.opencl.OpenClBackend;
import io.descent.loss.Loss;
import java.util.Objects;

/**
 * Opens ahead, on a background thread, the part of an OpenCL backend that does not need the data
 * (the runtime and its device list, a context, the gradient kernel in float32 and in float64 for
 * the float64 finish), while the caller reads the data; the backends opened later on that device
 * take what it made instead of making it again ({@link OpenClBackend#prepare}). Nothing changes
 * but the time: a backend opens exactly as without it.
 *
 * <p>It never reports a failure itself: what failed in the background is made again, in the same
 * way, when the backend opens, and fails there as it always has ({@link #failure()} keeps the
 * first for inspection). {@link #close()} waits for the thread and closes whatever no backend
 * took; close it once the fits are done.
 */
public final class BackgroundOpen implements AutoCloseable {
  private final Thread thread;
  private volatile Throwable failure;

  private BackgroundOpen(Loss loss, OpenClOptions options) {
    this.thread = loss == null ? null : new Thread(() -> {
      try {
        OpenClBackend.prepare(loss, options);
      } catch (Throwable t) {
        failure = t;
      }
    }, "descent-background-open");
    if (thread != null) {
      thread.setDaemon(true);
      thread.start();
    }
  }

  /**
   * Starts opening ahead for fits of {@code loss} on backend {@code choice} ({@code auto} or a
   * kind's label) with these options; does nothing unless OpenCL is the choice's first
   * candidate.
   *
   * @throws IllegalArgumentException when the choice names no backend
   */
  public static BackgroundOpen start(String choice, OpenClOptions options, Loss loss) {
    Objects.requireNonNull(loss, "loss");
    boolean openCl = Backends.candidates(choice).get(0) == BackendKind.OPENCL;
    return new BackgroundOpen(openCl ? loss : null,
        options == null ? OpenClOptions.defaults() : options);
  }

  /** What failed in the background (it fails again when the backend opens), or null. */
  public Throwable failure() {
    return failure;
  }

  /** Waits for the background thread and closes what no backend took. */
  @Override
  public void close() {
    if (thread == null) {
      return;
    }
    boolean interrupted = false;
    while (true) {
      try {
        thread.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    OpenClBackend.releasePrepared();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}

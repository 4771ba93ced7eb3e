package io.descent.fuzz;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one fuzz case on a worker thread with a time limit, and hands back whatever it threw, so
 * that a hang is a failure naming the input rather than a stuck build, and an Error (stack
 * overflow, out of memory) is caught and judged like any other wrong exception.
 */
public final class Guard implements AutoCloseable {
  private final Duration limit;
  private ExecutorService worker = newWorker();

  /** A guard allowing each case {@code limit}. */
  public Guard(Duration limit) {
    this.limit = limit;
  }

  private static ExecutorService newWorker() {
    return Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz-case");
      t.setDaemon(true);
      return t;
    });
  }

  /** The result of a call: a value, or what it threw. */
  public record Result<T>(T value, Throwable thrown) {}

  /**
   * Runs {@code call}; a result with what it threw if it threw anything.
   *
   * @throws AssertionError if it runs past the limit
   */
  public <T> Result<T> run(Callable<T> call, String what) {
    Future<T> f = worker.submit(call);
    try {
      return new Result<>(f.get(limit.toMillis(), TimeUnit.MILLISECONDS), null);
    } catch (ExecutionException e) {
      return new Result<>(null, e.getCause());
    } catch (TimeoutException e) {
      // A busy loop ignores the interrupt: abandon the thread, so later cases (and shrinking)
      // get a fresh one instead of queueing behind it.
      f.cancel(true);
      worker.shutdownNow();
      worker = newWorker();
      throw new AssertionError("no answer within " + limit + " (a hang?) for " + what);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}

package io.descent.cli;

import java.util.concurrent.atomic.AtomicReference;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns the first Ctrl-C (SIGINT) into a polite stop request, so training can end cleanly and
 * write its checkpoint; a second Ctrl-C ends the process at once. Outside a training, Ctrl-C
 * exits with {@link #EXIT_CODE}, as the JVM's own handler does.
 *
 * <p>One process-wide handler is registered again at each {@link #install} and never swapped
 * back for the handler it replaced. Native code in this process can change SIGINT behind the
 * JVM's back: PoCL compiles kernels with LLVM in-process, and LLVM installs its own handler and
 * later puts back the one it saved. The JVM's bookkeeping then no longer matches, and the
 * "previous" handler {@link Signal#handle} returns can wrap nothing, so installing it again
 * fails ({@code NullPointerException: handler}) after a training that went well.
 */
final class Interrupts implements AutoCloseable {
  /** The conventional exit status of a process stopped by SIGINT (128 + 2). */
  static final int EXIT_CODE = 130;
  private static final Signal SIGINT = new Signal("INT");
  /** The training that Ctrl-C stops now, or null. */
  private static final AtomicReference<Interrupts> CURRENT = new AtomicReference<>();
  private static final SignalHandler HANDLER = s -> {
    Interrupts current = CURRENT.get();
    if (current == null) {
      System.exit(EXIT_CODE);
    } else if (current.requested) {
      Runtime.getRuntime().halt(EXIT_CODE);
    } else {
      current.requested = true;
      current.onFirst.run();
    }
  };

  private final Runnable onFirst;
  private volatile boolean requested;

  private Interrupts(Runnable onFirst) {
    this.onFirst = onFirst;
  }

  /** Installs the handler; {@code onFirst} runs on the signal thread at the first Ctrl-C. */
  static Interrupts install(Runnable onFirst) {
    Interrupts interrupts = new Interrupts(onFirst);
    CURRENT.set(interrupts);
    try {
      Signal.handle(SIGINT, HANDLER);
    } catch (IllegalArgumentException e) {
      // SIGINT is reserved (java -Xrs): Ctrl-C keeps its default meaning.
    }
    return interrupts;
  }

  /** Ctrl-C no longer stops this training; the handler stays, with nothing to stop. */
  @Override
  public void close() {
    CURRENT.compareAndSet(this, null);
  }
}

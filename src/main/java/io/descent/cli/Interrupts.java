package io.descent.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns the first Ctrl-C (SIGINT) into a polite stop request, so training can end cleanly and
 * write its checkpoint; a second Ctrl-C ends the process at once. The previous handler is
 * restored on close.
 */
final class Interrupts implements AutoCloseable {
  /** The conventional exit status of a process stopped by SIGINT (128 + 2). */
  static final int EXIT_CODE = 130;
  private final Signal signal = new Signal("INT");
  private final SignalHandler previous;
  private volatile boolean requested;

  private Interrupts(Runnable onFirst) {
    previous = Signal.handle(signal, s -> {
      if (requested) {
        Runtime.getRuntime().halt(EXIT_CODE);
      }
      requested = true;
      onFirst.run();
    });
  }

  /** Installs the handler; {@code onFirst} runs on the signal thread at the first Ctrl-C. */
  static Interrupts install(Runnable onFirst) {
    return new Interrupts(onFirst);
  }

  @Override
  public void close() {
    Signal.handle(signal, previous);
  }
}

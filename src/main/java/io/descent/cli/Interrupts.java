package io.descent.cli;

import io.descent.data.DataFormatException;
import io.descent.model.AtomicFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * What Ctrl-C (SIGINT) does in a command. Two modes, each installed for a stretch of a command
 * and restored (to the handler before it) on close:
 *
 * <ul>
 *   <li>{@link #install}, around training: the first Ctrl-C is a polite stop request, so training
 *       can end after its current step and write its checkpoint; a second one ends the process
 *       at once.
 *   <li>{@link #activity}, around everything else a command does (reading data, writing output):
 *       the first Ctrl-C prints one line saying what was interrupted and which outputs were not
 *       written ({@code descent: interrupted while writing big.csv; big.csv not written}), then
 *       exits with {@value #EXIT_CODE} through the JVM's shutdown, whose hook deletes the
 *       temporary file of any write in progress ({@link AtomicFile#abandonAll}); a second Ctrl-C
 *       deletes them itself and halts at once.
 * </ul>
 *
 * <p>Outside both, Ctrl-C keeps the JVM's own behaviour (exit 130 through the shutdown hooks).
 */
final class Interrupts implements AutoCloseable {
  /** The conventional exit status of a process stopped by SIGINT (128 + 2). */
  static final int EXIT_CODE = 130;
  private static final Signal INT = new Signal("INT");
  private final SignalHandler previous;
  private volatile boolean requested;

  private Interrupts(Runnable onFirst) {
    previous = Signal.handle(INT, s -> {
      if (requested) {
        AtomicFile.abandonAll();
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
    Signal.handle(INT, previous);
  }

  /**
   * Reports Ctrl-C as an interruption of what the command is doing, until closed.
   *
   * @param err where the one line goes
   * @param doing what the command does first, as in "interrupted while reading data.csv"
   * @param outputs the files the command will write, not written yet (nulls are skipped)
   */
  static Activity activity(PrintWriter err, String doing, Path... outputs) {
    return new Activity(err, doing, outputs);
  }

  /**
   * What a command is doing and which of its outputs are not written yet: the line that a Ctrl-C
   * prints. Used from the command's thread; read by the signal handler's.
   */
  static final class Activity implements AutoCloseable {
    private static volatile boolean signalled;
    private final PrintWriter err;
    private final List<Path> pending = new ArrayList<>();
    private final SignalHandler previous;
    private String doing; // guarded by pending
    private String outcome; // guarded by pending

    private Activity(PrintWriter err, String doing, Path... outputs) {
      this.err = Objects.requireNonNull(err, "err");
      synchronized (pending) {
        Arrays.stream(outputs).filter(Objects::nonNull).forEach(pending::add);
        doing(doing);
      }
      previous = Signal.handle(INT, this::interrupted);
    }

    /** The command now does {@code what} (as in "training"). */
    void doing(String what) {
      synchronized (pending) {
        doing = Objects.requireNonNull(what, "what");
        outcome = described();
      }
    }

    /**
     * The command now does {@code what}, and an interruption leaves {@code outcome} (as in "the
     * output is incomplete") rather than the list of outputs not written.
     */
    void doing(String what, String outcome) {
      synchronized (pending) {
        doing = Objects.requireNonNull(what, "what");
        this.outcome = Objects.requireNonNull(outcome, "outcome");
      }
    }

    /** The command now writes {@code output}, which is not written until {@link #written}. */
    void writing(Path output) {
      synchronized (pending) {
        if (!pending.contains(output)) {
          pending.add(output);
        }
        doing("writing " + output);
      }
    }

    /** {@code output} is complete: an interruption no longer counts it as not written. */
    void written(Path output) {
      synchronized (pending) {
        pending.remove(output);
        outcome = described();
      }
    }

    private String described() {
      synchronized (pending) {
        return pending.isEmpty() ? "nothing written" : pending.stream().map(Path::toString)
            .collect(Collectors.joining(", ")) + " not written";
      }
    }

    /** The message of a Ctrl-C now. */
    String message() {
      synchronized (pending) {
        return "interrupted while " + doing + "; " + outcome;
      }
    }

    private void interrupted(Signal s) {
      if (signalled) {
        AtomicFile.abandonAll();
        Runtime.getRuntime().halt(EXIT_CODE);
      }
      signalled = true;
      err.println("descent: " + DataFormatException.oneLine(message()));
      err.flush();
      // The shutdown hooks run (AtomicFile deletes its temporary files); this thread waits there.
      System.exit(EXIT_CODE);
    }

    @Override
    public void close() {
      Signal.handle(INT, previous);
    }
  }
}

package io.descent.cli;

import io.descent.data.DataFormatException;
import io.descent.model.AtomicFile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * What Ctrl-C (SIGINT) does in a command. Two modes, each in force for a stretch of a command and
 * giving way, on close, to the one that was in force before it:
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
 * <p>Outside both, Ctrl-C exits with {@value #EXIT_CODE} through the shutdown hooks, as the
 * JVM's own handler does.
 *
 * <p>One process-wide handler dispatches to the mode in force; it is registered again whenever a
 * mode begins and never swapped back for the handler it replaced. Native code in this process can
 * change SIGINT behind the JVM's back: PoCL compiles kernels with LLVM in-process, and LLVM
 * installs its own handler and later puts back the one it saved. The JVM's bookkeeping then no
 * longer matches, and the "previous" handler {@link Signal#handle} returns can wrap nothing, so
 * installing it again fails ({@code NullPointerException: handler}) after a training that went
 * well.
 */
final class Interrupts implements AutoCloseable {
  /** The conventional exit status of a process stopped by SIGINT (128 + 2). */
  static final int EXIT_CODE = 130;
  private static final Signal INT = new Signal("INT");
  /** The mode in force: an {@link Interrupts} (training), an {@link Activity}, or null. */
  private static final AtomicReference<Object> CURRENT = new AtomicReference<>();
  private static final SignalHandler HANDLER = s -> {
    Object current = CURRENT.get();
    if (current instanceof Interrupts training) {
      training.interrupted();
    } else if (current instanceof Activity activity) {
      activity.interrupted();
    } else {
      System.exit(EXIT_CODE);
    }
  };

  private final Runnable onFirst;
  private final Object outer;
  private volatile boolean requested;

  private Interrupts(Runnable onFirst) {
    this.onFirst = onFirst;
    this.outer = begin(this);
  }

  /** Puts a mode in force and (re)registers the handler; returns the mode it replaces. */
  private static Object begin(Object mode) {
    Object outer = CURRENT.getAndSet(mode);
    try {
      Signal.handle(INT, HANDLER);
    } catch (IllegalArgumentException e) {
      // SIGINT is reserved (java -Xrs): Ctrl-C keeps its default meaning.
    }
    return outer;
  }

  /** Ends a mode: the one it replaced is in force again. */
  private static void end(Object mode, Object outer) {
    CURRENT.compareAndSet(mode, outer);
  }

  private void interrupted() {
    if (requested) {
      AtomicFile.abandonAll();
      Runtime.getRuntime().halt(EXIT_CODE);
    }
    requested = true;
    onFirst.run();
  }

  /** Installs the handler; {@code onFirst} runs on the signal thread at the first Ctrl-C. */
  static Interrupts install(Runnable onFirst) {
    return new Interrupts(onFirst);
  }

  /** Ctrl-C no longer stops this training. */
  @Override
  public void close() {
    end(this, outer);
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
    private final Object outer;
    private String doing; // guarded by pending
    private String outcome; // guarded by pending
    /** Whether {@link #outcome} is the command's own, not the outputs'. Guarded by pending. */
    private boolean ownOutcome;

    private Activity(PrintWriter err, String doing, Path... outputs) {
      this.err = Objects.requireNonNull(err, "err");
      synchronized (pending) {
        Arrays.stream(outputs).filter(Objects::nonNull).forEach(pending::add);
        doing(doing);
      }
      outer = begin(this);
    }

    /** The command now does {@code what} (as in "training"). */
    void doing(String what) {
      synchronized (pending) {
        doing = Objects.requireNonNull(what, "what");
        outcome = described();
        ownOutcome = false;
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
        ownOutcome = true;
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

    /**
     * {@code output} counts as written once {@code done} says so, checked when an interruption
     * comes (for a file written by other means than {@link AtomicFile}, such as a cached copy).
     */
    void writtenWhen(Path output, java.util.function.BooleanSupplier done) {
      synchronized (pending) {
        checks.put(output, done);
      }
    }

    /** The outputs {@link #writtenWhen} asks about. Guarded by pending. */
    private final java.util.Map<Path, java.util.function.BooleanSupplier> checks =
        new java.util.HashMap<>();

    /** {@code output} is complete: an interruption no longer counts it as not written. */
    void written(Path output) {
      synchronized (pending) {
        pending.remove(output);
        outcome = described();
        ownOutcome = false;
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

    /**
     * Counts the outputs whose writes moved into place ({@link AtomicFile#moved}) as written,
     * though the command's thread has not said so yet: the message then names them "written".
     */
    void settleMoved() {
      synchronized (pending) {
        List<Path> moved = pending.stream().filter(p -> AtomicFile.moved(p)
            || checks.containsKey(p) && checks.get(p).getAsBoolean()).toList();
        if (!moved.isEmpty()) {
          pending.removeAll(moved);
          if (!ownOutcome) {
            String rest = described();
            outcome = moved.stream().map(Path::toString).collect(Collectors.joining(", "))
                + " written" + (pending.isEmpty() ? "" : "; " + rest);
          }
        }
      }
    }

    private void interrupted() {
      if (signalled) {
        AtomicFile.abandonAll();
        Runtime.getRuntime().halt(EXIT_CODE);
      }
      signalled = true;
      // No write moves into place from here on; one that already did is written, whatever the
      // command's thread had got round to saying (a Ctrl-C between a write's move and its
      // written() would otherwise call a replaced file "not written").
      AtomicFile.abandonAll();
      settleMoved();
      err.println("descent: " + DataFormatException.oneLine(message()));
      err.flush();
      // The shutdown hooks run (AtomicFile deletes its temporary files); this thread waits there.
      System.exit(EXIT_CODE);
    }

    @Override
    public void close() {
      end(this, outer);
    }
  }
}

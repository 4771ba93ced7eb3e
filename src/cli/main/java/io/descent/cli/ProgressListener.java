package io.descent.cli;

import io.descent.gradient.BackendInfo;
import io.descent.train.FitResult;
import io.descent.train.Progress;
import io.descent.train.TrainingListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reports training on the command line: notices on stderr, a progress line on stderr when it is
 * a terminal (iteration or epoch, the cap as a cap, objective, gradient norm, validation loss,
 * elapsed time, rate and the backend from the start; within a mini-batch epoch, how far through
 * it is), and the history CSV ({@code --history}), written atomically at the end.
 */
final class ProgressListener implements TrainingListener {
  private static final int WIDTH = 30;
  private final PrintWriter err;
  private final boolean bar;
  private final Path historyFile;
  private final List<Progress> rows = new ArrayList<>();
  /** Wall-clock seconds of each phase of the run, in order (see {@link #phase}). */
  private final java.util.Map<String, Double> phases = new java.util.LinkedHashMap<>();
  /** ANSI "erase in line" from the cursor: no old characters are left behind a shorter line. */
  static final String ERASE_TO_END = "\u001b[K";
  private int limit;
  private long lastDraw;
  private boolean drawn;
  private String backend = "";
  private long start = System.nanoTime();
  private Progress last;

  ProgressListener(PrintWriter err, boolean bar, Path historyFile) {
    this.err = err;
    this.bar = bar;
    this.historyFile = historyFile;
  }

  @Override
  public void message(String line) {
    clearBar();
    err.println(line);
    err.flush();
  }

  @Override
  public void started(BackendInfo backend, String optimizer, int limit) {
    this.limit = limit;
    this.backend = backend.summary();
    this.start = System.nanoTime();
    if (bar) {
      draw("starting on " + this.backend);
    }
  }

  @Override
  public void step(int epoch, int done, int rowsPerEpoch) {
    if (!bar || !due()) {
      return;
    }
    int filled = (int) ((long) WIDTH * done / Math.max(1, rowsPerEpoch));
    draw(String.format(Locale.ROOT, "epoch %d of at most %d [%s%s] %d/%d rows%s  %s",
        epoch + 1, limit, "#".repeat(filled), " ".repeat(WIDTH - filled), done, rowsPerEpoch,
        last == null ? "" : String.format(Locale.ROOT, "  objective %.6g", last.objective()),
        timing(epoch + (double) done / Math.max(1, rowsPerEpoch), "epochs")));
  }

  @Override
  public void progress(Progress p) {
    rows.add(p);
    last = p;
    if (!bar || !due()) {
      return;
    }
    boolean epochs = p.epoch() > 0;
    int done = epochs ? p.epoch() : p.iteration();
    draw(String.format(Locale.ROOT, "%s %d (cap %d)  objective %.10g  |g| %.2e%s  %s",
        epochs ? "epoch" : "iteration", done, limit, p.objective(), p.gradientNorm(),
        Double.isNaN(p.validationLoss()) ? ""
            : String.format(Locale.ROOT, "  validation %.6g", p.validationLoss()),
        timing(done, epochs ? "epochs" : "iterations")));
  }

  @Override
  public void phase(String name, double seconds) {
    phases.merge(name, seconds, Double::sum);
  }

  /** The phases reported so far, seconds each, in order: the fit's and the command's own. */
  java.util.Map<String, Double> phases() {
    return phases;
  }

  @Override
  public void finished(FitResult result) {
    clearBar();
  }

  /** At most ten redraws a second. */
  private boolean due() {
    long now = System.nanoTime();
    if (drawn && now - lastDraw < 100_000_000L) {
      return false;
    }
    lastDraw = now;
    return true;
  }

  /** "12.3 s, 4.1 iterations/s on opencl (...)". */
  private String timing(double done, String unit) {
    double seconds = (System.nanoTime() - start) / 1e9;
    return String.format(Locale.ROOT, "%.1f s, %.3g %s/s, %s", seconds,
        seconds > 0 ? done / seconds : 0.0, unit, backend);
  }

  /** Replaces the bar's line: carriage return, the text, and an erase to the line's end. */
  private void draw(String line) {
    err.print("\r" + line + ERASE_TO_END);
    err.flush();
    drawn = true;
  }

  private void clearBar() {
    if (drawn) {
      err.print("\r" + ERASE_TO_END);
      err.flush();
      drawn = false;
    }
  }

  /** Writes the history CSV, if asked, via a temporary file moved into place. */
  void writeHistory() {
    if (historyFile == null) {
      return;
    }
    try {
      CliSupport.writeAtomically(historyFile, (Writer w) -> {
        w.write("iteration,epoch,objective,gradient_norm,step_size,elapsed_seconds,"
            + "validation_loss\n");
        for (Progress p : rows) {
          w.write(p.iteration() + "," + p.epoch() + "," + p.objective() + "," + p.gradientNorm()
              + "," + p.stepSize() + "," + p.elapsedSeconds() + ","
              + (Double.isNaN(p.validationLoss()) ? "" : Double.toString(p.validationLoss()))
              + "\n");
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(historyFile + ": cannot write history: " + e.getMessage(),
          e);
    }
  }
}

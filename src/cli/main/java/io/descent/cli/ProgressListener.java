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
 * Reports training on the command line: notices on stderr, a progress bar on stderr when it is
 * a terminal, and the history CSV ({@code --history}), written atomically at the end.
 */
final class ProgressListener implements TrainingListener {
  private static final int WIDTH = 30;
  private final PrintWriter err;
  private final boolean bar;
  private final Path historyFile;
  private final List<Progress> rows = new ArrayList<>();
  private int limit;
  private long lastDraw;
  private boolean drawn;

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
  }

  @Override
  public void progress(Progress p) {
    rows.add(p);
    if (!bar) {
      return;
    }
    long now = System.nanoTime();
    if (drawn && now - lastDraw < 100_000_000L) {
      return;
    }
    lastDraw = now;
    int done = p.epoch() > 0 ? p.epoch() : p.iteration();
    int filled = (int) Math.min(WIDTH, (long) WIDTH * done / Math.max(1, limit));
    err.printf(Locale.ROOT, "\r[%s%s] %s %d/%d  objective %.10g  |g| %.2e", "#".repeat(filled),
        " ".repeat(WIDTH - filled), p.epoch() > 0 ? "epoch" : "iteration", done, limit,
        p.objective(), p.gradientNorm());
    err.flush();
    drawn = true;
  }

  @Override
  public void finished(FitResult result) {
    clearBar();
  }

  private void clearBar() {
    if (drawn) {
      err.print("\r" + " ".repeat(WIDTH + 70) + "\r");
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

package io.descent.cli;

import io.descent.data.ReadProgress;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Reading a CSV file on a terminal: one line on stderr, redrawn in place, with the pass, the
 * megabytes read of the file's size and the rate ({@code reading big.csv: reading 120.3 of 476.2
 * MB, 310 MB/s}); cleared when the reading is done.
 */
final class ReadingProgress implements ReadProgress {
  private final PrintWriter err;
  private final String file;
  private final long start = System.nanoTime();
  private boolean drawn;

  private ReadingProgress(PrintWriter err, String file) {
    this.err = err;
    this.file = file;
  }

  /** A display on {@code err} when {@code show}, else {@link ReadProgress#NONE}. */
  static ReadProgress on(PrintWriter err, String file, boolean show) {
    return show ? new ReadingProgress(err, file) : NONE;
  }

  @Override
  public void read(String pass, long bytes, long total) {
    double seconds = (System.nanoTime() - start) / 1e9;
    err.print(line(file, pass, bytes, total, seconds) + ProgressListener.ERASE_TO_END);
    err.flush();
    drawn = true;
  }

  /** The line's text, after a carriage return. */
  static String line(String file, String pass, long bytes, long total, double seconds) {
    return String.format(Locale.ROOT, "\rreading %s: %s %.1f%s MB, %.0f MB/s", file, pass,
        bytes / 1e6, total >= 0 ? String.format(Locale.ROOT, " of %.1f", total / 1e6) : "",
        seconds > 0 ? bytes / 1e6 / seconds : 0.0);
  }

  /** Clears the line, if one was drawn. */
  void done() {
    if (drawn) {
      err.print("\r" + ProgressListener.ERASE_TO_END);
      err.flush();
      drawn = false;
    }
  }
}

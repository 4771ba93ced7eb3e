package io.descent.bench;

import io.descent.gradient.BackendInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A bench report as a plain-text table for a terminal: a header naming the machine and the
 * method, one line per evaluation row, then the end-to-end lines. Columns are as wide as their
 * widest cell; a failed row gives its reason in place of the figures.
 */
public final class BenchTable {
  private BenchTable() {}

  /** The whole report, lines ending in {@code \n}. */
  public static String format(BenchReport report) {
    StringBuilder b = new StringBuilder();
    MachineInfo m = report.machine();
    BenchConfig c = report.config();
    b.append(String.format(Locale.ROOT, "descent bench: %s, %d cores, %s, Java %s%n", m.cpu(),
        m.cores(), m.os(), m.java()));
    b.append(String.format(Locale.ROOT, "OMP_NUM_THREADS%s; load average %s at start, %s at"
        + " end; seed %d; %.1f s in all%n",
        m.ompNumThreads() == null ? " unset (ND4J uses every core)"
            : "=" + m.ompNumThreads() + " (ND4J's worker count)",
        number(m.loadAverageStart(), "%.2f"), number(m.loadAverageEnd(), "%.2f"), c.seed(),
        report.seconds()));
    if (!report.initializationSeconds().isEmpty()) {
      b.append("One-time initialization before the sweep (native libraries, JIT; not in open):");
      report.initializationSeconds().forEach((target, seconds) -> b.append(
          String.format(Locale.ROOT, " %s %.2f s", target, seconds)));
      b.append('\n');
    }
    if (!report.kernelBuilds().isEmpty()) {
      b.append("OpenCL kernels built before timing (the first open of each device, loss,"
          + " precision, layout and d; a cold compile lands here, not in open or wall s):\n");
      for (KernelBuild k : report.kernelBuilds()) {
        b.append(String.format(Locale.ROOT, "  %s %s d=%d %s, %s layout, for the %s: %.1f ms%n",
            k.target(), k.loss().label(), k.features(), k.backend().precision(),
            k.backend().layout(), k.purpose(), k.seconds() * 1e3));
      }
    }
    b.append(String.format(Locale.ROOT, "Per evaluation of loss and gradient over all rows:"
        + " median, min and max of %d timed runs %s.%n", c.repeats(), c.warmup() == 0
            ? "with no warm-up" : "after " + c.warmup() + " or more warm-up runs (at least 0.2 s)"));
    b.append("open: the one-time copy/upload, kernel build excluded. build: the kernel build"
        + " inside that open, the kernel having been built before (normally a load from the"
        + " driver's cache).\n");
    b.append("GB/s: rows x features x 4 bytes / median. read GB/s: the device's read bandwidth"
        + " measured in this run on the same size; %read: GB/s as a share of it.\n");
    b.append("(Host read: a Java read-and-sum on every core; for data that fits in cache it is"
        + " bound by scalar adds, so SIMD code such as OpenBLAS can pass 100% there.)\n");
    b.append("vs nd4j: ND4J's median / this median. grad err: ||g - g_ref|| / ||g_ref||"
        + " against the float64 reference (! above the backend's tolerance).\n\n");
    b.append(evaluationTable(report.evaluations()));
    if (!report.fits().isEmpty()) {
      FitProblem p = report.fits().get(0).problem();
      b.append(String.format(Locale.ROOT, "%nEnd to end: reading %s %d x %d, seed %d, from"
          + " its CSV file (as 'descent generate' writes it; read s and the ingest MB/s), then"
          + " one full fit (L-BFGS to the default tolerance, by passes over the rows: a linear"
          + " fit does not take the normal equations train may solve it by) on what was read;"
          + " wall s"
          + " from opening the backend to the final objective (float64 reference), kernel build"
          + " excluded (build: the kernel builds inside the fit, each kernel having been built"
          + " before); total s: read + wall.%n", p.loss().label(), p.rows(), p.features(),
          c.seed()));
      b.append("precision: \"+ float64 finish\" when float32 stalled and the last iterations"
          + " ran in float64, on the backend named (the reference runs on the host CPU).\n");
      b.append(fitTable(report.fits()));
    }
    return b.toString();
  }

  /** The evaluation rows as an aligned table. */
  static String evaluationTable(List<EvaluationRow> rows) {
    Columns t = new Columns("loss<", "rows", "d", "backend<", "device<", "precision<", "layout<",
        "open ms", "build ms", "median ms", "min ms", "max ms", "GB/s", "read GB/s", "%read", "vs nd4j",
        "grad err<");
    for (EvaluationRow r : rows) {
      List<String> cells = new ArrayList<>(List.of(r.loss().label(), Integer.toString(r.rows()),
          Integer.toString(r.features())));
      cells.addAll(names(r.target(), r.backend()));
      if (!r.ok()) {
        t.add(cells, r.failure());
        continue;
      }
      TimeStats s = r.seconds();
      cells.add(number(r.openSeconds() * 1e3, "%.1f"));
      cells.add(number(r.buildSeconds() * 1e3, "%.1f"));
      cells.add(number(s.median() * 1e3, "%.3f"));
      cells.add(number(s.min() * 1e3, "%.3f"));
      cells.add(number(s.max() * 1e3, "%.3f"));
      cells.add(number(r.gigabytesPerSecond(), "%.2f"));
      cells.add(r.readBandwidth() == null ? "-"
          : number(r.readBandwidth().gigabytesPerSecond(), "%.2f"));
      cells.add(number(r.percentOfReadBandwidth(), "%.0f%%"));
      cells.add(number(r.speedupOverNd4j(), "%.2fx"));
      cells.add(number(r.gradientError(), "%.1e")
          + (r.gradientError() > r.tolerance() ? " !" : ""));
      t.add(cells, null);
    }
    return t.toString();
  }

  /** The end-to-end lines as an aligned table. */
  static String fitTable(List<FitRow> rows) {
    Columns t = new Columns("backend<", "device<", "precision<", "layout<", "read s", "MB/s",
        "wall s", "build ms", "total s", "iterations", "evaluations", "objective", "stop<",
        "vs nd4j");
    for (FitRow r : rows) {
      List<String> cells = new ArrayList<>(List.of(r.target(), r.backend().device(),
          r.precision(), r.backend().layout()));
      if (!r.ok()) {
        t.add(cells, r.failure());
        continue;
      }
      cells.add(number(r.readSeconds(), "%.2f"));
      cells.add(number(r.ingestMegabytesPerSecond(), "%.0f"));
      cells.add(number(r.wallSeconds(), "%.2f"));
      cells.add(number(r.buildSeconds() * 1e3, "%.1f"));
      cells.add(number(r.endToEndSeconds(), "%.2f"));
      cells.add(Integer.toString(r.iterations()));
      cells.add(Long.toString(r.evaluations()));
      cells.add(number(r.objective(), "%.12f"));
      cells.add(r.stopReason());
      cells.add(number(r.speedupOverNd4j(), "%.2fx"));
      t.add(cells, null);
    }
    return t.toString();
  }

  private static List<String> names(String target, BackendInfo info) {
    return List.of(target, info.device(), info.precision(), info.layout());
  }

  private static String number(double v, String format) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, format, v) : "-";
  }

  /**
   * Columns that size themselves to their cells. A header ending in {@code <} is left-aligned
   * (text); the others are right-aligned (numbers). A row may stop early and end with a note
   * that runs on past the columns.
   */
  private static final class Columns {
    private final String[] headers;
    private final boolean[] left;
    private final int[] widths;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    Columns(String... headers) {
      this.headers = new String[headers.length];
      this.left = new boolean[headers.length];
      this.widths = new int[headers.length];
      for (int k = 0; k < headers.length; k++) {
        left[k] = headers[k].endsWith("<");
        this.headers[k] = left[k] ? headers[k].substring(0, headers[k].length() - 1) : headers[k];
        widths[k] = this.headers[k].length();
      }
    }

    void add(List<String> cells, String note) {
      for (int k = 0; k < cells.size(); k++) {
        widths[k] = Math.max(widths[k], cells.get(k).length());
      }
      rows.add(cells);
      notes.add(note);
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder();
      line(b, List.of(headers), null);
      for (int r = 0; r < rows.size(); r++) {
        line(b, rows.get(r), notes.get(r));
      }
      return b.toString();
    }

    private void line(StringBuilder b, List<String> cells, String note) {
      StringBuilder l = new StringBuilder();
      for (int k = 0; k < cells.size(); k++) {
        if (k > 0) {
          l.append("  ");
        }
        String cell = cells.get(k);
        String pad = " ".repeat(widths[k] - cell.length());
        l.append(left[k] ? cell + pad : pad + cell);
      }
      if (note != null) {
        l.append("  ").append(note);
      }
      b.append(l.toString().stripTrailing()).append('\n');
    }
  }
}

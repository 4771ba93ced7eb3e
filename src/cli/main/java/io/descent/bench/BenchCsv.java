package io.descent.bench;

import io.descent.gradient.BackendInfo;
import io.descent.model.AtomicFile;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A bench report as one CSV table (RFC 4180, header row, LF line ends), for spreadsheets and data
 * frames: one row per OpenCL kernel built before timing ({@code kind} "kernel_build", its time in
 * {@code build_s}), per evaluation ({@code kind} "evaluation") and per end-to-end fit ({@code
 * kind} "fit"). Times are in seconds; {@code open_s} and {@code wall_s} exclude the kernel build,
 * which is in {@code build_s}; a fit's {@code read_s} is the time to read its CSV file ({@code
 * ingest_mb_per_s} its rate) and {@code end_to_end_s} that plus {@code wall_s}. A fit that
 * finished in float64 has {@code precision} "float32 + float64 finish (N iterations) on ..." and
 * the backend of the finish in {@code finish_backend}.
 * An empty cell is a figure that does not apply or was not measured (a failed row has {@code
 * status} "failed" and the reason in {@code reason}).
 */
public final class BenchCsv {
  /** The columns, in order. */
  public static final List<String> COLUMNS = List.of("kind", "loss", "rows", "features",
      "target", "backend", "device", "precision", "layout", "status", "reason", "open_s",
      "build_s", "median_s", "min_s", "max_s", "repeats", "gb_per_s", "read_gb_per_s",
      "read_percent", "speedup_vs_nd4j", "gradient_error", "tolerance", "wall_s", "iterations",
      "evaluations", "objective", "stop_reason", "finish_backend", "finish_iterations",
      "read_s", "ingest_mb_per_s", "end_to_end_s");

  private BenchCsv() {}

  /** Writes the report to {@code file} atomically (a temporary file, then a move). */
  public static void write(Path file, BenchReport report) throws IOException {
    AtomicFile.write(file, out -> write(out, report));
  }

  /** Writes the report as CSV text. */
  public static void write(Writer out, BenchReport report) throws IOException {
    line(out, COLUMNS);
    for (KernelBuild k : report.kernelBuilds()) {
      List<String> cells = new ArrayList<>(COLUMNS.size());
      cells.add("kernel_build");
      cells.add(k.loss().label());
      cells.add("");
      cells.add(Integer.toString(k.features()));
      names(cells, k.target(), k.backend(), null);
      cells.add(""); // open_s
      cells.add(number(k.seconds()));
      while (cells.size() < COLUMNS.size()) {
        cells.add("");
      }
      line(out, cells);
    }
    for (EvaluationRow r : report.evaluations()) {
      List<String> cells = new ArrayList<>(COLUMNS.size());
      cells.add("evaluation");
      cells.add(r.loss().label());
      cells.add(Integer.toString(r.rows()));
      cells.add(Integer.toString(r.features()));
      names(cells, r.target(), r.backend(), r.failure());
      cells.add(number(r.openSeconds()));
      cells.add(number(r.buildSeconds()));
      TimeStats s = r.seconds();
      cells.add(s == null ? "" : number(s.median()));
      cells.add(s == null ? "" : number(s.min()));
      cells.add(s == null ? "" : number(s.max()));
      cells.add(s == null ? "" : Integer.toString(s.count()));
      cells.add(number(r.gigabytesPerSecond()));
      cells.add(r.readBandwidth() == null ? ""
          : number(r.readBandwidth().gigabytesPerSecond()));
      cells.add(number(r.percentOfReadBandwidth()));
      cells.add(number(r.speedupOverNd4j()));
      cells.add(number(r.gradientError()));
      cells.add(number(r.tolerance()));
      while (cells.size() < COLUMNS.size()) {
        cells.add("");
      }
      line(out, cells);
    }
    for (FitRow r : report.fits()) {
      List<String> cells = new ArrayList<>(COLUMNS.size());
      cells.add("fit");
      cells.add(r.problem().loss().label());
      cells.add(Integer.toString(r.problem().rows()));
      cells.add(Integer.toString(r.problem().features()));
      names(cells, r.target(), r.backend(), r.failure());
      cells.set(COLUMNS.indexOf("precision"), r.precision());
      cells.add(""); // open_s
      cells.add(number(r.buildSeconds()));
      for (int k = 0; k < 7; k++) {
        cells.add(""); // median_s .. read_percent
      }
      cells.add(number(r.speedupOverNd4j()));
      cells.add("");
      cells.add("");
      cells.add(number(r.wallSeconds()));
      cells.add(r.ok() ? Integer.toString(r.iterations()) : "");
      cells.add(r.ok() ? Long.toString(r.evaluations()) : "");
      cells.add(number(r.objective()));
      cells.add(r.stopReason() == null ? "" : r.stopReason());
      cells.add(r.finish() == null ? "" : r.finish());
      cells.add(r.finish() == null ? "" : Integer.toString(r.finishIterations()));
      cells.add(number(r.readSeconds()));
      cells.add(number(r.ingestMegabytesPerSecond()));
      cells.add(number(r.endToEndSeconds()));
      line(out, cells);
    }
  }

  private static void names(List<String> cells, String target, BackendInfo info,
      String failure) {
    cells.add(target);
    cells.add(info.kind().label());
    cells.add(info.device());
    cells.add(info.precision());
    cells.add(info.layout());
    cells.add(failure == null ? "ok" : "failed");
    cells.add(failure == null ? "" : failure);
  }

  /** Round-trip precision (shortest repr), empty for NaN. */
  private static String number(double v) {
    return Double.isFinite(v) ? Double.toString(v) : "";
  }

  private static void line(Writer out, List<String> cells) throws IOException {
    if (cells.size() != COLUMNS.size()) {
      throw new IllegalStateException("row has " + cells.size() + " cells, expected "
          + COLUMNS.size());
    }
    for (int k = 0; k < cells.size(); k++) {
      if (k > 0) {
        out.write(',');
      }
      out.write(quote(cells.get(k)));
    }
    out.write('\n');
  }

  /** Quotes a cell that holds a comma, a quote or a line break, doubling inner quotes. */
  static String quote(String cell) {
    if (cell.indexOf(',') < 0 && cell.indexOf('"') < 0 && cell.indexOf('\n') < 0
        && cell.indexOf('\r') < 0) {
      return cell;
    }
    return '"' + cell.replace("\"", "\"\"") + '"';
  }
}

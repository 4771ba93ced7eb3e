package io.descent.bench;

import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.descent.gradient.BackendInfo;
import io.descent.gradient.BackendKind;
import io.descent.gradient.ReadBandwidth;
import io.descent.loss.Loss;
import io.descent.model.AtomicFile;
import io.descent.model.JsonText;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A bench report as JSON ({@code "format": "descent-bench"}, version {@value #FORMAT_VERSION}):
 * {@code machine}, {@code config}, {@code initializationSeconds} (per backend, the one-time cost
 * before the sweep), {@code kernelBuilds} (each OpenCL kernel built before timing), {@code
 * evaluations} (one object per row, with {@code backend} naming kind, device, precision and
 * layout, {@code status} "ok" or "failed" and {@code failure} the reason; {@code openSeconds}
 * excludes the kernel build, which is {@code buildSeconds}), {@code fits} ({@code wallSeconds}
 * likewise excludes {@code buildSeconds}; a fit that finished in float64 has {@code
 * backend.precision} "float32 + float64 finish (N iterations) on ..." and {@code finish}
 * naming the backend and iterations, otherwise {@code finish} is null), and {@code seconds}, the
 * run's wall time. Times are in seconds; a figure that was not measured is {@code null}.
 *
 * <p>Version 2 added {@code kernelBuilds}, {@code buildSeconds} and {@code finish}, and took the
 * kernel build out of {@code openSeconds} and {@code wallSeconds}. Version 3 added to each fit
 * {@code readSeconds} (reading its CSV file), {@code ingestMegabytesPerSecond} and {@code
 * endToEndSeconds} (read plus {@code wallSeconds}).
 */
public final class BenchJson {
  /** The value of the {@code format} field. */
  public static final String FORMAT = "descent-bench";
  /** The format version this build writes. */
  public static final int FORMAT_VERSION = 3;

  private BenchJson() {}

  /** Writes the report to {@code file} atomically (a temporary file, then a move). */
  public static void write(Path file, BenchReport report) throws IOException {
    String json = toJson(report);
    AtomicFile.write(file, out -> out.write(json));
  }

  /**
   * The report as pretty-printed JSON text, ending in a line break (through {@link JsonText}: no
   * {@code ObjectMapper} to load).
   */
  public static String toJson(BenchReport report) throws IOException {
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
        .withObjectFieldValueSpacing(Separators.Spacing.AFTER));
    return JsonText.write(toTree(report), printer) + "\n";
  }

  /** The report as a JSON tree. */
  public static ObjectNode toTree(BenchReport report) {
    ObjectNode root = JsonText.NODES.objectNode();
    root.put("format", FORMAT);
    root.put("formatVersion", FORMAT_VERSION);
    MachineInfo m = report.machine();
    ObjectNode machine = root.putObject("machine");
    machine.put("cpu", m.cpu());
    machine.put("cores", m.cores());
    machine.put("os", m.os());
    machine.put("java", m.java());
    machine.put("maxHeapBytes", m.maxHeapBytes());
    machine.put("ompNumThreads", m.ompNumThreads());
    number(machine, "loadAverageStart", m.loadAverageStart());
    number(machine, "loadAverageEnd", m.loadAverageEnd());
    machine.put("started", m.started());
    BenchConfig c = report.config();
    ObjectNode config = root.putObject("config");
    ArrayNode rows = config.putArray("rows");
    c.rows().forEach(rows::add);
    ArrayNode features = config.putArray("features");
    c.features().forEach(features::add);
    ArrayNode losses = config.putArray("losses");
    c.losses().forEach(l -> losses.add(l.label()));
    ArrayNode backends = config.putArray("backends");
    for (BackendKind k : BackendKind.values()) {
      if (c.backends().contains(k)) {
        backends.add(k.label());
      }
    }
    config.put("openClDevice", c.openClDevice());
    config.put("warmup", c.warmup());
    config.put("repeats", c.repeats());
    config.put("seed", c.seed());
    if (c.fit() == null) {
      config.putNull("fit");
    } else {
      problem(config.putObject("fit"), c.fit().rows(), c.fit().features(), c.fit().loss());
    }
    ObjectNode initialization = root.putObject("initializationSeconds");
    report.initializationSeconds().forEach(initialization::put);
    ArrayNode builds = root.putArray("kernelBuilds");
    for (KernelBuild k : report.kernelBuilds()) {
      ObjectNode o = builds.addObject();
      o.put("target", k.target());
      o.put("loss", k.loss().label());
      o.put("features", k.features());
      backend(o, k.backend(), k.backend().precision());
      o.put("purpose", k.purpose());
      number(o, "seconds", k.seconds());
    }
    ArrayNode evaluations = root.putArray("evaluations");
    for (EvaluationRow r : report.evaluations()) {
      ObjectNode o = evaluations.addObject();
      problem(o, r.rows(), r.features(), r.loss());
      names(o, r.target(), r.backend(), r.backend().precision(), r.failure());
      number(o, "openSeconds", r.openSeconds());
      number(o, "buildSeconds", r.buildSeconds());
      if (r.seconds() == null) {
        o.putNull("seconds");
      } else {
        ObjectNode s = o.putObject("seconds");
        s.put("median", r.seconds().median());
        s.put("min", r.seconds().min());
        s.put("max", r.seconds().max());
        s.put("count", r.seconds().count());
      }
      o.put("bytes", r.bytes());
      number(o, "gigabytesPerSecond", r.gigabytesPerSecond());
      ReadBandwidth read = r.readBandwidth();
      if (read == null) {
        o.putNull("readBandwidth");
      } else {
        ObjectNode b = o.putObject("readBandwidth");
        b.put("device", read.device());
        b.put("layout", read.layout());
        b.put("bytes", read.bytes());
        b.put("repeats", read.repeats());
        b.put("medianSeconds", read.medianSeconds());
        number(b, "gigabytesPerSecond", read.gigabytesPerSecond());
      }
      number(o, "percentOfReadBandwidth", r.percentOfReadBandwidth());
      number(o, "speedupOverNd4j", r.speedupOverNd4j());
      number(o, "gradientError", r.gradientError());
      number(o, "tolerance", r.tolerance());
    }
    ArrayNode fits = root.putArray("fits");
    for (FitRow r : report.fits()) {
      ObjectNode o = fits.addObject();
      problem(o, r.problem().rows(), r.problem().features(), r.problem().loss());
      names(o, r.target(), r.backend(), r.precision(), r.failure());
      number(o, "readSeconds", r.readSeconds());
      number(o, "ingestMegabytesPerSecond", r.ingestMegabytesPerSecond());
      number(o, "wallSeconds", r.wallSeconds());
      number(o, "buildSeconds", r.buildSeconds());
      number(o, "endToEndSeconds", r.endToEndSeconds());
      if (r.ok()) {
        o.put("iterations", r.iterations());
        o.put("evaluations", r.evaluations());
      } else {
        o.putNull("iterations");
        o.putNull("evaluations");
      }
      number(o, "objective", r.objective());
      o.put("stopReason", r.stopReason());
      if (r.finish() == null) {
        o.putNull("finish");
      } else {
        ObjectNode f = o.putObject("finish");
        f.put("backend", r.finish());
        f.put("iterations", r.finishIterations());
      }
      number(o, "speedupOverNd4j", r.speedupOverNd4j());
    }
    number(root, "seconds", report.seconds());
    return root;
  }

  private static void problem(ObjectNode o, int rows, int features, Loss loss) {
    o.put("loss", loss.label());
    o.put("rows", rows);
    o.put("features", features);
  }

  private static void names(ObjectNode o, String target, BackendInfo info, String precision,
      String failure) {
    o.put("target", target);
    backend(o, info, precision);
    o.put("status", failure == null ? "ok" : "failed");
    o.put("failure", failure);
  }

  private static void backend(ObjectNode o, BackendInfo info, String precision) {
    ObjectNode b = o.putObject("backend");
    b.put("kind", info.kind().label());
    b.put("device", info.device());
    b.put("precision", precision);
    b.put("layout", info.layout());
  }

  /** A finite number, or null: JSON has no NaN. */
  private static void number(ObjectNode o, String field, double v) {
    if (Double.isFinite(v)) {
      o.put(field, v);
    } else {
      o.putNull(field);
    }
  }
}

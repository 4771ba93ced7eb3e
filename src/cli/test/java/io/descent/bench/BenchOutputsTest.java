package io.descent.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.descent.gradient.BackendInfo;
import io.descent.gradient.BackendKind;
import io.descent.gradient.ReadBandwidth;
import io.descent.loss.Loss;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.junit.jupiter.api.io.TempDir;

/** The table, CSV, JSON and PNG made from one report with measured and failed rows. */
class BenchOutputsTest {
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final BackendInfo ND4J = new BackendInfo(BackendKind.ND4J,
      "AMD EPYC via ND4J/OpenBLAS", "float32", "-");
  private static final BackendInfo REFERENCE = new BackendInfo(BackendKind.REFERENCE,
      "Java (host CPU)", "float64", "-");
  private static final BackendInfo GPU = new BackendInfo(BackendKind.OPENCL,
      "Some GPU, rev \"2\"", "float32", "gpu");
  /** The backend of the ND4J fit's float64 finish. */
  private static final String FINISH = "reference (Java (host CPU), float64)";
  /** What every output says of that fit's precision. */
  private static final String FINISHED_PRECISION =
      "float32 + float64 finish (3 iterations) on reference (Java (host CPU), float64)";

  @TempDir
  Path dir;

  /** Two sizes, one loss: a GPU measured on the first and failing on the second. */
  static BenchReport report() {
    FitProblem fit = new FitProblem(2000, 4, Loss.LOGISTIC);
    BenchConfig config = new BenchConfig(List.of(1000, 10000), List.of(8),
        List.of(Loss.LOGISTIC), EnumSet.allOf(BackendKind.class), null, 1, 3, 5, fit);
    List<EvaluationRow> rows = new ArrayList<>();
    for (int n : config.rows()) {
      long bytes = n * 8L * 4;
      ReadBandwidth host = new ReadBandwidth("AMD EPYC (2 threads)", "host", bytes, 3,
          bytes / 20e9);
      double nd4jMedian = n * 1e-7;
      if (n == 1000) {
        rows.add(new EvaluationRow(Loss.LOGISTIC, n, 8, "opencl:1", GPU, null, 0.01, 0.004,
            new TimeStats(n * 2e-8, n * 1e-8, n * 4e-8, 3),
            new ReadBandwidth("Some GPU", "gpu", bytes, 3, bytes / 500e9), 5.0, 3e-7, 1e-6));
      } else {
        rows.add(EvaluationRow.failed(Loss.LOGISTIC, n, 8, "opencl:1", GPU,
            "failed: CL_OUT_OF_RESOURCES, while reading back", 0.02));
      }
      rows.add(new EvaluationRow(Loss.LOGISTIC, n, 8, "nd4j", ND4J, null, 0.003, 0,
          new TimeStats(nd4jMedian, nd4jMedian * 0.9, nd4jMedian * 1.5, 3), host, 1.0, 2e-7,
          1e-5));
      rows.add(new EvaluationRow(Loss.LOGISTIC, n, 8, "reference", REFERENCE, null, 0, 0,
          new TimeStats(nd4jMedian * 4, nd4jMedian * 3.9, nd4jMedian * 4.2, 3), host, 0.25, 0,
          0));
    }
    List<FitRow> fits = List.of(
        FitRow.failed(fit, "opencl:1", GPU, "unavailable: out of device memory"),
        new FitRow(fit, "nd4j", ND4J, null, 0.5, 0, 20, 24, 0.4123456789, "gradient_tolerance",
            FINISH, 3, 1.0).withRead(0.25, 50_000_000),
        new FitRow(fit, "reference", REFERENCE, null, 2.0, 0, 21, 25, 0.4123456788,
            "objective_tolerance", null, 0, 0.25));
    MachineInfo machine = new MachineInfo("AMD EPYC", 2, "Linux", "17", 1L << 30, null, 0.5,
        Double.NaN, "2026-01-01T00:00:00Z");
    List<KernelBuild> builds = List.of(new KernelBuild("opencl:1", Loss.LOGISTIC, 8, GPU,
        "evaluation", 0.615));
    return new BenchReport(machine, config, Map.of("nd4j", 0.8), builds, rows, fits, 12.5);
  }

  @Test
  void tableShowsEveryRowWithWhatRanAndTheReasonForFailures() {
    String table = BenchTable.format(report());
    assertTrue(table.contains("load average 0.50 at start, - at end"), table);
    assertTrue(table.contains("OMP_NUM_THREADS unset"), table);
    List<String> lines = table.lines().toList();
    String header = lines.stream().filter(l -> l.startsWith("loss ")).findFirst().orElseThrow();
    for (String column : List.of("backend", "device", "precision", "layout", "open ms",
        "build ms", "median ms", "min ms", "max ms", "GB/s", "read GB/s", "%read", "vs nd4j", "grad err")) {
      assertTrue(header.contains(column), column);
    }
    List<String> body = lines.stream().filter(l -> l.startsWith("logistic")).toList();
    assertEquals(6, body.size(), table);
    assertTrue(body.get(0).contains("opencl:1") && body.get(0).contains("Some GPU, rev \"2\"")
        && body.get(0).contains("float32") && body.get(0).contains("gpu")
        && body.get(0).contains("5.00x"), body.get(0));
    assertTrue(body.get(3).endsWith("failed: CL_OUT_OF_RESOURCES, while reading back"),
        body.get(3));
    // ND4J at 1000 rows: 32000 bytes in 0.1 ms = 0.32 GB/s, 1.6% of 20 GB/s.
    assertTrue(body.get(1).contains(" 0.32 ") && body.get(1).contains(" 20.00 ")
        && body.get(1).contains(" 2% ") && body.get(1).contains("1.00x"), body.get(1));
    assertTrue(table.contains("End to end: reading logistic 2000 x 4"), table);
    assertTrue(table.contains("unavailable: out of device memory"), table);
    assertTrue(table.contains("0.412345678900"), table);
    // The kernel build apart from the open: the cold build before timing, and the column.
    assertTrue(table.contains("  opencl:1 logistic d=8 float32, gpu layout, for the evaluation:"
        + " 615.0 ms"), table);
    assertTrue(body.get(0).matches(".* 10\\.0 +4\\.0 .*"), "open 10 ms, build 4 ms: "
        + body.get(0));
    assertTrue(table.contains("kernel build excluded"), table);
    // Columns line up: every measured row is as long as the header or longer.
    assertFalse(body.get(1).isBlank());
    assertEquals(header.indexOf("device"), body.get(1).indexOf("AMD EPYC"));
  }

  @Test
  void aFitFinishedInFloat64SaysWhereInTheTableCsvAndJson() throws Exception {
    BenchReport report = report();
    FitRow nd4j = report.fits().get(1);
    assertEquals(FINISHED_PRECISION, nd4j.precision());
    assertEquals("float64", report.fits().get(2).precision());
    String table = BenchTable.format(report);
    String line = table.lines().filter(l -> l.startsWith("nd4j ")).findFirst().orElseThrow();
    assertTrue(line.contains(FINISHED_PRECISION), line);
    Path csv = dir.resolve("bench.csv");
    BenchCsv.write(csv, report);
    List<String> fit = cells(Files.readAllLines(csv).get(1 + 1 + 6 + 1));
    assertEquals("nd4j", fit.get(BenchCsv.COLUMNS.indexOf("target")));
    assertEquals(FINISHED_PRECISION, fit.get(BenchCsv.COLUMNS.indexOf("precision")));
    assertEquals(FINISH, fit.get(BenchCsv.COLUMNS.indexOf("finish_backend")));
    assertEquals("3", fit.get(BenchCsv.COLUMNS.indexOf("finish_iterations")));
    JsonNode json = new ObjectMapper().readTree(BenchJson.toJson(report)).get("fits");
    assertEquals(FINISHED_PRECISION, json.get(1).get("backend").get("precision").asText());
    assertEquals(FINISH, json.get(1).get("finish").get("backend").asText());
    assertEquals(3, json.get(1).get("finish").get("iterations").asInt());
    assertTrue(json.get(2).get("finish").isNull());
    assertEquals("float64", json.get(2).get("backend").get("precision").asText());
  }

  @Test
  void csvHasOneRowPerKernelBuildEvaluationAndFitWithEveryColumn() throws Exception {
    Path file = dir.resolve("bench.csv");
    BenchCsv.write(file, report());
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertEquals(String.join(",", BenchCsv.COLUMNS), lines.get(0));
    assertEquals(1 + 1 + 6 + 3, lines.size());
    for (String line : lines.subList(1, lines.size())) {
      assertEquals(BenchCsv.COLUMNS.size(), cells(line).size(), line);
    }
    List<String> build = cells(lines.remove(1));
    assertEquals("kernel_build", build.get(0));
    assertEquals("opencl:1", build.get(BenchCsv.COLUMNS.indexOf("target")));
    assertEquals("8", build.get(BenchCsv.COLUMNS.indexOf("features")));
    assertEquals("0.615", build.get(BenchCsv.COLUMNS.indexOf("build_s")));
    assertEquals("", build.get(BenchCsv.COLUMNS.indexOf("open_s")));
    List<String> gpu = cells(lines.get(1));
    assertEquals("evaluation", gpu.get(0));
    assertEquals("Some GPU, rev \"2\"", gpu.get(BenchCsv.COLUMNS.indexOf("device")));
    assertEquals("gpu", gpu.get(BenchCsv.COLUMNS.indexOf("layout")));
    assertEquals("ok", gpu.get(BenchCsv.COLUMNS.indexOf("status")));
    assertEquals(2e-5, Double.parseDouble(gpu.get(BenchCsv.COLUMNS.indexOf("median_s"))));
    assertEquals("0.01", gpu.get(BenchCsv.COLUMNS.indexOf("open_s")));
    assertEquals("0.004", gpu.get(BenchCsv.COLUMNS.indexOf("build_s")));
    List<String> failed = cells(lines.get(4));
    assertEquals("failed", failed.get(BenchCsv.COLUMNS.indexOf("status")));
    assertEquals("failed: CL_OUT_OF_RESOURCES, while reading back",
        failed.get(BenchCsv.COLUMNS.indexOf("reason")));
    assertEquals("", failed.get(BenchCsv.COLUMNS.indexOf("median_s")));
    List<String> fit = cells(lines.get(8));
    assertEquals("fit", fit.get(0));
    assertEquals("0.5", fit.get(BenchCsv.COLUMNS.indexOf("wall_s")));
    assertEquals("20", fit.get(BenchCsv.COLUMNS.indexOf("iterations")));
    assertEquals("gradient_tolerance", fit.get(BenchCsv.COLUMNS.indexOf("stop_reason")));
    assertEquals("0.25", fit.get(BenchCsv.COLUMNS.indexOf("read_s")));
    assertEquals("200.0", fit.get(BenchCsv.COLUMNS.indexOf("ingest_mb_per_s")));
    assertEquals("0.75", fit.get(BenchCsv.COLUMNS.indexOf("end_to_end_s")));
    assertEquals("", cells(lines.get(9)).get(BenchCsv.COLUMNS.indexOf("read_s")),
        "a fit whose data was not read from a file has no read time");
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
    }
  }

  @Test
  void jsonIsWellFormedWithNullForWhatWasNotMeasured() throws Exception {
    Path file = dir.resolve("bench.json");
    BenchJson.write(file, report());
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    // The text is what an ObjectMapper with the same indentation would write, byte for byte.
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
        .withObjectFieldValueSpacing(Separators.Spacing.AFTER));
    assertEquals(new ObjectMapper().writer(printer).writeValueAsString(root) + "\n",
        Files.readString(file));
    assertEquals("descent-bench", root.get("format").asText());
    assertEquals(3, root.get("formatVersion").asInt());
    JsonNode build = root.get("kernelBuilds").get(0);
    assertEquals("opencl:1", build.get("target").asText());
    assertEquals("gpu", build.get("backend").get("layout").asText());
    assertEquals("evaluation", build.get("purpose").asText());
    assertEquals(0.615, build.get("seconds").asDouble());
    assertEquals(6, root.get("evaluations").size());
    assertEquals(3, root.get("fits").size());
    assertTrue(root.get("machine").get("loadAverageEnd").isNull());
    assertTrue(root.get("machine").get("ompNumThreads").isNull());
    assertEquals(0.8, root.get("initializationSeconds").get("nd4j").asDouble());
    JsonNode gpu = root.get("evaluations").get(0);
    assertEquals("opencl", gpu.get("backend").get("kind").asText());
    assertEquals("Some GPU, rev \"2\"", gpu.get("backend").get("device").asText());
    assertEquals("gpu", gpu.get("backend").get("layout").asText());
    assertEquals(2e-5, gpu.get("seconds").get("median").asDouble());
    assertEquals(0.01, gpu.get("openSeconds").asDouble());
    assertEquals(0.004, gpu.get("buildSeconds").asDouble());
    assertEquals(32000, gpu.get("bytes").asLong());
    assertEquals(1.6, gpu.get("gigabytesPerSecond").asDouble(), 1e-12);
    JsonNode failed = root.get("evaluations").get(3);
    assertEquals("failed", failed.get("status").asText());
    assertTrue(failed.get("seconds").isNull());
    assertTrue(failed.get("speedupOverNd4j").isNull());
    assertEquals(List.of(1000, 10000), List.of(root.get("config").get("rows").get(0).asInt(),
        root.get("config").get("rows").get(1).asInt()));
    assertEquals(12.5, root.get("seconds").asDouble());
    JsonNode read = root.get("fits").get(1);
    assertEquals(0.25, read.get("readSeconds").asDouble());
    assertEquals(200.0, read.get("ingestMegabytesPerSecond").asDouble(), 1e-9);
    assertEquals(0.75, read.get("endToEndSeconds").asDouble());
    assertTrue(root.get("fits").get(2).get("readSeconds").isNull());
    assertTrue(root.get("fits").get(2).get("ingestMegabytesPerSecond").isNull());
  }

  @Test
  void theEndToEndTableShowsTheReadTimeIngestRateAndTotal() {
    String table = BenchTable.format(report());
    String header = table.lines().filter(l -> l.startsWith("backend ")).findFirst()
        .orElseThrow();
    for (String column : List.of("read s", "MB/s", "wall s", "total s")) {
      assertTrue(header.contains(column), column + " in " + header);
    }
    String nd4j = table.lines().filter(l -> l.startsWith("nd4j ")).findFirst().orElseThrow();
    // 50 MB in 0.25 s is 200 MB/s; read 0.25 s + fit 0.50 s = 0.75 s.
    assertTrue(nd4j.matches(".* 0\\.25 +200 +0\\.50 +0\\.0 +0\\.75 .*"), nd4j);
  }

  @Test
  void plotIsAPngOfTheConfiguredSize() throws Exception {
    Path file = dir.resolve("bench.png");
    BenchPlot.write(file, report());
    byte[] png = Files.readAllBytes(file);
    assertArrayEquals(PNG_MAGIC, Arrays.copyOf(png, 8));
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertEquals(BenchPlot.WIDTH, image.getWidth());
    assertEquals(BenchPlot.HEIGHT, image.getHeight());
    // One line per backend and loss that measured something: opencl:1, nd4j, reference.
    XYChart chart = BenchPlot.chart(report());
    assertEquals(3, chart.getSeriesMap().size());
    // Rows 1000 and 10000 span one decade; times 1e-5 to 1e-3 two, labelled at decades only.
    assertEquals(1000.0, chart.getStyler().getXAxisMin());
    assertEquals(10000.0, chart.getStyler().getXAxisMax());
    assertTrue(chart.getStyler().getYAxisMax() / chart.getStyler().getYAxisMin() > 10.5);
    assertTrue(chart.getStyler().isYAxisLogarithmicDecadeOnly());
  }

  @Test
  void everyPlottedSeriesHasItsOwnColourAndMarkerAndTheAxesHaveLabelledDecades() {
    // Two widths, two losses, three backends, and rows that span no power of ten: the sweep
    // that drew d=4 and d=8 alike and left the x axis without a label.
    BenchConfig config = new BenchConfig(List.of(2000, 4000), List.of(4, 8),
        List.of(Loss.LINEAR, Loss.LOGISTIC), EnumSet.allOf(BackendKind.class), null, 1, 3, 5,
        null);
    BenchReport report = syntheticReport(config, List.of("opencl:0", "nd4j", "reference"));
    XYChart chart = BenchPlot.chart(report);
    assertEquals(3 * 2 * 2, chart.getSeriesMap().size());
    assertDistinctStyles(chart);
    XYStyler style = chart.getStyler();
    assertEquals(1000.0, style.getXAxisMin());
    assertEquals(10000.0, style.getXAxisMax());
    assertFalse(style.isXAxisLogarithmicDecadeOnly(), "one decade: 2E3 ... 9E3 labelled too");
    for (XYSeries s : chart.getSeriesMap().values()) {
      for (double y : s.getYData()) {
        assertTrue(style.getYAxisMin() <= y && y <= style.getYAxisMax(), y + " off the axis");
      }
    }
    for (double bound : new double[] {style.getYAxisMin(), style.getYAxisMax()}) {
      assertEquals(Math.rint(Math.log10(bound)), Math.log10(bound), 1e-12, bound + " is a decade");
    }
    assertTrue(style.getYAxisMax() > style.getYAxisMin());
    // A linear loss and a logistic one of the same backend and d differ in line style too.
    assertEquals(SeriesLines.SOLID, chart.getSeriesMap().get("nd4j linear, d=4").getLineStyle());
    assertEquals(SeriesLines.DASH_DASH,
        chart.getSeriesMap().get("nd4j logistic, d=4").getLineStyle());
  }

  @Test
  void styleStaysDistinctPastTheMarkersAndColoursOfThePalette() {
    // 6 widths x 2 losses = 12 marker slots > 8 markers; 9 targets > 8 palette colours.
    List<String> targets = new ArrayList<>();
    for (int k = 0; k < 9; k++) {
      targets.add("opencl:" + k);
    }
    BenchConfig config = new BenchConfig(List.of(1000), List.of(1, 2, 3, 4, 5, 6),
        List.of(Loss.LINEAR, Loss.LOGISTIC), EnumSet.allOf(BackendKind.class), null, 1, 3, 5,
        null);
    XYChart chart = BenchPlot.chart(syntheticReport(config, targets));
    assertEquals(9 * 6 * 2, chart.getSeriesMap().size());
    assertDistinctStyles(chart);
    // One size: the axes still span a decade.
    assertEquals(1000.0, chart.getStyler().getXAxisMin());
    assertEquals(10000.0, chart.getStyler().getXAxisMax());
  }

  @Test
  void decadesEncloseTheData() {
    assertEquals(1000.0, BenchPlot.decadeAtOrBelow(2000));
    assertEquals(1000.0, BenchPlot.decadeAtOrBelow(1000));
    assertEquals(1e-4, BenchPlot.decadeAtOrBelow(3.2e-4), 1e-19);
    assertEquals(10000.0, BenchPlot.decadeAbove(2000, 4000));
    assertEquals(10000.0, BenchPlot.decadeAbove(1000, 1000), "never an empty range");
    assertEquals(1e6, BenchPlot.decadeAbove(1e4, 1e6));
  }

  private static void assertDistinctStyles(XYChart chart) {
    Set<String> styles = new HashSet<>();
    for (XYSeries s : chart.getSeriesMap().values()) {
      assertEquals(s.getLineColor(), s.getMarkerColor(), s.getName());
      String style = s.getLineColor().getRGB() + " " + s.getMarker().getClass().getSimpleName();
      assertTrue(styles.add(style), s.getName() + " has the colour and marker of another: "
          + style);
    }
  }

  /** Every target measured on every size, width and loss of the config. */
  private static BenchReport syntheticReport(BenchConfig config, List<String> targets) {
    List<EvaluationRow> rows = new ArrayList<>();
    for (int n : config.rows()) {
      for (int d : config.features()) {
        for (Loss loss : config.losses()) {
          for (int t = 0; t < targets.size(); t++) {
            String target = targets.get(t);
            BackendInfo info = target.startsWith("opencl") ? GPU
                : target.equals("nd4j") ? ND4J : REFERENCE;
            double median = n * d * 1e-9 * (t + 1);
            rows.add(new EvaluationRow(loss, n, d, target, info, null, 0.01, 0,
                new TimeStats(median, median, median, 3), null, Double.NaN, 0, 0));
          }
        }
      }
    }
    return new BenchReport(report().machine(), config, Map.of(), List.of(), rows, List.of(), 1);
  }

  @Test
  void plotOfAReportWithNothingMeasuredStillRenders() throws Exception {
    BenchReport all = report();
    List<EvaluationRow> failed = all.evaluations().stream().map(r -> EvaluationRow.failed(
        r.loss(), r.rows(), r.features(), r.target(), r.backend(), "unavailable: no", 0))
        .toList();
    BenchReport none = new BenchReport(all.machine(), all.config(), Map.of(), List.of(),
        failed, List.of(), 1);
    byte[] png = BenchPlot.png(none);
    assertArrayEquals(PNG_MAGIC, Arrays.copyOf(png, 8));
  }

  /** Splits one CSV line (RFC 4180 quoting, no line breaks inside cells). */
  private static List<String> cells(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        out.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    out.add(cell.toString());
    return out;
  }
}

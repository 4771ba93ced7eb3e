package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** What the command line says beyond the results: hints, defaults, and what was not done. */
class CliReportingTest {
  @TempDir
  Path dir;

  @Test
  void aPlotTitleTooWideForTheChartIsShrunkThenCutInItsMiddle() {
    java.awt.Graphics2D g = new java.awt.image.BufferedImage(1, 1,
        java.awt.image.BufferedImage.TYPE_INT_RGB).createGraphics();
    int room = HistoryPlot.WIDTH - 2 * HistoryPlot.TITLE_MARGIN;
    // A short title keeps its font and text.
    org.knowm.xchart.XYChart small = HistoryPlot.chart(List.of(), "descent train: a.csv");
    java.awt.Font before = small.getStyler().getChartTitleFont();
    HistoryPlot.fitTitle(small);
    assertEquals(before, small.getStyler().getChartTitleFont());
    assertEquals("descent train: a.csv (no iterations recorded)", small.getTitle());
    // A long one (a device's name) fits in a smaller font, whole.
    String longer = "descent train: datasets/breast_cancer_wisconsin_original.csv, sgd on opencl"
        + " (pthread-haswell-AMD EPYC, float32, cpu layout)";
    org.knowm.xchart.XYChart wide = HistoryPlot.chart(List.of(), longer);
    HistoryPlot.fitTitle(wide);
    java.awt.Font font = wide.getStyler().getChartTitleFont();
    assertTrue(font.getSize() < before.getSize(), font.toString());
    assertEquals(longer + " (no iterations recorded)", wide.getTitle());
    assertTrue(g.getFontMetrics(font).stringWidth(wide.getTitle()) <= room);
    // One that no readable font fits: its middle gives way to an ellipsis, both ends kept.
    String path = "descent train: /" + "a-very-long-directory-name/".repeat(12) + "data.csv";
    org.knowm.xchart.XYChart cut = HistoryPlot.chart(List.of(), path);
    HistoryPlot.fitTitle(cut);
    String shown = cut.getTitle();
    assertEquals(HistoryPlot.MIN_TITLE_POINTS, cut.getStyler().getChartTitleFont().getSize());
    assertTrue(shown.contains("\u2026") && shown.startsWith("descent train: /a-very")
        && shown.endsWith("(no iterations recorded)"), shown);
    assertTrue(g.getFontMetrics(cut.getStyler().getChartTitleFont()).stringWidth(shown) <= room);
    g.dispose();
  }

  @Test
  void trainWithoutOutSaysNoModelWasWritten() {
    Cli r = Cli.run("train", "--data", "datasets/diabetes.csv", "--target", "progression",
        "--loss", "linear", "--backend", "reference");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("no model written (give --out FILE to keep it)"), r.out());
    Cli quiet = Cli.run("train", "--data", "datasets/diabetes.csv", "--target", "progression",
        "--loss", "linear", "--backend", "reference", "--quiet");
    assertEquals("", quiet.out());
  }

  @Test
  void anUnknownOptionSuggestsTheNearestOne() {
    Cli r = Cli.run("train", "--data", "datasets/diabetes.csv", "--target", "progression",
        "--loss", "linear", "--l3", "0.1");
    assertEquals(2, r.code());
    assertEquals("descent: Unknown options: '--l3', '0.1'; did you mean --l2? (try 'descent"
        + " train --help')", r.err().strip());
    r = Cli.run("train", "--data", "datasets/diabetes.csv", "--target", "progression",
        "--loss", "linear", "--baatch-size=3");
    assertTrue(r.err().contains("did you mean --batch-size?"), r.err());
    r = Cli.run("train", "--data", "datasets/diabetes.csv", "--target", "progression",
        "--loss", "linear", "--zzzzzz");
    assertFalse(r.err().contains("did you mean"), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void helpShowsTheDefaultsTheCodeUses() {
    Cli r = Cli.run("train", "--help");
    assertFalse(r.out().contains("default: null"), r.out());
    assertTrue(r.out().contains("invsqrt (default: constant)"), r.out());
  }

  /** With no OpenCL platform (the ICD loader pointed at an empty directory), how to get one. */
  @Test
  @EnabledOnOs(OS.LINUX)
  void devicesWithoutOpenClSaysHowToGetADevice() throws Exception {
    Path vendors = Files.createDirectory(dir.resolve("vendors"));
    ProcessBuilder pb = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "devices"));
    pb.environment().put("OCL_ICD_VENDORS", vendors.toString());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = read(p.getInputStream());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertTrue(out.contains("no OpenCL devices found"), out);
    assertTrue(out.contains("pocl-opencl-icd") && out.contains("--backend auto trains on ND4J"),
        out);
  }

  private static String read(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void evaluateReportsTheConfusionMatrixAndPerClassFigures() {
    Path model = dir.resolve("spam.json");
    assertEquals(0, Cli.run("train", "--data", "datasets/spambase.csv", "--target", "spam",
        "--loss", "logistic", "--l2", "0.01", "--backend", "reference", "--quiet", "--out",
        model.toString()).code());
    Cli r = Cli.run("evaluate", "--model", model.toString(), "--data", "datasets/spambase.csv");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("confusion matrix at threshold 0.5"), r.out());
    List<String> rows = r.out().lines().filter(l -> l.matches("[01] +\\d+ +\\d+")).toList();
    assertEquals(2, rows.size(), r.out());
    long[] c = rows.stream().flatMap(l -> java.util.Arrays.stream(l.trim().split(" +")).skip(1))
        .mapToLong(Long::parseLong).toArray();
    assertEquals(4601, c[0] + c[1] + c[2] + c[3]);
    assertEquals(1813, c[2] + c[3], "class 1's support");
    assertTrue(r.out().contains("accuracy: " + String.format(java.util.Locale.ROOT, "%.10f",
        (c[0] + c[3]) / 4601.0).substring(0, 10)), r.out());
    assertTrue(r.out().contains("weighted avg"), r.out());
    Cli strict = Cli.run("evaluate", "--model", model.toString(), "--data",
        "datasets/spambase.csv", "--threshold", "0.9");
    assertTrue(strict.out().contains("confusion matrix at threshold 0.9"), strict.out());
    assertEquals(2, Cli.run("evaluate", "--model", model.toString(), "--data",
        "datasets/spambase.csv", "--threshold", "1.5").code());
    Path linear = dir.resolve("dia.json");
    assertEquals(0, Cli.run("train", "--data", "datasets/diabetes.csv", "--target",
        "progression", "--loss", "linear", "--backend", "reference", "--quiet", "--out",
        linear.toString()).code());
    Cli reg = Cli.run("evaluate", "--model", linear.toString(), "--data",
        "datasets/diabetes.csv");
    assertTrue(reg.out().contains("mae: 43.27"), reg.out());
  }

  @Test
  void theOldNameOfLossStillWorksWithANotice() {
    Cli r = Cli.run("train", "--data", "datasets/diabetes.csv", "--target", "progression",
        "--model", "linear", "--backend", "reference", "--quiet");
    assertEquals(0, r.code(), r.err());
    assertEquals("descent: --model is deprecated for the kind of model; use --loss linear"
        + " (--model names a model file in predict and evaluate)", r.err().strip());
    Cli now = Cli.run("train", "--data", "datasets/diabetes.csv", "--target", "progression",
        "--loss", "linear", "--backend", "reference", "--quiet");
    assertEquals("", now.err());
  }

  @Test
  void trainDrawsItsHistoryAsAPicture() throws Exception {
    Path png = dir.resolve("history.png");
    Cli r = Cli.run("train", "--data", "datasets/spambase.csv", "--target", "spam", "--loss",
        "logistic", "--l2", "0.01", "--validation-fraction", "0.2", "--backend", "reference",
        "--quiet", "--plot", png.toString());
    assertEquals(0, r.code(), r.err());
    java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
    assertEquals(HistoryPlot.WIDTH, image.getWidth());
    assertEquals(HistoryPlot.HEIGHT, image.getHeight());
    // The three series' colours are drawn: objective (blue), gradient (orange), validation.
    java.util.Set<Integer> colours = new java.util.HashSet<>();
    for (int x = 0; x < image.getWidth(); x += 2) {
      for (int y = 0; y < image.getHeight(); y += 2) {
        colours.add(image.getRGB(x, y) & 0xffffff);
      }
    }
    assertTrue(colours.contains(0x0072b2) && colours.contains(0xd55e00)
        && colours.contains(0x009e73), "series colours missing");
    Cli same = Cli.run("train", "--data", "datasets/diabetes.csv", "--target", "progression",
        "--loss", "linear", "--plot", "datasets/diabetes.csv");
    assertEquals(2, same.code(), same.err());
  }
}

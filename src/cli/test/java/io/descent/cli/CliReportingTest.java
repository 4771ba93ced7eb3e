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
    List<io.descent.train.Progress> history = List.of(
        new io.descent.train.Progress(0, 0, 0.69, 0.5, 0.0, 0.0, Double.NaN),
        new io.descent.train.Progress(1, 0, 0.30, 0.05, 1.0, 0.1, Double.NaN));
    // A short title keeps its font and text.
    org.knowm.xchart.XYChart small = HistoryPlot.chart(history, "descent train: a.csv");
    java.awt.Font before = small.getStyler().getChartTitleFont();
    HistoryPlot.fitTitle(small);
    assertEquals(before, small.getStyler().getChartTitleFont());
    assertEquals("descent train: a.csv", small.getTitle());
    // A long one (a device's name) fits in a smaller font, whole, and is drawn within the image.
    String longer = "descent train: datasets/breast_cancer_wdbc.csv, lbfgs on opencl"
        + " (pthread-haswell-AMD EPYC 7B13 64-Core Processor, float32, cpu layout)";
    org.knowm.xchart.XYChart wide = HistoryPlot.chart(history, longer);
    HistoryPlot.fitTitle(wide);
    java.awt.Font font = wide.getStyler().getChartTitleFont();
    assertTrue(font.getSize() < before.getSize(), font.toString());
    assertEquals(longer, wide.getTitle());
    assertTitleInside(wide);
    // One that no readable font fits: its middle gives way to an ellipsis, both ends kept.
    String path = "descent train: /" + "a-very-long-directory-name/".repeat(12) + "data.csv"
        + ", lbfgs on reference (Java (host CPU), float64)";
    org.knowm.xchart.XYChart cut = HistoryPlot.chart(history, path);
    HistoryPlot.fitTitle(cut);
    String shown = cut.getTitle();
    assertEquals(HistoryPlot.MIN_TITLE_POINTS, cut.getStyler().getChartTitleFont().getSize());
    assertTrue(shown.contains("\u2026") && shown.startsWith("descent train: /a-very")
        && shown.endsWith("float64)"), shown);
    assertTitleInside(cut);
  }

  /**
   * The title's pixels (the band above the plot) keep clear of the image's last {@link
   * HistoryPlot#TITLE_MARGIN} / 2 columns on each side: none of it is cut off.
   */
  private static void assertTitleInside(org.knowm.xchart.XYChart chart) {
    java.awt.image.BufferedImage image = org.knowm.xchart.BitmapEncoder.getBufferedImage(chart);
    int band = chart.getStyler().getChartPadding() + 2 * chart.getStyler().getChartTitlePadding()
        + chart.getStyler().getChartTitleFont().getSize() + 4;
    int leftmost = image.getWidth();
    int rightmost = -1;
    for (int y = 0; y < band; y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int rgb = image.getRGB(x, y) & 0xffffff;
        if ((rgb & 0xff) + ((rgb >> 8) & 0xff) + ((rgb >> 16) & 0xff) < 3 * 160) {
          leftmost = Math.min(leftmost, x);
          rightmost = Math.max(rightmost, x);
        }
      }
    }
    assertTrue(rightmost > 0, "no title drawn");
    int clear = HistoryPlot.TITLE_MARGIN / 2;
    assertTrue(leftmost >= clear && rightmost < image.getWidth() - clear,
        chart.getTitle() + ": title pixels from " + leftmost + " to " + rightmost + " of "
            + image.getWidth());
  }

  /** {@code --version} prints the version on every command, as its help says it does. */
  @Test
  void everyCommandPrintsTheVersion() {
    String version = Cli.run("--version").out().strip();
    assertTrue(version.startsWith("descent "), version);
    for (Class<?> command : Main.SUBCOMMANDS) {
      picocli.CommandLine.Command c = command.getAnnotation(picocli.CommandLine.Command.class);
      if (command == picocli.CommandLine.HelpCommand.class) {
        continue;
      }
      Cli r = Cli.run(c.name(), "--version");
      assertEquals(0, r.code(), c.name() + ": " + r.err());
      assertEquals(version, r.out().strip(), c.name());
    }
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

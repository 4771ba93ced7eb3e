package io.descent.bench;

import io.descent.loss.Loss;
import io.descent.model.AtomicFile;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A bench report as a PNG chart: median seconds per evaluation against rows, both axes
 * logarithmic, one line per backend (device included for OpenCL) and loss, and per feature count
 * when the sweep has several. Failed rows are left out (the table and files say why).
 *
 * <p>Drawn by XChart with AWT in headless mode: {@code java.awt.headless} is set to true before
 * the first chart unless it was set already, so no display is needed.
 */
public final class BenchPlot {
  /** Width of the image in pixels. */
  public static final int WIDTH = 1000;
  /** Height of the image in pixels. */
  public static final int HEIGHT = 650;

  /** Colours that stay apart for the colour-blind (Okabe and Ito's palette). */
  private static final Color[] PALETTE = {
    new Color(0, 114, 178), new Color(213, 94, 0), new Color(0, 158, 115),
    new Color(204, 121, 167), new Color(230, 159, 0), new Color(86, 180, 233),
    new Color(0, 0, 0), new Color(240, 228, 66)
  };

  private BenchPlot() {}

  /** Writes the chart as a PNG to {@code file} atomically (a temporary file, then a move). */
  public static void write(Path file, BenchReport report) throws IOException {
    AtomicFile.write(file, png(report));
  }

  /** The chart as PNG bytes. */
  public static byte[] png(BenchReport report) throws IOException {
    return BitmapEncoder.getBitmapBytes(chart(report), BitmapEncoder.BitmapFormat.PNG);
  }

  /** The chart itself. */
  static XYChart chart(BenchReport report) {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    boolean severalWidths = report.config().features().size() > 1;
    Map<String, List<EvaluationRow>> series = new LinkedHashMap<>();
    for (EvaluationRow r : report.evaluations()) {
      if (!r.ok()) {
        continue;
      }
      String name = r.target() + (r.target().startsWith("opencl") ? " " + r.backend().device()
          : "") + " " + r.loss().label() + (severalWidths ? ", d=" + r.features() : "");
      series.computeIfAbsent(name, k -> new ArrayList<>()).add(r);
    }
    String widths = report.config().features().size() == 1
        ? "d = " + report.config().features().get(0) : "d as labelled";
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
        .title("descent bench: time per loss-and-gradient evaluation (" + widths + ", median of "
            + report.config().repeats() + ")")
        .xAxisTitle("rows").yAxisTitle("seconds per evaluation").build();
    XYStyler style = chart.getStyler();
    style.setXAxisLogarithmic(true);
    style.setYAxisLogarithmic(true);
    style.setXAxisDecimalPattern("0.##E0");
    style.setYAxisDecimalPattern("0.##E0");
    style.setLegendPosition(Styler.LegendPosition.InsideNW);
    style.setChartBackgroundColor(Color.WHITE);
    style.setPlotGridLinesVisible(true);
    Map<String, Integer> colors = new LinkedHashMap<>();
    for (Map.Entry<String, List<EvaluationRow>> e : series.entrySet()) {
      List<EvaluationRow> points = new ArrayList<>(e.getValue());
      points.sort(Comparator.comparingInt(EvaluationRow::rows));
      double[] x = new double[points.size()];
      double[] y = new double[points.size()];
      for (int k = 0; k < x.length; k++) {
        x[k] = points.get(k).rows();
        y[k] = points.get(k).seconds().median();
      }
      EvaluationRow first = points.get(0);
      Color color = PALETTE[colors.computeIfAbsent(first.target(), k -> colors.size())
          % PALETTE.length];
      XYSeries line = chart.addSeries(e.getKey(), x, y);
      line.setLineColor(color);
      line.setMarkerColor(color);
      // One colour per backend; the loss in the line's style, so pairs read at a glance.
      boolean linear = first.loss() == Loss.LINEAR;
      line.setLineStyle(linear ? SeriesLines.SOLID : SeriesLines.DASH_DASH);
      line.setMarker(linear ? SeriesMarkers.CIRCLE : SeriesMarkers.DIAMOND);
    }
    if (series.isEmpty()) {
      // XChart cannot scale empty log axes; an honest empty chart says so in its title.
      chart.setTitle("descent bench: no backend was measured (see the table for the reasons)");
      style.setXAxisLogarithmic(false);
      style.setYAxisLogarithmic(false);
      style.setLegendVisible(false);
    }
    return chart;
  }
}

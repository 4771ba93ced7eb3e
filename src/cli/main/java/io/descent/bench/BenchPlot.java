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
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A bench report as a PNG chart: median seconds per evaluation against rows, both axes
 * logarithmic and starting and ending on powers of ten (so each has labelled ticks whatever the
 * sweep), one line per backend (device included for OpenCL) and loss, and per feature count when
 * the sweep has several. Each backend has its colour; each feature count and loss its marker, the
 * loss also its line style (solid linear, dashed logistic); no two lines share colour and marker
 * (past 8 markers, further colours). Failed rows are left out (the table and files say why).
 *
 * <p>Drawn by XChart with AWT in headless mode: {@code java.awt.headless} is set to true before
 * the first chart unless it was set already, so no display is needed.
 */
public final class BenchPlot {
  /** Width of the image in pixels (the plot's 1000 and its legend's beside it). */
  public static final int WIDTH = 1300;
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

  /** Markers, each a distinct shape; a series' marker comes from its d and loss. */
  private static final Marker[] MARKERS = {
    SeriesMarkers.CIRCLE, SeriesMarkers.DIAMOND, SeriesMarkers.SQUARE, SeriesMarkers.TRIANGLE_UP,
    SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS, SeriesMarkers.PLUS, SeriesMarkers.TRAPEZOID
  };

  /** The chart itself. */
  static XYChart chart(BenchReport report) {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    boolean severalWidths = report.config().features().size() > 1;
    Map<String, List<EvaluationRow>> series = new LinkedHashMap<>();
    List<String> targets = new ArrayList<>();
    for (EvaluationRow r : report.evaluations()) {
      if (!r.ok()) {
        continue;
      }
      String name = r.target() + (r.target().startsWith("opencl") ? " " + r.backend().device()
          : "") + " " + r.loss().label() + (severalWidths ? ", d=" + r.features() : "");
      series.computeIfAbsent(name, k -> new ArrayList<>()).add(r);
      if (!targets.contains(r.target())) {
        targets.add(r.target());
      }
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
    // Beside the plot: inside its corner the legend covered the smallest rows' points.
    style.setLegendPosition(Styler.LegendPosition.OutsideE);
    style.setChartBackgroundColor(Color.WHITE);
    style.setPlotGridLinesVisible(true);
    List<Integer> featureCounts = report.config().features();
    List<Loss> losses = report.config().losses();
    List<Color> colors = colors(targets.size() * (1 + featureCounts.size() * losses.size()
        / MARKERS.length));
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = 0;
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = 0;
    for (Map.Entry<String, List<EvaluationRow>> e : series.entrySet()) {
      List<EvaluationRow> points = new ArrayList<>(e.getValue());
      points.sort(Comparator.comparingInt(EvaluationRow::rows));
      double[] x = new double[points.size()];
      double[] y = new double[points.size()];
      for (int k = 0; k < x.length; k++) {
        x[k] = points.get(k).rows();
        y[k] = points.get(k).seconds().median();
        xMin = Math.min(xMin, x[k]);
        xMax = Math.max(xMax, x[k]);
        yMin = Math.min(yMin, y[k]);
        yMax = Math.max(yMax, y[k]);
      }
      EvaluationRow first = points.get(0);
      // A slot per (d, loss) picks the marker; the target picks the colour, and slots beyond
      // the markers move to further colours, so no two series share colour and marker.
      int loss = losses.indexOf(first.loss());
      int slot = featureCounts.indexOf(first.features()) * losses.size() + loss;
      Color color = colors.get(targets.indexOf(first.target())
          + targets.size() * (slot / MARKERS.length));
      XYSeries line = chart.addSeries(e.getKey(), x, y);
      line.setLineColor(color);
      line.setMarkerColor(color);
      line.setMarker(MARKERS[slot % MARKERS.length]);
      // The loss also in the line's style, so the pairs read at a glance.
      line.setLineStyle(loss % 2 == 0 ? SeriesLines.SOLID : SeriesLines.DASH_DASH);
    }
    if (series.isEmpty()) {
      // XChart cannot scale empty log axes; an honest empty chart says so in its title.
      chart.setTitle("descent bench: no backend was measured (see the table for the reasons)");
      style.setXAxisLogarithmic(false);
      style.setYAxisLogarithmic(false);
      style.setLegendVisible(false);
    } else {
      // XChart labels a log axis at powers of ten: start and end each axis on one, so that any
      // sweep (2000 to 4000 rows, or a single size) has at least two labelled ticks. An axis of
      // one decade also labels 2, 3, ... 9 times its start; on a longer one they would overlap.
      double x0 = decadeAtOrBelow(xMin);
      double x1 = decadeAbove(xMin, xMax);
      double y0 = decadeAtOrBelow(yMin);
      double y1 = decadeAbove(yMin, yMax);
      style.setXAxisMin(x0);
      style.setXAxisMax(x1);
      style.setXAxisLogarithmicDecadeOnly(x1 > 10.5 * x0);
      style.setYAxisMin(y0);
      style.setYAxisMax(y1);
      style.setYAxisLogarithmicDecadeOnly(y1 > 10.5 * y0);
    }
    return chart;
  }

  /** The largest power of ten at or below v (v > 0). */
  static double decadeAtOrBelow(double v) {
    return Math.pow(10, Math.floor(Math.log10(v)));
  }

  /** The smallest power of ten at or above max, and above {@link #decadeAtOrBelow}(min). */
  static double decadeAbove(double min, double max) {
    double top = Math.pow(10, Math.ceil(Math.log10(max)));
    return top > decadeAtOrBelow(min) ? top : top * 10;
  }

  /**
   * {@code count} distinct colours: Okabe and Ito's palette, then hues a golden angle apart at
   * two brightnesses, skipping any that repeats one before.
   */
  static List<Color> colors(int count) {
    List<Color> out = new ArrayList<>(List.of(PALETTE));
    for (int k = 0; out.size() < count; k++) {
      Color c = Color.getHSBColor((float) ((k * 0.6180339887498949) % 1.0), 0.85f,
          k % 2 == 0 ? 0.75f : 0.5f);
      if (!out.contains(c)) {
        out.add(c);
      }
    }
    return out;
  }
}

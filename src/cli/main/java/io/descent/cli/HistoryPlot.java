package io.descent.cli;

import io.descent.model.AtomicFile;
import io.descent.train.Progress;
import java.awt.Color;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A fit's history as a PNG: the training objective, its gradient norm and, with a validation
 * split, the validation loss, per iteration (full batch) or epoch (mini-batch), on a logarithmic
 * axis where every value is positive. Drawn by XChart in headless AWT, written atomically.
 */
final class HistoryPlot {
  static final int WIDTH = 900;
  static final int HEIGHT = 560;

  private HistoryPlot() {}

  /** Writes the chart of {@code history} to {@code file} (a temporary file, then a move). */
  static void write(Path file, List<Progress> history, String title) throws IOException {
    XYChart chart = chart(history, title);
    fitTitle(chart);
    AtomicFile.write(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
  }

  /** The smallest title font, in points, before a title too wide is cut in its middle. */
  static final int MIN_TITLE_POINTS = 9;
  /** Pixels kept free on each side of the title. */
  static final int TITLE_MARGIN = 12;

  /**
   * Makes the chart's title fit its width (a long data path, a device's name): a smaller font,
   * down to {@link #MIN_TITLE_POINTS}, then the middle of the text replaced by an ellipsis.
   * XChart centres the title over the plot, which starts right of the y axis, so the room is
   * what the right half of that centring leaves: the chart is laid out once (painted into a
   * throwaway image) to learn the y axis' width, and each text is measured as XChart draws it
   * (a {@link TextLayout}'s bounds, antialiased).
   */
  static void fitTitle(XYChart chart) {
    Styler style = chart.getStyler();
    java.awt.Font font = style.getChartTitleFont();
    java.awt.image.BufferedImage probe = new java.awt.image.BufferedImage(chart.getWidth(),
        chart.getHeight(), java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = probe.createGraphics();
    try {
      chart.paint(g, chart.getWidth(), chart.getHeight());
      double room = titleRoom(chart);
      String title = chart.getTitle();
      while (titleWidth(title, font) > room && font.getSize() > MIN_TITLE_POINTS) {
        font = font.deriveFont((float) font.getSize() - 1);
      }
      int keep = title.length();
      String shown = title;
      while (titleWidth(shown, font) > room && keep > 2) {
        keep--;
        shown = title.substring(0, keep / 2) + "\u2026"
            + title.substring(title.length() - (keep - keep / 2));
      }
      style.setChartTitleFont(font);
      chart.setTitle(shown);
    } finally {
      g.dispose();
    }
  }

  /**
   * The widest title that, centred over the plot of a laid-out chart, keeps {@link
   * #TITLE_MARGIN} pixels from the chart's right edge: the plot spans from past the y axis (and
   * the chart's padding on both sides of it) to the chart's padding on the right.
   */
  static double titleRoom(XYChart chart) {
    int padding = chart.getStyler().getChartPadding();
    double plotLeft = 2 * padding + chart.getYAxisLeftWidth();
    double plotRight = chart.getWidth() - padding;
    double centre = (plotLeft + plotRight) / 2;
    return 2 * (chart.getWidth() - TITLE_MARGIN - centre);
  }

  /** The width of {@code text} in {@code font} as XChart draws a title. */
  static double titleWidth(String text, java.awt.Font font) {
    return new TextLayout(text, font, new FontRenderContext(null, true, false)).getBounds()
        .getWidth();
  }

  static XYChart chart(List<Progress> history, String title) {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    boolean epochs = !history.isEmpty() && history.get(history.size() - 1).epoch() > 0;
    int n = history.size();
    double[] x = new double[n];
    double[] objective = new double[n];
    double[] gradient = new double[n];
    double[] validation = new double[n];
    boolean positive = true;
    boolean validated = false;
    for (int k = 0; k < n; k++) {
      Progress p = history.get(k);
      x[k] = epochs ? p.epoch() : p.iteration();
      objective[k] = p.objective();
      gradient[k] = p.gradientNorm();
      validation[k] = p.validationLoss();
      validated |= !Double.isNaN(p.validationLoss());
      positive &= p.objective() > 0 && p.gradientNorm() > 0
          && (Double.isNaN(p.validationLoss()) || p.validationLoss() > 0);
    }
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle(epochs ? "epoch" : "iteration").yAxisTitle("objective, gradient norm")
        .build();
    Styler style = chart.getStyler();
    chart.getStyler().setYAxisLogarithmic(positive && n > 0);
    chart.getStyler().setYAxisDecimalPattern("0.##E0");
    style.setLegendPosition(Styler.LegendPosition.InsideNE);
    style.setChartBackgroundColor(Color.WHITE);
    if (n == 0) {
      chart.setTitle(title + " (no iterations recorded)");
      style.setLegendVisible(false);
      return chart;
    }
    add(chart, "training objective", x, objective, new Color(0, 114, 178));
    add(chart, "gradient norm", x, gradient, new Color(213, 94, 0));
    if (validated) {
      add(chart, "validation loss", x, validation, new Color(0, 158, 115));
    }
    return chart;
  }

  private static void add(XYChart chart, String name, double[] x, double[] y, Color color) {
    XYSeries s = chart.addSeries(name, x, y);
    s.setLineColor(color);
    s.setMarkerColor(color);
    s.setMarker(x.length > 60 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
  }
}

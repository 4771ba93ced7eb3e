package io.descent.cli;

import io.descent.model.AtomicFile;
import io.descent.train.Progress;
import java.awt.Color;
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
    AtomicFile.write(file, BitmapEncoder.getBitmapBytes(chart(history, title),
        BitmapEncoder.BitmapFormat.PNG));
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

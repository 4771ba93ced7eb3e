package io.descent.cli;

import io.descent.model.AtomicFile;
import io.descent.train.RegularizationPath;
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
 * A regularization path as a PNG: every coefficient (intercepts left out; on the standardized
 * features, or on the raw ones where the path was fitted on them) against log10 of the penalty,
 * as glmnet's plot draws it, the largest penalty on the right. Drawn by XChart in headless AWT,
 * as {@link HistoryPlot}, written atomically.
 */
final class PathPlot {
  /** Legends beyond this many coefficients would hide the chart: none then. */
  static final int MAX_LEGEND = 20;

  private PathPlot() {}

  /** Writes the chart to {@code file} (a temporary file, then a move). */
  static void write(Path file, RegularizationPath.Result r, List<String> names, String title)
      throws IOException {
    XYChart chart = chart(r, names, title);
    HistoryPlot.fitTitle(chart);
    AtomicFile.write(file, BitmapEncoder.getBitmapBytes(chart,
        BitmapEncoder.BitmapFormat.PNG));
  }

  /**
   * The chart: one series per weight column of {@code names} (which lists the intercepts first,
   * one per class, then the weights in the order of {@link PathCommand#coefficients}).
   */
  static XYChart chart(RegularizationPath.Result r, List<String> names, String title) {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
    List<RegularizationPath.Step> steps = r.steps();
    int n = steps.size();
    int classes = Math.max(1, r.classes().size());
    double[] x = new double[n];
    for (int k = 0; k < n; k++) {
      x[k] = Math.log10(steps.get(k).penalty());
    }
    XYChart chart = new XYChartBuilder().width(HistoryPlot.WIDTH).height(HistoryPlot.HEIGHT)
        .title(title).xAxisTitle("log10(penalty)")
        .yAxisTitle(PathCommand.featureSpace(r).equals("raw") ? "coefficient"
            : "standardized coefficient")
        .build();
    Styler style = chart.getStyler();
    style.setChartBackgroundColor(Color.WHITE);
    style.setLegendPosition(Styler.LegendPosition.OutsideE);
    int p = names.size() / classes;
    int weights = names.size() - classes;
    style.setLegendVisible(weights <= MAX_LEGEND);
    if (n == 0 || weights == 0 || n == 1 && steps.get(0).penalty() <= 0) {
      chart.setTitle(title + " (nothing to draw)");
      style.setLegendVisible(false);
      return chart;
    }
    for (int j = classes; j < names.size(); j++) {
      double[] y = new double[n];
      for (int k = 0; k < n; k++) {
        y[k] = PathCommand.coefficients(steps.get(k).theta(), r.classes().size(), p)[j];
      }
      XYSeries s = chart.addSeries(names.get(j), x, y);
      s.setMarker(n > 60 ? SeriesMarkers.NONE : SeriesMarkers.CIRCLE);
    }
    return chart;
  }
}

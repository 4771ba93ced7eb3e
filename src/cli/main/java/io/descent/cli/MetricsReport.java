package io.descent.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.descent.model.ClassificationMetrics;
import io.descent.model.ConfusionMatrix;
import io.descent.model.LinearModel;
import io.descent.model.ModelMetrics;
import io.descent.model.MulticlassConfusion;
import io.descent.model.MulticlassMetrics;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A model's metrics on some rows as {@code evaluate} and {@code train --test-fraction} show them:
 * the headline figures (MSE, RMSE, R2, MAE; or log loss, accuracy, ROC AUC) by the names of
 * {@link ModelMetrics#values()}, and for a logistic model the confusion matrix and the per-class
 * table; as text or as JSON.
 */
final class MetricsReport {
  private final ModelMetrics metrics;
  private final String[] labels;

  /** The metrics of {@code model} (whose class labels the report names). */
  MetricsReport(ModelMetrics metrics, LinearModel model) {
    this.metrics = metrics;
    int c = model.classCount();
    this.labels = c == 0 ? null : new String[c];
    for (int k = 0; k < c; k++) {
      labels[k] = model.label(k);
    }
  }

  /** {@code name: value} a line, then the confusion matrix and per-class table (evaluate). */
  void print(PrintWriter out) {
    out.printf(Locale.ROOT, "rows: %d%n", metrics.rows());
    headline().forEach((name, value) -> out.printf(Locale.ROOT, "%s: %.10g%n", name, value));
    ConfusionMatrix confusion = confusion();
    if (confusion != null) {
      out.print(confusion.report(shown(labels[0]), shown(labels[1])));
    }
    if (metrics instanceof MulticlassMetrics m) {
      out.print(m.confusion().report(java.util.Arrays.stream(labels).map(MetricsReport::shown)
          .toList()));
    }
  }

  /** A label as the text tables show it: line breaks and tabs as \n, \r and \t (one row). */
  static String shown(String label) {
    return label.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
  }

  /**
   * Labels as a list on one line: each {@link #shown}, and one holding a comma or a quote in
   * quotes as CSV quotes it ({@code "a,b"}), so that the commas between them are the list's.
   */
  static String listed(java.util.List<String> labels) {
    StringJoiner all = new StringJoiner(", ");
    for (String label : labels) {
      String text = shown(label);
      all.add(text.contains(",") || text.contains("\"") ? "\"" + text.replace("\"", "\"\"")
          + "\"" : text);
    }
    return all.toString();
  }

  /** {@code WHAT (N rows): name value, ...} on one line (train's figures per set of rows). */
  String line(String what) {
    StringJoiner figures = new StringJoiner(", ");
    headline().forEach((name, value) -> figures.add(String.format(Locale.ROOT, "%s %.7g", name,
        value)));
    return what + " (" + metrics.rows() + " rows): " + figures;
  }

  /**
   * Every figure: {@code rows}, the headline figures by name, and for a logistic model
   * {@code threshold}, {@code confusionMatrix} (the four counts), {@code classes} (label,
   * precision, recall, f1, support each), {@code macroAverage} and {@code weightedAverage}.
   */
  ObjectNode json() {
    ObjectNode node = JsonReport.object();
    node.put("rows", metrics.rows());
    headline().forEach(node::put);
    ConfusionMatrix confusion = confusion();
    if (confusion != null) {
      node.put("threshold", confusion.threshold());
      ObjectNode counts = node.putObject("confusionMatrix");
      counts.put("trueNegatives", confusion.trueNegatives());
      counts.put("falsePositives", confusion.falsePositives());
      counts.put("falseNegatives", confusion.falseNegatives());
      counts.put("truePositives", confusion.truePositives());
      ArrayNode classes = node.putArray("classes");
      for (int c = 0; c <= 1; c++) {
        ObjectNode row = classes.addObject();
        row.put("class", c);
        row.put("label", labels[c]);
        figures(row, confusion.precision(c), confusion.recall(c), confusion.f1(c),
            confusion.support(c));
      }
      average(node.putObject("macroAverage"), confusion.macroAverage());
      average(node.putObject("weightedAverage"), confusion.weightedAverage());
    }
    if (metrics instanceof MulticlassMetrics m) {
      MulticlassConfusion mc = m.confusion();
      ObjectNode matrix = node.putObject("confusionMatrix");
      ArrayNode names = matrix.putArray("labels");
      ArrayNode counts = matrix.putArray("counts");
      ArrayNode classes = node.putArray("classes");
      for (int t = 0; t < mc.classes(); t++) {
        names.add(labels[t]);
        ArrayNode row = counts.addArray();
        for (int p = 0; p < mc.classes(); p++) {
          row.add(mc.count(t, p));
        }
        ObjectNode c = classes.addObject();
        c.put("class", t);
        c.put("label", labels[t]);
        figures(c, mc.precision(t), mc.recall(t), mc.f1(t), mc.support(t));
      }
      average(node.putObject("macroAverage"), mc.macroAverage());
      average(node.putObject("weightedAverage"), mc.weightedAverage());
    }
    return node;
  }

  private static void average(ObjectNode node, ConfusionMatrix.Average a) {
    figures(node, a.precision(), a.recall(), a.f1(), a.support());
  }

  private static void figures(ObjectNode node, double precision, double recall, double f1,
      long support) {
    node.put("precision", precision);
    node.put("recall", recall);
    node.put("f1", f1);
    node.put("support", support);
  }

  /** The figures but the per-class ones, which the confusion matrix's table shows. */
  private Map<String, Double> headline() {
    Map<String, Double> values = new LinkedHashMap<>(metrics.values());
    values.keySet().removeIf(name -> name.matches("(precision|recall|f1|support)_[0-9]+"));
    return values;
  }

  private ConfusionMatrix confusion() {
    return metrics instanceof ClassificationMetrics c ? c.confusion() : null;
  }
}

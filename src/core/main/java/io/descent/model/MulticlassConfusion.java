package io.descent.model;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The counts of a multiclass classifier's decisions, {@code counts[t][p]} rows of true class t
 * predicted as p, and the per-class precision, recall, F1 and support derived from them, as
 * scikit-learn's {@code confusion_matrix} and {@code classification_report} give them.
 */
public final class MulticlassConfusion {
  private final long[][] counts;

  /**
   * @param counts C x C counts, rows the true classes, columns the predicted ones; copied
   * @throws IllegalArgumentException when the matrix is not square or a count is negative
   */
  public MulticlassConfusion(long[][] counts) {
    this.counts = new long[counts.length][];
    for (int t = 0; t < counts.length; t++) {
      if (counts[t].length != counts.length) {
        throw new IllegalArgumentException("a confusion matrix is square, row " + t + " has "
            + counts[t].length + " counts for " + counts.length + " classes");
      }
      for (long v : counts[t]) {
        if (v < 0) {
          throw new IllegalArgumentException("counts must be >= 0, got " + v);
        }
      }
      this.counts[t] = counts[t].clone();
    }
  }

  /** C, the number of classes. */
  public int classes() {
    return counts.length;
  }

  /** Rows of true class t predicted as p. */
  public long count(int t, int p) {
    return counts[t][p];
  }

  /** Rows whose true class is {@code cls}. */
  public long support(int cls) {
    return Arrays.stream(counts[cls]).sum();
  }

  /** Rows predicted as {@code cls}. */
  public long predicted(int cls) {
    long s = 0;
    for (long[] row : counts) {
      s += row[cls];
    }
    return s;
  }

  /**
   * Of the rows predicted as {@code cls}, the share that are; 0 when none was but the class has
   * rows, NaN when neither (see {@link ClassFigures}).
   */
  public double precision(int cls) {
    return ClassFigures.precision(counts[cls][cls], predicted(cls), support(cls));
  }

  /**
   * Of the rows of class {@code cls}, the share predicted so; 0 when there are none but some
   * were predicted so, NaN when neither.
   */
  public double recall(int cls) {
    return ClassFigures.recall(counts[cls][cls], predicted(cls), support(cls));
  }

  /** The harmonic mean of precision and recall; 0 when both are 0, NaN when either is NaN. */
  public double f1(int cls) {
    return ClassFigures.f1(precision(cls), recall(cls));
  }

  /** All rows. */
  public long total() {
    long s = 0;
    for (int c = 0; c < counts.length; c++) {
      s += support(c);
    }
    return s;
  }

  /** The share of all rows predicted as their own class. */
  public double accuracy() {
    long correct = 0;
    for (int c = 0; c < counts.length; c++) {
      correct += counts[c][c];
    }
    return ratio(correct, total());
  }

  /**
   * The per-class figures' plain mean over the classes among the true or the predicted ones
   * ("macro avg", as scikit-learn's {@code classification_report}: a class of the model that
   * neither has rows nor was predicted is left out).
   */
  public ConfusionMatrix.Average macroAverage() {
    return average("macro avg", false);
  }

  /** The per-class figures' mean weighted by each class's support ("weighted avg"). */
  public ConfusionMatrix.Average weightedAverage() {
    return average("weighted avg", true);
  }

  private ConfusionMatrix.Average average(String name, boolean weighted) {
    long[] correct = new long[counts.length];
    long[] predicted = new long[counts.length];
    long[] support = new long[counts.length];
    for (int c = 0; c < counts.length; c++) {
      correct[c] = counts[c][c];
      predicted[c] = predicted(c);
      support[c] = support(c);
    }
    return ClassFigures.average(name, weighted, correct, predicted, support);
  }

  private static double ratio(long a, long b) {
    return b == 0 ? Double.NaN : (double) a / b;
  }

  /** The matrix and the per-class table, for people, naming the classes by their labels. */
  public String report(List<String> labels) {
    int w = 12;
    for (String l : labels) {
      w = Math.max(w, l.length() + 2);
    }
    int cw = 10;
    for (String l : labels) {
      cw = Math.max(cw, l.length() + 1);
    }
    StringBuilder s = new StringBuilder();
    s.append("confusion matrix (rows: true class, columns: predicted):\n");
    s.append(String.format(Locale.ROOT, "%-" + w + "s", ""));
    for (String l : labels) {
      s.append(String.format(Locale.ROOT, " %" + cw + "s", l));
    }
    s.append('\n');
    for (int t = 0; t < counts.length; t++) {
      s.append(String.format(Locale.ROOT, "%-" + w + "s", labels.get(t)));
      for (int p = 0; p < counts.length; p++) {
        s.append(String.format(Locale.ROOT, " %" + cw + "d", counts[t][p]));
      }
      s.append('\n');
    }
    s.append(String.format(Locale.ROOT, "%-" + w + "s %10s %10s %10s %10s%n", "class",
        "precision", "recall", "f1-score", "support"));
    for (int c = 0; c < counts.length; c++) {
      s.append(String.format(Locale.ROOT, "%-" + w + "s %10.4f %10.4f %10.4f %10d%n",
          labels.get(c), precision(c), recall(c), f1(c), support(c)));
    }
    for (ConfusionMatrix.Average a : List.of(macroAverage(), weightedAverage())) {
      s.append(String.format(Locale.ROOT, "%-" + w + "s %10.4f %10.4f %10.4f %10d%n",
          a.name(), a.precision(), a.recall(), a.f1(), a.support()));
    }
    return s.toString();
  }
}

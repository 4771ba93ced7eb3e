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

  /** Of the rows predicted as {@code cls}, the share that are; NaN when none was. */
  public double precision(int cls) {
    return ratio(counts[cls][cls], predicted(cls));
  }

  /** Of the rows of class {@code cls}, the share predicted so; NaN when there are none. */
  public double recall(int cls) {
    return ratio(counts[cls][cls], support(cls));
  }

  /** The harmonic mean of precision and recall; NaN when either is, 0 when both are 0. */
  public double f1(int cls) {
    double p = precision(cls);
    double r = recall(cls);
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
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
   * The per-class figures' plain mean over the classes with rows ("macro avg"; a class without
   * rows in the data, whose recall is NaN, is left out, as it has no support).
   */
  public ConfusionMatrix.Average macroAverage() {
    double p = 0;
    double r = 0;
    double f = 0;
    int n = 0;
    for (int c = 0; c < counts.length; c++) {
      if (support(c) > 0) {
        p += precision(c);
        r += recall(c);
        f += f1(c);
        n++;
      }
    }
    return new ConfusionMatrix.Average("macro avg", p / n, r / n, f / n, total());
  }

  /** The per-class figures' mean weighted by each class's support ("weighted avg"). */
  public ConfusionMatrix.Average weightedAverage() {
    double p = 0;
    double r = 0;
    double f = 0;
    for (int c = 0; c < counts.length; c++) {
      long s = support(c);
      if (s > 0) {
        p += s * precision(c);
        r += s * recall(c);
        f += s * f1(c);
      }
    }
    long n = total();
    return new ConfusionMatrix.Average("weighted avg", p / n, r / n, f / n, n);
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

package io.descent.data;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The original labels of a class target with C >= 2 classes, in the stable order that gives each
 * its class index 0..C-1: when every label is a number, in numeric order ("2" before "10");
 * otherwise in the sorted order of their text ({@link String#compareTo}, by UTF-16 code unit, so
 * "Setosa" before "setosa"). The order depends only on the set of labels, never on the order of
 * the rows, so a model trained on any sample of the same classes numbers them the same way.
 *
 * <p>Labels are kept as {@link CsvReader} spells them: numbers in canonical form ({@code 1},
 * {@code 1.0} and {@code 1e0} are the label "1"; {@code 2.5} is "2.5"), true and false in lower
 * case, other text as written (stripped of surrounding spaces).
 *
 * @param labels the labels in class order, distinct and not blank (copied)
 */
public record ClassLabels(List<String> labels) {
  /** The most classes a target may have: more are far likelier a numeric column by mistake. */
  public static final int MAX_CLASSES = 1000;

  /**
   * Checks the labels are distinct, not blank, at least two and at most {@link #MAX_CLASSES}
   * (as the CSV reader counts them: labels given in arrays met no cap, and a multinomial
   * OpenCL fit of 1,500 classes ended the JVM), in the stable order.
   */
  public ClassLabels {
    labels = List.copyOf(labels);
    if (labels.size() < 2) {
      throw new IllegalArgumentException("a class target needs at least two classes, got "
          + labels);
    }
    if (labels.size() > MAX_CLASSES) {
      throw new IllegalArgumentException("a class target has at most " + MAX_CLASSES
          + " classes, got " + labels.size() + " (so many labels are far likelier a numeric"
          + " target: fit it as a linear model)");
    }
    Set<String> seen = new HashSet<>();
    for (String l : labels) {
      if (l.isBlank()) {
        throw new IllegalArgumentException("a class label must not be blank");
      }
      if (!seen.add(l)) {
        throw new IllegalArgumentException("class label \"" + l + "\" appears twice");
      }
    }
    if (!labels.equals(sorted(labels))) {
      throw new IllegalArgumentException("class labels must be in numeric order when all are"
          + " numbers, else in text order: " + labels + " should be " + sorted(labels));
    }
  }

  /** The labels of any set of distinct labels, put in the stable order. */
  public static ClassLabels of(List<String> labels) {
    return new ClassLabels(sorted(labels));
  }

  /** The labels "0" .. "C-1" of a target already coded as class indices. */
  public static ClassLabels indices(int classes) {
    List<String> l = new ArrayList<>(classes);
    for (int c = 0; c < classes; c++) {
      l.add(Integer.toString(c));
    }
    return new ClassLabels(l);
  }

  /** Whether every label is a number, so that the order is numeric. */
  public boolean numeric() {
    return labels.stream().allMatch(ClassLabels::isNumber);
  }

  /** C, the number of classes. */
  public int size() {
    return labels.size();
  }

  /** The label of class index {@code cls} (0-based). */
  public String label(int cls) {
    return labels.get(cls);
  }

  /** The class index of a label as spelled here, or -1. */
  public int indexOf(String label) {
    return labels.indexOf(label);
  }

  /** The labels in the stable order: numeric when all are numbers, else by text. */
  static List<String> sorted(List<String> labels) {
    List<String> l = new ArrayList<>(labels);
    if (l.stream().allMatch(ClassLabels::isNumber)) {
      l.sort(Comparator.comparing(BigDecimal::new));
    } else {
      l.sort(Comparator.naturalOrder());
    }
    return l;
  }

  private static boolean isNumber(String s) {
    Objects.requireNonNull(s, "label");
    try {
      new BigDecimal(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** For people: {@code ["setosa", "versicolor", "virginica"]}. */
  @Override
  public String toString() {
    return labels.toString();
  }
}

package io.descent.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Weights per class of a classification target, which multiply the rows' own weights: either
 * {@link #balanced()} (scikit-learn's {@code class_weight='balanced'}: a row of class c weighs
 * {@code n / (K n_c)}, with n rows, K classes and n_c rows of class c, rows of weight 0 not
 * counted (as rows absent from the data), so that every class weighs the same in total and the
 * weights sum to n), or a weight per label ({@link #of}), the
 * labels written as in the data; a class not named weighs 1.
 *
 * <p>Labels are matched as the data's labels are kept ({@link BinaryLabels}): as written, or,
 * for a number, in the canonical form the CSV reader gives it ({@code 1.0} and {@code 1e0} are
 * the label {@code 1}), and {@code TRUE} is {@code true}.
 *
 * <p>Immutable. Usage: {@code Descent.logistic().classWeights(ClassWeights.balanced())}, or
 * {@code ClassWeights.parse("1=3").applyTo(data)} (the rows of label 1, such as spambase's spam
 * rows, weigh 3 each).
 */
public final class ClassWeights {
  /** The text of {@link #balanced()} for {@link #parse}. */
  public static final String BALANCED = "balanced";

  /** Null for balanced: the weights then come from each dataset's class counts. */
  private final Map<String, Double> byLabel;

  private ClassWeights(Map<String, Double> byLabel) {
    this.byLabel = byLabel;
  }

  /** Every class weighs the same in total: a row of class c weighs {@code n / (K n_c)}. */
  public static ClassWeights balanced() {
    return new ClassWeights(null);
  }

  /**
   * A weight per label; labels not named weigh 1.
   *
   * @param weights label to weight, each finite and {@code >= 0}, at least one label
   * @throws IllegalArgumentException naming the label whose weight is not allowed
   */
  public static ClassWeights of(Map<String, Double> weights) {
    if (weights.isEmpty()) {
      throw new IllegalArgumentException("class weights name no class");
    }
    Map<String, Double> copy = new LinkedHashMap<>();
    weights.forEach((label, w) -> {
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(w, "weight");
      if (label.isBlank()) {
        throw new IllegalArgumentException("a class weight names an empty label");
      }
      if (!(w >= 0) || !Double.isFinite(w)) {
        throw new IllegalArgumentException("the weight of class \"" + label + "\" is " + w
            + ": class weights must be finite and >= 0");
      }
      copy.put(label.strip(), w);
    });
    return new ClassWeights(Collections.unmodifiableMap(copy));
  }

  /**
   * Class weights from text: {@value #BALANCED}, or {@code LABEL=WEIGHT} pairs separated by
   * commas ({@code spam=3,ham=1}); a label may itself hold {@code =}, the weight follows the
   * last one.
   *
   * @throws IllegalArgumentException saying what is wrong with the text
   */
  public static ClassWeights parse(String text) {
    String t = java.util.Objects.requireNonNull(text, "text").strip();
    if (t.equalsIgnoreCase(BALANCED)) {
      return balanced();
    }
    Map<String, Double> weights = new LinkedHashMap<>();
    for (String pair : t.split(",", -1)) {
      int eq = pair.lastIndexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("class weights must be \"" + BALANCED
            + "\" or LABEL=WEIGHT pairs separated by commas, got \"" + text + "\"");
      }
      String label = pair.substring(0, eq).strip();
      String value = pair.substring(eq + 1).strip();
      if (label.isEmpty()) {
        throw new IllegalArgumentException("class weight \"" + pair.strip()
            + "\" names no label (LABEL=WEIGHT)");
      }
      double w;
      try {
        w = Double.parseDouble(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("the weight of class \"" + label + "\" is \"" + value
            + "\", not a number");
      }
      if (weights.put(label, w) != null) {
        throw new IllegalArgumentException("class \"" + label + "\" is weighted twice");
      }
    }
    return of(weights);
  }

  /** Whether these are the balanced weights (computed from each dataset's class counts). */
  public boolean isBalanced() {
    return byLabel == null;
  }

  /**
   * The weight of each class, for a target whose classes are {@code labels} (class index k has
   * label {@code labels.get(k)}) with {@code counts[k]} rows each.
   *
   * @param target the target's name, for messages
   * @throws IllegalArgumentException when a weight names a label the target does not have
   */
  public double[] perClass(String target, List<String> labels, long[] counts) {
    if (labels.size() != counts.length) {
      throw new IllegalArgumentException(labels.size() + " labels but " + counts.length
          + " class counts");
    }
    int k = labels.size();
    double[] w = new double[k];
    if (byLabel == null) {
      long n = 0;
      for (long c : counts) {
        n += c;
      }
      for (int c = 0; c < k; c++) {
        w[c] = counts[c] == 0 ? 0 : (double) n / ((double) k * counts[c]);
      }
      return w;
    }
    java.util.Arrays.fill(w, 1.0);
    String[] named = new String[k];
    for (Map.Entry<String, Double> e : byLabel.entrySet()) {
      int c = indexOf(labels, e.getKey());
      if (c < 0) {
        throw new IllegalArgumentException("class weights name the label \"" + e.getKey()
            + "\", which target \"" + target + "\" does not have: its labels are "
            + quoted(labels));
      }
      if (named[c] != null) {
        throw new IllegalArgumentException("class \"" + labels.get(c) + "\" is weighted twice"
            + " (as \"" + named[c] + "\" and as \"" + e.getKey() + "\")");
      }
      named[c] = e.getKey();
      w[c] = e.getValue();
    }
    return w;
  }

  /**
   * The class weight of every row of a classification dataset (its labels say which class is
   * which).
   *
   * @throws IllegalArgumentException when the target is not a classification target, or a
   *     weight names a label it does not have
   */
  public double[] rowWeights(Dataset data) {
    double[] perClass = perClass(data, labelsOf(data));
    double[] y = data.y();
    double[] w = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      w[i] = perClass[(int) y[i]];
    }
    return w;
  }

  /**
   * The same data with each row's weight multiplied by its class weight (rows without a weight
   * weigh 1).
   *
   * @throws IllegalArgumentException as {@link #rowWeights}, or when every row then weighs 0
   */
  public Dataset applyTo(Dataset data) {
    double[] w = rowWeights(data);
    for (int i = 0; i < w.length; i++) {
      w[i] *= data.weight(i);
    }
    return data.withWeights(w);
  }

  /**
   * These weights made explicit for the classes of {@code data}: for {@link #balanced()}, the
   * weights its class counts give, so that other rows (a validation set) can be weighted as the
   * training rows were.
   */
  public ClassWeights resolve(Dataset data) {
    List<String> labels = labelsOf(data);
    double[] perClass = perClass(data, labels);
    Map<String, Double> explicit = new LinkedHashMap<>();
    for (int c = 0; c < labels.size(); c++) {
      explicit.put(labels.get(c), perClass[c]);
    }
    return new ClassWeights(Collections.unmodifiableMap(explicit));
  }

  /**
   * The weight of each class (by class index) as {@link #resolve} resolves it on the given rows
   * of a classification dataset: balanced weights counted on those rows only.
   *
   * @param rows row indices of {@code data}
   * @throws IllegalArgumentException as {@link #rowWeights}
   */
  public double[] perClass(Dataset data, int[] rows) {
    List<String> labels = labelsOf(data);
    long[] counts = new long[labels.size()];
    double[] y = data.y();
    for (int i : rows) {
      if (data.weight(i) > 0) { // a row of weight 0 is as a row absent from the data
        counts[(int) y[i]]++;
      }
    }
    return perClass(data.targetName(), labels, counts);
  }

  /** The weights by label (empty for {@link #balanced()}, whose weights depend on the data). */
  public Map<String, Double> byLabel() {
    return byLabel == null ? Map.of() : byLabel;
  }

  /** The weight of each class of a dataset whose class k has label {@code labels.get(k)}. */
  private double[] perClass(Dataset data, List<String> labels) {
    long[] counts = new long[labels.size()];
    double[] y = data.y();
    for (int i = 0; i < y.length; i++) {
      if (data.weight(i) > 0) { // a row of weight 0 is as a row absent from the data
        counts[(int) y[i]]++;
      }
    }
    return perClass(data.targetName(), labels, counts);
  }

  /**
   * The class labels of a classification dataset, by class index (the multinomial target's
   * labels join here).
   */
  private static List<String> labelsOf(Dataset data) {
    if (data.classLabels().isPresent()) {
      return data.classLabels().get().labels();
    }
    BinaryLabels binary = data.labels().orElse(null);
    if (binary == null) {
      throw new IllegalArgumentException("class weights need a classification target; target \""
          + data.targetName() + "\" of " + data.source() + " is numeric");
    }
    return List.of(binary.negative(), binary.positive());
  }

  /** The class index of a label as given (as written, else in canonical form), or -1. */
  static int indexOf(List<String> labels, String given) {
    int c = labels.indexOf(given);
    return c >= 0 ? c : labels.indexOf(canonical(given));
  }

  /**
   * A label in the form the CSV reader keeps it: numbers canonical (1.0 is 1), true and false in
   * lower case, other text as written.
   */
  static String canonical(String label) {
    return CsvReader.labelKey(label, new DecimalParser());
  }

  private static String quoted(List<String> labels) {
    List<String> q = new ArrayList<>();
    for (String l : labels) {
      q.add("\"" + l + "\"");
    }
    return String.join(", ", q);
  }

  /** {@value #BALANCED}, or {@code LABEL=WEIGHT} pairs as {@link #parse} reads them. */
  @Override
  public String toString() {
    if (byLabel == null) {
      return BALANCED;
    }
    List<String> pairs = new ArrayList<>();
    byLabel.forEach((label, w) -> pairs.add(label + "=" + w));
    return String.join(",", pairs);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClassWeights c && Objects.equals(byLabel, c.byLabel);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(byLabel);
  }
}

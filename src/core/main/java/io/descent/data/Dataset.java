package io.descent.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A table of numeric features and one target, read from a CSV file ({@link CsvReader}) or made
 * from arrays already in memory ({@link #of(double[][], double[])} and its siblings).
 *
 * <p>Features are float32, row-major ({@code x[i * features + j]}), which is the layout every
 * gradient backend consumes without conversion: in one heap array, or (a file {@link CsvReader}
 * read in slices, a {@link DatasetCache} copy's mapping) in a direct buffer off the heap ({@link
 * #offHeapRows()}), which an OpenCL device on the host's memory uses in place. The target is
 * float64 so that regression targets keep all their digits on the host; backends that need
 * float32 convert it themselves.
 *
 * <p>A dataset is immutable by convention: {@link #x()} and {@link #y()} return the backing arrays
 * without copying (a 1M x 64 table is 256 MB), and callers must not modify them.
 */
public final class Dataset {
  private final String source;
  private final List<String> featureNames;
  private final String targetName;
  private final FeatureRows x;
  private final double[] y;
  private final int rows;
  private final int features;
  private final BinaryLabels labels;
  private final ClassLabels classes;
  private final double[] weights;

  /**
   * @param source where the data came from (a file name), used in messages
   * @param featureNames one name per feature column
   * @param targetName the target column's name, or null when the data was read without a target
   *     (for prediction); y is then all NaN
   * @param x row-major features, {@code rows * featureNames.size()} values
   * @param y one target per row
   * @param labels for a binary target, which original labels map to 0 and 1; null for regression
   * @throws IllegalArgumentException when a feature is not finite, or, with a target, a target
   *     (naming its row and column, 0-based), or x does not hold rows * features values
   */
  public Dataset(String source, List<String> featureNames, String targetName, float[] x, double[] y,
      BinaryLabels labels) {
    this(source, featureNames, targetName, x, y, labels, null, null);
    checkNames(featureNames, targetName);
    requireFinite(x, features);
    if (targetName != null) {
      checkedTargets(y);
    }
  }

  /** Every feature of row-major {@code x} finite, else the error naming the first that is not. */
  private static void requireFinite(float[] x, int d) {
    for (int i = 0; i < x.length; i++) {
      if (!Float.isFinite(x[i])) {
        throw notFinite(x[i], i / Math.max(1, d), i % Math.max(1, d));
      }
    }
  }

  /**
   * A dataset with a class target (multinomial regression): y holds class indices 0..C-1.
   *
   * @param classes the original labels behind the class indices, in their stable order
   * @throws IllegalArgumentException when a target is not a class index of {@code classes}
   */
  public static Dataset ofClasses(String source, List<String> featureNames, String targetName,
      float[] x, double[] y, ClassLabels classes) {
    checkNames(featureNames, targetName);
    requireFinite(x, featureNames.size());
    return over(source, featureNames, targetName, FeatureRows.onHeap(x), y, null,
        Objects.requireNonNull(classes, "classes"));
  }

  private Dataset(String source, List<String> featureNames, String targetName, float[] x,
      double[] y, BinaryLabels labels, ClassLabels classes, double[] weights) {
    this(source, featureNames, targetName, FeatureRows.onHeap(x), y, labels, classes, weights);
  }

  /**
   * A dataset over {@code x} (on the heap or off it), not copied: the reader's, for features it
   * read into a direct buffer. With classes, every target must be a class index of them.
   */
  static Dataset over(String source, List<String> featureNames, String targetName,
      FeatureRows x, double[] y, BinaryLabels labels, ClassLabels classes) {
    if (classes != null) {
      for (int i = 0; i < y.length; i++) {
        if (!(y[i] >= 0 && y[i] < classes.size() && y[i] == Math.rint(y[i]))) {
          throw new IllegalArgumentException(source + ": y[" + i + "] is " + y[i] + " (row "
              + i + "), not a class index 0.." + (classes.size() - 1));
        }
      }
    }
    return new Dataset(source, featureNames, targetName, x, y, labels, classes, null);
  }

  private Dataset(String source, List<String> featureNames, String targetName, FeatureRows x,
      double[] y, BinaryLabels labels, ClassLabels classes, double[] weights) {
    this.source = Objects.requireNonNull(source, "source");
    this.featureNames = List.copyOf(featureNames);
    this.targetName = targetName;
    this.x = Objects.requireNonNull(x, "x");
    this.y = Objects.requireNonNull(y, "y");
    this.rows = y.length;
    this.features = this.featureNames.size();
    this.labels = labels;
    this.classes = classes;
    this.weights = weights;
    if ((long) rows * features != x.size()) {
      throw new IllegalArgumentException("x must hold rows * features = " + rows + " * " + features
          + " values, got " + x.size());
    }
  }

  /**
   * The standardization of every row without weights, where a {@link DatasetCache} read it with
   * its copy of the rows: shared by the datasets derived from this one over the same rows
   * (names, weights, target coding), never by a subset of them. Null otherwise.
   */
  Standardization knownStandardization() {
    return x.knownStandardization();
  }

  /** See {@link FeatureRows#knownStandardization(Standardization)}. */
  void knownStandardization(Standardization s) {
    x.knownStandardization(s);
  }

  /** See {@link FeatureRows#computedStandardization}. */
  void computedStandardization(Standardization s) {
    x.computedStandardization(s);
  }

  /** See {@link FeatureRows#whenComputed}. */
  void whenStandardized(java.util.function.Consumer<Standardization> listener) {
    x.whenComputed(listener);
  }

  /**
   * This dataset, checked to have a target, as every fit needs.
   *
   * @throws IllegalArgumentException naming the source where it was read without one (as for
   *     prediction)
   */
  public Dataset requireTarget() {
    if (targetName == null) {
      throw new IllegalArgumentException(source + " has no target column (it was read without"
          + " one, as for prediction): a fit needs its target");
    }
    return this;
  }

  /** The source name of datasets made from arrays, used in messages. */
  public static final String ARRAYS = "arrays";

  /**
   * A regression (or any numeric-target) dataset from rows of float64 features, copied into the
   * float32 row-major layout every backend reads. Features are named x0 .. x(d-1)
   * ({@link #withFeatureNames} renames them).
   *
   * @param x one array per row, all of the same length (at least one feature)
   * @param y one target per row
   * @throws IllegalArgumentException for ragged rows, a row count that differs from y's, or a
   *     value that is NaN, infinite or too large for float32, naming its row and column
   */
  public static Dataset of(double[][] x, double[] y) {
    return new Dataset(ARRAYS, defaultNames(width(x, y.length)), "y", copy(x), checkedTargets(y),
        null, null, null);
  }

  /** As {@link #of(double[][], double[])}, from float32 rows. */
  public static Dataset of(float[][] x, double[] y) {
    return new Dataset(ARRAYS, defaultNames(width(x, y.length)), "y", copy(x), checkedTargets(y),
        null, null, null);
  }

  /**
   * A binary classification dataset: labels 0 and 1 (anything else is an error naming the row).
   */
  public static Dataset of(double[][] x, int[] labels) {
    return new Dataset(ARRAYS, defaultNames(width(x, labels.length)), "y", copy(x),
        binary(labels), BinaryLabels.zeroOne(), null, null);
  }

  /** As {@link #of(double[][], int[])}, from float32 rows. */
  public static Dataset of(float[][] x, int[] labels) {
    return new Dataset(ARRAYS, defaultNames(width(x, labels.length)), "y", copy(x),
        binary(labels), BinaryLabels.zeroOne(), null, null);
  }

  /** A binary classification dataset: true is class 1, false class 0. */
  public static Dataset of(double[][] x, boolean[] labels) {
    return new Dataset(ARRAYS, defaultNames(width(x, labels.length)), "y", copy(x),
        binary(labels), new BinaryLabels("false", "true"), null, null);
  }

  /** As {@link #of(double[][], boolean[])}, from float32 rows. */
  public static Dataset of(float[][] x, boolean[] labels) {
    return new Dataset(ARRAYS, defaultNames(width(x, labels.length)), "y", copy(x),
        binary(labels), new BinaryLabels("false", "true"), null, null);
  }

  /**
   * A class-target dataset (multinomial regression) with integer class labels, any integers:
   * the classes are the distinct labels in numeric order ({@link ClassLabels}).
   */
  public static Dataset ofClasses(double[][] x, int[] labels) {
    return ofClasses(x, text(labels));
  }

  /** As {@link #ofClasses(double[][], int[])}, from float32 rows. */
  public static Dataset ofClasses(float[][] x, int[] labels) {
    int d = width(x, labels.length);
    return ofClasses(d, copy(x), text(labels));
  }

  /**
   * A class-target dataset (multinomial regression) with text labels: the classes are the
   * distinct labels in their stable order ({@link ClassLabels}: numeric when all are numbers).
   *
   * @throws IllegalArgumentException for a null or blank label, or fewer than two classes
   */
  public static Dataset ofClasses(double[][] x, String[] labels) {
    int d = width(x, labels.length);
    return ofClasses(d, copy(x), labels);
  }

  private static String[] text(int[] labels) {
    String[] text = new String[labels.length];
    for (int i = 0; i < labels.length; i++) {
      text[i] = Integer.toString(labels[i]);
    }
    return text;
  }

  private static Dataset ofClasses(int d, float[] x, String[] labels) {
    // Each label as the CSV reader keeps it: surrounding spaces stripped, numbers in one
    // canonical form (1, 1.0 and 1e0 are one class), true and false in lower case; NaN and
    // the infinities are no class. So the same records make the same classes from a file or
    // from memory.
    String[] keys = new String[labels.length];
    DecimalParser numbers = new DecimalParser();
    java.util.Set<String> distinct = new java.util.LinkedHashSet<>();
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] == null || labels[i].isBlank()) {
        throw new IllegalArgumentException("label of row " + i + " is blank");
      }
      String spelling = labels[i].strip();
      char[] chars = spelling.toCharArray();
      int status = numbers.parseDouble(chars, 0, chars.length);
      if (status == DecimalParser.NOT_FINITE || status == DecimalParser.OUT_OF_RANGE) {
        throw new IllegalArgumentException("label of row " + i + " is \"" + spelling
            + "\": a class label is text or a finite number");
      }
      keys[i] = CsvReader.labelKey(spelling, numbers);
      distinct.add(keys[i]);
    }
    ClassLabels classes = ClassLabels.of(List.copyOf(distinct));
    double[] y = new double[labels.length];
    for (int i = 0; i < labels.length; i++) {
      y[i] = classes.indexOf(keys[i]);
    }
    return ofClasses(ARRAYS, defaultNames(d), "y", x, y, classes);
  }

  /**
   * The same rows with a class target: this dataset when it has {@link #classLabels()}, else
   * its target's distinct values as classes in their stable order ({@link ClassLabels}): a
   * binary target's two labels, or the numbers of a numeric one (written as integers when they
   * are). The arrays of x are shared.
   *
   * @throws IllegalArgumentException when the data has no target or one class only
   */
  public Dataset asClasses() {
    if (classes != null) {
      return this;
    }
    if (targetName == null) {
      throw new IllegalArgumentException(source + " has no target column");
    }
    String[] text = new String[rows];
    java.util.Set<String> distinct = new java.util.LinkedHashSet<>();
    for (int i = 0; i < rows; i++) {
      text[i] = labels != null ? labels.label((int) y[i]) : numberLabel(y[i]);
      distinct.add(text[i]);
    }
    if (distinct.size() < 2) {
      throw new IllegalArgumentException(source + ": every row of target \"" + targetName
          + "\" is " + distinct.iterator().next() + ": classification needs at least two"
          + " classes");
    }
    ClassLabels c = ClassLabels.of(List.copyOf(distinct));
    double[] coded = new double[rows];
    for (int i = 0; i < rows; i++) {
      coded[i] = c.indexOf(text[i]);
    }
    return new Dataset(source, featureNames, targetName, x, coded, null, c, weights);
  }

  /**
   * The same rows with the class target coded by {@code target}'s classes (a training set's,
   * for its validation or test rows): a label this data has and {@code target} lacks is an
   * error. The arrays of x are shared.
   *
   * @throws IllegalArgumentException naming the first label that is not one of the classes
   */
  public Dataset withClassLabels(ClassLabels target) {
    Dataset own = asClasses();
    if (own.classes.equals(target)) {
      return own;
    }
    double[] code = new double[own.classes.size()];
    for (int k = 0; k < code.length; k++) {
      code[k] = target.indexOf(own.classes.label(k));
    }
    double[] coded = new double[rows];
    for (int i = 0; i < rows; i++) {
      coded[i] = code[(int) own.y[i]];
      if (coded[i] < 0) {
        throw new IllegalArgumentException(source + ": row " + i + " has class \""
            + own.classes.label((int) own.y[i]) + "\", which is not one of " + target);
      }
    }
    return new Dataset(source, featureNames, targetName, x, coded, null, target, weights);
  }

  private static String numberLabel(double v) {
    double w = v + 0.0;
    return w == Math.rint(w) && Math.abs(w) < 1e15 ? Long.toString((long) w)
        : Double.toString(w);
  }

  /**
   * A dataset over a row-major float32 array, {@code rows} rows of {@code x.length / rows}
   * features, <b>not copied</b>: the caller must not change {@code x} while the dataset is in
   * use. Its values are checked (NaN and infinities named by row and column).
   *
   * @throws IllegalArgumentException when {@code x.length} is not a multiple of {@code rows}, y
   *     has another length, or a value is not finite
   */
  public static Dataset of(float[] x, int rows, double[] y) {
    if (rows <= 0 || x.length % rows != 0 || x.length == 0) {
      throw new IllegalArgumentException("a row-major array of " + x.length + " values cannot"
          + " hold " + rows + " rows of the same number of features (at least one)");
    }
    if (y.length != rows) {
      throw new IllegalArgumentException("x has " + rows + " rows but y has " + y.length
          + " values");
    }
    int d = x.length / rows;
    for (int i = 0; i < x.length; i++) {
      if (!Float.isFinite(x[i])) {
        throw notFinite(x[i], i / d, i % d);
      }
    }
    return new Dataset(ARRAYS, defaultNames(d), "y", x, checkedTargets(y), null, null, null);
  }

  /**
   * The same data with other feature names (the arrays are shared, not copied).
   *
   * @throws IllegalArgumentException when the count differs or a name repeats
   */
  public Dataset withFeatureNames(List<String> names) {
    Objects.requireNonNull(names, "names");
    if (names.size() != features) {
      throw new IllegalArgumentException("the data has " + features + " features but "
          + names.size() + " names were given");
    }
    checkNames(names, targetName);
    return new Dataset(source, names, targetName, x, y, labels, classes, weights);
  }

  /**
   * Feature names a model file can keep and data columns can be matched by: none null or blank
   * (a model file with a blank name is refused when read), all distinct, and none the target's,
   * whose name is not blank either.
   */
  private static void checkNames(List<String> names, String targetName) {
    if (targetName != null && targetName.isBlank()) {
      throw new IllegalArgumentException("the target's name is blank (\"" + targetName
          + "\"): a model keeps its target by name");
    }
    for (int j = 0; j < names.size(); j++) {
      if (names.get(j) == null) {
        throw new IllegalArgumentException("the name of feature " + j + " is null");
      }
      if (names.get(j).isBlank()) {
        throw new IllegalArgumentException("the name of feature " + j + " is blank (\""
            + names.get(j) + "\"): a model keeps its features by name");
      }
      if (names.get(j).equals(targetName)) {
        throw new IllegalArgumentException("feature " + j + " is named \"" + names.get(j)
            + "\", the target's name");
      }
    }
    if (names.stream().distinct().count() != names.size()) {
      throw new IllegalArgumentException("feature names must be distinct, got " + names);
    }
  }

  /**
   * The same data with a weight per row (the arrays are shared, not copied): the data term of
   * every loss becomes {@code (sum_i s_i l_i) / (sum_i s_i)} and the standardization is weighted
   * too. An integer weight counts a row as that many copies of it. Weights whose largest is
   * beyond 2^&plusmn;{@value #WEIGHT_EXPONENT_LIMIT} are scaled by a power of two (exactly, so
   * that the largest lies in [1, 2)) in a copy: the loss, its gradient and the standardization
   * are weighted means and do not change, while float32 sums of such weights would overflow or
   * lose their digits.
   *
   * @param weights one finite, non-negative weight per row, not all zero; null for none
   * @throws IllegalArgumentException naming the first row whose weight is not allowed
   */
  public Dataset withWeights(double[] weights) {
    return withWeights(weights, true);
  }

  /**
   * The same data with the weights of its rows as one part of a larger weighted dataset (a
   * Spark partition): checked as {@link #withWeights} checks them, but kept as given, never
   * scaled (a scale must be the same for every part), and all 0 allowed (a part may hold only
   * rows of weight 0, which add nothing to the whole's sums).
   *
   * @param weights one finite, non-negative weight per row
   * @throws IllegalArgumentException naming the first row whose weight is not allowed
   */
  public Dataset withPartWeights(double[] weights) {
    return withWeights(weights, false);
  }

  private Dataset withWeights(double[] weights, boolean whole) {
    if (weights != null) {
      // A copy, checked: the caller's array, kept, could be changed after the checks (a weight
      // of -5 or NaN then reached the fit unrefused).
      weights = weights.clone();
      if (weights.length != rows) {
        throw new IllegalArgumentException("the data has " + rows + " rows but " + weights.length
            + " weights were given");
      }
      double max = 0;
      for (int i = 0; i < rows; i++) {
        double s = weights[i];
        if (!(s >= 0) || !Double.isFinite(s)) {
          throw new IllegalArgumentException("weights[" + i + "] is " + s + " (row " + i + ")"
              + ": weights must be finite and >= 0");
        }
        max = Math.max(max, s);
      }
      if (whole && max == 0) {
        throw new IllegalArgumentException("every row's weight is 0");
      }
      if (whole) {
        weights = inRange(weights, max);
      }
    }
    return new Dataset(source, featureNames, targetName, x, y, labels, classes, weights);
  }

  /** The largest weight kept as given lies within 2^-LIMIT .. 2^LIMIT. */
  static final int WEIGHT_EXPONENT_LIMIT = 64;

  /**
   * Finite, non-negative weights, not all 0, whose largest is {@code max}, scaled by a power of
   * two where they must be.
   */
  private static double[] inRange(double[] weights, double max) {
    int exponent = Math.getExponent(max);
    if (Math.abs(exponent) <= WEIGHT_EXPONENT_LIMIT) {
      return weights;
    }
    double[] scaled = new double[weights.length];
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] = Math.scalb(weights[i], -exponent);
    }
    return scaled;
  }

  private static List<String> defaultNames(int d) {
    List<String> names = new ArrayList<>(d);
    for (int j = 0; j < d; j++) {
      names.add("x" + j);
    }
    return names;
  }

  /** The common row length, checking every row and the row count against the targets. */
  private static int width(Object[] x, int targets) {
    if (x.length != targets) {
      throw new IllegalArgumentException("x has " + x.length + " rows but there are " + targets
          + " targets");
    }
    if (x.length == 0) {
      throw new IllegalArgumentException("x has no rows");
    }
    int d = -1;
    for (int i = 0; i < x.length; i++) {
      if (x[i] == null) {
        throw new IllegalArgumentException("row " + i + " of x is null");
      }
      int len = x[i] instanceof double[] a ? a.length : ((float[]) x[i]).length;
      if (d < 0) {
        d = len;
      } else if (len != d) {
        throw new IllegalArgumentException("row " + i + " of x has " + len
            + " values where row 0 has " + d);
      }
    }
    if (d == 0) {
      throw new IllegalArgumentException("x has no features");
    }
    return d;
  }

  private static float[] copy(double[][] x) {
    int d = x[0].length;
    float[] flat = new float[Math.multiplyExact(x.length, d)];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < d; j++) {
        float v = (float) x[i][j];
        if (!Float.isFinite(v)) {
          throw notFinite(x[i][j], i, j);
        }
        flat[i * d + j] = v;
      }
    }
    return flat;
  }

  private static float[] copy(float[][] x) {
    int d = x[0].length;
    float[] flat = new float[Math.multiplyExact(x.length, d)];
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < d; j++) {
        if (!Float.isFinite(x[i][j])) {
          throw notFinite(x[i][j], i, j);
        }
        flat[i * d + j] = x[i][j];
      }
    }
    return flat;
  }

  private static IllegalArgumentException notFinite(double v, int row, int column) {
    String what = Double.isNaN(v) ? "NaN" : Double.isInfinite(v) ? String.valueOf(v)
        : v + ", too large for float32";
    return new IllegalArgumentException("x[" + row + "][" + column + "] is " + what
        + " (row " + row + ", column " + column + "): every feature must be a finite number");
  }

  private static double[] checkedTargets(double[] y) {
    for (int i = 0; i < y.length; i++) {
      if (!Double.isFinite(y[i])) {
        throw new IllegalArgumentException("y[" + i + "] is " + y[i] + " (row " + i
            + "): every target must be a finite number");
      }
    }
    return y.clone();
  }

  private static double[] binary(int[] labels) {
    double[] y = new double[labels.length];
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != 0 && labels[i] != 1) {
        throw new IllegalArgumentException("label " + labels[i] + " at row " + i
            + ": binary labels must be 0 or 1");
      }
      y[i] = labels[i];
    }
    return y;
  }

  private static double[] binary(boolean[] labels) {
    double[] y = new double[labels.length];
    for (int i = 0; i < labels.length; i++) {
      y[i] = labels[i] ? 1 : 0;
    }
    return y;
  }

  /** Where the data came from (a file name), for messages. */
  public String source() {
    return source;
  }

  /** Number of rows n. */
  public int rows() {
    return rows;
  }

  /** Number of features d (the target excluded). */
  public int features() {
    return features;
  }

  /** Feature names in column order. */
  public List<String> featureNames() {
    return featureNames;
  }

  /** The target column's name, or null when the data was read without one. */
  public String targetName() {
    return targetName;
  }

  /**
   * The row-major float32 features, not copied: do not modify. Where they are off the heap
   * ({@link #offHeapRows()}) the first call copies them into a heap array (which later calls, and
   * the datasets that share these rows, return); read them in place with {@link #copyRows} or
   * {@link #offHeapRows()} instead.
   */
  public float[] x() {
    return x.array();
  }

  /**
   * The features when they are kept off the Java heap, as a direct buffer in native order (a
   * duplicate, at position 0: do not modify the values); empty when they are on the heap. A
   * {@link CsvReader} keeps a file's features off the heap where it reads it in slices (a regular
   * file of several slices) and they fit one buffer (under 2 GiB), so that an OpenCL device on
   * the host's memory can use them in place.
   */
  public Optional<java.nio.FloatBuffer> offHeapRows() {
    return Optional.ofNullable(x.buffer());
  }

  /** Whether these features are off the heap and {@link #x()} has copied them onto it. */
  boolean rowsCopiedToHeap() {
    return x.copiedToHeap();
  }

  /**
   * Copies the features of rows {@code first .. first + count - 1} (row-major) into {@code dst}
   * from {@code offset}, wherever they are kept.
   *
   * @throws IndexOutOfBoundsException when the rows or the destination are out of range
   */
  public void copyRows(int first, int count, float[] dst, int offset) {
    if (first < 0 || count < 0 || first > rows - count) {
      throw new IndexOutOfBoundsException("rows " + first + " to " + ((long) first + count - 1)
          + " of a dataset of " + rows + " rows");
    }
    java.util.Objects.checkFromIndexSize(offset, count * features, dst.length);
    x.copy(first * features, dst, offset, count * features);
  }

  /**
   * The same data with its features in a direct buffer off the Java heap ({@link
   * #offHeapRows()}), copied; this dataset itself when they are off the heap already, or when
   * they do not fit one buffer (2 GiB) or the direct memory limit.
   */
  public Dataset withRowsOffHeap() {
    if (x.isOffHeap()) {
      return this;
    }
    java.nio.FloatBuffer b = FeatureRows.allocateOffHeap(x.size());
    if (b == null) {
      return this;
    }
    b.put(0, x.array());
    return new Dataset(source, featureNames, targetName, FeatureRows.offHeap(b), y, labels,
        classes, weights);
  }

  /** The targets, not copied: do not modify. */
  public double[] y() {
    return y;
  }

  /** The rows' weights, not copied (do not modify), or null when the data is unweighted. */
  public double[] weights() {
    return weights;
  }

  /** The weight of row i: 1 when the data is unweighted. */
  public double weight(int i) {
    if (i < 0 || i >= rows) {
      throw new IndexOutOfBoundsException("row " + i + " of a dataset of " + rows + " rows");
    }
    return weights == null ? 1 : weights[i];
  }

  /**
   * Feature {@code j} of row {@code i}.
   *
   * @throws IndexOutOfBoundsException naming the row, the feature and the dataset's shape
   */
  public float get(int i, int j) {
    if (i < 0 || i >= rows || j < 0 || j >= features) {
      throw new IndexOutOfBoundsException("row " + i + ", feature " + j + " of a dataset of "
          + rows + " rows x " + features + " features");
    }
    return x.get(i * features + j);
  }

  /** For a binary target, the original labels behind 0 and 1. */
  public Optional<BinaryLabels> labels() {
    return Optional.ofNullable(labels);
  }

  /** For a class target (multinomial regression), the original labels behind 0..C-1. */
  public Optional<ClassLabels> classLabels() {
    return Optional.ofNullable(classes);
  }

  /** A copy holding only the given rows, in the given order. */
  public Dataset rows(int[] indices) {
    float[] sx = new float[Math.multiplyExact(indices.length, features)];
    double[] sy = new double[indices.length];
    double[] sw = weights == null ? null : new double[indices.length];
    for (int k = 0; k < indices.length; k++) {
      int i = indices[k];
      if (i < 0 || i >= rows) {
        throw new IndexOutOfBoundsException("row " + i + " is outside 0.." + (rows - 1));
      }
      x.copy(i * features, sx, k * features, features);
      sy[k] = y[i];
      if (sw != null) {
        sw[k] = weights[i];
      }
    }
    return new Dataset(source, featureNames, targetName, sx, sy, labels, classes, sw);
  }

  @Override
  public String toString() {
    return "Dataset[" + source + ", " + rows + " rows x " + features + " features, target "
        + targetName + "]";
  }
}

package io.descent.data;

import io.descent.loss.Loss;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Reproducible synthetic regression data with a known generating model, for benchmarks and
 * tests.
 *
 * <p>Features are correlated and on mixed scales, so that standardization matters: a latent
 * AR(1) chain {@code u_j = 0.6 u_{j-1} + 0.8 e_j} (unit variance, correlation 0.6^|j-k|) is mapped
 * to {@code x_j = offset_j + scale_j u_j} with {@code scale_j = 10^((j mod 7) - 3)} (0.001 to 1000)
 * and {@code offset_j = 3 scale_j (j mod 3)}. The generating model is linear in
 * {@code u} (the standardized features): {@code m = b + w.u} with {@code b = 0.5} and
 * {@code w_j} drawn from N(0, 1/d), of which a requested number are then set to exactly 0 (a
 * sparse truth, for L1 fits: {@link #isZeroWeight}); linear targets are
 * {@code m + N(0, 0.5^2)}, logistic targets are Bernoulli(sigmoid(m)). Multinomial targets over C classes ({@link #SyntheticData(long, int,
 * int, long)}) have one margin per class, {@code m_0 = m} and {@code m_c = w_c.u} for c &gt; 0
 * with {@code w_c} drawn likewise after {@code w}, and are drawn from {@code softmax(m_0 ..
 * m_(C-1))}: class indices 0..C-1, written as integers.
 *
 * <p>Everything comes from one {@link SplittableRandom} seeded by the caller and values are
 * written with 7 significant digits by a formatter that uses only IEEE arithmetic (see
 * {@link #appendDecimal}), so the same arguments give byte-identical files on any platform and
 * JVM.
 */
public final class SyntheticData {
  /** The generating model's intercept. */
  public static final double INTERCEPT = 0.5;
  /** The number of classes of multinomial data unless one is chosen. */
  public static final int DEFAULT_CLASSES = 3;
  /** The correlation of neighbouring latent features. */
  public static final double CORRELATION = 0.6;
  /** Noise standard deviation of linear targets. */
  public static final double NOISE = 0.5;

  private final long rows;
  private final int features;
  private final Loss loss;
  private final long seed;
  private final double[] weights;
  /** Multinomial: the weights of classes 1..C-1 (class 0's are {@link #weights}); else null. */
  private final double[][] classWeights;

  /**
   * @param rows number of rows, > 0
   * @param features number of features, > 0
   * @param loss LINEAR or LOGISTIC targets (multinomial: {@link #SyntheticData(long, int, int,
   *     long)})
   * @param seed the seed of every random draw
   */
  public SyntheticData(long rows, int features, Loss loss, long seed) {
    this(rows, features, loss, seed, 0);
  }

  /**
   * @param rows number of rows, > 0
   * @param features number of features, > 0
   * @param loss LINEAR or LOGISTIC targets
   * @param seed the seed of every random draw
   * @param zeroWeights how many generating weights are exactly 0, in 0..features; the others
   *     and the rows' latent features are what they are without zeros
   */
  public SyntheticData(long rows, int features, Loss loss, long seed, int zeroWeights) {
    if (rows <= 0) {
      throw new IllegalArgumentException("rows must be > 0, got " + rows);
    }
    if (features <= 0) {
      throw new IllegalArgumentException("features must be > 0, got " + features);
    }
    this.rows = rows;
    this.features = features;
    this.loss = java.util.Objects.requireNonNull(loss, "loss");
    this.seed = seed;
    if (loss.coupled()) {
      throw new IllegalArgumentException("multinomial data needs a number of classes");
    }
    SplittableRandom r = new SplittableRandom(seed);
    weights = new double[features];
    for (int j = 0; j < features; j++) {
      weights[j] = r.nextGaussian() / Math.sqrt(features);
    }
    if (zeroWeights < 0 || zeroWeights > features) {
      throw new IllegalArgumentException("zero weights must be in 0.." + features + ", got "
          + zeroWeights);
    }
    for (int j = 0; j < features; j++) {
      if (isZeroWeight(j, zeroWeights, features)) {
        weights[j] = 0;
      }
    }
    classWeights = null;
  }

  /**
   * Multinomial data over C classes: the same features as the other losses for the same seed,
   * and a class index drawn from the softmax of the C margins.
   *
   * @param rows number of rows, > 0
   * @param features number of features, > 0
   * @param classes C, at least 2 and at most {@link ClassLabels#MAX_CLASSES}
   * @param seed the seed of every random draw
   */
  public SyntheticData(long rows, int features, int classes, long seed) {
    if (rows <= 0) {
      throw new IllegalArgumentException("rows must be > 0, got " + rows);
    }
    if (features <= 0) {
      throw new IllegalArgumentException("features must be > 0, got " + features);
    }
    if (classes < 2 || classes > ClassLabels.MAX_CLASSES) {
      throw new IllegalArgumentException("classes must be between 2 and "
          + ClassLabels.MAX_CLASSES + ", got " + classes);
    }
    this.rows = rows;
    this.features = features;
    this.loss = Loss.MULTINOMIAL;
    this.seed = seed;
    SplittableRandom r = new SplittableRandom(seed);
    weights = new double[features];
    for (int j = 0; j < features; j++) {
      weights[j] = r.nextGaussian() / Math.sqrt(features);
    }
    classWeights = new double[classes - 1][features];
    for (double[] w : classWeights) {
      for (int j = 0; j < features; j++) {
        w[j] = r.nextGaussian() / Math.sqrt(features);
      }
    }
  }

  /**
   * Whether feature j's generating weight is 0 when {@code zeros} of {@code features} are: the
   * j with {@code (j * zeros) mod features < zeros}, exactly {@code zeros} of them, spread evenly
   * over the features (and so over their scales).
   */
  public static boolean isZeroWeight(int j, int zeros, int features) {
    return (long) j * zeros % features < zeros;
  }

  /** The number of classes of multinomial data, 0 for the other losses. */
  public int classes() {
    return classWeights == null ? 0 : classWeights.length + 1;
  }

  /** The scale of feature j in the original space. */
  public static double scale(int j) {
    return Math.pow(10, (j % 7) - 3);
  }

  /** The mean of feature j in the original space. */
  public static double offset(int j) {
    return 3 * scale(j) * (j % 3);
  }

  /** The generating weights on the standardized features (copy); class 0's for multinomial data. */
  public double[] weights() {
    return weights.clone();
  }

  /**
   * The generating intercept of each class of multinomial data ({@link #INTERCEPT} for class 0,
   * 0 for the others); {@code [INTERCEPT]} for the other losses.
   */
  public double[] classIntercepts() {
    double[] b = new double[Math.max(1, classes())];
    b[0] = INTERCEPT;
    return b;
  }

  /**
   * The generating weights of each class of multinomial data (row c: class c's, row 0 is {@link
   * #weights}); one row, {@link #weights}, for the other losses. A copy.
   */
  public double[][] classWeights() {
    double[][] all = new double[Math.max(1, classes())][];
    all[0] = weights.clone();
    for (int c = 1; c < all.length; c++) {
      all[c] = classWeights[c - 1].clone();
    }
    return all;
  }

  /** The column names: x0, x1, ..., and y. */
  public String header() {
    StringBuilder b = new StringBuilder();
    for (int j = 0; j < features; j++) {
      b.append('x').append(j).append(',');
    }
    return b.append('y').toString();
  }

  /** Writes the CSV, header first, streaming row by row (memory does not grow with rows). */
  public void write(Writer out) throws IOException {
    write(out, rows);
  }

  /** Rows whose text {@link #estimatedBytes} measures: {@value}. */
  static final int ESTIMATE_ROWS = 1000;

  /**
   * About how many bytes {@link #write} writes: the header, and the mean length of the first
   * {@value #ESTIMATE_ROWS} rows (all of them where there are fewer) times the rows. Exact for
   * files of that many rows or fewer; for a caller that checks the room it will need first.
   */
  public long estimatedBytes() {
    long sample = Math.min(rows, ESTIMATE_ROWS);
    long[] written = new long[1];
    Writer counter = new Writer() {
      @Override
      public void write(char[] text, int offset, int length) {
        written[0] += length; // ASCII: a char is a byte
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    try {
      write(counter, sample);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // the counter throws none
    }
    long header = header().length() + 1;
    if (sample == 0) {
      return header;
    }
    double perRow = (double) (written[0] - header) / sample;
    long body = (long) Math.ceil(perRow * rows); // at most Long.MAX_VALUE
    return body > Long.MAX_VALUE - header ? Long.MAX_VALUE : header + body;
  }

  /** The header and the first {@code count} rows. */
  private void write(Writer out, long count) throws IOException {
    Rows draws = new Rows();
    out.write(header());
    out.write('\n');
    double[] x = new double[features];
    StringBuilder line = new StringBuilder(features * 14 + 16);
    for (long i = 0; i < count; i++) {
      line.setLength(0);
      double y = draws.next(x);
      for (int j = 0; j < features; j++) {
        appendDecimal(line, x[j]);
        line.append(',');
      }
      if (loss == Loss.LINEAR) {
        appendDecimal(line, y);
      } else {
        line.append((int) y);
      }
      line.append('\n');
      out.append(line);
    }
  }

  /**
   * The same table in memory, without writing text: every value is the one {@link CsvReader}
   * reads back from {@link #write}'s output (the feature rounded to the 7 written digits, then
   * to float32 exactly as the reader rounds it; the target likewise in float64). So a benchmark
   * on this dataset measures the data a user gets from {@code descent generate}, bit for bit.
   *
   * @throws IllegalArgumentException when {@code rows x features} does not fit one Java array
   */
  public Dataset dataset() {
    long cells = rows * features;
    if (rows > Integer.MAX_VALUE || cells > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("rows x features = " + rows + " x " + features
          + " does not fit one float array (at most " + (Integer.MAX_VALUE - 8) + " values)");
    }
    int n = (int) rows;
    float[] xs = new float[(int) cells];
    double[] ys = new double[n];
    Rows draws = new Rows();
    ReadBack readBack = new ReadBack();
    double[] x = new double[features];
    for (int i = 0; i < n; i++) {
      double y = draws.next(x);
      int base = i * features;
      for (int j = 0; j < features; j++) {
        xs[base + j] = readBack.asReadFloat(x[j]);
      }
      ys[i] = loss == Loss.LINEAR ? readBack.asReadDouble(y) : y;
    }
    List<String> names = new ArrayList<>(features);
    for (int j = 0; j < features; j++) {
      names.add("x" + j);
    }
    if (classWeights != null) {
      return Dataset.ofClasses(toString(), names, "y", xs, ys, ClassLabels.indices(classes()));
    }
    return new Dataset(toString(), names, "y", xs, ys,
        loss == Loss.LOGISTIC ? BinaryLabels.zeroOne() : null);
  }

  /**
   * The random rows, in the order {@link #write} emits them. A stream separate from the
   * weights' so that the data does not depend on how they were drawn.
   */
  private final class Rows {
    private final SplittableRandom r = new SplittableRandom(seed).split();
    private final double innovation = Math.sqrt(1 - CORRELATION * CORRELATION);
    private final double[] offsets = new double[features];
    private final double[] scales = new double[features];

    Rows() {
      for (int j = 0; j < features; j++) {
        offsets[j] = offset(j);
        scales[j] = scale(j);
      }
    }

    /** Fills x with the next row's features in the original space and returns its target. */
    private final double[] margins = classWeights == null ? null
        : new double[classWeights.length + 1];

    double next(double[] x) {
      double u = r.nextGaussian();
      double m = INTERCEPT;
      if (margins != null) {
        java.util.Arrays.fill(margins, 1, margins.length, 0.0);
      }
      for (int j = 0; j < features; j++) {
        if (j > 0) {
          u = CORRELATION * u + innovation * r.nextGaussian();
        }
        m += weights[j] * u;
        if (margins != null) {
          for (int c = 1; c < margins.length; c++) {
            margins[c] += classWeights[c - 1][j] * u;
          }
        }
        x[j] = offsets[j] + scales[j] * u;
      }
      if (margins != null) {
        margins[0] = m;
        return drawClass(r.nextDouble());
      }
      return loss == Loss.LINEAR ? m + NOISE * r.nextGaussian()
          : (r.nextDouble() < Loss.sigmoid(m) ? 1 : 0);
    }

    /** The class whose share of the softmax of the margins holds {@code v} in [0, 1). */
    private int drawClass(double v) {
      double top = Double.NEGATIVE_INFINITY;
      for (double m : margins) {
        top = Math.max(top, m);
      }
      double total = 0;
      for (double m : margins) {
        total += Math.exp(m - top);
      }
      double target = v * total;
      double sum = 0;
      for (int c = 0; c < margins.length; c++) {
        sum += Math.exp(margins[c] - top);
        if (target < sum) {
          return c;
        }
      }
      return margins.length - 1;
    }
  }

  private static final double[] POWERS = new double[23];

  static {
    POWERS[0] = 1;
    for (int k = 1; k < POWERS.length; k++) {
      POWERS[k] = POWERS[k - 1] * 10; // exact up to 1e22
    }
  }

  /**
   * Appends v with 7 significant digits: plain notation for exponents -5 to 6, otherwise
   * {@code d.ddddddE±x}. Only exact powers of ten and IEEE arithmetic are used, so the text is
   * the same on every JVM (unlike {@code Double.toString}, whose output changed in JDK 19), and
   * it is an order of magnitude faster than {@code String.format}.
   */
  static void appendDecimal(StringBuilder out, double v) {
    if (v == 0 || !Double.isFinite(v)) {
      out.append(v == 0 ? "0" : Double.toString(v));
      return;
    }
    if (v < 0) {
      out.append('-');
      v = -v;
    }
    long packed = sevenDigits(v);
    int e = exponentOf(packed);
    String digits = Long.toString(mantissaOf(packed));
    if (e >= 0 && e <= 6) {
      out.append(digits, 0, e + 1).append('.').append(digits, e + 1, 7);
    } else if (e < 0 && e >= -5) {
      out.append("0.");
      for (int k = -1; k > e; k--) {
        out.append('0');
      }
      out.append(digits);
    } else {
      out.append(digits.charAt(0)).append('.').append(digits, 1, 7).append('E').append(e);
    }
  }

  /**
   * The 7 significant digits {@link #appendDecimal} writes for a positive finite v, packed into
   * one long so that no object is made per value: the mantissa m ({@code 10^6 <= m < 10^7}) and
   * the decimal exponent e, with {@code v ~ m * 10^(e - 6)}. Read them with {@link #mantissaOf}
   * and {@link #exponentOf}.
   */
  private static long sevenDigits(double v) {
    int e = (int) Math.floor(Math.log10(v));
    long m = Math.round(scaleBy(v, 6 - e));
    if (m >= 10_000_000L) {
      e++;
      m = Math.round(scaleBy(v, 6 - e));
    } else if (m < 1_000_000L) {
      e--;
      m = Math.round(scaleBy(v, 6 - e));
    }
    return (m << 11) | (e + 1024);
  }

  private static long mantissaOf(long packed) {
    return packed >>> 11;
  }

  private static int exponentOf(long packed) {
    return (int) (packed & 2047) - 1024;
  }

  /**
   * Turns generated values into the numbers {@link CsvReader} reads from their written text.
   * Reuses its buffers: one per thread.
   */
  private static final class ReadBack {
    private final DecimalParser parser = new DecimalParser();
    private final StringBuilder text = new StringBuilder(32);
    private char[] chars = new char[32];

    /** The float the CSV reader makes of v's written text. */
    float asReadFloat(double v) {
      if (v == 0) {
        return 0f;
      }
      long packed = sevenDigits(Math.abs(v));
      long mantissa = mantissaOf(packed);
      int k = exponentOf(packed) - 6;
      if (DecimalParser.isExactFloat(mantissa, k)) {
        float f = DecimalParser.exactFloat(mantissa, k);
        return v < 0 ? -f : f;
      }
      // Rare (|v| < 1e-4 or > 1e17 here): parse the text itself, as the reader would.
      int length = written(v);
      if (parser.parseFloat(chars, 0, length) != DecimalParser.OK) {
        throw new IllegalStateException("cannot read back " + text);
      }
      return parser.floatValue();
    }

    /** The double the CSV reader makes of v's written text. */
    double asReadDouble(double v) {
      if (v == 0) {
        return 0.0;
      }
      long packed = sevenDigits(Math.abs(v));
      long mantissa = mantissaOf(packed);
      int k = exponentOf(packed) - 6;
      if (DecimalParser.isExactDouble(mantissa, k)) {
        double d = DecimalParser.exactDouble(mantissa, k);
        return v < 0 ? -d : d;
      }
      int length = written(v);
      if (parser.parseDouble(chars, 0, length) != DecimalParser.OK) {
        throw new IllegalStateException("cannot read back " + text);
      }
      return parser.doubleValue();
    }

    private int written(double v) {
      text.setLength(0);
      appendDecimal(text, v);
      int length = text.length();
      if (chars.length < length) {
        chars = new char[length];
      }
      text.getChars(0, length, chars, 0);
      return length;
    }
  }

  /** v * 10^k using exact powers of ten (|k| <= 22 per step). */
  private static double scaleBy(double v, int k) {
    while (k > 22) {
      v *= POWERS[22];
      k -= 22;
    }
    while (k < -22) {
      v /= POWERS[22];
      k += 22;
    }
    return k >= 0 ? v * POWERS[k] : v / POWERS[-k];
  }

  @Override
  public String toString() {
    return "SyntheticData[rows=" + rows + ", features=" + features + ", loss=" + loss.label()
        + (classWeights == null ? "" : ", classes=" + classes()) + ", seed=" + seed + "]";
  }
}

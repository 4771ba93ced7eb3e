package io.descent.gradient;

import io.descent.data.CompensatedSum;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.loss.Loss;
import io.descent.loss.Softmax;

/**
 * The oracle: loss and gradient in float64 with Neumaier-compensated sums over the rows, on the
 * same float32 data the fast backends see. Standardization is applied on the fly, so the data is
 * never copied. Treat its results as exact; its own correctness is checked against central finite
 * differences. It evaluates any {@link Columns}: K columns, positive classes, folds, row weights.
 */
public final class ReferenceBackend implements GradientBackend, MomentSource {
  private final Dataset data;
  private final Columns columns;
  private final double[] mean;
  private final double[] invScale;

  /**
   * One column of a linear or logistic loss.
   *
   * @param data the dataset, not copied
   * @param standardization applied to each feature before the margin is formed
   * @param loss the per-row loss
   */
  public ReferenceBackend(Dataset data, Standardization standardization, Loss loss) {
    this(data, standardization, Columns.single(loss));
  }

  /**
   * @param data the dataset, not copied; its row weights are used
   * @param standardization applied to each feature before the margins are formed
   * @param columns what is evaluated
   * @throws IllegalArgumentException when the columns do not fit the data
   */
  public ReferenceBackend(Dataset data, Standardization standardization, Columns columns) {
    if (standardization.features() != data.features()) {
      throw new IllegalArgumentException("standardization has " + standardization.features()
          + " features, data has " + data.features());
    }
    columns.check(data);
    this.data = data;
    this.columns = columns;
    this.mean = standardization.mean();
    this.invScale = standardization.inverseScales();
  }

  @Override
  public BackendInfo info() {
    return new BackendInfo(BackendKind.REFERENCE, "Java (host CPU)", "float64", "-");
  }

  @Override
  public int rows() {
    return data.rows();
  }

  @Override
  public int features() {
    return data.features();
  }

  @Override
  public Columns columns() {
    return columns;
  }

  /** Treated as exact. */
  @Override
  public double tolerance() {
    return 0;
  }

  @Override
  public BatchedEvaluation evaluateColumns(double[] w, Batch batch) {
    return evaluate(w, batch, false).evaluation();
  }

  /**
   * The exact evaluation of one column together with the scales a fast backend's rounding
   * errors are judged against. A float32 backend rounds each margin {@code m_i} by about
   * {@code u M_i}, where {@code M_i = |b| + sum_j |w_j z_ij| + |y_i|} and u is the unit
   * roundoff; that moves the residual by {@code L''(m_i) u M_i} and the loss by
   * {@code |r_i| u M_i}, on top of the rounding of the terms themselves. So the scales are
   *
   * <ul>
   *   <li>gradient, entry j: {@code (1/|B|) sum_i (|r_i| + L''(m_i) M_i) |z_ij|} ({@code z_i0 =
   *       1} for the intercept);
   *   <li>loss: {@code (1/|B|) sum_i (L_i + |r_i| M_i)}.
   * </ul>
   *
   * <p>Each row's two terms are floored at {@code Float.MIN_NORMAL}: below it float32 numbers are
   * subnormal and keep only an absolute precision. With row weights the sums are weighted and
   * divided by the total weight, as the evaluation is.
   *
   * <p>Error analysis bounds a backend's error by a small multiple of u times these, whatever
   * the summation order and however small the result itself: near an optimum the gradient tends
   * to 0, and for a single well-fitted row the residual and loss do, while the scales do not.
   *
   * @param theta the parameters of the one column
   * @param batch the rows
   * @throws IllegalStateException when this backend evaluates more than one column
   */
  public Scaled evaluateScaled(double[] theta, Batch batch) {
    if (columns.count() != 1) {
      throw new IllegalStateException("this backend evaluates " + columns.count()
          + " columns: use evaluateColumnsScaled");
    }
    ScaledColumns c = evaluate(theta, batch, true);
    BatchedEvaluation e = c.evaluation();
    return new Scaled(new Evaluation(e.loss()[0], e.gradient()), c.lossScale()[0],
        c.gradientScale());
  }

  /**
   * The exact evaluation of every column with the scales of {@link #evaluateScaled}, per group
   * (loss) and per entry (gradient, laid out as the gradient). For the multinomial loss, an
   * error {@code u M_j} in margin j moves {@code p_k} by {@code p_k |[k = j] - p_j| u M_j}, so
   * row i's term for column k is {@code |r_k| + p_k (M_k + max_j M_j)}.
   */
  public ScaledColumns evaluateColumnsScaled(double[] w, Batch batch) {
    return evaluate(w, batch, true);
  }

  /** An exact evaluation of one column with the error scales of {@link #evaluateScaled}. */
  public record Scaled(Evaluation evaluation, double lossScale, double[] gradientScale) {}

  /** An exact batched evaluation with the error scales of {@link #evaluateColumnsScaled}. */
  public record ScaledColumns(BatchedEvaluation evaluation, double[] lossScale,
      double[] gradientScale) {}

  /** Rows of the problem {@link #warmUp} evaluates. */
  static final int WARM_UP_ROWS = 256;
  /** Features of the problem {@link #warmUp} evaluates. */
  static final int WARM_UP_FEATURES = 64;
  /**
   * Evaluations {@link #warmUp} makes: {@value}, about 50 ms on one core, enough for the JIT's
   * optimizing compiler to take the row loop (see {@link #warmUp}).
   */
  static final int WARM_UP_EVALUATIONS = 200;

  /**
   * Starts compiling this backend's evaluation for {@code loss} on a background thread (a daemon
   * of low priority): {@value #WARM_UP_EVALUATIONS} evaluations of a small problem whose rows lie
   * off the heap, as a large file's rows do. For a caller that will judge a large fit with this
   * backend after other work (reading the data, the fit itself): a JVM's first evaluation of
   * 1M x 64 logistic rows (off the heap, 2 threads) took 215 to 278 ms, most of it on code the
   * JIT had not compiled yet, against 147 to 190 ms a quarter of a second after this warm-up
   * began, and 94 to 141 ms for the second ({@code ReferenceTiming 1000000 64 logistic 2}, with
   * and without {@code -DwarmUp=true}, three runs each, a 2-core AVX2 EPYC, 2026-12-06); in a
   * whole 1M x 64 {@code train} the fit took 0.79 to 0.81 s against 0.82 to 1.02 s. Nothing it
   * computes is kept. Does nothing for a coupled loss (multinomial), whose evaluation needs the
   * data's classes.
   *
   * @return the thread, started; null for a coupled loss
   */
  public static Thread warmUp(Loss loss) {
    if (loss.coupled()) {
      return null;
    }
    Thread t = new Thread(() -> {
      int n = WARM_UP_ROWS;
      int d = WARM_UP_FEATURES;
      float[] x = new float[n * d];
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < d; j++) {
          x[i * d + j] = (float) Math.sin(i * 0.37 + j * 1.3);
        }
        y[i] = loss == Loss.LINEAR ? Math.cos(i) : i % 2;
      }
      Dataset data = Dataset.of(x, n, y).withRowsOffHeap();
      ReferenceBackend b = new ReferenceBackend(data, Standardization.fit(data), loss);
      double[] w = new double[d + 1];
      for (int e = 0; e < WARM_UP_EVALUATIONS; e++) {
        w[1 + e % d] = 0.01 * e;
        b.evaluate(w, Batch.all(n));
      }
    }, "descent-reference-warm-up");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
    return t;
  }

  /**
   * Rows per block of a parallel evaluation: a batch of at least two blocks is summed block by
   * block on the common fork-join pool, each block with its own compensated sums, and the blocks
   * are then added in order, so the result does not depend on the number of threads.
   */
  static final int BLOCK_ROWS = 1 << 15;

  private ScaledColumns evaluate(double[] w, Batch batch, boolean scaled) {
    int d = data.features();
    int p = d + 1;
    int k = columns.count();
    int groups = columns.groups();
    int classes = columns.classes();
    Shapes.requireParameters(w, p, k);
    batch.requireWithin(data.rows());
    int size = batch.size();
    Sums sums;
    if (size < 2 * BLOCK_ROWS) {
      sums = new Sums(k, d, groups, scaled);
      accumulate(w, batch, 0, size, sums);
    } else {
      int blocks = (size + BLOCK_ROWS - 1) / BLOCK_ROWS;
      Sums[] parts = java.util.stream.IntStream.range(0, blocks).parallel().mapToObj(b -> {
        Sums part = new Sums(k, d, groups, scaled);
        accumulate(w, batch, b * BLOCK_ROWS, Math.min(size, (b + 1) * BLOCK_ROWS), part);
        return part;
      }).toArray(Sums[]::new);
      sums = new Sums(k, d, groups, scaled);
      for (Sums part : parts) {
        sums.add(part);
      }
    }
    double[] weight = new double[groups];
    double[] losses = new double[groups];
    double[] g = new double[p * k];
    double[] magnitude = sums.magnitude;
    double[] lossScale = sums.lossScale;
    for (int q = 0; q < groups; q++) {
      weight[q] = sums.ws[q] + sums.wc[q];
      losses[q] = weight[q] > 0 ? (sums.ls[q] + sums.lc[q]) / weight[q] : 0;
      for (int c = q * classes; c < (q + 1) * classes; c++) {
        for (int j = c * p; j < (c + 1) * p; j++) {
          // Column c's sums keep its intercept after its features (see Sums).
          int e = j == c * p ? d : j - c * p - 1;
          g[j] = weight[q] > 0 ? (sums.gs[c][e] + sums.gc[c][e]) / weight[q] : 0;
          if (scaled && weight[q] > 0) {
            magnitude[j] /= weight[q];
          }
        }
      }
      if (scaled && weight[q] > 0) {
        lossScale[q] /= weight[q];
      }
    }
    return new ScaledColumns(new BatchedEvaluation(losses, g, weight, k), lossScale, magnitude);
  }

  /**
   * Neumaier sums over some rows: for each the running sum and its lost low-order part
   * (gradient, loss, weight), and the plain sums of the error scales when asked for. Each
   * column's gradient sums are an array of their own, its d features' from index 0 and its
   * intercept's last: the JIT (HotSpot 17) vectorizes the per-row loop over the features only
   * where the arrays' indices are the loop's own. At an offset (1, or a column's place in one
   * array of every column) that loop took 2.5 times as long (96 to 123 against 37 to 44 ns a row
   * of 64 features), and a warm evaluation of 1M x 64 (logistic, 2 threads) 113 to 155 ms against
   * 85 to 95 ms with these arrays, the same bits (a 2-core AVX2 EPYC, 2026-12-06).
   */
  private static final class Sums {
    final double[][] gs;
    final double[][] gc;
    final double[] ls;
    final double[] lc;
    final double[] ws;
    final double[] wc;
    final double[] lossScale;
    final double[] magnitude;

    Sums(int columns, int features, int groups, boolean scaled) {
      gs = new double[columns][features + 1];
      gc = new double[columns][features + 1];
      ls = new double[groups];
      lc = new double[groups];
      ws = new double[groups];
      wc = new double[groups];
      lossScale = scaled ? new double[groups] : null;
      magnitude = scaled ? new double[columns * (features + 1)] : null;
    }

    /** Adds another block's sums (its sum and its low-order part, each compensated). */
    void add(Sums o) {
      for (int c = 0; c < gs.length; c++) {
        for (int j = 0; j < gs[c].length; j++) {
          CompensatedSum.add(gs[c], gc[c], j, o.gs[c][j]);
          CompensatedSum.add(gs[c], gc[c], j, o.gc[c][j]);
        }
      }
      for (int q = 0; q < ls.length; q++) {
        CompensatedSum.add(ls, lc, q, o.ls[q]);
        CompensatedSum.add(ls, lc, q, o.lc[q]);
        CompensatedSum.add(ws, wc, q, o.ws[q]);
        CompensatedSum.add(ws, wc, q, o.wc[q]);
      }
      if (lossScale != null) {
        for (int q = 0; q < lossScale.length; q++) {
          lossScale[q] += o.lossScale[q];
        }
        for (int j = 0; j < magnitude.length; j++) {
          magnitude[j] += o.magnitude[j];
        }
      }
    }
  }

  /**
   * Rows whose margins {@link #addRows} computes side by side: each row's margin is still one
   * sum in feature order (the same bits as one row at a time), but four independent chains of
   * additions instead of one keep the core busy: one evaluation of 1M x 64 (logistic, as the
   * float64 judgement of a fit) took 0.85 to 0.87 of the time in a JVM's first pass and 0.83
   * to 0.87 warm (a 2-core AVX2 EPYC, a build running beside it).
   */
  static final int GROUP_ROWS = 4;

  /** Adds the batch's entries {@code from..to} (positions in the batch) to {@code sums}. */
  private void accumulate(double[] w, Batch batch, int from, int to, Sums sums) {
    int d = data.features();
    int k = columns.count();
    // Read through a read-only view whatever the buffer (a parsed file's or a cached copy's
    // mapping, which is read-only): one buffer class for the warm-up's evaluations and a fit's.
    // A warm-up over a writable buffer was compiled as if no subclass of it were loaded, and the
    // read-only mapping's class, which is one, threw that code away as the copy loaded: a
    // cached 1M x 64 rerun then recompiled the row loop during its judgement.
    java.nio.FloatBuffer offHeap = data.offHeapRows().map(java.nio.FloatBuffer::asReadOnlyBuffer)
        .orElse(null);
    Row[] rows = new Row[GROUP_ROWS];
    for (int q = 0; q < GROUP_ROWS; q++) {
      rows[q] = new Row(new double[d], new double[k], new double[k],
          sums.magnitude != null ? new double[k] : null, offHeap,
          offHeap != null ? new float[d] : null);
    }
    for (int b = from; b < to; b += GROUP_ROWS) {
      addRows(w, batch, b, Math.min(GROUP_ROWS, to - b), sums, rows);
    }
  }

  /**
   * Adds the terms of the batch's entries {@code b .. b + count - 1} (count at most
   * {@link #GROUP_ROWS}) to {@code sums}, in row order. A method of its own, called once per
   * group: the JIT compiles it once, early in a pass, where a row loop inside
   * {@link #accumulate} was compiled as several on-stack replacements in turn while the pass
   * ran on slower code (a single pass, the end-of-fit check, took 0.39-0.46 s at 1M x 64
   * against 0.14-0.19 s once warm).
   */
  private void addRows(double[] w, Batch batch, int b, int count, Sums sums, Row[] rows) {
    int d = data.features();
    int p = d + 1;
    int k = columns.count();
    for (int q = 0; q < count; q++) {
      Row row = rows[q];
      int i = batch.row(b + q);
      if (row.raw() != null) {
        // Features off the heap: the row copied first (see accumulate).
        row.offHeap().get(i * d, row.raw(), 0, d);
        standardize(row.raw(), 0, mean, invScale, row.z());
      } else {
        standardize(data.x(), i * d, mean, invScale, row.z());
      }
    }
    for (int c = 0; c < k; c++) {
      int o = c * p;
      if (count == GROUP_ROWS) {
        margins4(w, o, rows, c);
      } else {
        for (int q = 0; q < count; q++) {
          rows[q].m()[c] = margin(w, o, rows[q].z());
        }
      }
    }
    for (int q = 0; q < count; q++) {
      addRow(w, batch.row(b + q), sums, rows[q]);
    }
  }

  /**
   * Column c's margins of the four rows, each {@link #margin} (the same additions in the same
   * order), as four chains side by side.
   */
  static void margins4(double[] w, int o, Row[] rows, int c) {
    double[] z0 = rows[0].z();
    double[] z1 = rows[1].z();
    double[] z2 = rows[2].z();
    double[] z3 = rows[3].z();
    double m0 = w[o];
    double m1 = w[o];
    double m2 = w[o];
    double m3 = w[o];
    for (int j = 0; j < z0.length; j++) {
      double wj = w[o + 1 + j];
      m0 += wj * z0[j];
      m1 += wj * z1[j];
      m2 += wj * z2[j];
      m3 += wj * z3[j];
    }
    rows[0].m()[c] = m0;
    rows[1].m()[c] = m1;
    rows[2].m()[c] = m2;
    rows[3].m()[c] = m3;
  }

  /**
   * One row's working arrays: standardized features, margins, residuals, margin scales; and
   * where the features are off the heap, their buffer and the row's raw values.
   */
  record Row(double[] z, double[] m, double[] r, double[] big,
      java.nio.FloatBuffer offHeap, float[] raw) {}

  /** Adds row i's terms to {@code sums}, its standardized features and margins in {@code row}. */
  private void addRow(double[] w, int i, Sums sums, Row row) {
    int groups = columns.groups();
    int classes = columns.classes();
    Loss loss = columns.loss();
    double[] z = row.z();
    double[] m = row.m();
    double[] r = row.r();
    double y = data.y()[i];
    double rowWeight = data.weight(i);
    for (int g = 0; g < groups; g++) {
      double s = columns.weight(g, i, y, rowWeight);
      if (s == 0) {
        continue;
      }
      int c0 = g * classes;
      double li;
      if (loss.coupled()) {
        int label = (int) y;
        li = Softmax.loss(m, c0, classes, label);
        Softmax.residuals(m, c0, classes, label, r, c0);
      } else {
        double t = columns.target(g, y);
        li = loss.value(m[c0], t);
        r[c0] = loss.residual(m[c0], t);
      }
      add(sums.ls, sums.lc, g, s * li);
      add(sums.ws, sums.wc, g, s);
      for (int c = c0; c < c0 + classes; c++) {
        double rs = s * r[c];
        add(sums.gs[c], sums.gc[c], z.length, rs);
        addScaled(sums.gs[c], sums.gc[c], rs, z);
      }
      if (sums.magnitude != null) {
        scales(w, z, y, s, li, m, r, row.big(), c0, classes, columns.target(g, y), loss,
            sums.lossScale, sums.magnitude, g);
      }
    }
  }

  /** Adds one row's error scales (see {@link #evaluateColumnsScaled}) for group g. */
  private void scales(double[] w, double[] z, double y, double s, double li, double[] m,
      double[] r, double[] big, int c0, int classes, double target, Loss loss,
      double[] lossScale, double[] magnitude, int g) {
    int d = z.length;
    int p = d + 1;
    double largest = 0;
    double rowLoss = li;
    for (int c = c0; c < c0 + classes; c++) {
      int o = c * p;
      double mm = Math.abs(w[o]) + (loss.coupled() ? 0 : Math.abs(target));
      for (int j = 0; j < d; j++) {
        mm += Math.abs(w[o + 1 + j] * z[j]);
      }
      big[c] = mm;
      largest = Math.max(largest, mm);
      rowLoss += Math.abs(r[c]) * mm;
    }
    // Floored at float32's smallest normal number, below which float32 keeps only an absolute
    // precision (subnormals are 1.4e-45 apart: a residual of e^-97 has 3 digits).
    lossScale[g] += s * Math.max(rowLoss, Float.MIN_NORMAL);
    for (int c = c0; c < c0 + classes; c++) {
      double curvature;
      if (loss.coupled()) {
        double pk = r[c] + (c - c0 == (int) y ? 1 : 0);
        curvature = pk * (big[c] + largest);
      } else {
        curvature = loss.curvature(m[c]) * big[c];
      }
      double term = s * Math.max(Math.abs(r[c]) + curvature, Float.MIN_NORMAL);
      int o = c * p;
      magnitude[o] += term;
      for (int j = 0; j < d; j++) {
        magnitude[o + 1 + j] += term * Math.abs(z[j]);
      }
    }
  }

  /** {@code z = (x[base..base+d) - mean) * inv}, in float64. */
  private static void standardize(float[] x, int base, double[] mean, double[] inv, double[] z) {
    for (int j = 0; j < z.length; j++) {
      z[j] = (x[base + j] - mean[j]) * inv[j];
    }
  }

  /** The margin {@code w[o] + w[o+1..o+1+d) . z}, summed in order. */
  static double margin(double[] w, int o, double[] z) {
    double m = w[o];
    for (int j = 0; j < z.length; j++) {
      m += w[o + 1 + j] * z[j];
    }
    return m;
  }

  /** Adds {@code rs * z[j]} to the compensated sums {@code j}. */
  private static void addScaled(double[] s, double[] c, double rs, double[] z) {
    for (int j = 0; j < z.length; j++) {
      CompensatedSum.add(s, c, j, rs * z[j]);
    }
  }

  private static void add(double[] s, double[] c, int j, double v) {
    CompensatedSum.add(s, c, j, v);
  }

  /**
   * The moments of each fold's rows about the standardization's means ({@link
   * Moments#centreFor}) and the weighted mean target, in float64 with Neumaier sums ({@link Moments#of}): the oracle.
   */
  @Override
  public Moments[] moments(int[] rowFold, int folds) {
    if (rowFold != null && rowFold.length != data.rows()) {
      throw new IllegalArgumentException(data.rows() + " rows but " + rowFold.length
          + " row folds");
    }
    double targetShift = Moments.targetShift(data);
    double[] centre = Moments.centreFor(mean, data);
    Moments[] m = new Moments[folds];
    for (int f = 0; f < folds; f++) {
      m[f] = Moments.of(data, centre, targetShift, rowFold, f);
    }
    return m;
  }

  @Override
  public void close() {
    // Nothing native to release.
  }
}

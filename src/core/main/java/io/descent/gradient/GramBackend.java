package io.descent.gradient;

import io.descent.data.Standardization;
import io.descent.loss.Loss;
import java.util.Objects;

/**
 * The squared-error loss evaluated from the rows' second moments ({@link Moments}) on the host:
 * the normal-equations path. The moments are computed once, in one pass over the data on the
 * device of a {@link MomentSource} backend; after that every evaluation of any K columns costs
 * {@code O(d^2 K)} float64 operations and reads no row.
 *
 * <p>With standardized rows {@code u_i = [1, z_i]}, {@code z_ij = (x_ij - mean_j) / scale_j},
 * each group's {@code A = sum s_i u_i u_i'}, {@code c = sum s_i u_i (y_i - c_y)}, {@code yy =
 * sum s_i (y_i - c_y)^2} and {@code S = sum s_i} are formed once from the moments about the shift
 * (c, c_y) with {@code delta = mean - c}:
 *
 * <pre>
 *   A[0][0]         = S
 *   A[0][1+j]       = (M[0][1+j] - S delta_j) / scale_j
 *   A[1+j][1+k]     = (M[1+j][1+k] - delta_j M[0][1+k] - delta_k M[0][1+j] + S delta_j delta_k)
 *                     / (scale_j scale_k)
 *   c[0]            = M[0][y],   c[1+j] = (M[1+j][y] - delta_j M[0][y]) / scale_j
 * </pre>
 *
 * and then, with {@code theta~ = (b - c_y, w)} (the margin's shift that matches the target's),
 * the loss is {@code (theta~' A theta~ - 2 theta~' c + yy) / (2 S)} and the gradient {@code (A
 * theta~ - c) / S}: the same quantities as {@link ReferenceBackend}'s. They are evaluated about
 * a minimizer {@code t*} of the group's data term ({@code A t* = c}, solved once by a pivoted
 * Cholesky factorization with one step of refinement, singular A included: a constant column
 * or collinear features leave a pivot out), as {@code loss = (yy - c' t*) / (2 S) + e' A e /
 * (2 S)} and {@code gradient = A e / S} with {@code e = theta~ - t*}. The first form cancels
 * digits near the optimum, where the terms are far larger than their sum, so a line search there
 * would see rounding noise instead of the objective's decrease; the second's quadratic term has
 * nothing to cancel, the loss's noise is a constant offset, and the gradient is the loss's exact
 * derivative. With folds (a cross-validation's groups), each group's moments are the sum of the
 * folds it does not leave out, each fold's moments computed in the same single pass.
 * Both are computed in the moments' own space, {@code v_i = [1, x_i - c]} unscaled ({@code A'},
 * {@code c'} straight from M, {@code e' = T e} with {@code w'_j = w_j / scale_j} and {@code b' =
 * b - sum_j w'_j delta_j}, the gradient {@code T' A' e' / S}), where {@code t*} is solved with
 * a unit-diagonal pivoting: formed about another centre (the raw features' 0), A held a column
 * of 1e8 +- 3 as 1e16 + 3. The columns' space's A above is kept for {@link #curvature} only.
 *
 * <p>Precision: the moments are compensated float64 sums of float64 products of the float32
 * data's values (converted exactly) less the shift, and the forms above are float64, so the error against the reference is a small multiple of float64
 * rounding times the size of the summed terms (see {@link #TOLERANCE}); no float32 noise floor
 * and no float64 finish apply.
 *
 * <p>Only whole-data evaluations ({@link Batch#all}): a mini-batch is a subset of rows the
 * moments do not separate.
 */
public final class GramBackend implements GradientBackend {
  /**
   * The bound on the error against the reference, in the verifier's scaled terms (and
   * relative, away from an optimum): {@value}. The moments are float64 sums (a few roundings of
   * their terms' size); forming A and c from them about another centre loses about as many
   * digits as the centres differ by in units of the spread (none for the standardization the
   * moments were shifted by); the minimizer's constant {@code (yy - c' t*) / (2 S)} carries about
   * {@code 1e-16 / (1 - R^2)} of the loss; and {@code e' A e} a few roundings per feature. The
   * tests assert 1e-9 relative on the shipped and generated sets and the verifier's check of
   * every iteration passes at this bound; it leaves room for an R^2 of 0.999999 on a thousand
   * features.
   */
  public static final double TOLERANCE = 1e-10;

  private final BackendInfo info;
  private final BackendInfo source;
  private final Columns columns;
  private final Standardization standardization;
  /** How the device of a backend on the normal equations begins, in its {@link BackendInfo}. */
  public static final String DEVICE_PREFIX = "normal equations (statistics from ";

  /** True when a backend's description says it evaluates on the normal equations. */
  public static boolean describes(BackendInfo info) {
    return info.device().startsWith(DEVICE_PREFIX);
  }
  private final int rows;
  private final int features;
  private final double targetShift;
  /** Per group: A in the columns' space ((d+1) x (d+1), row-major: the curvature), yy, S. */
  private final double[][] a;
  private final double[] yy;
  private final double[] weight;
  /** Per group: a minimizer t* of the data term, and the data term there. */
  private final double[][] optimum;
  private final double[] least;
  /**
   * Per group: the moments' own A ({@code sum s_i v_i v_i'}, {@code v_i = [1, x_i - shift]}),
   * in which every evaluation's quadratic form is taken (see {@link #evaluateColumns}).
   */
  private final double[][] centred;
  /** Per group: the moments' own c ({@code sum s_i v_i (y_i - c_y)}), A's right side. */
  private final double[][] centredRight;
  /** {@code mean_j - shift_j} and {@code 1 / scale_j}: the map between the two spaces. */
  private final double[] delta;
  private final double[] inverseScale;

  /**
   * Evaluates the columns from the moments of each fold of the rows.
   *
   * @param folds the moments of fold f's rows at f (one element, every row, without folds), all
   *     about the same shift; columns without folds take the sum of them all
   * @param rows the number of rows the moments sum (the whole-data batch)
   * @param standardization the space the columns' parameters are in
   * @param columns linear columns, with folds when {@code folds} has more than one element
   * @param source what computed the moments, for {@link #info()}
   * @throws IllegalArgumentException for a loss other than {@link Loss#LINEAR}, or moments that
   *     do not fit the columns or the standardization
   */
  public GramBackend(Moments[] folds, int rows, Standardization standardization,
      Columns columns, BackendInfo source) {
    Objects.requireNonNull(standardization, "standardization");
    this.columns = Objects.requireNonNull(columns, "columns");
    this.source = Objects.requireNonNull(source, "source");
    this.standardization = standardization;
    if (columns.loss() != Loss.LINEAR) {
      throw new IllegalArgumentException("the normal equations solve the linear loss, not "
          + columns.loss().label());
    }
    if (folds.length < 1) {
      throw new IllegalArgumentException("no moments");
    }
    int d = folds[0].features();
    if (standardization.features() != d) {
      throw new IllegalArgumentException("standardization has " + standardization.features()
          + " features, the moments " + d);
    }
    this.rows = rows;
    this.features = d;
    this.targetShift = folds[0].targetShift();
    this.info = new BackendInfo(source.kind(), DEVICE_PREFIX + source.device() + ")", "float64",
        source.layout());
    int groups = columns.groups();
    a = new double[groups][];
    yy = new double[groups];
    weight = new double[groups];
    optimum = new double[groups][];
    least = new double[groups];
    centred = new double[groups][];
    centredRight = new double[groups][];
    double[] shift = folds[0].shift();
    delta = new double[d];
    for (int j = 0; j < d; j++) {
      delta[j] = standardization.mean(j) - shift[j];
    }
    inverseScale = standardization.inverseScales();
    java.util.Map<Integer, Integer> byHeldOut = new java.util.HashMap<>();
    for (int g = 0; g < groups; g++) {
      int held = columns.hasFolds() ? columns.heldOut(g) : -1;
      Integer same = byHeldOut.putIfAbsent(held, g);
      if (same != null) {
        a[g] = a[same];
        yy[g] = yy[same];
        weight[g] = weight[same];
        optimum[g] = optimum[same];
        least[g] = least[same];
        centred[g] = centred[same];
        centredRight[g] = centredRight[same];
        continue;
      }
      Moments m = null;
      for (int f = 0; f < folds.length; f++) {
        if (f != held) {
          m = m == null ? folds[f] : m.plus(folds[f]);
        }
      }
      if (m == null) {
        m = new Moments(folds[0].shift(), targetShift, new double[Moments.size(d)]);
      }
      standardize(m, standardization, g);
    }
  }

  /** A view of {@code from}'s group 0 as every group of {@code columns} (see {@link #select}). */
  private GramBackend(GramBackend from, Columns columns) {
    this.info = from.info;
    this.source = from.source;
    this.columns = columns;
    this.standardization = from.standardization;
    this.rows = from.rows;
    this.features = from.features;
    this.targetShift = from.targetShift;
    int groups = columns.groups();
    a = new double[groups][];
    yy = new double[groups];
    weight = new double[groups];
    optimum = new double[groups][];
    least = new double[groups];
    centred = new double[groups][];
    centredRight = new double[groups][];
    delta = from.delta;
    inverseScale = from.inverseScale;
    for (int g = 0; g < groups; g++) {
      centred[g] = from.centred[0];
      centredRight[g] = from.centredRight[0];
      a[g] = from.a[0];
      yy[g] = from.yy[0];
      weight[g] = from.weight[0];
      optimum[g] = from.optimum[0];
      least[g] = from.least[0];
    }
  }

  /**
   * The same statistics evaluating other plain columns (any number of groups, no folds), for
   * columns without folds: every group of either is the same function of its weights, so an
   * evaluation of one column costs one column's {@code O(d^2)}, not this backend's every
   * column's. Nothing is recomputed; both may be used (and closed) independently.
   *
   * @throws IllegalArgumentException when this backend's columns or {@code columns} have folds,
   *     or {@code columns} are not linear
   */
  public GramBackend select(Columns columns) {
    if (this.columns.hasFolds() || columns.hasFolds() || columns.loss() != Loss.LINEAR) {
      throw new IllegalArgumentException("the normal equations of " + this.columns
          + " cannot evaluate " + columns);
    }
    return new GramBackend(this, columns);
  }

  /**
   * Computes the moments in one pass on {@code source} (per fold when the columns have folds)
   * and evaluates the columns from them.
   *
   * @param source a backend that computes moments, opened on the data, its standardization and
   *     its columns
   * @throws UnsupportedOperationException when the source cannot compute moments
   */
  public static GramBackend of(GradientBackend source, Standardization standardization,
      Columns columns) {
    if (!(source instanceof MomentSource moments)) {
      throw new UnsupportedOperationException(source.info().summary()
          + " does not compute moments");
    }
    int[] rowFold = columns.hasFolds() ? columns.rowFolds() : null;
    return new GramBackend(moments.moments(rowFold, Moments.folds(rowFold)), source.rows(),
        standardization, columns, source.info());
  }

  /** The standardized space the columns' parameters are in. */
  public Standardization standardization() {
    return standardization;
  }

  /** Forms group g's A, c, yy and S in the standardization's space (see the class comment). */
  private void standardize(Moments m, Standardization standardization, int g) {
    int d = features;
    int p = d + 1;
    int y = d + 1;
    double[] shift = m.shift();
    double[] inv = standardization.inverseScales();
    double[] delta = new double[d];
    for (int j = 0; j < d; j++) {
      delta[j] = standardization.mean(j) - shift[j];
    }
    double s = m.weight();
    double[] ag = new double[p * p];
    ag[0] = s;
    for (int j = 0; j < d; j++) {
      double v = (m.get(0, 1 + j) - s * delta[j]) * inv[j];
      ag[1 + j] = v;
      ag[(1 + j) * p] = v;
      for (int k = j; k < d; k++) {
        double w = (m.get(1 + j, 1 + k) - delta[j] * m.get(0, 1 + k)
            - delta[k] * m.get(0, 1 + j) + s * delta[j] * delta[k]) * inv[j] * inv[k];
        ag[(1 + j) * p + 1 + k] = w;
        ag[(1 + k) * p + 1 + j] = w;
      }
    }
    a[g] = ag;
    yy[g] = m.get(y, y);
    weight[g] = s;
    // The minimizer in the moments' own space (about the shift, unscaled), where A is as well
    // conditioned as the data allow: formed in the columns' space about another centre (the
    // raw features' 0), A held a column of 1e8 +- 3 as 1e16 + 3 and its solve dropped the
    // intercept's pivot. Then mapped: w_j = w'_j scale_j, b = b' + sum_j w'_j delta_j.
    double[] am = new double[p * p];
    double[] cm = new double[p];
    for (int j = 0; j < p; j++) {
      for (int k = j; k < p; k++) {
        am[j * p + k] = m.get(j, k);
        am[k * p + j] = am[j * p + k];
      }
      cm[j] = m.get(j, y);
    }
    double[] tm = solveRefined(am, cm, p);
    double ct = 0;
    for (int j = 0; j < p; j++) {
      ct += cm[j] * tm[j];
    }
    centred[g] = am;
    centredRight[g] = cm;
    optimum[g] = fromCentred(tm);
    least[g] = s > 0 ? Math.max(0, yy[g] - ct) / (2 * s) : 0;
  }

  /**
   * The minimizer of group 0's data term plus {@code (l2 / 2) ||w||^2} (w the weights in the
   * columns' space, the intercept free), in the columns' space: the ridge solution, solved in the
   * moments' own space ({@code (A' + l2 S diag(0, scale^2)) t' = c'}), where it keeps its digits
   * when the columns' space does not (raw features: a column of 1e8 +- 3 beside the intercept
   * left a fit's every step below float64's resolution, stalled near the constant model).
   *
   * @param l2 the L2 penalty, finite and >= 0
   * @return the parameters, intercept first; zeros when no row weighs anything
   */
  public double[] minimizer(double l2) {
    int p = features + 1;
    double s = weight[0];
    if (!(s > 0)) {
      return new double[p];
    }
    double[] am = centred[0].clone();
    for (int j = 0; j < features; j++) {
      double scale = 1 / inverseScale[j];
      am[(1 + j) * p + 1 + j] += l2 * s * scale * scale;
    }
    double[] t = fromCentred(solveRefined(am, centredRight[0], p));
    t[0] += targetShift;
    return t;
  }

  /**
   * Parameters of the columns' space (less the target's shift) in the moments' space, in place:
   * {@code w'_j = w_j / scale_j}, {@code b' = b - sum_j w'_j delta_j}.
   */
  private void toCentred(double[] theta) {
    for (int j = 0; j < features; j++) {
      theta[1 + j] *= inverseScale[j];
      theta[0] -= delta[j] * theta[1 + j];
    }
  }

  /** The inverse of {@link #toCentred}, in a new array: {@code w_j = w'_j scale_j}, ... */
  private double[] fromCentred(double[] x) {
    double[] t = new double[x.length];
    t[0] = x[0];
    for (int j = 0; j < features; j++) {
      t[1 + j] = x[1 + j] / inverseScale[j];
      t[0] += x[1 + j] * delta[j];
    }
    return t;
  }

  /** {@link #solveScaled} with one step of iterative refinement on its residual. */
  private static double[] solveRefined(double[] a, double[] b, int p) {
    double[] x = solveScaled(a, b, p);
    double[] r = b.clone();
    for (int j = 0; j < p; j++) {
      for (int q = 0; q < p; q++) {
        r[j] -= a[j * p + q] * x[q];
      }
    }
    double[] correction = solveScaled(a, r, p);
    for (int j = 0; j < p; j++) {
      x[j] += correction[j];
    }
    return x;
  }

  /**
   * {@link #solve} of the system scaled to a unit diagonal ({@code D^-1/2 A D^-1/2}, D A's
   * diagonal), so that which pivots are dropped does not depend on the units of the columns: a
   * column of values about 1e-8 beside one about 1e8 keeps its pivot.
   */
  static double[] solveScaled(double[] a, double[] b, int p) {
    double[] root = new double[p];
    for (int j = 0; j < p; j++) {
      double v = a[j * p + j];
      root[j] = v > 0 ? Math.sqrt(v) : 1;
    }
    double[] as = new double[p * p];
    double[] bs = new double[p];
    for (int j = 0; j < p; j++) {
      for (int k = 0; k < p; k++) {
        as[j * p + k] = a[j * p + k] / (root[j] * root[k]);
      }
      bs[j] = b[j] / root[j];
    }
    double[] x = solve(as, bs, p);
    for (int j = 0; j < p; j++) {
      x[j] /= root[j];
    }
    return x;
  }

  /**
   * A solution of {@code A x = b} for a symmetric positive semidefinite A ({@code p x p},
   * row-major) by Cholesky factorization with diagonal pivoting: pivots at most {@code p} float64
   * roundings of the largest diagonal entry end it, and the unknowns they would have set are 0
   * (for b in A's range, as the normal equations' right side always is, x then solves the
   * system).
   */
  public static double[] solve(double[] a, double[] b, int p) {
    double[] l = a.clone();
    int[] perm = new int[p];
    double largest = 0;
    for (int j = 0; j < p; j++) {
      perm[j] = j;
      largest = Math.max(largest, l[j * p + j]);
    }
    double tiny = p * Math.ulp(1.0) * largest;
    int rank = 0;
    for (int k = 0; k < p; k++) {
      int q = k;
      for (int i = k + 1; i < p; i++) {
        if (l[i * p + i] > l[q * p + q]) {
          q = i;
        }
      }
      if (!(l[q * p + q] > tiny)) {
        break;
      }
      if (q != k) {
        for (int j = 0; j < p; j++) {
          double v = l[k * p + j];
          l[k * p + j] = l[q * p + j];
          l[q * p + j] = v;
        }
        for (int i = 0; i < p; i++) {
          double v = l[i * p + k];
          l[i * p + k] = l[i * p + q];
          l[i * p + q] = v;
        }
        int v = perm[k];
        perm[k] = perm[q];
        perm[q] = v;
      }
      double pivot = Math.sqrt(l[k * p + k]);
      l[k * p + k] = pivot;
      for (int i = k + 1; i < p; i++) {
        l[i * p + k] /= pivot;
      }
      for (int j = k + 1; j < p; j++) {
        double ljk = l[j * p + k];
        for (int i = j; i < p; i++) {
          l[i * p + j] -= l[i * p + k] * ljk;
        }
        for (int i = j + 1; i < p; i++) {
          l[j * p + i] = l[i * p + j];
        }
      }
      rank++;
    }
    double[] v = new double[rank];
    for (int i = 0; i < rank; i++) {
      double sum = b[perm[i]];
      for (int k = 0; k < i; k++) {
        sum -= l[i * p + k] * v[k];
      }
      v[i] = sum / l[i * p + i];
    }
    for (int i = rank - 1; i >= 0; i--) {
      double sum = v[i];
      for (int k = i + 1; k < rank; k++) {
        sum -= l[k * p + i] * v[k];
      }
      v[i] = sum / l[i * p + i];
    }
    double[] x = new double[p];
    for (int i = 0; i < rank; i++) {
      x[perm[i]] = v[i];
    }
    return x;
  }

  /**
   * The data term's Hessian in group 0's parameters, {@code A / S} ({@code (d + 1) x (d + 1)},
   * row-major, intercept first; a copy): the same for every point, so that a solver can follow
   * the gradient's change along a coordinate exactly ({@code gradient += H[:, j] delta}) without
   * an evaluation. All zeros when no row weighs anything.
   *
   * @throws IllegalStateException when the columns have folds (each group has its own)
   */
  public double[] curvature() {
    if (columns.hasFolds()) {
      throw new IllegalStateException("the normal equations of " + columns
          + " have one Hessian per fold");
    }
    double[] h = a[0].clone();
    double s = weight[0];
    for (int e = 0; e < h.length; e++) {
      h[e] = s > 0 ? h[e] / s : 0;
    }
    return h;
  }

  @Override
  public BackendInfo info() {
    return info;
  }

  /** What computed the moments. */
  public BackendInfo source() {
    return source;
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public int features() {
    return features;
  }

  @Override
  public Columns columns() {
    return columns;
  }

  /** {@value #TOLERANCE}. */
  @Override
  public double tolerance() {
    return TOLERANCE;
  }

  /**
   * @throws IllegalArgumentException for a batch other than every row in order
   */
  @Override
  public BatchedEvaluation evaluateColumns(double[] w, Batch batch) {
    if (!batch.contiguous() || batch.from() != 0 || batch.to() != rows) {
      throw new IllegalArgumentException("the normal equations evaluate all " + rows
          + " rows at once, not a batch of " + batch.size());
    }
    int p = features + 1;
    int k = columns.count();
    Shapes.requireParameters(w, p, k);
    int groups = columns.groups();
    double[] loss = new double[groups];
    double[] gradient = new double[p * k];
    double[] theta = new double[p];
    for (int col = 0; col < k; col++) {
      int g = col / columns.classes();
      if (!(weight[g] > 0)) {
        continue;
      }
      System.arraycopy(w, col * p, theta, 0, p);
      theta[0] -= targetShift;
      double[] t = optimum[g];
      for (int j = 0; j < p; j++) {
        theta[j] -= t[j];
      }
      // e = theta~ - t* taken to the moments' space (e' = T e), where the quadratic form and
      // the gradient (T' A' e') keep their digits whatever the columns' space.
      toCentred(theta);
      double[] am = centred[g];
      double quadratic = 0;
      int base = col * p;
      for (int j = 0; j < p; j++) {
        double v = 0;
        int row = j * p;
        for (int q = 0; q < p; q++) {
          v += am[row + q] * theta[q];
        }
        quadratic += theta[j] * v;
        gradient[base + j] = v;
      }
      double v0 = gradient[base];
      gradient[base] = v0 / weight[g];
      for (int j = 0; j < features; j++) {
        gradient[base + 1 + j] = (gradient[base + 1 + j] - delta[j] * v0) * inverseScale[j]
            / weight[g];
      }
      loss[g] = least[g] + Math.max(0, quadratic) / (2 * weight[g]);
    }
    return new BatchedEvaluation(loss, gradient, weight.clone(), k);
  }

  @Override
  public void close() {
    // Nothing to release: the source backend is its opener's to close.
  }
}

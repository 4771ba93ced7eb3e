/*
 * moments.cl: the weighted second moments of the rows, M = sum_i s_i a_i a_i', of the augmented
 * rows a_i = [1, x_i - c, y_i - c_y] (p = d + 2 entries), for the squared-error loss's normal
 * equations (GramBackend on the host). Needs PRECISION 64 (cl_khr_fp64): every product is
 * formed and summed in double; the data x stays float32 and its value converts to double
 * exactly.
 *
 * Data: x row-major float32 (rows x d), y the targets already minus c_y (double), s the row
 * weights (double; 1 when the data is unweighted), shift c (double, d). The host stages each
 * fold's rows in its own launches, so the kernel knows nothing of folds.
 *
 * Two layouts, as the gradient kernels have.
 *
 * cpu (kernel moments_rows): a GEMM micro-kernel. Work-item i owns a contiguous run of rows,
 * taken BR rows (a block) at a time. A block is staged in private memory as double: the values
 * a_ij in panels of KW = TK * VW columns (row by row, KW values each) and the weighted values
 * s_i a_ij row by row. Inside the kernel the augmented row is ordered [x_1 - c_1, ..., x_d -
 * c_d, 1, y - c_y] (index d the constant, d + 1 the target), so that the features fill whole
 * vectors from each row's start; the host maps the entries back to the packed order [1, x, y].
 * Register tiles then cover the triangle: the features' part by tiles of TJ rows x KW columns
 * (columns from the panel holding the tile's first row up to the features' end, PF = d rounded
 * up to KW; the few entries under the diagonal are computed and never read), and a border of
 * two rows (the constant's and the target's, each by every column) by tiles of 2 rows x 2 KW
 * columns. Each tile keeps its ROWS x NV vectors of VW doubles in private accumulators (in
 * registers) over the block's rows: per row NV vector loads and ROWS broadcasts feed ROWS * NV
 * vector multiply-adds. At 64 features that is 2608 multiply-adds a row on AVX2 against the
 * triangle's 2211; the kernel before this one (every entry loaded and stored every 4 rows) was
 * bound by those loads and stores, this one by the multiply-adds. Each tile goes into the item's
 * block sums once per block; every FOLD blocks the block sums (plain double over at most FOLD *
 * BR rows) are folded into the item's totals with Neumaier compensation (total and lost). Each
 * item's three sums are (PJ + 2) x PK squares (PJ = PF rounded up to TJ: the features' rows;
 * then the constant's and the target's rows; PK = d + 2 rounded up to KW) in its slice of the
 * global buffer sums, and the totals persist across launches unless fresh is set, so a fold's
 * slabs add into them; the host adds the items' total + lost in float64 in item order. Tunables
 * (the host picks them per device from its vector registers, MomentTiles): VW the doubles per
 * vector, TJ and TK the features' tile, BR the rows of a block, FOLD the blocks per fold.
 *
 * gpu (kernel moments): a 2-D range, work-item (t, b) owns entry t of the packed upper
 * triangle (row entryRow[t], column entryCol[t], 0 = the constant 1, 1..d = the features, d + 1 =
 * the target) and block b of blockRows consecutive rows, and sums s_i a_ij a_ik over them with
 * Neumaier compensation. Neighbouring work-items read the same row, which the caches serve (on
 * a GPU the loads of a warp coalesce into a row's few lines). Each work-item writes its sum to
 * partial[b * entries + t]; the host adds the blocks in float64 in block order: no atomics, the
 * same input on the same device gives the same bits.
 */

ALWAYS_INLINE double augmented(int j, int i, int d, __global const float* x,
    __global const double* y, __global const double* shift) {
  if (j == 0) {
    return 1.0;
  }
  if (j <= d) {
    return (double) x[(long) i * d + j - 1] - shift[j - 1];
  }
  return y[i];
}

__kernel void moments(__global const float* x, __global const double* y,
    __global const double* s, __global const double* shift, __global const int* entryRow,
    __global const int* entryCol, const int rows, const int d, const int entries,
    const int blockRows, __global double* partial) {
  int t = get_global_id(0);
  int b = get_global_id(1);
  if (t >= entries) {
    return;
  }
  int j = entryRow[t];
  int k = entryCol[t];
  int from = b * blockRows;
  int to = min(rows, from + blockRows);
  double sum = 0;
  double lost = 0;
  for (int i = from; i < to; i++) {
    double v = s[i] * augmented(j, i, d, x, y, shift) * augmented(k, i, d, x, y, shift);
    double next = sum + v;
    lost += fabs(sum) >= fabs(v) ? (sum - next) + v : (v - next) + sum;
    sum = next;
  }
  partial[(long) b * entries + t] = sum + lost;
}

#ifndef P
#define P 3
#endif
#ifndef VW
#define VW 4
#endif
#ifndef TJ
#define TJ 6
#endif
#ifndef TK
#define TK 2
#endif
#ifndef BR
#define BR 64
#endif
#ifndef FOLD
#define FOLD 8
#endif
/* WEIGHTED 0: every row weighs 1 (the host knows), so the weighted copy of a block is its
 * values: the block is staged once, row by row (wr), and the tiles load their column vectors
 * from those rows instead of from panels of a second copy. */
#ifndef WEIGHTED
#define WEIGHTED 1
#endif
/* The features; the columns of a tile; the features padded to whole tiles of columns (PF) and
 * then of rows (PJ); the padded row (every column) and its panels; the stride of the weighted
 * rows. Each item's square of sums is (PJ + 2) x PK: the features' rows, then the border's. */
#define D (P - 2)
#define KW (TK * VW)
#define PF (((D + KW - 1) / KW) * KW)
#define PJ (((PF + TJ - 1) / TJ) * TJ)
#define PK (((P + KW - 1) / KW) * KW)
#define NK (PK / KW)
#define WS ((((PK > PJ ? PK : PJ) + VW - 1) / VW) * VW)
#define DV CAT(double, VW)
/* Vector v of a tile's columns in staged row r: in a panel (ap: the panel's start), or with
 * WEIGHTED 0 in the row itself (ap: the row block wr at the panel's first column). */
#if WEIGHTED
#define AV_AT(ap, v, r) ((ap) + ((v) / TK) * (BR * KW) + (r) * KW + ((v) % TK) * VW)
#define PANEL(kt) (ap + (kt) * (BR * KW))
#else
#define AV_AT(ap, v, r) ((ap) + (r) * WS + (v) * VW)
#define PANEL(kt) (wr + (kt) * KW)
#endif
#define VLOAD CAT(vload, VW)
#define VSTORE CAT(vstore, VW)

/*
 * One register tile: ROWS rows of the square from row j0 (the weighted values wr[r * WS + u],
 * wr pointing at column j0) by NV vectors of columns from the panel at ap (panel v / TK holds
 * vector v % TK), summed over the block's n rows in private accumulators, then added into the
 * square at out (row j0, the panel's first column). A macro so that ROWS and NV are constants
 * in each function it defines: the loops unroll and the accumulators stay in registers.
 */
#define DEFINE_TILE(NAME, ROWS, NV)                                                        \
  ALWAYS_INLINE void NAME(const double* wr, const double* ap, int n, __global double* out) { \
    DV acc[ROWS][NV];                                                                     \
    _Pragma("unroll") for (int u = 0; u < ROWS; u++) {                                    \
      _Pragma("unroll") for (int v = 0; v < NV; v++) {                                    \
        acc[u][v] = (DV) (0.0);                                                           \
      }                                                                                   \
    }                                                                                     \
    for (int r = 0; r < n; r++) {                                                         \
      DV av[NV];                                                                          \
      _Pragma("unroll") for (int v = 0; v < NV; v++) {                                    \
        av[v] = VLOAD(0, AV_AT(ap, v, r));                                                \
      }                                                                                   \
      _Pragma("unroll") for (int u = 0; u < ROWS; u++) {                                  \
        DV w = (DV) (wr[r * WS + u]);                                                     \
        _Pragma("unroll") for (int v = 0; v < NV; v++) {                                  \
          acc[u][v] = acc[u][v] + w * av[v];                                              \
        }                                                                                 \
      }                                                                                   \
    }                                                                                     \
    _Pragma("unroll") for (int u = 0; u < ROWS; u++) {                                    \
      _Pragma("unroll") for (int v = 0; v < NV; v++) {                                    \
        VSTORE(VLOAD(v, out + u * PK) + acc[u][v], v, out + u * PK);                      \
      }                                                                                   \
    }                                                                                     \
  }

/* The features' tiles (TJ x TK vectors), the border's two rows by two panels and by one. */
DEFINE_TILE(feature_tile, TJ, TK)
DEFINE_TILE(border_tile2, 2, 2 * TK)
DEFINE_TILE(border_tile1, 2, TK)

__kernel void moments_rows(__global const float* x, __global const double* y,
    __global const double* s, __global const double* shift, const int rows, const int d,
    const int rowsPerItem, __global double* sums, const int fresh) {
  const int square = (PJ + 2) * PK;
  int item = get_global_id(0);
  int from = item * rowsPerItem;
  int to = min(rows, from + rowsPerItem);
  __global double* block = sums + (long) item * 3 * square;
  __global double* total = block + square;
  __global double* lost = total + square;
  if (fresh) {
    for (int t = 0; t < 3 * square; t++) {
      block[t] = 0;
    }
  }
  /* The block: a_ij in NK panels of BR x KW, s_i a_ij row by row (BR x WS; past PK, 0); with
   * WEIGHTED 0 only the rows (s_i = 1). */
#if WEIGHTED
  double ap[NK * BR * KW];
#endif
  double wr[BR * WS];
  for (int r = 0; r < BR; r++) {
    for (int j = PK; j < WS; j++) {
      wr[r * WS + j] = 0;
    }
  }
  /* The shift by vectors. */
  DV shifts[D / VW + 1];
  for (int q = 0; q < D / VW; q++) {
    shifts[q] = VLOAD(q, shift);
  }
  int blocks = 0;
  for (int b0 = from; b0 < to; b0 += BR) {
    int n = min(BR, to - b0);
    for (int r = 0; r < n; r++) {
      int i = b0 + r;
      __global const float* xi = x + (long) i * D;
      /* Whole vectors of features, then the last few features, the constant, the target and
       * the padding (0) element by element. */
#if WEIGHTED
      DV weight = (DV) (s[i]);
      for (int q = 0; q < D / VW; q++) {
        DV a = CAT(convert_double, VW)(CAT(vload, VW)(q, xi)) - shifts[q];
        VSTORE(a, 0, ap + (q / TK) * (BR * KW) + r * KW + (q % TK) * VW);
        VSTORE(weight * a, 0, wr + r * WS + q * VW);
      }
      for (int q = D / VW; q < NK * TK; q++) {
        double* at = ap + (q / TK) * (BR * KW) + r * KW + (q % TK) * VW;
        for (int u = 0; u < VW; u++) {
          int j = q * VW + u;
          double a = j < D ? (double) xi[j] - shift[j] : j == D ? 1.0 : j == D + 1 ? y[i] : 0.0;
          at[u] = a;
          wr[r * WS + j] = s[i] * a;
        }
      }
#else
      for (int q = 0; q < D / VW; q++) {
        VSTORE(CAT(convert_double, VW)(CAT(vload, VW)(q, xi)) - shifts[q], 0,
            wr + r * WS + q * VW);
      }
      for (int j = (D / VW) * VW; j < NK * TK * VW; j++) {
        wr[r * WS + j] = j < D ? (double) xi[j] - shift[j] : j == D ? 1.0 : j == D + 1 ? y[i]
            : 0.0;
      }
#endif
    }
    /* The features' triangle: rows j < PF, columns from the tile's panel to PF. */
    for (int j0 = 0; j0 < PF; j0 += TJ) {
      for (int kt = j0 / KW; kt < PF / KW; kt++) {
        feature_tile(wr + j0, PANEL(kt), n, block + j0 * PK + kt * KW);
      }
    }
    /* The border: the constant (row D of wr) and the target (D + 1) by every column, into
     * rows PJ and PJ + 1 of the square, two panels at a time (2 x 2 TK accumulators) and the
     * last one alone. */
    int kt = 0;
    for (; kt + 2 <= NK; kt += 2) {
      border_tile2(wr + D, PANEL(kt), n, block + PJ * PK + kt * KW);
    }
    if (kt < NK) {
      border_tile1(wr + D, PANEL(kt), n, block + PJ * PK + kt * KW);
    }
    blocks++;
    if (blocks == FOLD || b0 + BR >= to) {
      blocks = 0;
      for (int t = 0; t < square; t += VW) {
        DV v = VLOAD(0, block + t);
        DV sum = VLOAD(0, total + t);
        DV next = sum + v;
        DV gone = fabs(sum) >= fabs(v) ? (sum - next) + v : (v - next) + sum;
        VSTORE(VLOAD(0, lost + t) + gone, 0, lost + t);
        VSTORE(next, 0, total + t);
        VSTORE((DV) (0.0), 0, block + t);
      }
    }
  }
}

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
 * cpu (kernel moments_rows): work-item i owns a contiguous run of rows and accumulates the whole
 * packed triangle for them, in its own three rows of the global buffer sums (cache-resident:
 * (d + 2)(d + 3)/2 doubles each): a block of BLOCK rows is summed in plain double, RB rows at a
 * time (each row's values and weighted values in private arrays of P = d + 2, a define, so the
 * inner loop over k is contiguous and vectorizes, and each accumulator is loaded and stored once
 * per RB rows), then folded into the item's total with Neumaier compensation (total and lost).
 * The host adds the items' total + lost in float64 in item order.
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
/* Rows per register step and per block of the cpu layout. */
#define RB 4
#define BLOCK 64

__kernel void moments_rows(__global const float* x, __global const double* y,
    __global const double* s, __global const double* shift, const int rows, const int d,
    const int rowsPerItem, __global double* sums) {
  const int entries = P * (P + 1) / 2;
  int item = get_global_id(0);
  int from = item * rowsPerItem;
  int to = min(rows, from + rowsPerItem);
  __global double* block = sums + (long) item * 3 * entries;
  __global double* total = block + entries;
  __global double* lost = total + entries;
  for (int t = 0; t < entries; t++) {
    total[t] = 0;
    lost[t] = 0;
  }
  double a[RB][P];
  double w[RB][P];
  for (int b0 = from; b0 < to; b0 += BLOCK) {
    int b1 = min(to, b0 + BLOCK);
    for (int t = 0; t < entries; t++) {
      block[t] = 0;
    }
    for (int i0 = b0; i0 < b1; i0 += RB) {
      for (int r = 0; r < RB; r++) {
        int i = i0 + r;
        double weight = i < b1 ? s[i] : 0.0;
        a[r][0] = 1.0;
        for (int j = 0; j < d; j++) {
          a[r][1 + j] = i < b1 ? (double) x[(long) i * d + j] - shift[j] : 0.0;
        }
        a[r][P - 1] = i < b1 ? y[i] : 0.0;
        for (int j = 0; j < P; j++) {
          w[r][j] = weight * a[r][j];
        }
      }
      int t = 0;
      for (int j = 0; j < P; j++) {
        double w0 = w[0][j];
        double w1 = w[1][j];
        double w2 = w[2][j];
        double w3 = w[3][j];
        for (int k = j; k < P; k++) {
          block[t + k - j] += w0 * a[0][k] + w1 * a[1][k] + w2 * a[2][k] + w3 * a[3][k];
        }
        t += P - j;
      }
    }
    for (int t = 0; t < entries; t++) {
      double v = block[t];
      double sum = total[t];
      double next = sum + v;
      lost[t] += fabs(sum) >= fabs(v) ? (sum - next) + v : (v - next) + sum;
      total[t] = next;
    }
  }
}

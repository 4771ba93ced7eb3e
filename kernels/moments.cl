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
 * Layout (one for CPUs and GPUs): a 2-D range, work-item (t, b) owns entry t of the packed upper
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

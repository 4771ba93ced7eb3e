/*
 * gradient_gpu_columns.cl: the batched loss + gradient pass for GPUs: K weight columns (many
 * models, a multinomial model's classes, one-vs-rest, folds) in one pass over the rows, with
 * row weights and per-group class weights. Same arguments, buffers (the class-weight table in
 * the column info) and partial-row layout as gradient_cpu_columns.cl (see there), with kp = K
 * and a __local scratch instead of a global one.
 *
 * A work-group walks a contiguous range of rows RT rows (a tile) at a time; its work-items share
 * the tile's work three ways, with a barrier between:
 *   1. margins: item e computes entries e, e + WGS, ... of the RT x K margin block (adjacent
 *      items, adjacent columns of one row: the row's x_j is one broadcast, the weights a
 *      coalesced read), into local memory;
 *   2. residuals and losses: for the squared and logistic losses one (row, column) entry per
 *      item, for the multinomial loss one (row, group) pair (max-subtract, exp, the sum of the
 *      others, log1p over its C coupled columns), each weighted by the row's weight in its group;
 *   3. gradient: item e owns entries e, e + WGS, ... of the (d + 1) x K gradient (and of the K
 *      loss sums), sums its entries over the tile's rows (the tile was just read: cache hits) and
 *      folds that into the group's partial row with one Kahan step. No item ever writes another's
 *      slot, so nothing needs a reduction across the group.
 * The host finishes the partial rows in float64 in group order. No atomics: the same input on the
 * same device gives the same bits.
 *
 * Tunables: WGS (work-group size), RT (rows per tile). Local memory: 2 RT K values.
 */
#ifndef WGS
#define WGS 64
#endif
#ifndef RT
#define RT 8
#endif
#define FLAG_WEIGHTED 1
#define FLAG_FOLDS 2
#define FLAG_POSITIVES 4
#define FLAG_CLASS_WEIGHTS 8

#if CENTER
#define XG(row, j) ((REAL) (row)[j] - center[j])
#else
#define XG(row, j) ((REAL) (row)[j])
#endif

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void gradient_gpu_columns(
    __global const float* restrict x,
    __global const REAL* restrict y,
    __global const int* restrict index,
    const int gather,
    const int first,
    const int count,
    const int d,
    __global const REAL* restrict theta,
    __global const REAL* restrict center,
    __global REAL* restrict partial,
    const int slot0,
    __global const REAL* restrict weight,
    __global const REAL* restrict fold,
    __global const REAL* restrict col,
    const int kp,
    const int classes,
    const int flags,
    __local REAL* local_) {
  const int lid = (int) get_local_id(0);
  const int groups = (int) get_num_groups(0);
  const int group = (int) get_group_id(0);
  const int p = (d + 2) * kp;
  __global REAL* sum = partial + (size_t) (slot0 + group) * 2 * p;
  __global REAL* comp = sum + p;
  for (int e = lid; e < p; e += WGS) {
    sum[e] = 0;
    comp[e] = 0;
  }
  __local REAL* m = local_;
  __local REAL* l = local_ + RT * kp;
  const int per = ((count + groups - 1) / groups + RT - 1) / RT * RT;
  const int begin = (int) min((long) group * per, (long) count);
  const int end = min(begin + per, count);

  for (int t0 = begin; t0 < end; t0 += RT) {
    __global const float* row[RT];
    REAL ys[RT];
    REAL ss[RT];
    REAL fs[RT];
#pragma unroll
    for (int k = 0; k < RT; k++) {
      /* A tile past the end repeats the last row with weight 0. */
      const int i = min(t0 + k, end - 1);
      const int gi = gather ? index[first + i] : first + i;
      row[k] = x + (size_t) gi * d;
      ys[k] = y[gi];
      const REAL s = (flags & FLAG_WEIGHTED) ? weight[gi] : (REAL)(1);
      ss[k] = t0 + k < end ? s : (REAL)(0);
      fs[k] = (flags & FLAG_FOLDS) ? fold[gi] : (REAL)(-2);
    }

    /* Phase 1: margins. */
    for (int e = lid; e < RT * kp; e += WGS) {
      const int k = e / kp;
      const int c = e - k * kp;
      REAL a = theta[c];
      for (int j = 0; j < d; j++) {
        a += theta[(j + 1) * kp + c] * XG(row[k], j);
      }
      m[e] = a;
    }
    barrier(CLK_LOCAL_MEM_FENCE);

    /* Phase 2: weighted residuals (in place) and losses. */
#if LOSS == 2
    /* Each item writes all of its group's loss slots (the group's first, the others 0): kp is
     * K, whole groups. (Zeroing them in a loop of their own before another barrier made PoCL 3.1
     * on an AVX-512 CPU, pthread-skylake-avx512, compute wrong and varying losses: the gpu
     * layout's multinomial cases of OpenClColumnsTest failed there, and pass so.) */
    const int gcount = kp / classes;
    for (int e = lid; e < RT * gcount; e += WGS) {
      const int k = e / gcount;
      const int c0 = (e - k * gcount) * classes;
      __local REAL* mk = m + k * kp + c0;
      const int label = (int) ys[k];
      const REAL s = ss[k] * (fs[k] == col[kp + c0] ? (REAL)(0) : (REAL)(1))
          * ((flags & FLAG_CLASS_WEIGHTS) ? col[(3 + label) * kp + c0] : (REAL)(1));
      int top = 0;
      REAL max = mk[0];
      for (int c = 1; c < classes; c++) {
        if (mk[c] > max) {
          max = mk[c];
          top = c;
        }
      }
      const REAL my = mk[label];
      REAL rest = 0;
      for (int c = 0; c < classes; c++) {
        const REAL ec = exp(mk[c] - max);
        mk[c] = ec;
        if (c != top) {
          rest += ec;
        }
      }
      const REAL inv = (REAL)(1) / ((REAL)(1) + rest);
      REAL others = 0;
      for (int c = 0; c < classes; c++) {
        const REAL pc = mk[c] * inv;
        if (c != label) {
          others += pc;
        }
        mk[c] = s * pc;
      }
      mk[label] = -s * others;
      l[k * kp + c0] = s * ((max - my) + log1p(rest));
      for (int c = 1; c < classes; c++) {
        l[k * kp + c0 + c] = 0;
      }
    }
#else
    for (int e = lid; e < RT * kp; e += WGS) {
      const int k = e / kp;
      const int c = e - k * kp;
      const REAL target = (flags & FLAG_POSITIVES)
          ? (ys[k] == col[2 * kp + c] ? (REAL)(1) : (REAL)(0)) : ys[k];
      const REAL s = ss[k] * col[c] * (fs[k] == col[kp + c] ? (REAL)(0) : (REAL)(1))
          * ((flags & FLAG_CLASS_WEIGHTS) ? col[(3 + (int) ys[k]) * kp + c] : (REAL)(1));
      REAL r;
      REAL lk;
      RESIDUAL_AND_LOSS(REAL, m[e], target, r, lk);
      m[e] = s * r;
      l[e] = s * lk;
    }
#endif
    barrier(CLK_LOCAL_MEM_FENCE);

    /* Phase 3: each item's own entries of the loss sums and the gradient. */
    for (int e = lid; e < kp; e += WGS) {
      REAL a = 0;
      REAL r = 0;
#pragma unroll
      for (int k = 0; k < RT; k++) {
        a += l[k * kp + e];
        r += m[k * kp + e];
      }
      kahan_add(sum, comp, e, a);
      kahan_add(sum, comp, kp + e, r);
    }
    for (int e = lid; e < d * kp; e += WGS) {
      const int j = e / kp;
      const int c = e - j * kp;
      REAL a = 0;
#pragma unroll
      for (int k = 0; k < RT; k++) {
        a += m[k * kp + c] * XG(row[k], j);
      }
      kahan_add(sum, comp, 2 * kp + e, a);
    }
    /* Everyone is done with the tile before the next one overwrites it. */
    barrier(CLK_LOCAL_MEM_FENCE);
  }
}

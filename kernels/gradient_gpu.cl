/*
 * gradient_gpu.cl: the fused loss + gradient pass for GPUs (and other devices that run many
 * work-items in lock-step). Two kernels, chosen by the host from d and the local memory size.
 *
 * Data: x is row-major float32, n rows of d features with stride d, resident on the device; y
 * holds the targets in REAL. With gather != 0 the rows are index[first .. first + count) (a
 * shuffled mini-batch); otherwise rows first .. first + count.
 *
 * gradient_gpu_narrow (small d: one work-item per row)
 *   1. Each work-item takes rows i, i + G, i + 2G, ... (G = global size), so the work-items of a
 *      wavefront read adjacent rows: for every feature j a wavefront touches one contiguous span
 *      of rows, and all the bytes of the cache lines it pulls are used over the j loop. It forms
 *      the margin, the residual and the loss, and adds the row's loss, r and r * x_j into its own
 *      column of the local-memory accumulator acc[j * WGS + lid] (column-major: consecutive
 *      work-items hit consecutive banks). The host sizes G so that each work-item sees about
 *      sixteen rows, which keeps these serial float sums short.
 *   2. A local-memory tree reduction over the work-group (log2(WGS) steps, one barrier each)
 *      sums the WGS columns, all d + 2 quantities per step.
 *   3. The group's d + 2 sums go to partial[(slot0 + group) * p ..] (p = d + 2): loss, sum r,
 *      sum r x_j. slot0 places the rows of one launch after those of the launches before it.
 *
 * gradient_gpu_wide (large d: the work-group shares each row)
 *   Private per-row accumulators would not fit, so the work-items split the features instead:
 *   work-item lid owns features lid, lid + WGS, ... and reads them coalesced. A group walks a
 *   contiguous range of rows RT rows (a tile) at a time:
 *   1. partial margins of the RT rows over the item's own features, in private registers;
 *   2. a local-memory tree reduction of the RT partial margins at once (log2(WGS) barriers per
 *      tile, shared by RT rows) gives each row's margin; every item then computes the RT
 *      residuals itself (cheaper than another barrier);
 *   3. each item adds sum_k r_k x_k[f] for its features into the group's partial row with one
 *      Kahan step per tile (the tile was just read, so this second read hits cache); item 0 does
 *      the same for the loss and sum r. No work-item ever writes another's slot, so the
 *      gradient needs no reduction across the group at all.
 *   Partial row of group g: partial[(slot0 + g) * 2p ..], p sums then p Kahan compensations.
 *
 * In both, the host finishes the partial rows in float64 in group order. No atomics: the same
 * input on the same device gives the same bits.
 *
 * Tunables: WGS (work-group size, a power of two), RT (rows per tile of the wide kernel).
 */
#ifndef WGS
#define WGS 128
#endif
#ifndef RT
#define RT 8
#endif

#if CENTER
#define XC(row, j) ((REAL)(row)[j] - center[j])
#else
#define XC(row, j) ((REAL)(row)[j])
#endif

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void gradient_gpu_narrow(
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
    __local REAL* acc) {
  const int lid = (int) get_local_id(0);
  const int p = d + 2;
  for (int j = 0; j < p; j++) {
    acc[j * WGS + lid] = 0;
  }
  const REAL b = theta[0];
  __global const REAL* w = theta + 1;
  const int stride = (int) get_global_size(0);

  /* Phase 1: rows strided by the global size, accumulated in the item's own column. */
  for (int i = (int) get_global_id(0); i < count; i += stride) {
    const int gi = gather ? index[first + i] : first + i;
    __global const float* row = x + (size_t) gi * d;
    REAL m = b;
    for (int j = 0; j < d; j++) {
      m += w[j] * XC(row, j);
    }
    REAL r;
    REAL l;
    RESIDUAL_AND_LOSS(REAL, m, y[gi], r, l);
    acc[lid] += l;
    acc[WGS + lid] += r;
    for (int j = 0; j < d; j++) {
      acc[(j + 2) * WGS + lid] += r * XC(row, j);
    }
  }

  /* Phase 2: tree reduction over the work-group. */
  for (int s = WGS / 2; s > 0; s >>= 1) {
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lid < s) {
      for (int j = 0; j < p; j++) {
        acc[j * WGS + lid] += acc[j * WGS + lid + s];
      }
    }
  }
  barrier(CLK_LOCAL_MEM_FENCE);

  /* Phase 3: the group's sums. */
  __global REAL* out = partial + (size_t) (slot0 + get_group_id(0)) * p;
  for (int j = lid; j < p; j += WGS) {
    out[j] = acc[j * WGS];
  }
}

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void gradient_gpu_wide(
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
    __local REAL* red) {
  const int lid = (int) get_local_id(0);
  const int groups = (int) get_num_groups(0);
  const int group = (int) get_group_id(0);
  const int p = d + 2;
  __global REAL* sum = partial + (size_t) (slot0 + group) * 2 * p;
  __global REAL* comp = sum + p;
  __global REAL* gsum = sum + 2;
  __global REAL* gcomp = comp + 2;
  if (lid == 0) {
    sum[0] = 0;
    sum[1] = 0;
    comp[0] = 0;
    comp[1] = 0;
  }
  for (int f = lid; f < d; f += WGS) {
    gsum[f] = 0;
    gcomp[f] = 0;
  }
  const REAL b = theta[0];
  __global const REAL* w = theta + 1;
  const int per = ((count + groups - 1) / groups + RT - 1) / RT * RT;
  const int begin = (int) min((long) group * per, (long) count);
  const int end = min(begin + per, count);

  for (int t0 = begin; t0 < end; t0 += RT) {
    __global const float* row[RT];
    int gi[RT];
#pragma unroll
    for (int k = 0; k < RT; k++) {
      /* A tile past the end repeats the last row, and its residual is zeroed below. */
      const int i = min(t0 + k, end - 1);
      gi[k] = gather ? index[first + i] : first + i;
      row[k] = x + (size_t) gi[k] * d;
    }

    /* Phase 1: partial margins over this item's features. */
    REAL pm[RT];
#pragma unroll
    for (int k = 0; k < RT; k++) {
      pm[k] = 0;
    }
    for (int f = lid; f < d; f += WGS) {
      const REAL wf = w[f];
#pragma unroll
      for (int k = 0; k < RT; k++) {
        pm[k] += wf * XC(row[k], f);
      }
    }
#pragma unroll
    for (int k = 0; k < RT; k++) {
      red[k * WGS + lid] = pm[k];
    }

    /* Phase 2: tree reduction of the RT margins, then every item's copy of the residuals. */
    for (int s = WGS / 2; s > 0; s >>= 1) {
      barrier(CLK_LOCAL_MEM_FENCE);
      if (lid < s) {
#pragma unroll
        for (int k = 0; k < RT; k++) {
          red[k * WGS + lid] += red[k * WGS + lid + s];
        }
      }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    REAL rk[RT];
    REAL lsum = 0;
    REAL rsum = 0;
#pragma unroll
    for (int k = 0; k < RT; k++) {
      const REAL m = b + red[k * WGS];
      REAL r;
      REAL l;
      RESIDUAL_AND_LOSS(REAL, m, y[gi[k]], r, l);
      if (t0 + k >= end) {
        r = 0;
        l = 0;
      }
      rk[k] = r;
      lsum += l;
      rsum += r;
    }
    /* Everyone has read the margins before the next tile overwrites them. */
    barrier(CLK_LOCAL_MEM_FENCE);

    /* Phase 3: this item's features, one Kahan step per tile. */
    if (lid == 0) {
      kahan_add(sum, comp, 0, lsum);
      kahan_add(sum, comp, 1, rsum);
    }
    for (int f = lid; f < d; f += WGS) {
      REAL a = 0;
#pragma unroll
      for (int k = 0; k < RT; k++) {
        a += rk[k] * XC(row[k], f);
      }
      kahan_add(gsum, gcomp, f, a);
    }
  }
}

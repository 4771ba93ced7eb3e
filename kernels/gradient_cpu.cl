/*
 * gradient_cpu.cl: the fused loss + gradient pass for CPU devices (PoCL and other CPU drivers,
 * where a work-group runs as one thread and a work-item is a plain loop).
 *
 * Data: x is row-major float32, n rows of d features with stride d (no padding, so d needs no
 * particular value), resident on the device; y holds the targets in REAL. With gather != 0 the
 * rows are index[first .. first + count) (a shuffled mini-batch, kernel gradient_cpu_gather);
 * otherwise rows first .. first + count (kernel gradient_cpu).
 *
 * Algorithm: one pass over X. Work-item i owns one contiguous run of rows (a multiple of RB
 * long) and walks it one block of RB rows at a time:
 *   1. margins: row after row, the dot product of theta's and the row's VW-wide vectors (two
 *      FMA chains per row), plus a scalar tail for the d mod VW last features; a transposing
 *      shuffle reduction turns the block's RB vector sums into one RB-wide vector of margins;
 *   2. residuals and losses of the RB rows as one RB-wide vector, so each exp and log1p serves
 *      RB rows at once;
 *   3. gradient: for each feature vector, sum r_k x_k over the block's rows (two FMA chains; the
 *      block is still in L1/L2 from step 1) and fold that block sum into the work-item's partial
 *      row with one Kahan step. The partial row is the work-item's own slice of `partial` in
 *      global memory, so any d works, from 1 to many thousands, with no private-array limit; it
 *      is touched once per block, stays in L1, and costs little.
 *
 * Reduction phases: (1) a block's RB rows, summed in registers; (2) blocks, folded into the
 * work-item's partial row with Kahan compensation, so the error does not grow with the number
 * of blocks; (3) work-items, added by the host in float64 (sum minus compensation) in item
 * order. No atomics and no dependence on scheduling: the same input on the same device gives
 * the same bits.
 *
 * Why this layout is fast on a CPU: each work-item streams one contiguous region in address
 * order, which the hardware prefetchers follow (helped, where the device's measurement says so,
 * by a software prefetch PFD blocks ahead); loads are VW-wide vector loads along a row, which is
 * how the data lies; every value comes from memory once; and the transcendental work is
 * vectorized across rows. On an AVX-512 EPYC (2 cores, PoCL 3.1) it reached about 0.92 of a
 * plain read kernel's bandwidth at d = 64 and d = 1000; on an AVX2 one, 0.65 to 0.75 (see
 * KernelBenchmark and the README). A GPU-style kernel (work-items on adjacent rows, barriers,
 * local-memory trees) runs some forty times slower under PoCL.
 *
 * Partial row of work-item i: partial[(slot0 + i) * PARTIAL_STRIDE(p) ..) with p = d + 2 (slot0
 * places the rows of one launch after those of the launches before it): p sums (loss, sum r,
 * sum r x_1 .. sum r x_d), then their p Kahan compensations. Each row starts on its own 128
 * bytes: work-items run at the same time on different cores, and rows sharing a cache line made
 * that line bounce between the cores at every block (false sharing).
 *
 * Tunables, chosen per device by the host (CpuShape: never a vector wider than the device's
 * registers, which clang warns about and splits anyway), or measured there (CpuTuner): VW
 * (feature vector width: 4, 8 or 16 use the shuffle reduction, 2 a plain one), RB (rows per
 * block, 2 to 16), LANES (the values of one register: phase 2 runs over the block in vectors of
 * RV = min(RB, LANES) rows, whose margins 4, 8 or 16 give by the shuffle reduction and 2 by a
 * plain one), PFD (software prefetch of the block PFD blocks ahead, 0 for none: on a 2-core
 * AVX2 EPYC under PoCL 3.1, 2 blocks ahead took a 1M x 64 logistic evaluation from 0.59 to 0.65
 * of the read bandwidth, where on an AVX-512 one the hardware prefetchers alone did best),
 * COLUMNS (phase 1 in column order: one vector of every row of the block in turn, so theta's
 * vector is loaded once per block and the RB sums are independent chains; 0 for row order).
 */
#ifndef VW
#define VW 8
#endif
#ifndef RB
#define RB 16
#endif
#ifndef PFD
#define PFD 0
#endif
#ifndef COLUMNS
#define COLUMNS 0
#endif
/* 2p values rounded up to a multiple of 128 bytes (the host pads the same way). */
#define PARTIAL_STRIDE(p) ((2 * (p) + 128 / (int) sizeof(REAL) - 1) / (128 / (int) sizeof(REAL)) \
    * (128 / (int) sizeof(REAL)))
#define REALV CAT(REAL, VW)
/* RV: the rows of one phase-2 vector. RB where RB values fit one register (LANES, the values
 * of one vector register, given by the host); else the register's LANES, phase 2 running over
 * the block's rows in RB / RV vectors: a vector wider than the register would be split by the
 * compiler anyway, with the "changes the ABI" warning where it meets exp and log1p. */
#ifndef LANES
#define LANES RB
#endif
#if RB > LANES
#define RV LANES
#else
#define RV RB
#endif
#define REALH CAT(REAL, RV)
#define VLOADV CAT(vload, VW)
#define VSTOREV CAT(vstore, VW)
#define VLOADH CAT(vload, RV)
#define VSTOREH CAT(vstore, RV)
#define TO_REALV CAT(convert_, REALV)

/* Feature vector v of row k of a block (VAT: common.cl), centred when the kernel centres. */
#if CENTER
#define XV(v, k) (TO_REALV(VAT(v, row[k])) - VAT(v, center))
#else
#define XV(v, k) TO_REALV(VAT(v, row[k]))
#endif

/* A row whose d is no multiple of VW (and more than VW) ends in a part vector: its last VW
 * features, d - VW .. d - 1 (XT), whose lanes from VW - d mod VW on (tail_mask) hold the
 * features no whole vector holds; phase 1 gives its other lanes zero weights, phase 3 leaves
 * their sums out of its Kahan step (kahan_tail), instead of a scalar loop per feature and row:
 * on a 2-core AVX-512 EPYC (VW 8; bench, 1M x 60 float32, three alternating runs) linear took
 * 0.84 of the time, logistic 0.81. As in gradient_cpu_columns.cl. */
#if CENTER
#define XT(k) (TO_REALV(VLOADV(0, row[k] + d - VW)) - VLOADV(0, center + d - VW))
#else
#define XT(k) TO_REALV(VLOADV(0, row[k] + d - VW))
#endif
#if PRECISION == 64
#define MASKS long
#else
#define MASKS int
#endif
#define MASKV CAT(MASKS, VW)
#define TAIL_VECTOR (d > VW && d % VW != 0)
inline MASKV tail_mask(const int d) {
  MASKS m[VW];
#pragma unroll
  for (int l = 0; l < VW; l++) {
    m[l] = l >= VW - d % VW ? -1 : 0;
  }
  return CAT(vload, VW)(0, m);
}

#define HSUM2(v) ((v).s0 + (v).s1)
#define HSUM4(v) HSUM2((v).s01 + (v).s23)
#define HSUM8(v) HSUM4((v).s0123 + (v).s4567)
#define HSUM16(v) HSUM8((v).s01234567 + (v).s89abcdef)
#define HSUM(N, v) CAT(HSUM, N)(v)

/* Kahan step on VW consecutive slots (vector number v) of (s, c). */
inline void kahan_addv(__global REAL* s, __global REAL* c, int v, REALV x) {
  REALV sv = VLOADV(v, s);
  REALV y = x - VLOADV(v, c);
  REALV t = sv + y;
  VSTOREV((t - sv) - y, v, c);
  VSTOREV(t, v, s);
}

/* Kahan step on the lanes of the part vector's slots at d - VW of (s, c) that the mask sets. */
inline void kahan_tail(__global REAL* s, __global REAL* c, const int d, REALV x,
    const MASKV m) {
  REALV sv = VLOADV(0, s + d - VW);
  REALV cv = VLOADV(0, c + d - VW);
  REALV y = x - cv;
  REALV t = sv + y;
  VSTOREV(select(cv, (t - sv) - y, m), 0, c + d - VW);
  VSTOREV(select(sv, t, m), 0, s + d - VW);
}

/*
 * The sums of RB vectors, one per row of a block, as one RB vector: the block's margins. A
 * transposing reduction (three shuffle-and-add stages over eight rows at once) replaces eight
 * separate horizontal sums and needs a third of the instructions; RB = 16 runs it on each half.
 */
#define REAL8 CAT(REAL, 8)
#if VW == 4 || VW == 8 || VW == 16
inline REAL8 sums8(const REALV* mv) {
  REAL8 p[4];
#pragma unroll
  for (int k = 0; k < 4; k++) {
#if VW == 16
    const REAL8 a = mv[2 * k].lo + mv[2 * k].hi;
    const REAL8 b = mv[2 * k + 1].lo + mv[2 * k + 1].hi;
    p[k] = (REAL8)(a.lo + a.hi, b.lo + b.hi);
#elif VW == 8
    p[k] = (REAL8)(mv[2 * k].lo + mv[2 * k].hi, mv[2 * k + 1].lo + mv[2 * k + 1].hi);
#else
    p[k] = (REAL8)(mv[2 * k], mv[2 * k + 1]);
#endif
  }
  /* p[k] = [4 partials of row 2k | 4 partials of row 2k+1]. */
  const REAL8 q0 = (REAL8)(p[0].s01, p[1].s01, p[0].s45, p[1].s45)
      + (REAL8)(p[0].s23, p[1].s23, p[0].s67, p[1].s67);
  const REAL8 q1 = (REAL8)(p[2].s01, p[3].s01, p[2].s45, p[3].s45)
      + (REAL8)(p[2].s23, p[3].s23, p[2].s67, p[3].s67);
  /* q0 = [2 of row 0, 2 of row 2, 2 of row 1, 2 of row 3], q1 the same for rows 4 to 7. */
  return (REAL8)(q0.s0, q0.s4, q0.s2, q0.s6, q1.s0, q1.s4, q1.s2, q1.s6)
      + (REAL8)(q0.s1, q0.s5, q0.s3, q0.s7, q1.s1, q1.s5, q1.s3, q1.s7);
}
#endif

/* The sums of four VW vectors, one per row, as one 4-vector: the same bits as four HSUMs. */
#define REAL4 CAT(REAL, 4)
#if VW == 4 || VW == 8 || VW == 16
inline REAL4 sums4(const REALV* mv) {
  REAL4 p[4];
#pragma unroll
  for (int k = 0; k < 4; k++) {
#if VW == 16
    const REAL8 a = mv[k].lo + mv[k].hi;
    p[k] = a.lo + a.hi;
#elif VW == 8
    p[k] = mv[k].lo + mv[k].hi;
#else
    p[k] = mv[k];
#endif
  }
  const REAL4 a = (REAL4)(p[0].s01 + p[0].s23, p[1].s01 + p[1].s23);
  const REAL4 b = (REAL4)(p[2].s01 + p[2].s23, p[3].s01 + p[3].s23);
  return (REAL4)(a.s0, a.s2, b.s0, b.s2) + (REAL4)(a.s1, a.s3, b.s1, b.s3);
}
#endif

/* The margins' vector sums of RV rows (from mv[0]) as one RV vector. */
#if RV == 8 && (VW == 4 || VW == 8 || VW == 16)
inline REALH row_sums(const REALV* mv) {
  return sums8(mv);
}
#elif RV == 16 && (VW == 4 || VW == 8 || VW == 16)
inline REALH row_sums(const REALV* mv) {
  return (REALH)(sums8(mv), sums8(mv + 8));
}
#elif RV == 4 && (VW == 4 || VW == 8 || VW == 16)
inline REALH row_sums(const REALV* mv) {
  return sums4(mv);
}
#else
inline REALH row_sums(const REALV* mv) {
  REAL s[RV];
#pragma unroll
  for (int k = 0; k < RV; k++) {
    s[k] = HSUM(VW, mv[k]);
  }
  return VLOADH(0, s);
}
#endif

/*
 * One block: RB rows starting at position r0 of the launch. A full block (full = 1) has all RB
 * rows inside [.., end); the last, partial block repeats row end - 1 in its missing places and
 * masks them out. gather is a constant (each kernel makes its own copy); full is not: one copy
 * of the block code serves full and partial blocks, at the cost of a clamp per row and a select
 * per block, because PoCL compiles a kernel when it is first launched and a second copy took
 * 0.5 s more to compile (1.47 s against 0.91 s on a 2-core AVX2 EPYC) for no measurable speed.
 */
ALWAYS_INLINE void block(__global const float* restrict x,
    __global const REAL* restrict y, __global const int* restrict index, const int first,
    const int r0, const int end, const int d, const REAL b, __global const REAL* restrict w,
    __global const REAL* restrict center, __global REAL* restrict sum,
    __global REAL* restrict comp, const int gather, const int full) {
  const int nv = d / VW;
  __global const float* row[RB];
  REAL yk[RB];
#pragma unroll
  for (int k = 0; k < RB; k++) {
    const int i = full ? r0 + k : min(r0 + k, end - 1);
    const int gi = gather ? index[first + i] : first + i;
    row[k] = x + (size_t) gi * d;
    yk[k] = y[gi];
  }

#if PFD > 0
  /* Software prefetch of the block PFD blocks ahead, one cache line (64 bytes) at a time,
   * spread over phase 3 below: issued all at once here, the prefetches filled the miss buffers
   * and stalled (3 to 6 percent slower on an AVX2 EPYC). */
  const int lines = (full && !gather) ? (RB * d * 4 + 63) / 64 : 0;
  __global const char* ahead = (__global const char*) (row[0] + (size_t) PFD * RB * d);
#endif
  /* Phase 1: margins. Row by row (COLUMNS 0), the block is read in address order and the
   * hardware prefetchers stream it (without software prefetch, the column order measured 15 to
   * 30 percent slower on an AVX-512 EPYC); theta's vectors come from L1. */
  REALV mv[RB];
  /* The part vector's weights, zero in the lanes whole vectors hold. */
  const REALV wt = TAIL_VECTOR ? select((REALV)(0), VLOADV(0, w + d - VW), tail_mask(d))
      : (REALV)(0);
#if COLUMNS
#pragma unroll
  for (int k = 0; k < RB; k++) {
    mv[k] = (REALV)(0);
  }
  for (int v = 0; v < nv; v++) {
    const REALV wv = VLOADV(v, w);
#pragma unroll
    for (int k = 0; k < RB; k++) {
      mv[k] += wv * XV(v, k);
    }
  }
  if (TAIL_VECTOR) {
#pragma unroll
    for (int k = 0; k < RB; k++) {
      mv[k] += wt * XT(k);
    }
  }
#else
#pragma unroll
  for (int k = 0; k < RB; k++) {
    mv[k] = (REALV)(0);
    REALV odd = (REALV)(0);
    int v = 0;
    for (; v + 1 < nv; v += 2) {
      mv[k] += VLOADV(v, w) * XV(v, k);
      odd += VLOADV(v + 1, w) * XV(v + 1, k);
    }
    if (v < nv) {
      mv[k] += VLOADV(v, w) * XV(v, k);
    }
    if (TAIL_VECTOR) {
      odd += wt * XT(k);
    }
    mv[k] += odd;
  }
#endif
  REAL ms[RB];
#pragma unroll
  for (int k = 0; k < RB; k++) {
    ms[k] = b;
  }
  for (int j = TAIL_VECTOR ? d : nv * VW; j < d; j++) {
    const REAL wj = w[j];
#if CENTER
    const REAL cj = center[j];
#else
    const REAL cj = 0;
#endif
#pragma unroll
    for (int k = 0; k < RB; k++) {
      ms[k] += wj * ((REAL) row[k][j] - cj);
    }
  }
  /* Phase 2: residuals and losses, vectorized across the block's rows (RV at a time); the loss
   * and residual vectors of the RB / RV parts are added before their horizontal sums. */
  REAL rs[RB];
  REALH lsum;
  REALH rsum;
#pragma unroll
  for (int h = 0; h < RB; h += RV) {
    const REALH m = row_sums(mv + h) + VLOADH(0, ms + h);
    /* A full contiguous block's targets are one vector load; the others were gathered above. */
    const REALH yr = (full && !gather) ? VLOADH(0, y + first + r0 + h) : VLOADH(0, yk + h);
    REALH r;
    REALH l;
    RESIDUAL_AND_LOSS(REALH, m, yr, r, l);
    if (!full) {
      REAL live[RV];
#pragma unroll
      for (int k = 0; k < RV; k++) {
        live[k] = r0 + h + k < end ? (REAL)(1) : (REAL)(0);
      }
      const REALH lv = VLOADH(0, live);
      r *= lv;
      l *= lv;
    }
    lsum = h == 0 ? l : lsum + l;
    rsum = h == 0 ? r : rsum + r;
    VSTOREH(r, 0, rs + h);
  }
  kahan_add(sum, comp, 0, HSUM(RV, lsum));
  kahan_add(sum, comp, 1, HSUM(RV, rsum));

  /* Phase 3: the block's gradient, folded in with one Kahan step per feature vector. */
  __global REAL* gsum = sum + 2;
  __global REAL* gcomp = comp + 2;
#if PFD > 0
  /* The prefetches, a few lines per feature vector. */
  const int per_vector = (lines + nv - 1) / (nv > 0 ? nv : 1);
  int line = 0;
#endif
  for (int v = 0; v < nv; v++) {
#if PFD > 0
    for (int e = min(line + per_vector, lines); line < e; line++) {
      __builtin_prefetch(ahead + 64 * line);
    }
#endif
    /* Two interleaved FMA chains: half the dependency length of one. */
    REALV a0 = (REALV)(0);
    REALV a1 = (REALV)(0);
#pragma unroll
    for (int k = 0; k < RB; k += 2) {
      a0 += rs[k] * XV(v, k);
      a1 += rs[k + 1] * XV(v, k + 1);
    }
    kahan_addv(gsum, gcomp, v, a0 + a1);
  }
  if (TAIL_VECTOR) {
    REALV a0 = (REALV)(0);
    REALV a1 = (REALV)(0);
#pragma unroll
    for (int k = 0; k < RB; k += 2) {
      a0 += rs[k] * XT(k);
      a1 += rs[k + 1] * XT(k + 1);
    }
    kahan_tail(gsum, gcomp, d, a0 + a1, tail_mask(d));
  }
#if PFD > 0
  for (; line < lines; line++) {
    __builtin_prefetch(ahead + 64 * line);
  }
#endif
  for (int j = TAIL_VECTOR ? d : nv * VW; j < d; j++) {
#if CENTER
    const REAL cj = center[j];
#else
    const REAL cj = 0;
#endif
    REAL a = 0;
#pragma unroll
    for (int k = 0; k < RB; k++) {
      a += rs[k] * ((REAL) row[k][j] - cj);
    }
    kahan_add(gsum, gcomp, j, a);
  }
}

/*
 * The work-item's run of rows, block after block. Two kernels call it, each with a constant
 * gather, so that a full-batch fit never compiles the gathered copy: PoCL generates a kernel's
 * machine code when it is first launched, and every copy of block() adds to that time.
 */
ALWAYS_INLINE void rows_of_item(__global const float* restrict x,
    __global const REAL* restrict y, __global const int* restrict index, const int first,
    const int count, const int d, __global const REAL* restrict theta,
    __global const REAL* restrict center, __global REAL* restrict partial, const int slot0,
    const int gather) {
  const int items = (int) get_global_size(0);
  const int item = (int) get_global_id(0);
  const int per = ((count + items - 1) / items + RB - 1) / RB * RB;
  const int begin = (int) min((long) item * per, (long) count);
  const int end = min(begin + per, count);
  const int p = d + 2;
  __global REAL* sum = partial + (size_t) (slot0 + item) * PARTIAL_STRIDE(p);
  __global REAL* comp = sum + p;
  for (int j = 0; j < p; j++) {
    sum[j] = 0;
    comp[j] = 0;
  }
  const REAL b = theta[0];
  __global const REAL* w = theta + 1;
  for (int r0 = begin; r0 < end; r0 += RB) {
    block(x, y, index, first, r0, end, d, b, w, center, sum, comp, gather, r0 + RB <= end);
  }
}

/* Rows first .. first + count of x (a full batch, or a contiguous mini-batch). */
__kernel void gradient_cpu(
    __global const float* restrict x,
    __global const REAL* restrict y,
    __global const int* restrict index,
    const int gather_argument, /* the GPU kernels' argument list; the kernel name decides */
    const int first,
    const int count,
    const int d,
    __global const REAL* restrict theta,
    __global const REAL* restrict center,
    __global REAL* restrict partial,
    const int slot0) {
  rows_of_item(x, y, index, first, count, d, theta, center, partial, slot0, 0);
}

/* Rows index[first .. first + count) of x (a shuffled mini-batch). */
__kernel void gradient_cpu_gather(
    __global const float* restrict x,
    __global const REAL* restrict y,
    __global const int* restrict index,
    const int gather_argument, /* the GPU kernels' argument list; the kernel name decides */
    const int first,
    const int count,
    const int d,
    __global const REAL* restrict theta,
    __global const REAL* restrict center,
    __global REAL* restrict partial,
    const int slot0) {
  rows_of_item(x, y, index, first, count, d, theta, center, partial, slot0, 1);
}

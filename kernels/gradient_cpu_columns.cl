/*
 * gradient_cpu_columns.cl: the batched loss + gradient pass for CPU devices: K weight columns
 * (many models, a multinomial model's classes, one-vs-rest, folds) evaluated in one pass over
 * the rows, with row weights. The single-column kernel (gradient_cpu.cl) stays the fast path for
 * one unweighted column; this file serves every other Columns.
 *
 * Data: x is row-major float32 (n rows, stride d), y the targets in REAL (with positive classes,
 * the class index, or -1 for a row whose y is no class; for the multinomial loss the class
 * index). Optional per-row REAL buffers: weight (the row weight s_i, FLAG_WEIGHTED) and fold
 * (the row's fold as a REAL, FLAG_FOLDS). With gather the rows are index[first .. first + count)
 * (kernel gradient_cpu_columns_gather), otherwise rows first .. first + count.
 *
 * Parameters: W transposed, theta[j * kp + c] for j = 0 (the intercept) .. d and column c; kp is
 * K rounded up to a multiple of KT (the host fills the extra columns with zeros and marks them
 * dead). Per column, col[c] = valid (1 or 0), col[kp + c] = the fold its group leaves out (-1
 * for none), col[2 kp + c] = its positive class (-1 for none), and with a class-weight table
 * (FLAG_CLASS_WEIGHTS; y is then the row's label, an integer 0..L-1) col[(3 + L) kp + c] = its
 * group's weight of rows labelled L, which multiplies the row's weight in that column.
 *
 * Algorithm: work-item i owns a contiguous run of rows, walked SB rows (a superblock) at a time:
 *   1. margins, an SB x kp block, in register tiles of RB rows x KT columns: for each feature j,
 *      the KT weights of the tile are one vector load and each row's x_j one broadcast, so a
 *      tile costs RB FMAs per (RB + 1) loads, and X is read from memory once for all K columns
 *      (the superblock stays in L1/L2 while the column tiles pass over it). Stored in the
 *      work-item's scratch rows (global memory, private to the item, in cache);
 *   2. per row: residual and loss of every column, vectorized over KT columns for the squared
 *      and logistic losses (the targets, the fold masks, the class weights and the row weight as
 *      vectors; for the logistic loss in float32 the superblock's e^-|m| first, in a loop of
 *      their own: SPLIT_EXP); for the multinomial loss (LOSS 2), per group of C coupled
 *      columns: max-subtract, exp, the sum of the others, log1p, then r_k = s (p_k - [k = y])
 *      with r_y = -s (sum of the other p_k), each step in a loop of its own over the
 *      superblock (the exps KT at a time, one reciprocal and one log1p per row VW rows at a
 *      time: on a 2-core AVX2 EPYC this took 1M x 64 C = 10 from 0.61x to 1.46x the speed of
 *      C single logistic passes, and C = 3 from 0.43x to 0.90x, in the same runs). Each
 *      residual is multiplied by the row's weight in its group (s_i times 0 or 1 for the
 *      fold, times the group's class weight of the row's label). The weighted losses are
 *      summed per column (a multinomial group's at its first column) over the superblock,
 *      then folded into the partial row with one Kahan step;
 *   3. gradient: for each tile of JT features x KT columns, sum over the SB rows of x_j r_c in
 *      JT vector registers (JT + 1 loads per JT FMAs), then one Kahan step per vector into the
 *      partial row. The intercept's sums are the residuals' sums.
 *
 * Reduction phases: (1) a superblock's SB rows, summed in registers; (2) superblocks, folded
 * into the work-item's partial row with Kahan compensation; (3) work-items, added by the host in
 * float64 (sum minus compensation) in item order. No atomics: the same input on the same device
 * gives the same bits.
 *
 * Partial row of work-item i: partial[(slot0 + i) * PARTIAL_STRIDE(P) ..), P = (d + 2) kp: kp
 * loss sums, then the gradient sums g[j * kp + c] for j = 0 .. d, then P compensations; each row
 * starts on its own 128 bytes (no false sharing between cores).
 *
 * Tunables (host defines): KT (columns per vector: the device's register width), RB (rows of a
 * phase-1 register tile), SB (rows per superblock, a multiple of RB), JT (features per phase-3
 * register tile), PREFETCH (1: software prefetch of the next superblock's rows during phase 1),
 * SPREAD_PREFETCH (with few columns and contiguous rows, 1: that prefetch paced line by line over
 * phases 1 and 3 instead of a burst per row; 0: the burst, as with gather; by default 1 for NK of
 * 1, of 2 with VW 8 (and 3 or 4 in float32), of 3 with VW 16 (and 4 without OCTETS), and
 * NG_PAIRS8), NK (K when it is at most 4, or 8 with VW 16, and d at least VW, else 0: few columns
 * take row-vectorized phases 1 and 3, with theta column-major, and VW-wide feature vectors), PAIRS
 * and PAIR_ROWS (phase 1 of 5 to 8 columns in float32 on 16-wide vectors, of 3 and 4 on 8-wide
 * ones, see superblock), OCTETS (4 to 6 columns in float32 on 16-wide vectors, instead of PAIRS or
 * the shuffle reduction: phase 1 over octets of features, two columns per FMA), NG (9 to 16 columns
 * on 16-wide vectors, 5 to 12 on 8-wide ones, d at least VW: phase 3 over feature vectors),
 * NG_PAIRS (then, for 9 to 12 in float32 on 16-wide vectors, phase 1 over pairs of features and one
 * group of the rest, see superblock) and NG_PAIRS8 (for 5 to 12 in float32 on 8-wide vectors, phase
 * 1 over pairs of features in groups of 4 columns, see superblock), SOFTMAX_VECTOR (1: the
 * multinomial phase 2 vectorized over VW rows, see SOFTMAX_ROWS; 0: per row), PF_LOCALITY and
 * PF_AHEAD (the software prefetches' locality and distance in superblocks: 3 and 1), LINK_PEAK (1:
 * add the bench's link probe kernel, link_peak), SHUFFLE3 (below), XPTR (common.cl), RESIDENT_ROWS
 * (timing only, never set by the host: row i reads row i mod RESIDENT_ROWS, so that with a few
 * hundred rows the pass runs from the caches, its arithmetic without the memory traffic; the
 * results are then those of other data).
 *
 * Few columns (NK > 0), as the single-column kernel (4 to 8 of them in float32 on 16-wide
 * registers: OCTETS or PAIRS, phase 1 over octets or pairs of features, see superblock): phase 1
 * runs VW-wide FMA chains along 8 / NK rows x NK columns and one transposing shuffle reduction (NK
 * of 1, 2 or 4 where a register holds 8 values; otherwise two rows at a time with horizontal sums);
 * for the squared and logistic losses the margins lie column-major in the scratch, so phase 2
 * computes each exp and log1p over VW rows of one column (the column-vectorized phase 2 filled only
 * KT = 4 lanes a row); phase 3 keeps VT feature vectors x NK columns of chains sharing each loaded
 * x vector, and folds them with vector Kahan steps into column-major sums in the item's scratch,
 * moved into the partial row's layout once when the item ends (instead of VW scalar Kahan steps on
 * strided slots per vector and superblock). On a 2-core AVX2 EPYC this took 1M x 64 float32
 * logistic K = 4 from 39 to 26 ms and linear K = 4 from 27 to 21 ms (same load).
 */
#ifndef KT
#define KT 8
#endif
#ifndef RB
#define RB 8
#endif
#ifndef SB
#define SB 32
#endif
#ifndef JT
#define JT 8
#endif
/* Rows (phase 1) or features (phase 3) of a register tile of two column vectors. */
#ifndef HALF
#define HALF 4
#endif
#ifndef PREFETCH
#define PREFETCH 1
#endif
/* On by default with NK of 1, with NK of 2 on 8-wide vectors, and with NK of 3 and 4 on 16-wide
 * ones (see superblock): under a load average of about 18 on a 2-core AVX2 EPYC, variants
 * interleaved in one process, 1M x 64 float32 logistic K = 2 took 0.76 to 0.81 of the CPU time
 * (all threads) of the burst prefetch, K = 4 1.04 to 1.13, and the same pacing in the
 * many-columns phases took K = 8 to 1.30 (so neither has it). On a 2-core AVX-512 EPYC (VW 16,
 * nothing else running, wall time of interleaved variants: ColumnsDefinesTiming) K = 4 took
 * 0.89 to 0.95 of the burst's time, multinomial C = 3 0.90, and K = 8 1.05 (so 5 to 8 columns
 * keep the burst); there K = 2, whose phase 1 takes 8 rows a step and so finishes its burst
 * early, took 1.04 to 1.32 of the burst's time (linear; logistic 1.00 to 1.18; five runs),
 * so K = 2 on 16-wide vectors keeps the burst too. On a 2-core AVX2 EPYC (Zen 3 by its family
 * and model; nothing else running, ColumnsDefinesTiming), phase 1 over pairs of features
 * (PAIRS for 3 and 4 columns, NG_PAIRS8 for 5 to 12), paced, took 1M x 64 linear K = 4 0.90 of
 * the burst's time, K = 8 0.97 (logistic 0.94) and K = 12 0.97 (logistic 0.97). */
/* 4 columns over octets (OCTETS) keep the burst: on the 2-core Zen 5 EPYC (ColumnsDefinesTiming,
 * 1M x 64, variants interleaved) the paced prefetch took 1.16 and 1.33 of its time (linear
 * K = 4, two runs) and 1.16 (logistic). OCTETS is defined below (a macro expands where it is
 * used). */
#ifndef SPREAD_PREFETCH
#define SPREAD_PREFETCH (NK == 1 || (NK == 2 && VW != 16) \
    || (VW == 16 && (NK == 3 || (NK == 4 && !OCTETS))) \
    || (VW == 8 && PRECISION == 32 && (NK == 3 || NK == 4)) || NG_PAIRS8)
#endif
/* The software prefetches' locality (__builtin_prefetch's third argument: 3 prefetcht0, into
 * L1; 2 and 1 prefetcht1 and t2; 0 prefetchnta) and how many superblocks ahead they read. */
#ifndef PF_LOCALITY
#define PF_LOCALITY 3
#endif
#ifndef PF_AHEAD
#define PF_AHEAD 1
#endif
#define PREFETCH_LINE(p) __builtin_prefetch((p), 0, PF_LOCALITY)
/* The burst prefetch, in superblock's scope (x, index, first, end, d, gather): every 64-byte
 * line of the COUNT rows from position FROM of the launch on (the last row repeated past end). */
#define PREFETCH_ROWS(FROM, COUNT)                                                  \
  _Pragma("unroll") for (int q_ = 0; q_ < (COUNT); q_++) {                         \
    const int ni_ = min((FROM) + q_, end - 1);                                     \
    __global const char* next_ = (__global const char*) (x                         \
        + (size_t) (gather ? index[first + ni_] : first + ni_) * d);               \
    for (int b_ = 0; b_ < 4 * d; b_ += 64) {                                       \
      PREFETCH_LINE(next_ + b_);                                                   \
    }                                                                              \
    PREFETCH_LINE(next_ + 4 * d - 1);                                              \
  }
/* NK > 0: K = NK <= 4 columns (8 where a register holds 16 values), theta column-major, the
 * few-columns phases 1 and 3, with VW-wide feature vectors (the register's width). */
#ifndef NK
#define NK 0
#endif
#ifndef VW
#define VW 8
#endif
#define REALV CAT(REAL, VW)
#define VLOADV CAT(vload, VW)
#define VSTOREV CAT(vstore, VW)
#define TO_REALV CAT(convert_, REALV)
/* Feature vector v of a row: VAT (common.cl). */
#if CENTER
#define XN(v, r) (TO_REALV(VAT(v, r)) - VAT(v, center))
#else
#define XN(v, r) TO_REALV(VAT(v, r))
#endif
/* A row whose d is no multiple of VW (and more than VW) ends in a part vector: its last VW
 * features, d - VW .. d - 1 (XT), whose lanes from VW - d mod VW on (TAIL_MASK) hold the
 * features no whole vector holds. The few-columns phases take it as one more vector, its other
 * lanes' weights zero in phase 1 and its other lanes' sums dropped in phase 3 (kahan_tail),
 * where a scalar loop per feature, column and row had taken most of the time: on a 2-core
 * AVX-512 EPYC (ColumnsDefinesTiming) 1M x 60 linear K = 16 took 92.7 ms against 22.9 ms for
 * 1M x 64, and K = 4 33.7 ms against 10.7 ms; with the part vector 18.2 and 10.4 ms. Each lane
 * sums the same products in the same order as before (phase 3) or in the order of the whole
 * vectors (phase 1). Rows of fewer than VW features take the tiles (the host sets NK and NG to
 * 0). */
#if CENTER
#define XT(r) (TO_REALV(VLOADV(0, (r) + d - VW)) - VLOADV(0, center + d - VW))
#else
#define XT(r) TO_REALV(VLOADV(0, (r) + d - VW))
#endif
/* A lane mask of REALV's width (as its comparisons give). */
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
#define HSN2(v) ((v).s0 + (v).s1)
#define HSN4(v) HSN2((v).s01 + (v).s23)
#define HSN8(v) HSN4((v).s0123 + (v).s4567)
#define HSN16(v) HSN8((v).s01234567 + (v).s89abcdef)
#define HSUMN(N, v) CAT(HSN, N)(v)
/* NG (set by the host: K for 9 to 16 columns on 16-wide vectors and 5 to 12 on 8-wide ones;
 * else 0): phase 3 as with few columns, over VW-wide feature vectors with one accumulator per
 * column, while phases 1 and 2 keep the column vectors (but for 9 to 12 columns in float32 on
 * 16-wide vectors: NG_PAIRS, and 5 to 12 on 8-wide ones: NG_PAIRS8). For 9 to 15 columns
 * the column vectors would carry dead lanes; for 16 it is the tiles' phase 3 with each loaded
 * x vector serving CG columns instead of each loaded residual vector JT features, the same
 * FMAs and Kahan steps lane by lane (the same bits). GN: the columns of that phase 3 (NK, else
 * NG). */
#ifndef NG
#define NG 0
#endif
#define GN (NK > 0 ? NK : NG)
/* GN > 0: feature vectors per phase-3 register tile (VT x CG accumulators: about 8, and 10 to
 * 16 for 5 to 8 columns, which only 16-wide devices with 32 registers run; there a pair of
 * vectors per broadcast residual took 0.92 to 0.97 of the time of one on a 2-core AVX-512
 * EPYC, and for 10 columns, 20 accumulators, 1.09). CG: the columns of one tile; from 9
 * columns two groups (CG = GN / 2 rounded up, VT = 2: at most 16 accumulators, each loaded
 * x vector serving CG columns), where one group of all GN columns (VT = 1) spent a load per
 * GN FMAs and kept as many chains: on a 2-core AVX-512 EPYC (ColumnsDefinesTiming, 1M x 64,
 * variants interleaved in one process) K = 16 took 0.91 and 0.92 of the tiles' time (linear,
 * logistic), K = 12 linear and K = 10 logistic 0.94 of the single group's. 3 and 4 columns on
 * 16-wide vectors take 4 feature vectors (12 and 16 accumulators) where 2 took one more pass
 * over the superblock's rows and twice the broadcasts: on a 2-core AVX-512 EPYC (Zen 5 by its
 * flags; ColumnsDefinesTiming, 1M x 64, interleaved) 0.84 to 0.97 of the time of 2 (linear
 * and logistic K = 3 and 4, multinomial C = 3 and 4). On 8-wide vectors (16 registers) NG
 * takes groups of 4 columns (CG = 4, VT = 2: 8 accumulators): on a 2-core AVX2 EPYC
 * (ColumnsDefinesTiming, 1M x 64, phase 1 in the tiles) K = 12 took 0.83 (linear) and 0.91
 * (logistic) of the tiles' time, where 2 groups of 6 took 0.87 and 0.92. The sums' order
 * depends on none of these. */
#ifndef CG
#define CG (VW == 8 && GN > 4 ? 4 : GN <= 8 ? GN : (GN + 1) / 2)
#endif
#ifndef VT
#define VT (GN == 1 ? 8 : GN == 2 || (GN <= 4 && VW == 16) ? 4 : 2)
#endif
/* The feature vectors of a tile of the last group of columns where CG does not divide GN:
 * enough for about 8 accumulators with 1 or 2 columns (on a 2-core AVX2 EPYC, 1M x 64, a tile
 * of 2 vectors x 2 columns, 4 chains, waited on its FMAs' latency: 15% of K = 6 linear). */
#ifndef VTR
#define VTR (VW == 8 && GN % CG == 1 ? 8 : VW == 8 && GN % CG == 2 ? 4 : VT)
#endif
/* Phase 3's tiles over nv feature vectors: of VT vectors, then of 4 and of 2 for what they
 * leave (the last vector, if any, runs alone); each is a pass over the superblock's rows, over
 * which SPREAD_PREFETCH paces its prefetches. */
#define PHASE3_TILES(nv) ((nv) / VT + (VT > 4 ? (nv) % VT / 4 : 0) \
    + (VT > 2 ? (nv) % VT % 4 / 2 : 0))
/* NK of 1, 2 or 4 where a register holds 8 values (VW of 8 or 16), and of 5 to 8 (one row at a
 * time, NK of the 8 lanes) with VW 16 where PAIRS (below) does not serve them (float64, or
 * row-major margins): phase 1 takes 8 / NK rows at a time, whose 8 (row,
 * column) vector sums one transposing shuffle reduction turns into one
 * 8-wide vector (a wider vector than the registers would be split, and clang warns). NK of 3
 * (SHUFFLE3, by default 1): 2 rows at a time, 6 of the 8 lanes (the last two sum zeros), instead
 * of 6 horizontal sums per 2 rows. */
#ifndef SHUFFLE3
#define SHUFFLE3 1
#endif
#if NK >= 1 && NK <= 8 && (NK != 3 || SHUFFLE3) && (VW == 8 || VW == 16)
#define NK_SHUFFLE 1
/* Rows per 8-lane group (8 / NK), groups per step (NK_GROUPS), rows per step (R1). With VW 16
 * (32 vector registers) two groups, 16 accumulators, so that each loaded weight vector serves
 * twice the rows: on a 2-core AVX-512 EPYC, variants interleaved in one process
 * (ColumnsDefinesTiming, 1M x 64), K = 8 took 0.85 of one group's time, K = 2 to 4 and
 * multinomial C = 3 0.92 to 0.96; four groups took K = 8 1.10 of two's. */
#define RG (8 / NK)
#ifndef NK_GROUPS
#define NK_GROUPS (NK >= 2 && VW == 16 ? 2 : 1)
#endif
#define R1 (RG * NK_GROUPS)
#define REAL8 CAT(REAL, 8)
/* The sums of 8 vectors as one 8-wide vector (as sums8 in gradient_cpu.cl). */
inline REAL8 sums8(const REALV* mv) {
  REAL8 p[4];
#pragma unroll
  for (int k = 0; k < 4; k++) {
#if VW == 16
    const REAL8 a = mv[2 * k].lo + mv[2 * k].hi;
    const REAL8 b = mv[2 * k + 1].lo + mv[2 * k + 1].hi;
    p[k] = (REAL8)(a.lo + a.hi, b.lo + b.hi);
#else
    p[k] = (REAL8)(mv[2 * k].lo + mv[2 * k].hi, mv[2 * k + 1].lo + mv[2 * k + 1].hi);
#endif
  }
  const REAL8 q0 = (REAL8)(p[0].s01, p[1].s01, p[0].s45, p[1].s45)
      + (REAL8)(p[0].s23, p[1].s23, p[0].s67, p[1].s67);
  const REAL8 q1 = (REAL8)(p[2].s01, p[3].s01, p[2].s45, p[3].s45)
      + (REAL8)(p[2].s23, p[3].s23, p[2].s67, p[3].s67);
  return (REAL8)(q0.s0, q0.s4, q0.s2, q0.s6, q1.s0, q1.s4, q1.s2, q1.s6)
      + (REAL8)(q0.s1, q0.s5, q0.s3, q0.s7, q1.s1, q1.s5, q1.s3, q1.s7);
}
#define NK_ROWS R1
#else
#define NK_SHUFFLE 0
#define NK_ROWS 2
#endif

/* Kahan step on VW consecutive slots (vector v) of (s, c). */
inline void kahan_addv(__global REAL* s, __global REAL* c, int v, REALV x) {
  REALV sv = VLOADV(v, s);
  REALV y = x - VLOADV(v, c);
  REALV t = sv + y;
  VSTOREV((t - sv) - y, v, c);
  VSTOREV(t, v, s);
}
/* Kahan step on the lanes of the part vector's slots at d - VW of (s, c) that the mask sets
 * (the others, whole vectors' slots, keep their values). */
inline void kahan_tail(__global REAL* s, __global REAL* c, const int d, REALV x,
    const MASKV m) {
  REALV sv = VLOADV(0, s + d - VW);
  REALV cv = VLOADV(0, c + d - VW);
  REALV y = x - cv;
  REALV t = sv + y;
  VSTOREV(select(cv, (t - sv) - y, m), 0, c + d - VW);
  VSTOREV(select(sv, t, m), 0, s + d - VW);
}
#define FLAG_WEIGHTED 1
#define FLAG_FOLDS 2
#define FLAG_POSITIVES 4
#define FLAG_CLASS_WEIGHTS 8

#define PARTIAL_STRIDE(p) ((2 * (p) + 128 / (int) sizeof(REAL) - 1) / (128 / (int) sizeof(REAL)) \
    * (128 / (int) sizeof(REAL)))
/* Values of 128 bytes, and n values rounded up to whole 128-byte lines. */
#define LINE_VALUES (128 / (int) sizeof(REAL))
#define LINES_OF(n) (((n) + LINE_VALUES - 1) / LINE_VALUES * LINE_VALUES)
/* A work-item's scratch: SB rows of kp margins, then kp loss sums and kp residual sums, on
 * their own cache lines; with few columns (NK > 0) or NG, GN columns, then the item's gradient
 * sums of the VW-wide feature vectors, column-major (column c's d slots at c d), and their
 * Kahan compensations (GN d further on). */
#define SCRATCH_MARGINS(kp) LINES_OF((LOSS == 2 ? 2 * SB + 2 : SB + 2) * (kp))
/* With 4 to 8 columns on 16-wide registers, 3 or 4 on 8-wide ones, then room for PAIRS' or
 * OCTETS' interleaved weights (8 d values, whole lines; the host reserves it at either
 * precision). */
#define PAIR_SPACE ((NK >= 4 && VW == 16) || (NK >= 3 && NK <= 4 && VW == 8))
#define SCRATCH_PAIRS(kp, d) (SCRATCH_MARGINS(kp) + (GN > 0 ? LINES_OF(2 * GN * (d)) : 0))
/* With NG columns room for NG_PAIRS' or NG_PAIRS8's interleaved weights (at most 12 d values:
 * on 16-wide registers 8 d for the pairs and 4 d for the rest, on 8-wide ones 4 d per group of
 * 4 columns; whole lines; the host reserves it at either precision). */
#define NG_SPACE (NG > 0)
#define SCRATCH_STRIDE(kp, d) (SCRATCH_PAIRS(kp, d) + (PAIR_SPACE ? LINES_OF(8 * (d)) \
    : NG_SPACE ? LINES_OF(12 * (d)) : 0))
/* NG_PAIRS (by default 1 where it applies: float32, 9 to 12 columns on 16-wide registers, NG):
 * phase 1 as PAIRS for columns 0 to 7 and one group of REST_G columns x REST_F features per FMA
 * for the other NG - 8; see superblock. */
#define REST_G (NG <= 9 ? 1 : NG <= 10 ? 2 : 4)
#define REST_F (16 / REST_G)
#ifndef NG_PAIRS
#define NG_PAIRS (NK == 0 && NG >= 9 && NG <= 12 && NG_SPACE && VW == 16 && PRECISION == 32 \
    && !CENTER)
#endif
/* NG_PAIRS8 (by default 1 where it applies: float32, 5 to 12 columns on 8-wide registers, NG):
 * phase 1 over pairs of features in NG_GROUPS groups of 4 columns, NG8_ROWS rows at a time;
 * see superblock. */
#ifndef NG_PAIRS8
#define NG_PAIRS8 (NK == 0 && NG >= 5 && NG <= 12 && VW == 8 && PRECISION == 32 && !CENTER)
#endif
#define NG_GROUPS ((NG + 3) / 4)
#ifndef NG8_ROWS
#define NG8_ROWS 4
#endif
#if REST_G == 1
#define REST_X(p) vload16(0, (p))
#define REST_ADD(m, v) (m).s8 += HSN16(v)
#elif REST_G == 2
#define REST_X(p) (float16)(vload8(0, (p)), vload8(0, (p)))
#define REST_ADD(m, v) (m).s89 += (float2)(HSN8((v).lo), HSN8((v).hi))
#else
#define REST_X(p) vload4(0, (p)).s0123012301230123
#define REST_ADD(m, v) (m).s89ab += ((v).even + (v).odd).even + ((v).even + (v).odd).odd
#endif
#define REALK CAT(REAL, KT)
#define VLOADK CAT(vload, KT)
#define VSTOREK CAT(vstore, KT)
#define TO_REALK CAT(convert_, REALK)

#if CENTER
#define XS(row, j) ((REAL) (row)[j] - center[j])
#else
#define XS(row, j) ((REAL) (row)[j])
#endif

/* Kahan step on KT consecutive slots (vector v) of (s, c). */
inline void kahan_addk(__global REAL* s, __global REAL* c, int v, REALK x) {
  REALK sv = VLOADK(v, s);
  REALK y = x - VLOADK(v, c);
  REALK t = sv + y;
  VSTOREK((t - sv) - y, v, c);
  VSTOREK(t, v, s);
}

/*
 * The logistic residual and loss of KT columns, as RESIDUAL_AND_LOSS in common.cl, with exp
 * computed by exp_nonpositive below in float32 (FAST_EXP, set by the host): PoCL's vector exp
 * cost about 40 ns per value on a 2-core AVX2 EPYC, which at K = 16 took more time than all the
 * multiply-adds of the pass.
 */
#ifndef FAST_EXP
#define FAST_EXP 0
#endif
/* 1: the program also holds link_peak (at the end of the file), the benchmark's probe. */
#ifndef LINK_PEAK
#define LINK_PEAK 0
#endif
#if FAST_EXP && PRECISION == 32 && (LOSS == 1 || LOSS == 2)
/*
 * e^x for x <= 0 in float32 on vectors of type T (integer vectors IT), within about 2 ulp:
 * Cephes' expf (x = n ln2 + r, |r| <= ln2 / 2, a degree-7 polynomial in r, 2^n from the
 * exponent bits). Below -87 (where 2^n would leave the normal range) it returns e^(x/2)
 * squared, which rounds to the subnormal result or to 0. n is x / ln2 rounded to nearest by
 * adding and subtracting 1.5 2^23 (two instructions: PoCL's floor took ten, on the critical
 * path of every value).
 */
#define DEFINE_EXP_NONPOSITIVE(NAME, T, IT)                                                \
inline T NAME(const T x) {                                                                 \
  const IT low = x < (T)(-87.0f);                                                          \
  const T h = fmax(select(x, x * 0.5f, low), (T)(-87.0f));                                 \
  const T n = (h * 1.44269504088896341f + 12582912.0f) - 12582912.0f;                      \
  T r = h - n * 0.693359375f;                                                              \
  r = r + n * 2.12194440e-4f;                                                              \
  T y = (T)(1.9875691500e-4f);                                                             \
  y = y * r + 1.3981999507e-3f;                                                            \
  y = y * r + 8.3334519073e-3f;                                                            \
  y = y * r + 4.1665795894e-2f;                                                            \
  y = y * r + 1.6666665459e-1f;                                                            \
  y = y * r + 5.0000001201e-1f;                                                            \
  y = y * r * r + r + 1.0f;                                                                \
  const T e = y * CAT(as_, T)((CAT(convert_, IT)(n) + 127) << 23);                         \
  return select(e, e * e, low);                                                            \
}
DEFINE_EXP_NONPOSITIVE(exp_nonpositive, REALK, CAT(int, KT))
#define EXP_NONPOSITIVE_K(X) exp_nonpositive(X)
#if NK > 0 || NG_PAIRS || NG_PAIRS8 || LINK_PEAK || LOSS == 2
DEFINE_EXP_NONPOSITIVE(exp_nonpositive_v, REALV, CAT(int, VW))
#endif
#define EXP_NONPOSITIVE_V(X) exp_nonpositive_v(X)
#else
#define EXP_NONPOSITIVE_K(X) exp(X)
#define EXP_NONPOSITIVE_V(X) exp(X)
#endif
#if FAST_EXP && PRECISION == 32 && LOSS == 1
/*
 * Phase 2 computes e = e^-|m| of a whole superblock's values first (SPLIT_EXP), in a loop of
 * its own, and then the residuals and losses from e: each loop's iterations are independent
 * and short, so the core overlaps many of them. In one loop, each value's chain (the exp's
 * polynomial, two divisions, log1p's series: over 100 cycles of latency) left the core waiting
 * (1M x 64 logistic K = 8 on a 2-core AVX2 EPYC: phase 2 took a quarter of the pass).
 */
#define SPLIT_EXP 1
#define RESIDUAL_AND_LOSS_OF_E(T, E, M, Y, R, L)               \
  do {                                                         \
    T e_ = (E);                                                \
    T p_ = (T)(1) / ((T)(1) + e_);                             \
    T q_ = e_ * p_;                                            \
    (R) = copysign(select(p_, q_, ((M) >= (T)(0)) == ((Y) >= (T)(0.5))), \
                   (T)(0.5) - (Y));                            \
    (L) = fmax((M), (T)(0)) - (Y) * (M) + LOG1P_UNIT(T, e_);   \
  } while (0)
#define COLUMN_RESIDUAL_AND_LOSS(M, Y, E, R, L) RESIDUAL_AND_LOSS_OF_E(REALK, E, M, Y, R, L)
#define ROW_RESIDUAL_AND_LOSS(M, Y, E, R, L) RESIDUAL_AND_LOSS_OF_E(REALV, E, M, Y, R, L)
#else
#define SPLIT_EXP 0
#define COLUMN_RESIDUAL_AND_LOSS(M, Y, E, R, L) RESIDUAL_AND_LOSS(REALK, M, Y, R, L)
#define ROW_RESIDUAL_AND_LOSS(M, Y, E, R, L) RESIDUAL_AND_LOSS(REALV, M, Y, R, L)
#endif

/*
 * NK > 0 or NG_PAIRS (with the multinomial loss, its classes a constant, and SOFTMAX_VECTOR,
 * by default 1; 0 for the row-major path below): the margins and residuals of the GN columns
 * in scratch column-major (column c's SB rows at c SB), so that phase 2 runs over VW rows at a
 * time (ROWVEC: one column of a squared or logistic loss; SOFTMAX_ROWS: a group's C columns);
 * otherwise row-major (row k's kp columns at k kp).
 */
#ifndef SOFTMAX_VECTOR
#define SOFTMAX_VECTOR 1
#endif
#if (NK > 0 || NG_PAIRS || NG_PAIRS8) && (LOSS != 2 || (defined(CLASSES) && SOFTMAX_VECTOR))
#define COLMAJOR 1
#else
#define COLMAJOR 0
#endif
#define ROWVEC (COLMAJOR && LOSS != 2)
/* PAIRS (by default 1 where it applies: float32, column-major margins, 5 to 8 columns on
 * 16-wide registers, 3 and 4 on 8-wide ones): phase 1 over pairs of features, PAIR_ROWS (a
 * multiple of 8) rows at a time; see superblock. PAIRS_APPLY: where it or OCTETS may. */
#define PAIRS_APPLY (PAIR_SPACE && PRECISION == 32 && !CENTER && COLMAJOR)
#ifndef PAIRS
#define PAIRS (PAIRS_APPLY && (VW == 8 || NK >= 5))
#endif
#ifndef PAIR_ROWS
#define PAIR_ROWS 8
#endif
/* OCTETS (by default 1 for 4 to 6 columns in float32 on 16-wide registers, where PAIRS_APPLY):
 * phase 1 over octets of features, 8 rows at a time; see superblock. OG: its groups of 2
 * columns. For 4 columns it replaces the shuffle reduction (two rows of 4 columns per 8 lanes,
 * about 20 shuffles and 8 scalar stores per two rows: half of the pass's time with the rows
 * resident, perf annotate): on the 2-core Zen 5 EPYC (against OCTETS=0, interleaved, with the
 * burst prefetch) linear K = 4 took 0.91 to 0.96 of the time, logistic 0.91 to 0.96, with the
 * rows resident 0.74 and 0.86; 3 columns (a dead column of 4) took 0.99 to 1.04 and 2 (one
 * group, 8 accumulators) 1.04 and 1.05, so they keep the shuffle reduction. For 5 and 6, on a
 * 2-core AVX-512 EPYC (Zen 5 by its family; ColumnsDefinesTiming, 1M x 64, huge pages, against
 * OCTETS=0, variants interleaved) linear K = 5 took 0.89 of the time, logistic K = 5 0.93,
 * linear K = 6 0.97, logistic K = 6 0.99 (0.95 with the rows resident: the rest waits on
 * memory), multinomial C = 5 and 6 0.96 and 1.03; 7 and 8 columns (4 groups, 32 accumulators
 * for 8 rows: more than the registers) took 1.12 to 1.24, and keep PAIRS. */
#ifndef OCTETS
#define OCTETS (PAIRS_APPLY && VW == 16 && NK >= 4 && NK <= 6)
#endif
#define OG ((NK + 1) / 2)
/* PAIRS' columns per FMA (PW: half the register), its accumulators and its margins of a row,
 * and a feature pair broadcast to the register's PW lane pairs. */
#if VW == 16
#define PW 8
#define PAIR_X(xv) (xv).s0101010101010101
#else
#define PW 4
#define PAIR_X(xv) (xv).s01010101
#endif
#define PAIRV CAT(float, VW)
#define PAIRH CAT(float, PW)
#if LOSS == 2 && defined(CLASSES) && SOFTMAX_VECTOR
#define SOFTMAX_ROWS 1
#else
#define SOFTMAX_ROWS 0
#endif
#if COLMAJOR
#define MARGIN(k, c) scratch[(c) * SB + (k)]
#else
#define MARGIN(k, c) scratch[(k) * kp + (c)]
#endif
/* SOFTMAX_ROWS: VW rows' values of column c from row k on, loaded and stored as one vector
 * (column-major, one vector access; row-major, VW strided scalars). */
#if SOFTMAX_ROWS && COLMAJOR
#define SM_LOAD(k, c) VLOADV((k) / VW, scratch + (c) * SB)
#define SM_STORE(v, k, c) VSTOREV((v), (k) / VW, scratch + (c) * SB)
#define SM_COLUMNS GN
#elif SOFTMAX_ROWS
inline REALV load_strided(__global const REAL* p, const int stride) {
  REAL t[VW];
#pragma unroll
  for (int q = 0; q < VW; q++) {
    t[q] = p[q * stride];
  }
  return VLOADV(0, t);
}
inline void store_strided(const REALV v, __global REAL* p, const int stride) {
  REAL t[VW];
  VSTOREV(v, 0, t);
#pragma unroll
  for (int q = 0; q < VW; q++) {
    p[q * stride] = t[q];
  }
}
#define SM_LOAD(k, c) load_strided(scratch + (k) * kp + (c), kp)
#define SM_STORE(v, k, c) store_strided((v), scratch + (k) * kp + (c), kp)
#define SM_COLUMNS kp
#endif

/*
 * log1p(rest) of the multinomial loss, rest in [0, C - 1], on VW rows. With LOG1P_SERIES in
 * float32 (PoCL's vector log1p cost about as much as its exp): u = 1 + rest = 2^e f with f in
 * [sqrt(1/2), sqrt(2)), log f = 2 atanh(s), s = (f - 1) / (f + 1), |s| < 0.172, five terms of
 * the odd series (truncation below 1e-9 relative), e ln 2 in two parts (the first exact), plus
 * (rest - (u - 1)) / u, the rounding of u (exact to first order).
 */
#if LOSS == 2 && LOG1P_SERIES && PRECISION == 32
#define INTV CAT(int, VW)
inline REALV log1p_rest(const REALV r) {
  const REALV u = (REALV)(1) + r;
  const REALV fix = (r - (u - (REALV)(1))) / u;
  const INTV bits = CAT(as_, INTV)(u);
  const REALV f1 = CAT(as_, REALV)((bits & 0x007fffff) | 0x3f800000);
  const INTV big = f1 > (REALV)(1.41421356f);
  const REALV f = select(f1, f1 * (REALV)(0.5f), big);
  const REALV e = TO_REALV(((bits >> 23) - 127) - big);
  const REALV s = (f - (REALV)(1)) / (f + (REALV)(1));
  const REALV q = s * s;
  const REALV lf = (REALV)(2) * s * ((REALV)(1) + q * ((REALV)(1.0f / 3) + q * ((REALV)(0.2f)
      + q * ((REALV)(1.0f / 7) + q * (REALV)(1.0f / 9)))));
  return e * (REALV)(0.693359375f) + (lf + (fix + e * (REALV)(-2.12194440e-4f)));
}
#define LOG1P_REST(V) log1p_rest(V)
#else
#define LOG1P_REST(V) log1p(V)
#endif

/* The multinomial loss's classes per group: CLASSES when the host sets it (so that the
 * per-row loops over the classes unroll), else the kernel's argument. */
#ifdef CLASSES
#define NCLASSES CLASSES
#else
#define NCLASSES classes
#endif

/* 1 where a == b, else 0, per component. */
#define EQUAL01(a, b) (-TO_REALK((a) == (b)))

#if PAIRS && VW == 8
/*
 * Eight rows' margins of 4 columns (m[q]: row q's) to the column-major scratch, transposed by
 * shuffles (two 4 x 4 transposes): column c's 8 values as one store at dst + c SB, for the
 * first live columns.
 */
ALWAYS_INLINE void store_columns4(const float4* m, __global float* dst, const int live) {
  float4 t[8];
#pragma unroll
  for (int h = 0; h < 2; h++) {
    const float4 ab0 = shuffle2(m[4 * h], m[4 * h + 1], (uint4)(0, 4, 1, 5));
    const float4 ab1 = shuffle2(m[4 * h], m[4 * h + 1], (uint4)(2, 6, 3, 7));
    const float4 ce0 = shuffle2(m[4 * h + 2], m[4 * h + 3], (uint4)(0, 4, 1, 5));
    const float4 ce1 = shuffle2(m[4 * h + 2], m[4 * h + 3], (uint4)(2, 6, 3, 7));
    t[4 * h] = (float4)(ab0.s01, ce0.s01);
    t[4 * h + 1] = (float4)(ab0.s23, ce0.s23);
    t[4 * h + 2] = (float4)(ab1.s01, ce1.s01);
    t[4 * h + 3] = (float4)(ab1.s23, ce1.s23);
  }
#pragma unroll
  for (int c = 0; c < 4; c++) {
    if (c < live) {
      vstore8((float8)(t[c], t[4 + c]), 0, dst + c * SB);
    }
  }
}
#endif
#if (PAIRS && VW == 16) || NG_PAIRS
/*
 * Eight rows' margins of 8 columns (m[q]: row q's) to the column-major scratch, transposed by
 * shuffles: column c's 8 values as one store at dst + c SB, for the first live columns.
 */
ALWAYS_INLINE void store_columns8(const float8* m, __global float* dst, const int live) {
  float8 s[8];
#pragma unroll
  for (int q = 0; q < 8; q += 2) {
    s[q] = shuffle2(m[q], m[q + 1], (uint8)(0, 8, 1, 9, 2, 10, 3, 11));
    s[q + 1] = shuffle2(m[q], m[q + 1], (uint8)(4, 12, 5, 13, 6, 14, 7, 15));
  }
  float8 t[8];
#pragma unroll
  for (int g = 0; g < 2; g++) {
    const float8 e0 = s[4 * g];
    const float8 e1 = s[4 * g + 1];
    const float8 f0 = s[4 * g + 2];
    const float8 f1 = s[4 * g + 3];
    t[4 * g] = shuffle2(e0, f0, (uint8)(0, 1, 8, 9, 2, 3, 10, 11));
    t[4 * g + 1] = shuffle2(e0, f0, (uint8)(4, 5, 12, 13, 6, 7, 14, 15));
    t[4 * g + 2] = shuffle2(e1, f1, (uint8)(0, 1, 8, 9, 2, 3, 10, 11));
    t[4 * g + 3] = shuffle2(e1, f1, (uint8)(4, 5, 12, 13, 6, 7, 14, 15));
  }
#pragma unroll
  for (int c2 = 0; c2 < 4; c2++) {
    const float8 lo = shuffle2(t[c2], t[4 + c2], (uint8)(0, 1, 2, 3, 8, 9, 10, 11));
    const float8 hi = shuffle2(t[c2], t[4 + c2], (uint8)(4, 5, 6, 7, 12, 13, 14, 15));
    if (2 * c2 < live) {
      vstore8(lo, 0, dst + 2 * c2 * SB);
    }
    if (2 * c2 + 1 < live) {
      vstore8(hi, 0, dst + (2 * c2 + 1) * SB);
    }
  }
}
#endif

/*
 * One superblock: SB rows from position r0 of the launch, the rows from end on (a partial last
 * superblock) repeating row end - 1 with weight 0.
 */
ALWAYS_INLINE void superblock(__global const float* restrict x,
    __global const REAL* restrict y, __global const REAL* restrict weight,
    __global const REAL* restrict fold, __global const int* restrict index, const int first,
    const int r0, const int end, const int d, const int kp, const int classes, const int flags,
    __global const REAL* restrict theta, __global const REAL* restrict col,
    __global const REAL* restrict center, __global REAL* restrict scratch,
    __global REAL* restrict sum, __global REAL* restrict comp, const int gather) {
  const int tiles = kp / KT;
  __global const float* row[SB];
  REAL ys[SB];
  REAL ss[SB];
  REAL fs[SB];
#pragma unroll
  for (int k = 0; k < SB; k++) {
    const int i = min(r0 + k, end - 1);
#ifdef RESIDENT_ROWS
    /* Timing only (see the file comment). */
    const int gi = (gather ? index[first + i] : first + i) % RESIDENT_ROWS;
#else
    const int gi = gather ? index[first + i] : first + i;
#endif
    row[k] = x + (size_t) gi * d;
    ys[k] = y[gi];
    const REAL s = (flags & FLAG_WEIGHTED) ? weight[gi] : (REAL)(1);
    ss[k] = r0 + k < end ? s : (REAL)(0);
    fs[k] = (flags & FLAG_FOLDS) ? fold[gi] : (REAL)(-2);
  }

#if NK > 0 || NG_PAIRS8
  const int nv = d / VW;
#if PREFETCH && SPREAD_PREFETCH
  /* Contiguous rows (no gather), SPREAD_PREFETCH: the next superblock is one run of bytes,
   * prefetched 64-byte line after line, paced evenly over the inner iterations of phases 1
   * and 3 (pf_per lines every pf_every iterations), so that its reading overlaps the
   * arithmetic of this one; otherwise a burst per row of the next superblock in phase 1. */
#if OCTETS
  const int pf_iterations = SB / 8 * (d / 8) + PHASE3_TILES(nv) * SB;
#elif PAIRS
  const int pf_iterations = SB / PAIR_ROWS * (d / 2) + PHASE3_TILES(nv) * SB;
#elif NG_PAIRS8
  const int pf_iterations = SB / NG8_ROWS * (d / 2) + PHASE3_TILES(nv) * SB;
#else
  const int pf_iterations = SB / NK_ROWS * nv + PHASE3_TILES(nv) * SB;
#endif
  const int spread = SPREAD_PREFETCH && !gather && pf_iterations > 0;
  const int pf_rows = spread ? max(0, min(SB, end - r0 - PF_AHEAD * SB)) : 0;
  __global const char* pf_base = (__global const char*) (x
      + (size_t) (first + r0 + PF_AHEAD * SB) * d);
  const int pf_last = pf_rows * 4 * d - 1;
  const int pf_lines = (pf_last + 64) / 64;
  const int pf_every = max(1, pf_lines > 0 ? pf_iterations / pf_lines : 1);
  const int pf_per = pf_rows > 0
      ? (pf_lines + pf_iterations / pf_every - 1) / max(1, pf_iterations / pf_every) : 0;
  int pf_at = 0;
  int pf_wait = pf_every;
#define PREFETCH_STEP()                                                 \
  if (--pf_wait == 0) {                                                 \
    pf_wait = pf_every;                                                 \
    for (int pq_ = 0; pq_ < pf_per && pf_at <= pf_last; pq_++) {       \
      PREFETCH_LINE(pf_base + pf_at);                              \
      pf_at += 64;                                                      \
    }                                                                   \
  }
#else
  const int spread = 0;
#define PREFETCH_STEP()
#endif
#endif
#if NK > 0
  /* Phase 1 with few columns (NK <= 4, or 8 with VW 16; theta column-major: column c's (b, w)
   * at c (d + 1)):
   * each row's features as VW-wide vector loads, one FMA chain per column and row, two rows at
   * a time; the broadcasts of the tiled version below would cost more than the FMAs here. */
#if OCTETS
  /* 4 to 6 columns in float32 on 16-wide registers (OCTETS): 8 rows at a time, OG = 2 or 3
   * accumulators per row, accumulator g's lane 8 h + l summing x_j w_jc for column c = 2 g + h
   * over the features j = l mod 8, so that an octet of a row's features (one 256-bit load
   * broadcast to both halves) meets the octet's weights of 2 columns (one load from the item's
   * interleaved copy, wo) in one FMA: 24 FMAs and 11 loads a row for 64 features where PAIRS
   * (below) takes 32 FMAs and 36 loads. Then three levels of two-source shuffles and adds turn
   * 8 rows' accumulators of a group into one vector, column 2 g's 8 margins then column
   * 2 g + 1's, stored as two column-major runs. */
  {
    __global const float16* wo = (__global const float16*) (scratch + SCRATCH_PAIRS(kp, d));
    const int no = d / 8;
    float16 bias[OG];
#pragma unroll
    for (int g = 0; g < OG; g++) {
      const float b0 = theta[2 * g * (d + 1)];
      const float b1 = 2 * g + 1 < NK ? theta[(2 * g + 1) * (d + 1)] : 0;
      bias[g] = (float16)((float8)(b0), (float8)(b1));
    }
    for (int k = 0; k < SB; k += 8) {
#if PREFETCH
      if (!spread) {
        PREFETCH_ROWS(r0 + PF_AHEAD * SB + k, 8);
      }
#endif
      float16 a[8 * OG];
#pragma unroll
      for (int q = 0; q < 8 * OG; q++) {
        a[q] = (float16)(0);
      }
      for (int o = 0; o < no; o++) {
        PREFETCH_STEP();
        float16 w[OG];
#pragma unroll
        for (int g = 0; g < OG; g++) {
          w[g] = wo[o * OG + g];
        }
#pragma unroll
        for (int q = 0; q < 8; q++) {
          const float8 xv = vload8(o, row[k + q]);
          const float16 xx = (float16)(xv, xv);
#pragma unroll
          for (int g = 0; g < OG; g++) {
            a[q * OG + g] = fma(xx, w[g], a[q * OG + g]);
          }
        }
      }
      /* Features past the last whole octet, one at a time (d mod 8 of them). */
      float tail[8 * 2 * OG];
#pragma unroll
      for (int t = 0; t < 16 * OG; t++) {
        tail[t] = 0;
      }
      for (int j = no * 8; j < d; j++) {
#pragma unroll
        for (int q = 0; q < 8; q++) {
          const float xj = row[k + q][j];
#pragma unroll
          for (int c = 0; c < NK; c++) {
            tail[c * 8 + q] = fma(xj, theta[c * (d + 1) + 1 + j], tail[c * 8 + q]);
          }
        }
      }
#pragma unroll
      for (int g = 0; g < OG; g++) {
        float16 b[4];
#pragma unroll
        for (int q = 0; q < 4; q++) {
          const float16 lo = a[q * OG + g];
          const float16 hi = a[(q + 4) * OG + g];
          b[q] = shuffle2(lo, hi, (uint16)(0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25,
              26, 27)) + shuffle2(lo, hi, (uint16)(4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15,
              28, 29, 30, 31));
        }
        float16 c[2];
#pragma unroll
        for (int q = 0; q < 2; q++) {
          c[q] = shuffle2(b[q], b[q + 2], (uint16)(0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12,
              13, 28, 29)) + shuffle2(b[q], b[q + 2], (uint16)(2, 3, 18, 19, 6, 7, 22, 23, 10,
              11, 26, 27, 14, 15, 30, 31));
        }
        const float16 m = shuffle2(c[0], c[1], (uint16)(0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10,
            26, 12, 28, 14, 30)) + shuffle2(c[0], c[1], (uint16)(1, 17, 3, 19, 5, 21, 7, 23, 9,
            25, 11, 27, 13, 29, 15, 31)) + bias[g] + vload16(0, tail + 16 * g);
        vstore8(m.lo, 0, scratch + 2 * g * SB + k);
        if (2 * g + 1 < NK) {
          vstore8(m.hi, 0, scratch + (2 * g + 1) * SB + k);
        }
      }
    }
  }
#elif PAIRS
  /* 5 to 8 columns in float32 on 16-wide registers, 3 or 4 on 8-wide ones (PAIRS): PAIR_ROWS
   * rows at a time, one accumulator per row whose lane 2 c + h sums x_j w_jc over the features
   * j of parity h, so that a pair of features (x_j, x_j+1) broadcast to the PW lane pairs (one
   * 64-bit broadcast load) meets the pair's VW weights (one load from the item's interleaved
   * copy, wp, made once per item) in one FMA: no horizontal sum per row and column, only lane
   * pairs added and the rows' 8 x PW margins transposed into the column-major scratch. On a
   * 2-core AVX-512 EPYC (ColumnsDefinesTiming, 1M x 64, against PAIRS=0, the shuffle reduction
   * below) K = 8 took 0.71 to 0.82 of the time (logistic) and 0.73 (linear), K = 6 logistic
   * 0.72, K = 5 linear 0.80, multinomial C = 8 0.78 and C = 5 0.88. */
  {
    __global const PAIRV* wp = (__global const PAIRV*) (scratch + SCRATCH_PAIRS(kp, d));
    const int np = d / 2;
    float bias[PW];
#pragma unroll
    for (int c = 0; c < PW; c++) {
      bias[c] = c < NK ? theta[c * (d + 1)] : 0;
    }
    const PAIRH bh = CAT(vload, PW)(0, bias);
    for (int k = 0; k < SB; k += PAIR_ROWS) {
#if PREFETCH
      if (!spread) {
        PREFETCH_ROWS(r0 + PF_AHEAD * SB + k, PAIR_ROWS);
      }
#endif
      PAIRV a[PAIR_ROWS];
#pragma unroll
      for (int q = 0; q < PAIR_ROWS; q++) {
        a[q] = (PAIRV)(0);
      }
      for (int p = 0; p < np; p++) {
        PREFETCH_STEP();
        const PAIRV w = wp[p];
#pragma unroll
        for (int q = 0; q < PAIR_ROWS; q++) {
          const float2 xv = vload2(0, row[k + q] + 2 * p);
          a[q] = fma(PAIR_X(xv), w, a[q]);
        }
      }
      PAIRH m[PAIR_ROWS];
#pragma unroll
      for (int q = 0; q < PAIR_ROWS; q++) {
        m[q] = a[q].even + a[q].odd + bh;
      }
      if (d & 1) {
        float last[PW];
#pragma unroll
        for (int c = 0; c < PW; c++) {
          last[c] = c < NK ? theta[c * (d + 1) + d] : 0;
        }
        const PAIRH wl = CAT(vload, PW)(0, last);
#pragma unroll
        for (int q = 0; q < PAIR_ROWS; q++) {
          m[q] += row[k + q][d - 1] * wl;
        }
      }
      /* Rows k .. k + 7 x PW columns, transposed: column c's 8 margins as one store. */
#pragma unroll
      for (int h = 0; h < PAIR_ROWS; h += 8) {
        CAT(store_columns, PW)(m + h, scratch + k + h, NK);
      }
    }
  }
#elif NK_SHUFFLE
  /* R1 rows x NK columns: per group of RG rows 8 FMA chains (6 for NK = 3, NK for 5 to 7; the
   * others zero) over the rows' feature vectors, then one shuffle reduction per group; lane
   * q NK + c of a group is its row q's margin of column c. */
  REAL lane_bias[8];
#pragma unroll
  for (int l = 0; l < 8; l++) {
    lane_bias[l] = theta[(l % NK) * (d + 1)];
  }
  const REAL8 bias = vload8(0, lane_bias);
  for (int k = 0; k < SB; k += R1) {
#if PREFETCH
    if (!spread) {
      PREFETCH_ROWS(r0 + PF_AHEAD * SB + k, R1);
    }
#endif
    /* Row q's column c: lane (q % RG) NK + c of group q / RG. */
#define LANE(q, c) (((q) / RG) * 8 + ((q) % RG) * NK + (c))
    REALV a[8 * NK_GROUPS];
#pragma unroll
    for (int l = 0; l < 8 * NK_GROUPS; l++) {
      a[l] = (REALV)(0);
    }
    for (int v = 0; v < nv; v++) {
      PREFETCH_STEP();
      REALV xq[R1];
#pragma unroll
      for (int q = 0; q < R1; q++) {
        xq[q] = XN(v, row[k + q]);
      }
#pragma unroll
      for (int c = 0; c < NK; c++) {
        const REALV wv = VLOADV(v, theta + c * (d + 1) + 1);
#pragma unroll
        for (int q = 0; q < R1; q++) {
          a[LANE(q, c)] += xq[q] * wv;
        }
      }
    }
    if (TAIL_VECTOR) {
      const MASKV tm = tail_mask(d);
      REALV xq[R1];
#pragma unroll
      for (int q = 0; q < R1; q++) {
        xq[q] = XT(row[k + q]);
      }
#pragma unroll
      for (int c = 0; c < NK; c++) {
        const REALV wv = select((REALV)(0), VLOADV(0, theta + c * (d + 1) + 1 + d - VW), tm);
#pragma unroll
        for (int q = 0; q < R1; q++) {
          a[LANE(q, c)] += xq[q] * wv;
        }
      }
    }
    REAL tail[8 * NK_GROUPS];
#pragma unroll
    for (int l = 0; l < 8 * NK_GROUPS; l++) {
      tail[l] = 0;
    }
    for (int j = TAIL_VECTOR ? d : nv * VW; j < d; j++) {
#pragma unroll
      for (int q = 0; q < R1; q++) {
        const REAL xj = XS(row[k + q], j);
#pragma unroll
        for (int c = 0; c < NK; c++) {
          tail[LANE(q, c)] += theta[c * (d + 1) + 1 + j] * xj;
        }
      }
    }
#pragma unroll
    for (int g = 0; g < NK_GROUPS; g++) {
      const int kg = k + g * RG;
      const REAL8 m = sums8(a + 8 * g) + bias + vload8(g, tail);
#if !COLMAJOR && RG * NK == 8
      if (kp == NK) {
        /* Row-major margins that fill the group's 8 lanes: one store. */
        vstore8(m, 0, scratch + kg * kp);
        continue;
      }
#endif
      REAL ms[8];
      vstore8(m, 0, ms);
#pragma unroll
      for (int q = 0; q < RG; q++) {
#pragma unroll
        for (int c = 0; c < NK; c++) {
          MARGIN(kg + q, c) = ms[q * NK + c];
        }
#if !COLMAJOR
        for (int c = NK; c < kp; c++) {
          MARGIN(kg + q, c) = 0;
        }
#endif
      }
    }
#undef LANE
  }
#else
  for (int k = 0; k < SB; k += 2) {
#if PREFETCH
    if (!spread) {
      PREFETCH_ROWS(r0 + PF_AHEAD * SB + k, 2);
    }
#endif
    REALV a0[NK];
    REALV a1[NK];
#pragma unroll
    for (int c = 0; c < NK; c++) {
      a0[c] = (REALV)(0);
      a1[c] = (REALV)(0);
    }
    for (int v = 0; v < nv; v++) {
      PREFETCH_STEP();
      const REALV x0 = XN(v, row[k]);
      const REALV x1 = XN(v, row[k + 1]);
#pragma unroll
      for (int c = 0; c < NK; c++) {
        const REALV wv = VLOADV(v, theta + c * (d + 1) + 1);
        a0[c] += x0 * wv;
        a1[c] += x1 * wv;
      }
    }
    if (TAIL_VECTOR) {
      const MASKV tm = tail_mask(d);
      const REALV x0 = XT(row[k]);
      const REALV x1 = XT(row[k + 1]);
#pragma unroll
      for (int c = 0; c < NK; c++) {
        const REALV wv = select((REALV)(0), VLOADV(0, theta + c * (d + 1) + 1 + d - VW), tm);
        a0[c] += x0 * wv;
        a1[c] += x1 * wv;
      }
    }
#pragma unroll
    for (int c = 0; c < NK; c++) {
      __global const REAL* wc = theta + c * (d + 1);
      REAL m0 = wc[0] + HSUMN(VW, a0[c]);
      REAL m1 = wc[0] + HSUMN(VW, a1[c]);
      for (int j = TAIL_VECTOR ? d : nv * VW; j < d; j++) {
        m0 += wc[1 + j] * XS(row[k], j);
        m1 += wc[1 + j] * XS(row[k + 1], j);
      }
      MARGIN(k, c) = m0;
      MARGIN(k + 1, c) = m1;
    }
#if !COLMAJOR
    for (int c = NK; c < kp; c++) {
      scratch[k * kp + c] = 0;
      scratch[(k + 1) * kp + c] = 0;
    }
#endif
  }
#endif
#elif NG_PAIRS
  /* 9 to 12 columns in float32 on 16-wide registers (NG_PAIRS): columns 0 to 7 as PAIRS does
   * them (one FMA: two features x 8 columns), the other NG - 8 as one group of REST_G columns
   * x REST_F features per FMA (lane c REST_F + f: feature REST_F g + f of column 8 + c), both
   * against the item's interleaved weights, PAIR_ROWS rows at a time; then each row's 16
   * margins (0 in the padded columns) as one store. The tiles below spend one 16-lane FMA per
   * feature and row, with 9 to 12 of the lanes alive. */
  {
    __global const float16* wp = (__global const float16*) (scratch + SCRATCH_PAIRS(kp, d));
    __global const float16* wr = wp + d / 2;
    const int np = d / 2;
    const int nr = d / REST_F;
    const float16 b16 = vload16(0, theta);
    for (int k = 0; k < SB; k += PAIR_ROWS) {
#if PREFETCH
      PREFETCH_ROWS(r0 + PF_AHEAD * SB + k, PAIR_ROWS);
#endif
      float16 a[PAIR_ROWS];
      float16 b[PAIR_ROWS];
#pragma unroll
      for (int q = 0; q < PAIR_ROWS; q++) {
        a[q] = (float16)(0);
        b[q] = (float16)(0);
      }
      for (int p = 0; p < np; p++) {
        const float16 w = wp[p];
#pragma unroll
        for (int q = 0; q < PAIR_ROWS; q++) {
          const float2 xv = vload2(0, row[k + q] + 2 * p);
          a[q] = fma(xv.s0101010101010101, w, a[q]);
        }
      }
      for (int g = 0; g < nr; g++) {
        const float16 w = wr[g];
#pragma unroll
        for (int q = 0; q < PAIR_ROWS; q++) {
          b[q] = fma(REST_X(row[k + q] + REST_F * g), w, b[q]);
        }
      }
      float8 lo[PAIR_ROWS];
      float8 hi[PAIR_ROWS];
#pragma unroll
      for (int q = 0; q < PAIR_ROWS; q++) {
        float16 m = b16;
        m.lo += a[q].even + a[q].odd;
        REST_ADD(m, b[q]);
        if (d & 1) {
          m.lo += row[k + q][d - 1] * vload8(0, theta + kp + (size_t) (d - 1) * kp);
        }
        for (int j = nr * REST_F; j < d; j++) {
          m.hi += row[k + q][j] * vload8(1, theta + kp + (size_t) j * kp);
        }
        lo[q] = m.lo;
        hi[q] = m.hi;
      }
#if COLMAJOR
      /* Columns 0 to 7, then 8 to NG - 1, each column's 8 margins as one store. */
#pragma unroll
      for (int h = 0; h < PAIR_ROWS; h += 8) {
        store_columns8(lo + h, scratch + k + h, 8);
        store_columns8(hi + h, scratch + 8 * SB + k + h, NG - 8);
      }
#else
#pragma unroll
      for (int q = 0; q < PAIR_ROWS; q++) {
        vstore16((float16)(lo[q], hi[q]), 0, scratch + (k + q) * kp);
      }
#endif
    }
  }
#elif NG_PAIRS8
  /* 5 to 12 columns in float32 on 8-wide registers (NG_PAIRS8): NG8_ROWS rows at a time, one
   * accumulator per row and group of 4 columns whose lane 2 c + h sums x_j w_jc over the
   * features j of parity h (as PAIRS), each broadcast feature pair serving the NG_GROUPS
   * groups' FMAs; then the lane pairs added and each group's NG8_ROWS x 4 margins stored
   * column by column into the column-major scratch. The tiles below spend one 8-lane FMA per
   * feature, row and column vector, with 5 to 12 of their 8 or 16 lanes alive, and one
   * broadcast load per FMA. */
  {
    __global const float8* wp = (__global const float8*) (scratch + SCRATCH_PAIRS(kp, d));
    const int np = d / 2;
    for (int k = 0; k < SB; k += NG8_ROWS) {
#if PREFETCH
      if (!spread) {
        PREFETCH_ROWS(r0 + PF_AHEAD * SB + k, NG8_ROWS);
      }
#endif
      float8 a[NG8_ROWS * NG_GROUPS];
#pragma unroll
      for (int l = 0; l < NG8_ROWS * NG_GROUPS; l++) {
        a[l] = (float8)(0);
      }
      for (int p = 0; p < np; p++) {
        PREFETCH_STEP();
        float8 w[NG_GROUPS];
#pragma unroll
        for (int g = 0; g < NG_GROUPS; g++) {
          w[g] = wp[p * NG_GROUPS + g];
        }
#pragma unroll
        for (int q = 0; q < NG8_ROWS; q++) {
          const float8 xb = vload2(0, row[k + q] + 2 * p).s01010101;
#pragma unroll
          for (int g = 0; g < NG_GROUPS; g++) {
            a[q * NG_GROUPS + g] = fma(xb, w[g], a[q * NG_GROUPS + g]);
          }
        }
      }
#pragma unroll
      for (int g = 0; g < NG_GROUPS; g++) {
        float4 m[NG8_ROWS];
        float mm[NG8_ROWS][4];
        const float4 b = vload4(g, theta);
#pragma unroll
        for (int q = 0; q < NG8_ROWS; q++) {
          m[q] = a[q * NG_GROUPS + g].even + a[q * NG_GROUPS + g].odd + b;
          if (d & 1) {
            m[q] += row[k + q][d - 1] * vload4(g, theta + (size_t) d * kp);
          }
          vstore4(m[q], 0, mm[q]);
        }
#if COLMAJOR
        /* Column 4 g + c's NG8_ROWS margins as one store. */
#pragma unroll
        for (int c = 0; c < 4; c++) {
          if (4 * g + c < NG) {
            float t[NG8_ROWS];
#pragma unroll
            for (int q = 0; q < NG8_ROWS; q++) {
              t[q] = mm[q][c];
            }
            CAT(vstore, NG8_ROWS)(CAT(vload, NG8_ROWS)(0, t), 0,
                scratch + (4 * g + c) * SB + k);
          }
        }
#else
#pragma unroll
        for (int q = 0; q < NG8_ROWS; q++) {
          vstore4(m[q], g, scratch + (k + q) * kp);
        }
#endif
      }
#if !COLMAJOR
      /* Row-major margins: the padded columns past the groups' are zero, as the tiles leave
       * them. */
      for (int q = 0; q < NG8_ROWS; q++) {
        for (int c = 4 * NG_GROUPS; c < kp; c++) {
          scratch[(k + q) * kp + c] = 0;
        }
      }
#endif
    }
  }
#else
  /* Phase 1: margins, RB rows x KT columns at a time. */
  for (int k0 = 0; k0 < SB; k0 += RB) {
#if PREFETCH
    /* The next superblock's rows, RB at a time: phase 1 walks RB rows side by side, short
     * streams the hardware prefetchers do not follow, and with few columns nothing else hides
     * the wait (K = 4 ran at 1.7 GB/s without this on a 2-core AVX2 EPYC). */
    PREFETCH_ROWS(r0 + PF_AHEAD * SB + k0, RB);
#endif
    int t = 0;
    /* Pairs of column vectors, HALF rows at a time: each broadcast x serves two FMAs. */
    for (; t + 1 < tiles; t += 2) {
#pragma unroll
      for (int h = 0; h < RB; h += HALF) {
        REALK a0[HALF];
        REALK a1[HALF];
        const REALK b0 = VLOADK(t, theta);
        const REALK b1 = VLOADK(t + 1, theta);
#pragma unroll
        for (int k = 0; k < HALF; k++) {
          a0[k] = b0;
          a1[k] = b1;
        }
        __global const REAL* wj = theta + kp + t * KT;
        for (int j = 0; j < d; j++) {
          const REALK w0 = VLOADK(0, wj);
          const REALK w1 = VLOADK(1, wj);
#pragma unroll
          for (int k = 0; k < HALF; k++) {
            const REAL xv = XS(row[k0 + h + k], j);
            a0[k] += xv * w0;
            a1[k] += xv * w1;
          }
          wj += kp;
        }
#pragma unroll
        for (int k = 0; k < HALF; k++) {
          VSTOREK(a0[k], t, scratch + (k0 + h + k) * kp);
          VSTOREK(a1[k], t + 1, scratch + (k0 + h + k) * kp);
        }
      }
    }
    for (; t < tiles; t++) {
      REALK acc[RB];
      const REALK b = VLOADK(t, theta);
#pragma unroll
      for (int k = 0; k < RB; k++) {
        acc[k] = b;
      }
      __global const REAL* wj = theta + kp + t * KT;
      for (int j = 0; j < d; j++) {
        const REALK wv = VLOADK(0, wj);
#pragma unroll
        for (int k = 0; k < RB; k++) {
          acc[k] += XS(row[k0 + k], j) * wv;
        }
        wj += kp;
      }
#pragma unroll
      for (int k = 0; k < RB; k++) {
        VSTOREK(acc[k], t, scratch + (k0 + k) * kp);
      }
    }
  }

#endif

  /* Phase 2: residuals (in place of the margins) and the weighted losses per column. */
  __global REAL* lsum = scratch + SB * kp;
  for (int t = 0; t < tiles; t++) {
    VSTOREK((REALK)(0), t, lsum);
  }
#if SOFTMAX_ROWS
  /* The multinomial loss with its classes a constant (groups of C = NCLASSES columns): per
   * group, VW rows at a time (with few columns, NK > 0, the margins column-major; otherwise
   * row-major, each column's VW values loaded and stored as strided scalars), every step a
   * vector over the rows: the max of the C margins, their exps (the max's exactly 1, left out
   * of rest as below), one reciprocal and one log1p per row, the residuals r_c = s e_c / (1 +
   * rest) and r_y = -s (sum of the other e) / (1 + rest); with few columns the residuals' sums
   * (the intercept's gradient) with them. The per-row scalar loops below (SOFTMAX_VECTOR=0)
   * cost a 1M x 64 C = 3 evaluation about as much CPU time as the rest of the pass on a 2-core
   * AVX2 EPYC. */
  for (int g0 = 0; g0 < SM_COLUMNS; g0 += NCLASSES) {
    if (g0 + NCLASSES > kp || col[g0] == 0) {
      /* A dead group (or padding): no loss, zero residuals. */
      for (int c = g0; c < min(g0 + NCLASSES, SM_COLUMNS); c++) {
        for (int k = 0; k < SB; k++) {
          MARGIN(k, c) = 0;
        }
        lsum[kp + c] = 0;
      }
      continue;
    }
    const REAL held = col[kp + g0];
    REALV la = (REALV)(0);
    REALV ra[NCLASSES];
#pragma unroll
    for (int c = 0; c < NCLASSES; c++) {
      ra[c] = (REALV)(0);
    }
    for (int k = 0; k < SB; k += VW) {
      const REALV yv = VLOADV(0, ys + k);
      REALV m[NCLASSES];
#pragma unroll
      for (int c = 0; c < NCLASSES; c++) {
        m[c] = SM_LOAD(k, g0 + c);
      }
      REALV mx = m[0];
      REALV my = m[0];
#pragma unroll
      for (int c = 1; c < NCLASSES; c++) {
        mx = fmax(mx, m[c]);
        my = select(my, m[c], yv == (REAL)(c));
      }
      REALV e[NCLASSES];
      REALV rest = (REALV)(0);
      REALV other = (REALV)(0);
      MASKV seen = (MASKV)(0);
#pragma unroll
      for (int c = 0; c < NCLASSES; c++) {
        e[c] = EXP_NONPOSITIVE_V(m[c] - mx);
        const MASKV skip = ~seen & (e[c] == (REALV)(1));
        rest += select(e[c], (REALV)(0), skip);
        seen |= skip;
        other += select(e[c], (REALV)(0), yv == (REAL)(c));
      }
      REALV sv = VLOADV(0, ss + k) * ((REALV)(1)
          + CAT(convert_, REALV)(VLOADV(0, fs + k) == held));
      if (flags & FLAG_CLASS_WEIGHTS) {
        REAL cw[VW];
#pragma unroll
        for (int q = 0; q < VW; q++) {
          cw[q] = col[(3 + (int) ys[k + q]) * kp + g0];
        }
        sv *= VLOADV(0, cw);
      }
      const REALV si = sv / ((REALV)(1) + rest);
      la += sv * ((mx - my) + LOG1P_REST(rest));
#pragma unroll
      for (int c = 0; c < NCLASSES; c++) {
        const REALV r = select(si * e[c], -si * other, yv == (REAL)(c));
        SM_STORE(r, k, g0 + c);
        ra[c] += r;
      }
    }
    lsum[g0] = HSUMN(VW, la);
#pragma unroll
    for (int c = 0; c < NCLASSES; c++) {
      lsum[kp + g0 + c] = HSUMN(VW, ra[c]);
    }
  }
#if COLMAJOR
  for (int c = GN; c < kp; c++) {
    lsum[c] = 0;
    lsum[kp + c] = 0;
  }
#endif
#elif LOSS == 2
  /* Per group of C coupled columns, in loops of independent iterations (in one loop per row,
   * each row's chain of C exps, a division and a log left the core waiting):
   *   A. per row: the group's max subtracted from its margins, and max - m_y kept in aux
   *      (dead columns past the last group set far below, so that their e is 0);
   *   B. the e^(m - max) of the whole superblock, KT at a time (FAST_EXP in float32);
   *   C. per row: the sum of the e but the max's (rest) and of the e but the label's;
   *   D. VW rows at a time: one reciprocal 1 / (1 + rest) per row, log1p(rest), the losses;
   *   E. per row: r_c = s e_c / (1 + rest), r_y = -s (sum of the other e) / (1 + rest). */
  __global REAL* aux = scratch + (SB + 2) * kp;
  int live = 0;
  for (; live + NCLASSES <= kp && col[live] != 0; live += NCLASSES) {
  }
  for (int k = 0; k < SB; k++) {
    __global REAL* m = scratch + k * kp;
    const int label = (int) ys[k];
    for (int c0 = 0; c0 < live; c0 += NCLASSES) {
      REAL max = m[c0];
      for (int c = 1; c < NCLASSES; c++) {
        max = fmax(max, m[c0 + c]);
      }
      aux[k * kp + c0] = max - m[c0 + label];
      for (int c = 0; c < NCLASSES; c++) {
        m[c0 + c] -= max;
      }
    }
    for (int c = live; c < kp; c++) {
      m[c] = (REAL)(-1e30f);
    }
  }
  for (int v = 0; v < SB * kp / KT; v++) {
    VSTOREK(EXP_NONPOSITIVE_K(VLOADK(v, scratch)), v, scratch);
  }
  for (int c0 = 0; c0 < live; c0 += NCLASSES) {
    REAL rest[SB];
    REAL other[SB];
    REAL sw[SB];
    REAL base[SB];
    for (int k = 0; k < SB; k++) {
      __global const REAL* e = scratch + k * kp + c0;
      const int label = (int) ys[k];
      sw[k] = ss[k] * (fs[k] == col[kp + c0] ? (REAL)(0) : (REAL)(1))
          * ((flags & FLAG_CLASS_WEIGHTS) ? col[(3 + label) * kp + c0] : (REAL)(1));
      base[k] = aux[k * kp + c0];
      /* The max's e is exactly 1: the first e equal to 1 is left out of rest (another e of
       * exactly 1 has the same value). */
      REAL r = 0;
      REAL o = 0;
      int seen = 0;
      for (int c = 0; c < NCLASSES; c++) {
        const REAL ec = e[c];
        const int skip = !seen && ec == (REAL)(1);
        r += skip ? (REAL)(0) : ec;
        seen |= skip;
        o += c == label ? (REAL)(0) : ec;
      }
      rest[k] = r;
      other[k] = o;
    }
    REALV la = (REALV)(0);
    for (int k = 0; k < SB; k += VW) {
      const REALV rv = VLOADV(0, rest + k);
      const REALV sv = VLOADV(0, sw + k);
      const REALV si = sv / ((REALV)(1) + rv);
      VSTOREV(si, 0, sw + k);
      VSTOREV(-si * VLOADV(0, other + k), 0, other + k);
      la += sv * (VLOADV(0, base + k) + LOG1P_REST(rv));
    }
    lsum[c0] = HSUMN(VW, la);
    for (int k = 0; k < SB; k++) {
      __global REAL* m = scratch + k * kp + c0;
      const REAL si = sw[k];
      for (int c = 0; c < NCLASSES; c++) {
        m[c] *= si;
      }
      m[(int) ys[k]] = other[k];
    }
  }
  for (int k = 0; k < SB; k++) {
    for (int c = live; c < kp; c++) {
      scratch[k * kp + c] = 0;
    }
  }
#elif ROWVEC
  /* Few columns: per column, VW rows at a time (each exp and log1p serves VW rows); the
   * intercept's sums (the residuals') with them. */
  for (int c = 0; c < GN; c++) {
    const REAL valid = col[c];
    const REAL held = col[kp + c];
    const REAL positive = col[2 * kp + c];
    REALV la = (REALV)(0);
    REALV ra = (REALV)(0);
#if SPLIT_EXP
    REALV ev[SB / VW];
#pragma unroll
    for (int k = 0; k < SB; k += VW) {
      ev[k / VW] = exp_nonpositive_v(-fabs(VLOADV(k / VW, scratch + c * SB)));
    }
#define EV_ROW ev[k / VW]
#else
#define EV_ROW 0
#endif
    for (int k = 0; k < SB; k += VW) {
      const REALV m = VLOADV(k / VW, scratch + c * SB);
      const REALV yv = VLOADV(0, ys + k);
      const REALV target = (flags & FLAG_POSITIVES) ? (REALV)(-CAT(convert_, REALV)(yv == positive))
          : yv;
      REALV s = VLOADV(0, ss + k) * valid
          * ((REALV)(1) + CAT(convert_, REALV)(VLOADV(0, fs + k) == held));
      if (flags & FLAG_CLASS_WEIGHTS) {
        REAL cw[VW];
#pragma unroll
        for (int q = 0; q < VW; q++) {
          cw[q] = col[(3 + (int) ys[k + q]) * kp + c];
        }
        s *= VLOADV(0, cw);
      }
      REALV r;
      REALV l;
      ROW_RESIDUAL_AND_LOSS(m, target, EV_ROW, r, l);
      r *= s;
      VSTOREV(r, k / VW, scratch + c * SB);
      la += s * l;
      ra += r;
    }
    lsum[c] = HSUMN(VW, la);
    lsum[kp + c] = HSUMN(VW, ra);
  }
  for (int c = GN; c < kp; c++) {
    lsum[c] = 0;
    lsum[kp + c] = 0;
  }
#else
  for (int t = 0; t < tiles; t++) {
    const REALK valid = VLOADK(t, col);
    const REALK held = VLOADK(t, col + kp);
    const REALK positive = VLOADK(t, col + 2 * kp);
    REALK la = (REALK)(0);
#if SPLIT_EXP
    REALK ev[SB];
    for (int k = 0; k < SB; k++) {
      ev[k] = exp_nonpositive(-fabs(VLOADK(t, scratch + k * kp)));
    }
#define EV_COLUMN ev[k]
#else
#define EV_COLUMN 0
#endif
    for (int k = 0; k < SB; k++) {
      const REALK m = VLOADK(t, scratch + k * kp);
      const REALK target = (flags & FLAG_POSITIVES) ? EQUAL01(positive, (REALK)(ys[k]))
          : (REALK)(ys[k]);
      REALK s = ss[k] * valid * ((REALK)(1) - EQUAL01(held, (REALK)(fs[k])));
      if (flags & FLAG_CLASS_WEIGHTS) {
        s *= VLOADK(t, col + (3 + (int) ys[k]) * kp);
      }
      REALK r;
      REALK l;
      COLUMN_RESIDUAL_AND_LOSS(m, target, EV_COLUMN, r, l);
      VSTOREK(s * r, t, scratch + k * kp);
      la += s * l;
    }
    VSTOREK(la, t, lsum);
  }
#endif
  for (int t = 0; t < tiles; t++) {
    kahan_addk(sum, comp, t, VLOADK(t, lsum));
  }

  /* Phase 3: the gradient, JT features x KT columns per register tile. */
  __global REAL* gsum = sum + kp;
  __global REAL* gcomp = comp + kp;
  for (int t = 0; t < tiles; t++) {
#if COLMAJOR
    const REALK a = VLOADK(t, lsum + kp);
#else
    REALK a = (REALK)(0);
    for (int k = 0; k < SB; k++) {
      a += VLOADK(t, scratch + k * kp);
    }
#endif
    kahan_addk(gsum, gcomp, t, a);
  }
#if NK == 0 && GN > 0 && !NG_PAIRS8
  const int nv = d / VW;
#endif
#ifndef PREFETCH_STEP
#define PREFETCH_STEP()
#endif
#if GN > 0
  /* Few columns: per tile of VT feature vectors and CG columns, the sum over the rows of r_kc
   * x_k, VT x CG chains sharing each loaded x vector and broadcast residual; one vector Kahan
   * step per chain into the item's column-major sums in its scratch (moved to the partial
   * row's layout once, when the item ends). */
  __global REAL* gl = scratch + SCRATCH_MARGINS(kp);
  __global REAL* glc = gl + GN * d;
  int v = 0;
  /* One tile of VTN feature vectors from v and CGN columns from C0. */
#define FEATURE_TILE(VTN, C0, CGN)                                                    \
  {                                                                                   \
    REALV a[(VTN) * (CGN)];                                                           \
    _Pragma("unroll") for (int l = 0; l < (VTN) * (CGN); l++) {                       \
      a[l] = (REALV)(0);                                                              \
    }                                                                                 \
    for (int k = 0; k < SB; k++) {                                                    \
      if ((C0) == 0) {                                                                \
        PREFETCH_STEP();                                                              \
      }                                                                               \
      REALV xq[VTN];                                                                  \
      _Pragma("unroll") for (int q = 0; q < (VTN); q++) {                             \
        xq[q] = XN(v + q, row[k]);                                                    \
      }                                                                               \
      _Pragma("unroll") for (int c = 0; c < (CGN); c++) {                             \
        const REAL rc = MARGIN(k, (C0) + c);                                          \
        _Pragma("unroll") for (int q = 0; q < (VTN); q++) {                           \
          a[q * (CGN) + c] += rc * xq[q];                                             \
        }                                                                             \
      }                                                                               \
    }                                                                                 \
    _Pragma("unroll") for (int q = 0; q < (VTN); q++) {                               \
      _Pragma("unroll") for (int c = 0; c < (CGN); c++) {                             \
        kahan_addv(gl + ((C0) + c) * d, glc + ((C0) + c) * d, v + q, a[q * (CGN) + c]);  \
      }                                                                               \
    }                                                                                 \
  }
  /* The tiles of CGN columns from C0 over the feature vectors: of VTG vectors, then of 4 and
   * of 2 for what they leave (d of 32 to 63 has only 2 or 3), so that every group ends at the
   * same vector (the last, if any, runs alone below). */
#define FEATURE_TILES(C0, CGN, VTG)                                                   \
  v = 0;                                                                              \
  for (; v + (VTG) <= nv; v += (VTG)) {                                               \
    FEATURE_TILE(VTG, C0, CGN)                                                        \
  }                                                                                   \
  if ((VTG) > 4) {                                                                    \
    for (; v + 4 <= nv; v += 4) {                                                     \
      FEATURE_TILE(4, C0, CGN)                                                        \
    }                                                                                 \
  }                                                                                   \
  if ((VTG) > 2) {                                                                    \
    for (; v + 2 <= nv; v += 2) {                                                     \
      FEATURE_TILE(2, C0, CGN)                                                        \
    }                                                                                 \
  }
#pragma unroll
  for (int c0 = 0; c0 + CG <= GN; c0 += CG) {
    FEATURE_TILES(c0, CG, VT)
  }
#if GN % CG != 0
  /* The last, narrower group's tiles (VTR vectors; each sum the same FMAs and Kahan step as
   * in any tile). */
  FEATURE_TILES(GN - GN % CG, GN % CG, VTR)
#endif
#undef FEATURE_TILES
#undef FEATURE_TILE
  for (; v < nv; v++) {
    REALV a[GN];
#pragma unroll
    for (int c = 0; c < GN; c++) {
      a[c] = (REALV)(0);
    }
    for (int k = 0; k < SB; k++) {
      const REALV xv = XN(v, row[k]);
#pragma unroll
      for (int c = 0; c < GN; c++) {
        a[c] += MARGIN(k, c) * xv;
      }
    }
#pragma unroll
    for (int c = 0; c < GN; c++) {
      kahan_addv(gl + c * d, glc + c * d, v, a[c]);
    }
  }
  if (TAIL_VECTOR) {
    const MASKV tm = tail_mask(d);
    REALV a[GN];
#pragma unroll
    for (int c = 0; c < GN; c++) {
      a[c] = (REALV)(0);
    }
    for (int k = 0; k < SB; k++) {
      const REALV xv = XT(row[k]);
#pragma unroll
      for (int c = 0; c < GN; c++) {
        a[c] += MARGIN(k, c) * xv;
      }
    }
#pragma unroll
    for (int c = 0; c < GN; c++) {
      kahan_tail(gl + c * d, glc + c * d, d, a[c], tm);
    }
  }
  for (int j = TAIL_VECTOR ? d : nv * VW; j < d; j++) {
    for (int c = 0; c < GN; c++) {
      REAL a = 0;
      for (int k = 0; k < SB; k++) {
        a += MARGIN(k, c) * XS(row[k], j);
      }
      kahan_add(gsum, gcomp, (j + 1) * kp + c, a);
    }
  }
#else
  int j0 = 0;
  for (; j0 + JT <= d; j0 += JT) {
    int t = 0;
    /* Pairs of column vectors, HALF features at a time: each broadcast x serves two FMAs. */
    for (; t + 1 < tiles; t += 2) {
#pragma unroll
      for (int h = 0; h < JT; h += HALF) {
        REALK a0[HALF];
        REALK a1[HALF];
#pragma unroll
        for (int q = 0; q < HALF; q++) {
          a0[q] = (REALK)(0);
          a1[q] = (REALK)(0);
        }
        for (int k = 0; k < SB; k++) {
          const REALK r0v = VLOADK(t, scratch + k * kp);
          const REALK r1v = VLOADK(t + 1, scratch + k * kp);
#pragma unroll
          for (int q = 0; q < HALF; q++) {
            const REAL xv = XS(row[k], j0 + h + q);
            a0[q] += xv * r0v;
            a1[q] += xv * r1v;
          }
        }
#pragma unroll
        for (int q = 0; q < HALF; q++) {
          const size_t o = (size_t) (j0 + h + q + 1) * kp;
          kahan_addk(gsum + o, gcomp + o, t, a0[q]);
          kahan_addk(gsum + o, gcomp + o, t + 1, a1[q]);
        }
      }
    }
    for (; t < tiles; t++) {
      REALK acc[JT];
#pragma unroll
      for (int q = 0; q < JT; q++) {
        acc[q] = (REALK)(0);
      }
      for (int k = 0; k < SB; k++) {
        const REALK rv = VLOADK(t, scratch + k * kp);
#pragma unroll
        for (int q = 0; q < JT; q++) {
          acc[q] += XS(row[k], j0 + q) * rv;
        }
      }
#pragma unroll
      for (int q = 0; q < JT; q++) {
        kahan_addk(gsum + (size_t) (j0 + q + 1) * kp, gcomp + (size_t) (j0 + q + 1) * kp, t,
            acc[q]);
      }
    }
  }
  for (int j = j0; j < d; j++) {
    for (int t = 0; t < tiles; t++) {
      REALK a = (REALK)(0);
      for (int k = 0; k < SB; k++) {
        a += XS(row[k], j) * VLOADK(t, scratch + k * kp);
      }
      kahan_addk(gsum + (size_t) (j + 1) * kp, gcomp + (size_t) (j + 1) * kp, t, a);
    }
  }
#endif
}

/* The work-item's run of rows, superblock after superblock. */
ALWAYS_INLINE void columns_of_item(__global const float* restrict x,
    __global const REAL* restrict y, __global const int* restrict index, const int first,
    const int count, const int d, __global const REAL* restrict theta,
    __global const REAL* restrict center, __global REAL* restrict partial, const int slot0,
    __global const REAL* restrict weight, __global const REAL* restrict fold,
    __global const REAL* restrict col, const int kp, const int classes, const int flags,
    __global REAL* restrict scratch, const int gather) {
  const int items = (int) get_global_size(0);
  const int item = (int) get_global_id(0);
  const int per = ((count + items - 1) / items + SB - 1) / SB * SB;
  const int begin = (int) min((long) item * per, (long) count);
  const int end = min(begin + per, count);
  const int p = (d + 2) * kp;
  __global REAL* sum = partial + (size_t) (slot0 + item) * PARTIAL_STRIDE(p);
  __global REAL* comp = sum + p;
  __global REAL* own = scratch + (size_t) item * SCRATCH_STRIDE(kp, d);
  for (int j = 0; j < p; j++) {
    sum[j] = 0;
    comp[j] = 0;
  }
#if GN > 0
  __global REAL* gl = own + SCRATCH_MARGINS(kp);
  const int vectored = TAIL_VECTOR ? d : d / VW * VW;
  for (int j = 0; j < 2 * GN * d; j++) {
    gl[j] = 0;
  }
#endif
#if OCTETS
  /* The interleaved weights of OCTETS: octet o's group g, lane 8 h + l: w of feature 8 o + l,
   * column 2 g + h (0 for a column past NK). */
  __global REAL* wof = own + SCRATCH_PAIRS(kp, d);
  for (int o = 0; o < d / 8; o++) {
    for (int g = 0; g < OG; g++) {
      for (int l = 0; l < 16; l++) {
        const int c = 2 * g + l / 8;
        wof[16 * (o * OG + g) + l] = c < NK ? theta[c * (d + 1) + 1 + 8 * o + l % 8] : 0;
      }
    }
  }
#elif PAIRS
  /* The interleaved weights of PAIRS: pair p's lane 2 c + h is w of feature 2 p + h, column c
   * (0 for columns past NK). */
  __global REAL* wpf = own + SCRATCH_PAIRS(kp, d);
  for (int q = 0; q < d / 2; q++) {
    for (int l = 0; l < VW; l++) {
      wpf[VW * q + l] = l / 2 < NK ? theta[(l / 2) * (d + 1) + 1 + 2 * q + l % 2] : 0;
    }
  }
#endif
#if NG_PAIRS
  /* The interleaved weights of NG_PAIRS: pair q's lane 2 c + h is w of feature 2 q + h,
   * column c; then group g's lane c REST_F + f is w of feature REST_F g + f, column 8 + c (0
   * past NG). */
  __global REAL* wpf = own + SCRATCH_PAIRS(kp, d);
  for (int q = 0; q < d / 2; q++) {
    for (int l = 0; l < 16; l++) {
      wpf[16 * q + l] = theta[kp + (size_t) (2 * q + l % 2) * kp + l / 2];
    }
  }
  __global REAL* wrf = wpf + 16 * (d / 2);
  for (int g = 0; g < d / REST_F; g++) {
    for (int l = 0; l < 16; l++) {
      wrf[16 * g + l] = 8 + l / REST_F < NG
          ? theta[kp + (size_t) (REST_F * g + l % REST_F) * kp + 8 + l / REST_F] : 0;
    }
  }
#endif
#if NG_PAIRS8
  /* The interleaved weights of NG_PAIRS8: pair p's group g, lane 2 c + h: w of feature
   * 2 p + h, column 4 g + c (0 past NG). */
  __global REAL* wpf = own + SCRATCH_PAIRS(kp, d);
  for (int q = 0; q < d / 2; q++) {
    for (int g = 0; g < NG_GROUPS; g++) {
      for (int l = 0; l < 8; l++) {
        wpf[8 * (q * NG_GROUPS + g) + l] = 4 * g + l / 2 < NG
            ? theta[kp + (size_t) (2 * q + l % 2) * kp + 4 * g + l / 2] : 0;
      }
    }
  }
#endif
  for (int r0 = begin; r0 < end; r0 += SB) {
    superblock(x, y, weight, fold, index, first, r0, end, d, kp, classes, flags, theta, col,
        center, own, sum, comp, gather);
  }
#if GN > 0
  /* The vector features' column-major sums to the partial row's slots (j + 1) kp + c. */
  for (int c = 0; c < GN; c++) {
    for (int j = 0; j < vectored; j++) {
      sum[kp + (j + 1) * kp + c] = gl[c * d + j];
      comp[kp + (j + 1) * kp + c] = gl[GN * d + c * d + j];
    }
  }
#endif
}

/* Rows first .. first + count of x (a full batch, or a contiguous mini-batch). */
__kernel void gradient_cpu_columns(
    __global const float* restrict x,
    __global const REAL* restrict y,
    __global const int* restrict index,
    const int gather_argument, /* the GPU kernel's argument list; the kernel name decides */
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
    __global REAL* restrict scratch) {
  columns_of_item(x, y, index, first, count, d, theta, center, partial, slot0, weight, fold, col,
      kp, classes, flags, scratch, 0);
}

/* Rows index[first .. first + count) of x (a shuffled mini-batch). */
__kernel void gradient_cpu_columns_gather(
    __global const float* restrict x,
    __global const REAL* restrict y,
    __global const int* restrict index,
    const int gather_argument, /* the GPU kernel's argument list; the kernel name decides */
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
    __global REAL* restrict scratch) {
  columns_of_item(x, y, index, first, count, d, theta, center, partial, slot0, weight, fold, col,
      kp, classes, flags, scratch, 1);
}

#if LINK_PEAK
/*
 * link_peak: the arithmetic rate of the loss's link, margin -> residual and loss, as fma_peak.cl
 * is that of the multiply-adds (KernelBenchmark.LinkProbe; not used by any fit). The bench
 * charges an evaluation of K columns 2 n d K multiply-adds and n K link values: a logistic
 * value's exp, reciprocal and log1p series cost as much as about 40 of its 2 d = 128
 * multiply-adds, and no pass can skip them. Each work-item keeps LINK_VECTORS VW-wide vectors
 * of margins in registers (no memory traffic) and runs them through this file's phase-2 code
 * every iteration: LOSS 0 and 1, each vector VW (row, column) margins (ROW_RESIDUAL_AND_LOSS,
 * with the float32 exp of SPLIT_EXP); LOSS 2, LINK_GROUPS groups of NCLASSES vectors, each
 * group the softmax of VW rows (max, C exps, one reciprocal, one log1p, C residuals). The
 * margins move by a step (an argument) each iteration, so nothing is hoisted out of the loop;
 * one partial sum per work-item keeps the results live.
 */
#ifndef LINK_GROUPS
#define LINK_GROUPS 8
#endif
#if LOSS == 2
#define LINK_VECTORS (LINK_GROUPS * NCLASSES)
#else
#define LINK_VECTORS LINK_GROUPS
#endif
__kernel void link_peak(const int iterations, const REAL step, const int classes,
    __global REAL* restrict partial) {
  REAL lane[VW];
  REAL ylane[VW];
#pragma unroll
  for (int q = 0; q < VW; q++) {
    lane[q] = (REAL)(q) * (REAL)(0.37f) - (REAL)(1.3f);
    ylane[q] = (REAL)(q & 1);
  }
  const REALV base = VLOADV(0, lane) + (REAL) get_global_id(0) * (REAL)(0.01f);
  const REALV yv = VLOADV(0, ylane);
  REALV m[LINK_VECTORS];
#pragma unroll
  for (int v = 0; v < LINK_VECTORS; v++) {
    m[v] = base + (REAL)(v) * (REAL)(0.11f);
  }
  REALV ra = (REALV)(0);
  REALV la = (REALV)(0);
  for (int i = 0; i < iterations; i++) {
#if LOSS == 2
#pragma unroll
    for (int g = 0; g < LINK_GROUPS; g++) {
      REALV mx = m[g * NCLASSES];
#pragma unroll
      for (int c = 1; c < NCLASSES; c++) {
        mx = fmax(mx, m[g * NCLASSES + c]);
      }
      REALV e[NCLASSES];
      REALV rest = (REALV)(-1);
#pragma unroll
      for (int c = 0; c < NCLASSES; c++) {
        e[c] = EXP_NONPOSITIVE_V(m[g * NCLASSES + c] - mx);
        rest += e[c];
      }
      const REALV si = (REALV)(1) / ((REALV)(1) + rest);
      la += (mx - m[g * NCLASSES]) + LOG1P_REST(rest);
#pragma unroll
      for (int c = 0; c < NCLASSES; c++) {
        ra += e[c] * si;
      }
    }
#else
#pragma unroll
    for (int v = 0; v < LINK_VECTORS; v++) {
      REALV r;
      REALV l;
#if SPLIT_EXP
      const REALV ev = exp_nonpositive_v(-fabs(m[v]));
#else
      const REALV ev = (REALV)(0);
#endif
      ROW_RESIDUAL_AND_LOSS(m[v], yv, ev, r, l);
      ra += r;
      la += l;
    }
#endif
#pragma unroll
    for (int v = 0; v < LINK_VECTORS; v++) {
      m[v] += step;
    }
  }
  partial[get_global_id(0)] = HSUMN(VW, ra + la);
}
#endif

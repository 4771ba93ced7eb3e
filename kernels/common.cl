/*
 * common.cl: the definitions every Descent kernel shares. The host prepends this file to each
 * program's source, so the kernel files below never repeat it.
 *
 * Defines (all given by the host with -D; the defaults here make the file compile on its own):
 *
 *   PRECISION  32 (float) or 64 (double, needs cl_khr_fp64): the arithmetic type REAL of the
 *              margins, residuals, losses and every accumulator. The data itself is always
 *              float32 on the device; theta arrives in REAL.
 *   LOSS       0 = squared error, 1 = logistic. A define rather than an argument so the fused row
 *              loop carries no branch on it.
 *   CENTER     0 = the host uploaded standardized values z; 1 = the data is raw float32 and the
 *              kernel subtracts the feature means (in REAL) before use. The float64 path uses 1
 *              so that it reproduces the float64 reference to ~1e-15 instead of being capped at
 *              ~1e-8 by rounding z to float32, and the float32 path of one unweighted column so
 *              that both read one copy of the rows (the host corrects the intercept and the
 *              gradient for the means' rounding to float32); the host folds 1/scale into theta
 *              and into the finished gradient, so the kernel never multiplies by it.
 */
#ifndef PRECISION
#define PRECISION 32
#endif
#ifndef LOSS
#define LOSS 1
#endif
#ifndef CENTER
#define CENTER 0
#endif

#if PRECISION == 64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#define REAL double
#else
#define REAL float
#endif

/* Inlining that survives PoCL's -Dinline= (it defines the keyword away); the kernels rely on it
 * to specialize a helper called with constant arguments. */
#if defined(__clang__)
#define ALWAYS_INLINE __attribute__((always_inline)) inline
#else
#define ALWAYS_INLINE inline
#endif

/* Token pasting through one level of expansion, so CAT(REAL, 8) gives float8 or double8. */
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)

/*
 * VAT(v, r): the vector of VW values at v VW from r, for the cpu kernels (which define VW and
 * VLOADV before they use it). With XPTR (by default 1) it is loaded through a pointer offset,
 * vload(0, r + v VW), which the compiler emits as one full-width load; vload(v, r) came out as
 * two half-width loads and an insert where v was not the loop's own counter (phase 3 of both:
 * float64 on a 2-core AVX2 EPYC, 1M x 64 linear took 0.80 of the time with XPTR, logistic 0.86
 * to 0.92, float32 0.95 and 0.96).
 */
#ifndef XPTR
#define XPTR 1
#endif
#if XPTR
#define VAT(v, r) VLOADV(0, (r) + (size_t) (v) * VW)
#else
#define VAT(v, r) VLOADV(v, r)
#endif

/*
 * The residual r = dL/dm and the loss L of margin M and target Y, all of type T (REAL or a REAL
 * vector: the ternary selects per component on vectors).
 *   squared error: r = m - y,           L = r^2 / 2
 *   logistic:      r = sigmoid(m) - y,  L = max(m, 0) - y m + log1p(e^-|m|)
 * One exp serves both, and neither overflows for any |m|: sigmoid is 1/(1+e) for m >= 0 and
 * e/(1+e) below, with e = e^-|m| <= 1. The logistic target y is 0 or 1 (the host checks), so
 * r = sigmoid(m) - y is formed without subtracting: a row on its own side (m >= 0 for y = 1,
 * m < 0 for y = 0) has |r| = sigmoid(-|m|) = e/(1+e), any other 1/(1+e), and r < 0 exactly when
 * y = 1. A confidently right positive row (m = 5, r = -0.0067) so keeps its relative accuracy,
 * where sigmoid(m) - 1 would carry the absolute rounding error of sigmoid(m), about 1e-4 of r in
 * float32.
 */
/*
 * log1p(e) for e in [0, 1], the loss's last term. With LOG1P_SERIES (set by the host for the CPU
 * kernel in float32) it is 2 atanh(s) with s = e / (2 + e) in [0, 1/3], seven terms of the odd
 * series (truncation below 2e-8 relative, under float32's rounding): on PoCL that took a 1M x 64
 * logistic evaluation from 0.73 to 0.79 of the read bandwidth on an AVX2 EPYC, where the general
 * log1p's range reduction cost more than the data's reading could hide. Elsewhere, log1p.
 */
#ifndef LOG1P_SERIES
#define LOG1P_SERIES 0
#endif
#if LOG1P_SERIES && PRECISION == 32
#define LOG1P_UNIT(T, E) ({ T s_ = (E) / ((T)(2) + (E)); T q_ = s_ * s_;                     \
    (T)(2) * s_ * ((T)(1) + q_ * ((T)(1.0f / 3) + q_ * ((T)(0.2f) + q_ * ((T)(1.0f / 7)       \
    + q_ * ((T)(1.0f / 9) + q_ * ((T)(1.0f / 11) + q_ * (T)(1.0f / 13))))))); })
#else
#define LOG1P_UNIT(T, E) log1p(E)
#endif

#if LOSS == 1
#define RESIDUAL_AND_LOSS(T, M, Y, R, L)                       \
  do {                                                         \
    T e_ = exp(-fabs(M));                                      \
    T p_ = (T)(1) / ((T)(1) + e_);                             \
    T q_ = e_ * p_;                                            \
    (R) = copysign((((M) >= (T)(0)) == ((Y) >= (T)(0.5)))      \
                   ? q_ : p_, (T)(0.5) - (Y));                 \
    (L) = fmax((M), (T)(0)) - (Y) * (M) + LOG1P_UNIT(T, e_);   \
  } while (0)
#else
#define RESIDUAL_AND_LOSS(T, M, Y, R, L)                       \
  do {                                                         \
    (R) = (M) - (Y);                                           \
    (L) = (REAL)(0.5) * (R) * (R);                             \
  } while (0)
#endif

/*
 * Kahan summation into slot j of (s, c) in global memory: s holds the running sum, c the
 * negated low-order part it lost, so the true total is s - c. Used once per block of rows, it
 * keeps a long per-work-item sum as accurate as a tree (the error no longer grows with the
 * number of rows). OpenCL compilers do not reassociate floating point unless asked
 * (-cl-fast-relaxed-math), which the host never passes.
 */
inline void kahan_add(__global REAL* s, __global REAL* c, int j, REAL v) {
  REAL y = v - c[j];
  REAL t = s[j] + y;
  c[j] = (t - s[j]) - y;
  s[j] = t;
}

/*
 * fma_peak.cl: the arithmetic baseline the batched gradient is measured against, as
 * read_bandwidth.cl is its memory baseline. Each work-item runs CHAINS independent chains of
 * VW-wide float32 fused multiply-adds (enough independent chains to cover the FMA latency on
 * every port of a CPU core) for a given number of iterations, then writes one partial sum so
 * nothing is optimized away. Its rate, in multiply-adds per second (each lane one), is what the
 * device's FMA units reach through this OpenCL driver; the host runs as many work-items as the
 * read kernel (the CPU gradient's layout), so both baselines use the cores the same way.
 *
 * Tunables: VW (vector width), CHAINS (independent accumulators, at most 12).
 */
#ifndef VW
#define VW 8
#endif
#ifndef CHAINS
#define CHAINS 12
#endif

#define FLOATV CAT(float, VW)
#define PHSUM2(v) ((v).s0 + (v).s1)
#define PHSUM4(v) PHSUM2((v).s01 + (v).s23)
#define PHSUM8(v) PHSUM4((v).s0123 + (v).s4567)
#define PHSUM16(v) PHSUM8((v).s01234567 + (v).s89abcdef)

__kernel void fma_peak(const int iterations, const float seed,
    __global float* restrict partial) {
  FLOATV a[CHAINS];
#pragma unroll
  for (int c = 0; c < CHAINS; c++) {
    a[c] = (FLOATV)(seed + c * 0.001f + (float) get_global_id(0));
  }
  const FLOATV m = (FLOATV)(0.9999999f);
  const FLOATV b = (FLOATV)(1e-7f);
  for (int i = 0; i < iterations; i++) {
#pragma unroll
    for (int c = 0; c < CHAINS; c++) {
      a[c] = fma(a[c], m, b);
    }
  }
  FLOATV s = (FLOATV)(0);
#pragma unroll
  for (int c = 0; c < CHAINS; c++) {
    s += a[c];
  }
  partial[get_global_id(0)] = CAT(PHSUM, VW)(s);
}

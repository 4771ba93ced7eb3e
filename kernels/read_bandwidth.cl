/*
 * read_bandwidth.cl: the memory-read baseline the fused gradient is measured against. Each
 * kernel only sums n float32 values, with the access pattern of the matching gradient layout,
 * so its time is the cost of streaming the data and nothing else.
 *
 * read_cpu: work-item i sums one contiguous block of the buffer (the CPU gradient's layout) with
 *   VW-wide vector loads into four independent vector accumulators (so the adds never wait on
 *   each other), then writes one partial sum.
 * read_gpu: grid-stride loop, adjacent work-items on adjacent elements (coalesced), then a
 *   local-memory tree reduction (log2(WGS) barriers) and one partial sum per work-group.
 *
 * The host reads the partials back after each launch, so the timed interval covers the kernel's
 * completion, not only its enqueue.
 *
 * Tunables: VW (vector width of read_cpu), WGS (work-group size of read_gpu, a power of two).
 */
#ifndef VW
#define VW 8
#endif
#ifndef WGS
#define WGS 128
#endif

#define FLOATV CAT(float, VW)
#define VLOADF CAT(vload, VW)
#define FHSUM2(v) ((v).s0 + (v).s1)
#define FHSUM4(v) FHSUM2((v).s01 + (v).s23)
#define FHSUM8(v) FHSUM4((v).s0123 + (v).s4567)
#define FHSUM16(v) FHSUM8((v).s01234567 + (v).s89abcdef)

__kernel void read_cpu(__global const float* restrict x, const int n,
    __global float* restrict partial) {
  const int items = (int) get_global_size(0);
  const int item = (int) get_global_id(0);
  const int step = 4 * VW;
  const int per = ((n + items - 1) / items + step - 1) / step * step;
  const int begin = (int) min((long) item * per, (long) n);
  const int end = min(begin + per, n);
  FLOATV a0 = (FLOATV)(0);
  FLOATV a1 = (FLOATV)(0);
  FLOATV a2 = (FLOATV)(0);
  FLOATV a3 = (FLOATV)(0);
  int i = begin;
  for (; i + step <= end; i += step) {
    a0 += VLOADF(0, x + i);
    a1 += VLOADF(1, x + i);
    a2 += VLOADF(2, x + i);
    a3 += VLOADF(3, x + i);
  }
  const FLOATV a = (a0 + a1) + (a2 + a3);
  float s = CAT(FHSUM, VW)(a);
  for (; i < end; i++) {
    s += x[i];
  }
  partial[item] = s;
}

__kernel __attribute__((reqd_work_group_size(WGS, 1, 1)))
void read_gpu(__global const float* restrict x, const int n, __global float* restrict partial,
    __local float* red) {
  const int lid = (int) get_local_id(0);
  const int stride = (int) get_global_size(0);
  float s = 0;
  for (int i = (int) get_global_id(0); i < n; i += stride) {
    s += x[i];
  }
  red[lid] = s;
  for (int k = WGS / 2; k > 0; k >>= 1) {
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lid < k) {
      red[lid] += red[lid + k];
    }
  }
  if (lid == 0) {
    partial[get_group_id(0)] = red[0];
  }
}

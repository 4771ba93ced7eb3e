/* A kernel that builds with one warning, for CompilerOutputTest. */
#warning "descent test warning"
__kernel void warned(__global float* x) {
  x[0] = 1.0f;
}

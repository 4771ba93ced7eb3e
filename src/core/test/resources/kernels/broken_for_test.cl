/* Deliberately does not compile: OpenClDevicesTest checks that the build log reaches the user. */
__kernel void broken(__global float* out) {
  out[0] = this_is_not_declared;
}

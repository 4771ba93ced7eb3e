/* Lists every OpenCL platform the ICD loader finds and, for each, the result of asking it for
 * devices (the error code when it fails), without Java in between: benchmarks/gpu/run prints it
 * into machine.txt so that a GPU platform that loads but offers no device is visible.
 * Build: cc -O1 -o probe probe.c -lOpenCL (with CL/cl.h on the include path). */
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <stdio.h>

int main(void) {
  cl_uint n = 0;
  cl_int err = clGetPlatformIDs(0, NULL, &n);
  printf("clGetPlatformIDs: %d, %u platforms\n", err, n);
  if (err != CL_SUCCESS || n == 0) return 1;
  cl_platform_id platforms[16];
  if (n > 16) n = 16;
  clGetPlatformIDs(n, platforms, NULL);
  int devicesFound = 0;
  for (cl_uint p = 0; p < n; p++) {
    char name[256] = "", version[256] = "";
    clGetPlatformInfo(platforms[p], CL_PLATFORM_NAME, sizeof name, name, NULL);
    clGetPlatformInfo(platforms[p], CL_PLATFORM_VERSION, sizeof version, version, NULL);
    cl_uint d = 0;
    err = clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 0, NULL, &d);
    printf("platform %u: %s (%s): clGetDeviceIDs %d, %u devices\n", p, name, version, err, d);
    cl_device_id devices[16];
    if (err != CL_SUCCESS || d == 0) continue;
    if (d > 16) d = 16;
    clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, d, devices, NULL);
    for (cl_uint i = 0; i < d; i++) {
      char dn[256] = "";
      clGetDeviceInfo(devices[i], CL_DEVICE_NAME, sizeof dn, dn, NULL);
      printf("  device %u: %s\n", i, dn);
      devicesFound++;
    }
  }
  return devicesFound > 0 ? 0 : 1;
}

package io.descent.gradient.opencl;

import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.DeviceDescription;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

/**
 * The thin layer over JOCL's static API: loading the native library once, listing devices,
 * reading device properties, and turning {@link CLException}s into messages that say which call
 * failed and why.
 */
final class Cl {
  private static boolean loaded;
  private static String loadFailure;
  /** What {@link #platformProblem} said of each platform at the last {@link #devices()}. */
  private static volatile List<String> platformProblems = List.of();

  private Cl() {}

  /**
   * Loads JOCL's native library and enables exceptions, once.
   *
   * @throws BackendUnavailableException when the native library cannot be loaded
   */
  static synchronized void load() {
    if (loaded) {
      return;
    }
    if (loadFailure != null) {
      throw new BackendUnavailableException(loadFailure);
    }
    try {
      JvmSignals.prepare();
      CL.setExceptionsEnabled(true);
      loaded = true;
    } catch (LinkageError e) {
      // UnsatisfiedLinkError on the first try, NoClassDefFoundError on later ones.
      loadFailure = loadFailure(e);
      throw new BackendUnavailableException(loadFailure, e);
    }
  }

  /**
   * Why the OpenCL runtime could not be loaded, on one line: the message's first (JOCL's carries
   * its nested stack traces after it, 89 lines where the temporary directory is noexec).
   */
  static String loadFailure(LinkageError e) {
    String what = e.getMessage() == null ? "" : e.getMessage().strip().lines().findFirst()
        .orElse("");
    return "the OpenCL runtime could not be loaded (" + e.getClass().getSimpleName() + ": "
        + what + (what.contains("Error while loading native library") ? "; where"
            + " java.io.tmpdir is mounted noexec, point -Djava.io.tmpdir elsewhere" : "") + ")";
  }

  /**
   * Every device of every platform, in platform order: the list {@code --device} indexes. A
   * platform that fails to list its devices (other than by having none) is left out and named in
   * {@link #platformProblems()}.
   *
   * Synchronized: a call waits for one under way ({@link PlatformStart}'s among them).
   *
   * @throws BackendUnavailableException when the platforms themselves cannot be listed
   */
  static synchronized List<ClDevice> devices() {
    load();
    int[] count = new int[1];
    try {
      CL.clGetPlatformIDs(0, null, count);
    } catch (CLException e) {
      if (e.getStatus() == CL.CL_PLATFORM_NOT_FOUND_KHR) {
        platformProblems = List.of();
        return List.of(); // from the ICD loader: no platform is installed
      }
      throw new BackendUnavailableException("the OpenCL platforms could not be listed: "
          + status(e), e);
    }
    cl_platform_id[] platforms = new cl_platform_id[count[0]];
    CL.clGetPlatformIDs(platforms.length, platforms, null);
    List<ClDevice> devices = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (cl_platform_id platform : platforms) {
      String platformName = platformString(platform, CL.CL_PLATFORM_NAME);
      int[] n = new int[1];
      try {
        CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, 0, null, n);
      } catch (CLException e) {
        String problem = platformProblem(platformName, e);
        if (problem != null) {
          problems.add(problem);
        }
        continue;
      }
      cl_device_id[] ids = new cl_device_id[n[0]];
      CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, ids.length, ids, null);
      for (cl_device_id id : ids) {
        devices.add(describe(devices.size(), platform, platformName, id));
      }
    }
    platformProblems = List.copyOf(problems);
    return List.copyOf(devices);
  }

  /**
   * The platforms that could not list their devices at the last {@link #devices()}, each as
   * "NAME: STATUS"; empty when every platform listed its devices or had none.
   */
  static List<String> platformProblems() {
    return platformProblems;
  }

  /**
   * What to say of a platform whose device query failed: null when it only has no device
   * (CL_DEVICE_NOT_FOUND), else its name and the status.
   */
  static String platformProblem(String platformName, CLException e) {
    if (e.getStatus() == CL.CL_DEVICE_NOT_FOUND) {
      return null;
    }
    return platformName + ": " + status(e) + " when asked for its devices";
  }

  private static ClDevice describe(int index, cl_platform_id platform, String platformName,
      cl_device_id id) {
    long typeBits = deviceLong(id, CL.CL_DEVICE_TYPE);
    DeviceDescription.Type type;
    if ((typeBits & CL.CL_DEVICE_TYPE_GPU) != 0) {
      type = DeviceDescription.Type.GPU;
    } else if ((typeBits & CL.CL_DEVICE_TYPE_CPU) != 0) {
      type = DeviceDescription.Type.CPU;
    } else if ((typeBits & CL.CL_DEVICE_TYPE_ACCELERATOR) != 0) {
      type = DeviceDescription.Type.ACCELERATOR;
    } else {
      type = DeviceDescription.Type.OTHER;
    }
    String extensions = deviceString(id, CL.CL_DEVICE_EXTENSIONS);
    boolean fp64 = (" " + extensions + " ").contains(" cl_khr_fp64 ");
    DeviceDescription description = new DeviceDescription(index, platformName,
        deviceString(id, CL.CL_DEVICE_NAME), type, deviceInt(id, CL.CL_DEVICE_MAX_COMPUTE_UNITS),
        deviceLong(id, CL.CL_DEVICE_GLOBAL_MEM_SIZE),
        deviceLong(id, CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE), fp64);
    return new ClDevice(platform, id, description, deviceLong(id, CL.CL_DEVICE_LOCAL_MEM_SIZE),
        deviceSize(id, CL.CL_DEVICE_MAX_WORK_GROUP_SIZE),
        deviceInt(id, CL.CL_DEVICE_NATIVE_VECTOR_WIDTH_FLOAT),
        deviceString(id, CL.CL_DRIVER_VERSION));
  }

  static String platformString(cl_platform_id platform, int param) {
    long[] size = new long[1];
    CL.clGetPlatformInfo(platform, param, 0, null, size);
    byte[] buffer = new byte[(int) size[0]];
    CL.clGetPlatformInfo(platform, param, buffer.length, Pointer.to(buffer), null);
    return text(buffer);
  }

  static String deviceString(cl_device_id device, int param) {
    long[] size = new long[1];
    CL.clGetDeviceInfo(device, param, 0, null, size);
    byte[] buffer = new byte[(int) size[0]];
    CL.clGetDeviceInfo(device, param, buffer.length, Pointer.to(buffer), null);
    return text(buffer);
  }

  static long deviceLong(cl_device_id device, int param) {
    long[] value = new long[1];
    CL.clGetDeviceInfo(device, param, Sizeof.cl_ulong, Pointer.to(value), null);
    return value[0];
  }

  static long deviceSize(cl_device_id device, int param) {
    long[] value = new long[1];
    CL.clGetDeviceInfo(device, param, Sizeof.size_t, Pointer.to(value), null);
    return Sizeof.size_t == 4 ? value[0] & 0xffffffffL : value[0];
  }

  static int deviceInt(cl_device_id device, int param) {
    int[] value = new int[1];
    CL.clGetDeviceInfo(device, param, Sizeof.cl_uint, Pointer.to(value), null);
    return value[0];
  }

  /** A C string from an info query, without its terminating NUL or padding. */
  private static String text(byte[] buffer) {
    int end = 0;
    while (end < buffer.length && buffer[end] != 0) {
      end++;
    }
    return new String(buffer, 0, end, StandardCharsets.UTF_8).trim();
  }

  /** The symbolic name of an OpenCL status code, e.g. CL_OUT_OF_RESOURCES. */
  static String status(CLException e) {
    String name = CL.stringFor_errorCode(e.getStatus());
    return name == null || name.startsWith("INVALID") ? "status " + e.getStatus() : name;
  }

  /** Wraps a failed call as an {@link OpenClException} naming the step, the device and status. */
  static OpenClException error(String step, String device, CLException e) {
    return new OpenClException(step + " failed on " + device + ": " + status(e), e.getStatus(), e);
  }
}

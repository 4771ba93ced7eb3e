package io.descent.gradient.opencl;

import io.descent.data.ByteSizes;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.DeviceDescription;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * One device's context and an in-order queue of its own, with the programs built on it (cached
 * by source and build options, so each is compiled once per instance), their kernels, and the
 * buffers made through it. {@link #close()} releases them all in reverse order of creation
 * (buffers, kernels, programs, queue) and may be called more than once.
 *
 * <p>The context itself is the device's one context for the life of the process ({@link
 * #contextOf}), made on first use and never released: JOCL 2.0.5's {@code clReleaseContext}
 * reads the entry it has just erased from its map of contexts (its {@code destroyCallbackInfo}
 * erases, then passes the erased node's value on), a use after free that crashed a 1M x 64 {@code
 * train} once in about 150 cached runs (SIGSEGV in {@code deleteCallbackInfo}, the value read
 * back as 0x3d8: another thread had been handed the freed memory), at the fit's end, before its
 * model was written; and that map is a plain {@code std::map} that two threads making or
 * releasing contexts at once would corrupt. Everything else a context owns is released by the
 * instance that made it.
 */
final class ClContext implements AutoCloseable {
  /** Prepended to every program: precision, losses, Kahan step. */
  static final String COMMON = "common.cl";

  /**
   * OpenCL objects created through any instance and not yet released (queues, programs, kernels,
   * buffers; not the devices' shared contexts): tests check it returns to where it was, so
   * nothing leaks.
   */
  static final AtomicInteger LIVE = new AtomicInteger();

  /** Each device's one context (see the class comment), by the device's native pointer. */
  private static final Map<Long, cl_context> CONTEXTS = new java.util.HashMap<>();

  /**
   * The device's context, made on first use and kept for the life of the process.
   *
   * @throws CLException when the driver refuses to make it
   */
  static cl_context contextOf(ClDevice device) {
    synchronized (CONTEXTS) {
      return CONTEXTS.computeIfAbsent(device.id().getNativePointer(),
          k -> CL.clCreateContext(null, 1, new cl_device_id[] {device.id()}, null, null, null));
    }
  }

  final ClDevice device;
  final cl_context context;
  final cl_command_queue queue;
  private final Map<String, cl_program> programs = new LinkedHashMap<>();
  private final Map<String, cl_kernel> kernels = new LinkedHashMap<>();
  private final List<cl_mem> buffers = new ArrayList<>();
  /** Programs {@link #cachedProgram} built from source, with their sources, until stored. */
  /** Every (kernel, global size, local size) launched so far: see {@link #launch}. */
  private final Set<String> launchShapes = new HashSet<>();
  /** Whether a launch of a new shape was enqueued since the last {@link #read}. */
  private boolean newShapeLaunched;
  private final Map<cl_program, String[]> fromSource = new java.util.IdentityHashMap<>();
  private boolean closed;

  /**
   * Creates the context and queue.
   *
   * @throws BackendUnavailableException when the driver refuses
   */
  ClContext(ClDevice device) {
    this.device = device;
    try {
      this.context = contextOf(device);
      this.queue = CL.clCreateCommandQueue(context, device.id(), 0, null);
      LIVE.incrementAndGet();
    } catch (CLException e) {
      throw new BackendUnavailableException("could not create an OpenCL context on "
          + device.name() + ": " + Cl.status(e), e);
    }
  }

  /** Serializes program builds across contexts (see {@link #program}). */
  private static final Object BUILD_LOCK = new Object();
  /** Builds tried when the compiler loses a temporary file (see {@link #transientBuildFailure}). */
  static final int BUILD_ATTEMPTS = 4;

  /** The program this context already made from {@code file} with {@code options}, or null. */
  private cl_program built(String file, String options) {
    checkOpen();
    return programs.get(key(file, options));
  }

  private static String key(String file, String options) {
    return file + "|" + options;
  }

  /**
   * The program built from {@link #COMMON} followed by {@code file}, with {@code options}; built
   * on first use and cached for the life of this context.
   *
   * <p>A build that fails because the compiler lost a temporary file is tried again, up to
   * {@value #BUILD_ATTEMPTS} times in all; a failure in the source is reported at once.
   *
   * @throws KernelBuildException with the build log when it does not compile
   */
  cl_program program(String file, String options) {
    cl_program cached = built(file, options);
    if (cached != null) {
      return cached;
    }
    String key = key(file, options);
    String[] sources = {source(COMMON), source(file)};
    KernelBuildException failure = null;
    for (int attempt = 1; attempt <= BUILD_ATTEMPTS; attempt++) {
      final cl_program program;
      synchronized (BUILD_LOCK) {
        program = CL.clCreateProgramWithSource(context, sources.length, sources, null, null);
      }
      LIVE.incrementAndGet();
      String printed = "";
      try {
        synchronized (BUILD_LOCK) {
          try {
            printed = CompilerOutput.during(() -> CL.clBuildProgram(program, 1,
                new cl_device_id[] {device.id()}, options, null, null)).output();
          } finally {
            JvmSignals.reclaim();
          }
        }
        programs.put(key, program);
        BuildLogs.record(file, device.name(), options, withPrinted(buildLog(program), printed));
        return program;
      } catch (CLException e) {
        for (Throwable t : e.getSuppressed()) {
          if (t instanceof CompilerOutput.CompilerMessage m) {
            printed = m.getMessage();
          }
        }
        String log = withPrinted(buildLog(program), printed);
        synchronized (BUILD_LOCK) {
          CL.clReleaseProgram(program);
        }
        LIVE.decrementAndGet();
        failure = new KernelBuildException(file, device.name(), options, log, e);
        if (!transientBuildFailure(log)) {
          break;
        }
      }
    }
    throw failure;
  }

  /** The build log, followed by what the compiler printed to standard error, if anything. */
  private static String withPrinted(String log, String printed) {
    if (printed == null || printed.isEmpty()) {
      return log;
    }
    return log.isEmpty() ? printed : log + "\n" + printed;
  }

  /**
   * Whether a build log shows the compiler losing one of its temporary files rather than an
   * error in the source. With PoCL 3.1, a build while another thread of this JVM runs Java code
   * failed in 4 runs of 12 of ConcurrencyTest with "unable to rename temporary ... No such file
   * or directory", though builds are serialized. The likely cause: PoCL compiles with clang inside
   * this process, LLVM removes its temporary files when a signal arrives, and the JVM raises
   * SIGSEGV on purpose (safepoint polls, implicit null checks) in threads running Java code.
   * Building again succeeds.
   */
  static boolean transientBuildFailure(String log) {
    return log != null && (log.contains("unable to rename temporary")
        || log.contains("No such file or directory") || log.contains("unable to open output"));
  }

  /** The kernel {@code name} of a program made by {@link #program}, created once. */
  cl_kernel kernel(cl_program program, String name) {
    checkOpen();
    String key = System.identityHashCode(program) + "|" + program + "|" + name;
    cl_kernel cached = kernels.get(key);
    if (cached != null) {
      return cached;
    }
    cl_kernel kernel = CL.clCreateKernel(program, name, null);
    LIVE.incrementAndGet();
    kernels.put(key, kernel);
    return kernel;
  }

  /**
   * {@code CL_KERNEL_WORK_GROUP_SIZE}: the largest work-group this kernel runs in on this
   * context's device, which its registers and private memory may hold below the device's maximum.
   */
  long kernelWorkGroupSize(cl_kernel kernel) {
    long[] value = new long[1];
    CL.clGetKernelWorkGroupInfo(kernel, device.id(), CL.CL_KERNEL_WORK_GROUP_SIZE, Sizeof.size_t,
        Pointer.to(value), null);
    return Sizeof.size_t == 4 ? value[0] & 0xffffffffL : value[0];
  }

  /**
   * {@code CL_KERNEL_LOCAL_MEM_SIZE}: the local memory this kernel uses, counting its
   * {@code __local} arguments only once they are set (so, before that, what the compiler and the
   * implementation placed there).
   */
  long kernelLocalMemory(cl_kernel kernel) {
    long[] value = new long[1];
    CL.clGetKernelWorkGroupInfo(kernel, device.id(), CL.CL_KERNEL_LOCAL_MEM_SIZE, Sizeof.cl_ulong,
        Pointer.to(value), null);
    return value[0];
  }

  /**
   * A device buffer of {@code bytes} bytes (at least one), owned by this context.
   *
   * @throws BackendUnavailableException when the device cannot allocate it
   */
  cl_mem buffer(long flags, long bytes, String what) {
    return create(flags, bytes, null, "allocate " + ByteSizes.of(bytes), what);
  }

  /**
   * A read-only buffer of {@code bytes} over the host memory at {@code host}, which the device
   * uses in place ({@code CL_MEM_USE_HOST_PTR}: a driver on the host's own memory, such as PoCL,
   * copies nothing); the memory must stay unchanged and reachable while the buffer lives.
   */
  cl_mem hostBuffer(long bytes, Pointer host, String what) {
    return create(CL.CL_MEM_READ_ONLY | CL.CL_MEM_USE_HOST_PTR, bytes, host,
        "use " + ByteSizes.of(bytes) + " of host memory", what);
  }

  /** A buffer owned by this context; {@code doing} says what failed ("allocate 2.0 GiB"). */
  private cl_mem create(long flags, long bytes, Pointer host, String doing, String what) {
    checkOpen();
    try {
      cl_mem mem = CL.clCreateBuffer(context, flags, Math.max(bytes, 1), host, null);
      LIVE.incrementAndGet();
      buffers.add(mem);
      return mem;
    } catch (CLException e) {
      throw new BackendUnavailableException("could not " + doing + " for " + what + " on "
          + device.name() + ": " + Cl.status(e), e);
    }
  }

  /** Releases one buffer made by {@link #buffer} before the context closes. */
  void release(cl_mem mem) {
    if (mem != null && buffers.remove(mem)) {
      CL.clReleaseMemObject(mem);
      LIVE.decrementAndGet();
    }
  }

  /** Blocking write of {@code bytes} bytes from host memory at {@code offset} of a buffer. */
  void write(cl_mem mem, long offset, long bytes, Pointer from) {
    CL.clEnqueueWriteBuffer(queue, mem, true, offset, bytes, from, 0, null, null);
  }

  /**
   * Maps {@code bytes} bytes of a buffer at {@code offset} for writing (blocking; their old
   * contents are not kept), in native byte order; {@link #unmap} hands them back. On a CPU
   * device this is the buffer's own memory, so filling it is the upload; a large range there is
   * first advised huge pages ({@link HugePageAdvice}), which the first write then faults in.
   */
  ByteBuffer mapForWrite(cl_mem mem, long offset, long bytes) {
    ByteBuffer b = CL.clEnqueueMapBuffer(queue, mem, true, CL.CL_MAP_WRITE, offset, bytes, 0,
        null, null, null);
    if (device.description().type() == DeviceDescription.Type.CPU) {
      HugePageAdvice.advise(b);
    }
    return b.order(ByteOrder.nativeOrder());
  }

  /**
   * Reads {@code bytes} from the start of {@code mem} into {@code to}, waiting for everything
   * queued before; then gives the fault signals back to the JVM ({@link JvmSignals}), since PoCL
   * may have compiled a kernel's work-group function for the launches just finished.
   */
  void read(cl_mem mem, long bytes, Pointer to) {
    CL.clEnqueueReadBuffer(queue, mem, true, 0, bytes, to, 0, null, null);
    if (newShapeLaunched) {
      newShapeLaunched = false;
      JvmSignals.reclaim();
    }
  }

  /**
   * Enqueues {@code kernel} over {@code global} work-items in groups of {@code local} (null: the
   * driver's choice). The first launch of a kernel in a shape makes the next {@link #read} give
   * the fault signals back to the JVM ({@link JvmSignals}).
   */
  void launch(cl_kernel kernel, long[] global, long[] local) {
    CL.clEnqueueNDRangeKernel(queue, kernel, global.length, null, global, local, 0, null, null);
    String shape = System.identityHashCode(kernel) + "|" + Arrays.toString(global) + "|"
        + Arrays.toString(local);
    if (launchShapes.add(shape)) {
      newShapeLaunched = true;
    }
  }

  /** Unmaps what {@link #mapForWrite} mapped, and waits until the device has it. */
  void unmap(cl_mem mem, ByteBuffer mapped) {
    CL.clEnqueueUnmapMemObject(queue, mem, mapped, 0, null, null);
    CL.clFinish(queue);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the OpenCL context on " + device.name() + " is closed");
    }
  }

  /**
   * As {@link #program}, made from the binary {@code binaries} keeps for this device, source and
   * options when there is one the driver accepts (no compiler runs: 1 to 20 ms against 130 to
   * 400 ms for PoCL's build from source with its own cache warm, see {@link ProgramBinaries});
   * otherwise built from source. A program built from source here is remembered, for {@link
   * #storeBinary} to write once its kernels have run.
   *
   * @throws KernelBuildException with the build log when the source does not compile
   */
  cl_program cachedProgram(String file, String options, ProgramBinaries binaries) {
    cl_program cached = built(file, options);
    if (cached != null) {
      return cached;
    }
    String key = key(file, options);
    String[] sources = {source(COMMON), source(file)};
    byte[] binary = binaries.read(device, sources, options).orElse(null);
    if (binary != null) {
      cl_program program = null;
      try {
        synchronized (BUILD_LOCK) {
          program = CL.clCreateProgramWithBinary(context, 1, new cl_device_id[] {device.id()},
              new long[] {binary.length}, new byte[][] {binary}, null, null);
          LIVE.incrementAndGet();
          try {
            CL.clBuildProgram(program, 1, new cl_device_id[] {device.id()}, options, null, null);
          } finally {
            JvmSignals.reclaim();
          }
        }
        programs.put(key, program);
        return program;
      } catch (CLException e) {
        if (program != null) {
          synchronized (BUILD_LOCK) {
            CL.clReleaseProgram(program);
          }
          LIVE.decrementAndGet();
        }
        binaries.forget(device, sources, options);
      }
    }
    cl_program program = program(file, options);
    fromSource.put(program, sources);
    return program;
  }

  /**
   * Writes the binary of a program {@link #cachedProgram} built from source into {@code
   * binaries}, once (nothing for one made from a binary). Call it after the program's kernels
   * have run: PoCL's binary then carries their compiled work-group functions too. A binary the
   * driver cannot give back is not cached.
   */
  void storeBinary(cl_program program, String options, ProgramBinaries binaries) {
    String[] sources = fromSource.remove(program);
    if (sources == null) {
      return;
    }
    try {
      long[] size = new long[1];
      CL.clGetProgramInfo(program, CL.CL_PROGRAM_BINARY_SIZES, Sizeof.size_t,
          Pointer.to(size), null);
      if (size[0] <= 0 || size[0] > ProgramBinaries.MAX_BYTES) {
        return;
      }
      byte[] binary = new byte[(int) size[0]];
      CL.clGetProgramInfo(program, CL.CL_PROGRAM_BINARIES, Sizeof.POINTER,
          Pointer.to(new Pointer[] {Pointer.to(binary)}), null);
      binaries.write(device, sources, options, binary);
    } catch (CLException e) {
      // Not cached: the next open builds from source again.
    }
  }

  /** The compiler's output for a program built here (warnings, if any). */
  String buildLog(cl_program program) {
    try {
      long[] size = new long[1];
      CL.clGetProgramBuildInfo(program, device.id(), CL.CL_PROGRAM_BUILD_LOG, 0, null, size);
      byte[] log = new byte[(int) size[0]];
      CL.clGetProgramBuildInfo(program, device.id(), CL.CL_PROGRAM_BUILD_LOG, log.length,
          Pointer.to(log), null);
      int end = log.length;
      while (end > 0 && log[end - 1] == 0) {
        end--;
      }
      return new String(log, 0, end, StandardCharsets.UTF_8);
    } catch (CLException e) {
      return "(no build log: " + Cl.status(e) + ")";
    }
  }

  /** The text of {@code /kernels/NAME} from the classpath (the jar packs kernels/ there). */
  static String source(String name) {
    String path = "/kernels/" + name;
    try (InputStream in = ClContext.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("kernel source " + path + " is not on the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read kernel source " + path, e);
    }
  }

  /**
   * Releases buffers, kernels, programs and the queue, newest first (not the device's shared
   * context); idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException first = null;
    for (int i = buffers.size() - 1; i >= 0; i--) {
      cl_mem m = buffers.get(i);
      first = attempt(first, () -> CL.clReleaseMemObject(m));
    }
    buffers.clear();
    // Programs are released under the build lock too: PoCL cleans up a program's files in its
    // cache directory on release, which must not overlap another thread's build.
    synchronized (BUILD_LOCK) {
      List<cl_kernel> ks = new ArrayList<>(kernels.values());
      for (int i = ks.size() - 1; i >= 0; i--) {
        cl_kernel k = ks.get(i);
        first = attempt(first, () -> CL.clReleaseKernel(k));
      }
      kernels.clear();
      List<cl_program> ps = new ArrayList<>(programs.values());
      for (int i = ps.size() - 1; i >= 0; i--) {
        cl_program p = ps.get(i);
        first = attempt(first, () -> CL.clReleaseProgram(p));
      }
      programs.clear();
      first = attempt(first, () -> CL.clReleaseCommandQueue(queue));
    }
    if (first != null) {
      throw first;
    }
  }

  private static RuntimeException attempt(RuntimeException first, Runnable release) {
    try {
      release.run();
      LIVE.decrementAndGet();
      return first;
    } catch (CLException e) {
      return first != null ? first : new IllegalStateException("releasing an OpenCL object failed: "
          + Cl.status(e), e);
    }
  }
}

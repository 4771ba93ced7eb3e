package io.descent.gradient.opencl;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The C library calls this package makes through JNA, bound by name on first use: the
 * descriptor calls of {@link CompilerOutput} and the {@code madvise} of {@link HugePageAdvice}.
 */
interface LibC extends Library {
  /** The C library on Linux and macOS; null elsewhere or where JNA cannot load it. */
  LibC INSTANCE = Loader.load();

  int dup(int fd);

  int dup2(int from, int to);

  int close(int fd);

  int open(String path, int flags);

  int fflush(Pointer stream);

  /** Linux only. */
  int madvise(Pointer address, long length, int advice);

  /** Loads the library once, for {@link #INSTANCE}. */
  final class Loader {
    private Loader() {}

    private static LibC load() {
      if (!Platform.isLinux() && !Platform.isMac()) {
        return null;
      }
      try {
        return Native.load(Platform.C_LIBRARY_NAME, LibC.class);
      } catch (LinkageError | RuntimeException e) {
        return null;
      }
    }
  }
}

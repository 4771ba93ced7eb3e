package io.descent.gradient.opencl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Keeps what an OpenCL compiler writes to the process's standard error off the user's terminal.
 *
 * <p>PoCL compiles with clang inside this process, and clang prints its summary ("11 warnings
 * generated.", "1 error generated.") straight to file descriptor 2, outside the build log and
 * out of Java's reach ({@code System.setErr} only swaps a Java object). So while a build runs,
 * descriptor 2 is pointed at a temporary file ({@code dup}/{@code dup2} through JNA), and put
 * back afterwards; whatever landed there becomes part of the build's log. Java's own
 * {@code System.err} is held (its lock) for the duration, so other threads' messages wait
 * rather than vanish into the file. Where the C library cannot be reached (not Linux or macOS,
 * or JNA missing its native part) builds run as before, with the compiler's output unredirected;
 * {@link #redirects()} says which.
 */
final class CompilerOutput {
  private static final int STDERR = 2;
  /** {@code O_WRONLY}, the same on Linux and macOS. */
  private static final int O_WRONLY = 1;
  private static final LibC LIBC = LibC.INSTANCE;

  private CompilerOutput() {}

  /** Whether builds run with standard error redirected here. */
  static boolean redirects() {
    return LIBC != null;
  }

  /** What a build returned, and what it wrote to standard error meanwhile. */
  record Captured<T>(T value, String output) {}

  /**
   * Runs {@code build} with descriptor 2 pointed at a temporary file, and returns its result
   * with what was written there. An exception from {@code build} propagates with the output
   * attached as a suppressed {@link CompilerMessage}.
   */
  static <T> Captured<T> during(Supplier<T> build) {
    if (LIBC == null) {
      return new Captured<>(build.get(), "");
    }
    synchronized (System.err) {
      System.err.flush();
      Path file;
      try {
        file = Files.createTempFile("descent-clang-", ".txt");
      } catch (IOException e) {
        return new Captured<>(build.get(), "");
      }
      try {
        int saved = LIBC.dup(STDERR);
        int target = saved < 0 ? -1 : LIBC.open(file.toString(), O_WRONLY);
        if (target < 0) {
          if (saved >= 0) {
            LIBC.close(saved);
          }
          return new Captured<>(build.get(), "");
        }
        T value;
        try {
          LIBC.dup2(target, STDERR);
          LIBC.close(target);
          value = build.get();
        } catch (RuntimeException | Error e) {
          restore(saved);
          e.addSuppressed(new CompilerMessage(read(file)));
          throw e;
        }
        restore(saved);
        return new Captured<>(value, read(file));
      } finally {
        try {
          Files.deleteIfExists(file);
        } catch (IOException ignored) {
          // A temporary file left in the temporary directory is harmless.
        }
      }
    }
  }

  private static void restore(int saved) {
    LIBC.fflush(null);
    LIBC.dup2(saved, STDERR);
    LIBC.close(saved);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "(the compiler's output could not be read back: " + e.getMessage() + ")";
    }
  }

  /** The compiler's standard error during a build that threw, attached to that exception. */
  static final class CompilerMessage extends Exception {
    private static final long serialVersionUID = 1L;

    CompilerMessage(String output) {
      super(output, null, false, false);
    }
  }
}

package io.descent.gradient.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing the OpenCL compiler prints reaches the process's standard error: PoCL's clang writes
 * "1 warning generated." to file descriptor 2 itself, so this runs builds in a child JVM with a
 * cold PoCL cache and reads the child's real stderr.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class CompilerOutputTest {
  @TempDir
  Path dir;

  @org.junit.jupiter.api.BeforeEach
  void requireOpenCl() {
    OpenClAvailability.require();
  }

  private record Run(int code, String out, String err) {}

  private Run child(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), CompilerOutputMain.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("POCL_CACHE_DIR", dir.resolve("pocl").toString());
    Process p = pb.start();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child did not finish");
    return new Run(p.exitValue(), out.get(), err.get());
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aWarningGoesIntoTheBuildLogAndNotToStandardError() throws Exception {
    Run r = child();
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("redirects=true"), r.out());
    assertTrue(r.out().contains("descent test warning"), "the warning is kept:\n" + r.out());
    assertEquals("", r.err(), "the compiler printed to stderr");
  }

  @Test
  void aFailedBuildKeepsTheCompilerOutputInItsLogAndNotOnStandardError() throws Exception {
    Run r = child("broken");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("failed-log=") && r.out().contains("error"), r.out());
    assertEquals("", r.err(), "the compiler printed to stderr");
  }
}

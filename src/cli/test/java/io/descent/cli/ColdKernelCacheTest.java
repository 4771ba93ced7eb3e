package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.gradient.opencl.OpenClAvailability;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first {@code train} on a machine, with PoCL's kernel cache empty, prints nothing from the
 * OpenCL compiler: run in a child JVM, whose real standard error is what a user's terminal
 * would show (clang writes to file descriptor 2 directly, past anything Java could capture).
 * The gradient tolerance, 3e-10, is below what float32 resolves (about 2e-9) and above where
 * float64's line searches stall (about 7e-11), so the fit always ends with its float64 finish,
 * which builds a kernel of its own.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class ColdKernelCacheTest {
  @TempDir
  Path dir;

  @BeforeEach
  void requireOpenCl() {
    OpenClAvailability.require();
  }

  @Test
  void trainWithAnEmptyKernelCachePrintsNothingFromTheCompiler() throws Exception {
    Path model = dir.resolve("spam.json");
    ProcessBuilder pb = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train",
        "--data", "datasets/spambase.csv", "--target", "spam", "--loss", "logistic",
        "--l2", "0.01", "--backend", "opencl", "--tolerance", "3e-10",
        "--out", model.toString()));
    pb.environment().put("POCL_CACHE_DIR", dir.resolve("pocl").toString());
    pb.environment().put("DESCENT_CACHE_DIR", dir.resolve("descent").toString());
    Process p = pb.start();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "train did not finish");
    assertEquals(0, p.exitValue(), out.get() + err.get());
    assertTrue(out.get().contains("float64 on opencl"), "the finish built a second kernel:\n"
        + out.get());
    assertEquals("", err.get(), "something reached stderr");
    assertTrue(Files.size(model) > 0);
  }

  private static String read(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}

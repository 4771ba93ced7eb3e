package io.descent.gradient.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.descent.gradient.DeviceDescription;
import io.descent.loss.Loss;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kernels build without warnings for CPUs other than the one the tests run on: an AVX2 CPU
 * (PoCL names it pthread-haswell) and an AVX-512 one (pthread-skylake-avx512), each with the CPU
 * shapes Descent would choose for a device reporting its register width.
 *
 * <p>PoCL 3.1 as Debian builds it picks its target from the CPU it runs on and ignores
 * {@code POCL_LLVM_CPU_NAME}, so the target cannot be forced through PoCL here. These builds use
 * the clang PoCL itself compiles with (clang-15, a dependency of Debian's libpocl2), on the same
 * sources PoCL receives (common.cl then the kernel file), for {@code -march=haswell} and
 * {@code -march=skylake-avx512}, emitting LLVM IR as PoCL's front end does: the "AVX vector
 * return of type 'float16' without 'avx512f' enabled changes the ABI" warnings that PoCL printed
 * on AVX2 machines come from exactly this step.
 */
class KernelTargetsTest {
  @TempDir
  Path dir;

  /** A CPU device as PoCL describes it, reporting {@code floats} floats per vector register. */
  static ClDevice cpu(String name, int floats) {
    return new ClDevice(null, null, new DeviceDescription(0, "Portable Computing Language", name,
        DeviceDescription.Type.CPU, 2, 1L << 33, 1L << 31, true), 1L << 19, 4096, floats,
        "test");
  }

  /**
   * The batched kernel fills the register: VW is its width (16 floats with AVX-512), KT the
   * columns rounded up to a power of two between 4 and the width, and from 16 lanes up to 8
   * columns take the row-vectorized phases (NK), with theta column-major.
   */
  @Test
  void theBatchedKernelFillsTheRegister() {
    assertEquals(4, OpenClBackend.columnVector(8, 1));
    assertEquals(4, OpenClBackend.columnVector(8, 3));
    assertEquals(8, OpenClBackend.columnVector(8, 5));
    assertEquals(8, OpenClBackend.columnVector(8, 16));
    assertEquals(8, OpenClBackend.columnVector(16, 8));
    assertEquals(16, OpenClBackend.columnVector(16, 10));
    assertEquals(16, OpenClBackend.columnVector(16, 64));
    assertEquals(2, OpenClBackend.columnVector(2, 3));
    assertEquals(4, OpenClBackend.narrowColumns(8));
    assertEquals(8, OpenClBackend.narrowColumns(16));
    assertTrue(OpenClBackend.columnsDefines(16, 8, 64).contains("-DNK=8 -DVW=16"));
    assertTrue(OpenClBackend.columnsDefines(8, 8, 64).contains("-DNK=0 -DVW=8"));
    assertTrue(OpenClBackend.columnsDefines(16, 9, 64).contains("-DKT=16 "));
    // Rows of fewer features than a register's lanes hold no whole feature vector: the tiles.
    assertTrue(OpenClBackend.columnsDefines(8, 4, 8).contains("-DNK=4 -DVW=8"));
    assertTrue(OpenClBackend.columnsDefines(8, 4, 7).contains("-DNK=0 -DVW=8"));
    assertTrue(OpenClBackend.columnsDefines(16, 8, 15).contains("-DNK=0 -DVW=16"));
    assertTrue(OpenClBackend.columnsDefines(16, 12, 16).contains("-DNG=12"));
    assertFalse(OpenClBackend.columnsDefines(16, 12, 10).contains("-DNG="));
  }

  @Test
  void theShapesFillTheRegistersTheDeviceReports() {
    assertEquals(new CpuShape(8, 8, 2, true, 8, "device widths"),
        CpuShape.fromDevice(cpu("pthread-haswell", 8), false));
    // Float64 on AVX2: 8 rows a block, their residuals in two vectors of 4.
    assertEquals(new CpuShape(4, 8, 2, true, 4, "device widths"),
        CpuShape.fromDevice(cpu("pthread-haswell", 8), true));
    assertEquals(new CpuShape(8, 16, 2, true, 16, "device widths"),
        CpuShape.fromDevice(cpu("pthread-skylake-avx512", 16), false));
    assertEquals(new CpuShape(8, 8, 2, true, 8, "device widths"),
        CpuShape.fromDevice(cpu("pthread-skylake-avx512", 16), true));
    // A CPU reporting 1 float per register still gets 4-wide vectors (16 bytes at least).
    assertEquals(4, CpuShape.fromDevice(cpu("narrow", 1), false).vectorWidth());
    for (int floats : new int[] {1, 4, 8, 16}) {
      for (boolean fp64 : new boolean[] {false, true}) {
        int registerBytes = Math.max(16, 4 * floats);
        int bytes = fp64 ? 8 : 4;
        assertEquals(registerBytes / bytes, CpuShape.lanes(cpu("x", floats), fp64));
        for (CpuShape c : CpuShape.candidates(cpu("x", floats), fp64)) {
          // No vector wider than the register: VW, and phase 2's min(RB, LANES) rows.
          assertTrue(c.vectorWidth() * bytes <= registerBytes
              && Math.min(c.rowsPerBlock(), c.lanes()) * bytes <= registerBytes
              && c.lanes() * bytes == registerBytes, c + " for " + floats);
          assertTrue(c.rowsPerBlock() % Math.min(c.rowsPerBlock(), c.lanes()) == 0, c.toString());
        }
        assertTrue(CpuShape.candidates(cpu("x", floats), fp64).stream()
            .anyMatch(c -> c.sameAs(CpuShape.fromDevice(cpu("x", floats), fp64))));
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"haswell, 8", "skylake-avx512, 16"})
  void everyKernelBuildsWithoutWarningsForThisCpu(String march, int floats) throws Exception {
    String clang = clang();
    ClDevice device = cpu("pthread-" + march, floats);
    List<String> builds = new ArrayList<>();
    for (int precision : new int[] {32, 64}) {
      for (int loss = 0; loss <= 1; loss++) {
        String common = "-DPRECISION=" + precision + " -DLOSS=" + loss + " -DCENTER="
            + (precision == 64 ? 1 : 0);
        for (CpuShape shape : CpuShape.candidates(device, precision == 64)) {
          builds.add("gradient_cpu.cl " + common + " " + shape.defines());
        }
        builds.add("gradient_gpu.cl " + common);
      }
      // The batched kernels, for the three losses (2 = multinomial).
      for (int loss = 0; loss <= 2; loss++) {
        String common = "-DPRECISION=" + precision + " -DLOSS=" + loss + " -DCENTER="
            + (precision == 64 ? 1 : 0);
        for (int k : new int[] {1, 4, 6, 8, 10, 16}) {
          builds.add(OpenClBackend.CPU_COLUMNS_FILE + " " + common + " "
              + OpenClBackend.columnsDefines(CpuShape.lanes(device, precision == 64), k, 64));
        }
        // Rows shorter than a register: the tiles, for few columns too.
        builds.add(OpenClBackend.CPU_COLUMNS_FILE + " " + common + " "
            + OpenClBackend.columnsDefines(CpuShape.lanes(device, precision == 64), 4, 2));
        if (loss == 2) {
          // As the backend builds a multinomial model: its classes defined (few and many).
          for (int k : new int[] {3, 10}) {
            builds.add(OpenClBackend.CPU_COLUMNS_FILE + " " + common + " "
                + OpenClBackend.columnsDefines(CpuShape.lanes(device, precision == 64), k, 64)
                + " -DCLASSES=" + k);
          }
        }
        builds.add(OpenClBackend.GPU_COLUMNS_FILE + " " + common);
      }
    }
    // The moments (float64 only): the cpu layout's tiles for this device at a few widths,
    // weighted and not, and the gpu layout.
    for (int p : new int[] {3, 11, 66, 258}) {
      for (boolean weighted : new boolean[] {true, false}) {
        builds.add(OpenClMoments.FILE + " -DPRECISION=64 " + MomentTiles.forDevice(device, p)
            .defines(p, weighted));
      }
    }
    builds.add(OpenClMoments.FILE + " -DPRECISION=64 -DP=66");
    builds.add("read_bandwidth.cl -DVW=" + CpuShape.fromDevice(device, false).vectorWidth());
    builds.add("fma_peak.cl -DVW=" + CpuShape.lanes(device, false)
        + " -DCHAINS=12");
    // The bench's link probe (float32), as KernelBenchmark.LinkProbe builds it.
    for (Object[] lc : new Object[][] {{Loss.LINEAR, 2}, {Loss.LOGISTIC, 1}, {Loss.LOGISTIC, 16},
        {Loss.MULTINOMIAL, 3}, {Loss.MULTINOMIAL, 10}}) {
      builds.add(OpenClBackend.CPU_COLUMNS_FILE + " " + KernelBenchmark.LinkProbe.options(
          (Loss) lc[0], CpuShape.lanes(device, false), (int) lc[1], 64, Tuning.defaults()));
    }
    for (String build : builds) {
      String[] parts = build.split(" ");
      Path source = dir.resolve(parts[0]);
      Files.writeString(source, ClContext.source(ClContext.COMMON) + "\n"
          + ClContext.source(parts[0]), StandardCharsets.UTF_8);
      List<String> command = new ArrayList<>(List.of(clang, "-x", "cl", "-cl-std=CL1.2",
          "-Xclang", "-finclude-default-header", "-target", "x86_64-pc-linux-gnu",
          "-march=" + march, "-O2", "-S", "-emit-llvm", "-o", "/dev/null"));
      for (int k = 1; k < parts.length; k++) {
        command.add(parts[k]);
      }
      command.add(source.toString());
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(120, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), build + ":\n" + output);
      assertFalse(output.contains("warning"), march + ": " + build + ":\n" + output);
    }
  }

  /** The wide shapes of the old fixed tuning do draw the warning on AVX2: the check can fail. */
  @Test
  void aShapeWiderThanAvx2RegistersDrawsTheWarning() throws Exception {
    String clang = clang();
    Path source = dir.resolve("gradient_cpu.cl");
    Files.writeString(source, ClContext.source(ClContext.COMMON) + "\n"
        + ClContext.source("gradient_cpu.cl"), StandardCharsets.UTF_8);
    Process p = new ProcessBuilder(clang, "-x", "cl", "-cl-std=CL1.2", "-Xclang",
        "-finclude-default-header", "-target", "x86_64-pc-linux-gnu", "-march=haswell", "-O2",
        "-S", "-emit-llvm", "-o", "/dev/null", "-DPRECISION=32", "-DLOSS=1", "-DVW=8",
        "-DRB=16", source.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertTrue(output.contains("without 'avx512f' enabled changes the ABI"), output);
  }

  /**
   * clang-15 (PoCL's own compiler on Debian 12); required where OpenCL is (CI), else the test is
   * skipped with the reason.
   */
  private static String clang() throws IOException, InterruptedException {
    for (String name : new String[] {"clang-15", "clang"}) {
      try {
        Process p = new ProcessBuilder(name, "--version").redirectErrorStream(true).start();
        String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() == 0 && version.contains("clang version")) {
          return name;
        }
      } catch (IOException e) {
        // Not on the PATH; try the next name.
      }
    }
    String reason = "no clang-15 on the PATH (Debian's libpocl2 installs it)";
    if ("1".equals(System.getenv("DESCENT_REQUIRE_OPENCL"))) {
      fail(reason + ", and DESCENT_REQUIRE_OPENCL=1");
    }
    Assumptions.abort(reason);
    return null;
  }
}

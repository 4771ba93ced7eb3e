package io.descent.gradient.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenCL's platforms start in the background only in a JVM that chains signals, and there a
 * start beside threads meeting safepoints leaves the process alive and the devices listed. Each
 * run is a child JVM ({@link PlatformStartMain}): the failure would be the process dying.
 */
class PlatformStartTest {
  @TempDir
  Path dir;

  @Test
  void theChainingLibraryIsFoundAmongTheMappedFiles() {
    String jsig = "7f2a1c000000-7f2a1c001000 r-xp 00001000 fd:01 1234 "
        + "/usr/lib/jvm/java-17-openjdk-amd64/lib/libjsig.so";
    String libc = "7f2a1b000000-7f2a1b028000 r--p 00000000 fd:01 99 /usr/lib/x86_64-linux-gnu/"
        + "libc.so.6";
    assertTrue(PlatformStart.chainsSignals(List.of(libc, jsig)));
    assertFalse(PlatformStart.chainsSignals(List.of(libc)));
    assertFalse(PlatformStart.chainsSignals(List.of(libc + " /tmp/libjsig.so.old")));
    assertFalse(PlatformStart.chainsSignals(List.of()), "no maps (not Linux): no start");
  }

  private String run(boolean chained) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin",
        "java").toString(), "-cp", System.getProperty("java.class.path"),
        PlatformStartMain.class.getName()).redirectErrorStream(true);
    pb.environment().put("POCL_CACHE_DIR", dir.resolve("pocl").toString());
    pb.environment().remove("LD_PRELOAD");
    if (chained) {
      pb.environment().put("LD_PRELOAD", chainingLibrary().toString());
    }
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child did not finish");
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), "the child died (139 is SIGSEGV): " + text);
    assertTrue(text.contains("survived true"), text);
    return text;
  }

  private static Path chainingLibrary() {
    return Path.of(System.getProperty("java.home"), "lib", PlatformStart.CHAINING_LIBRARY);
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void aChainingJvmStartsThePlatformsBesideSafepointsAndSurvives() throws Exception {
    OpenClAvailability.require();
    assertTrue(Files.isRegularFile(chainingLibrary()), "this JDK has no " + chainingLibrary());
    String devices = "devices " + OpenClBackend.devices().size();
    for (int k = 0; k < 3; k++) {
      String out = run(true);
      assertTrue(out.contains("started true"), out);
      assertTrue(out.contains(devices), "the same devices as here: " + out);
    }
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void aJvmThatDoesNotChainSignalsStartsNothingInTheBackground() throws Exception {
    OpenClAvailability.require();
    String out = run(false);
    assertTrue(out.contains("started false"), out);
    assertTrue(out.contains("devices " + OpenClBackend.devices().size()), out);
  }
}

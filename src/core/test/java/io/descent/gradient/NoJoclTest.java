package io.descent.gradient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A downstream build without JOCL (org.jocl:jocl left out of its dependencies) trains with the
 * default backend, OpenCL skipped with its reason, as a missing ND4J is skipped: the first use
 * of OpenCL threw {@code NoClassDefFoundError: org/jocl/CLException} out of the fit.
 */
class NoJoclTest {
  @TempDir Path dir;

  @Test
  void withoutJoclTheDefaultBackendSkipsOpenClAndSaysWhy() throws Exception {
    String classPath = Arrays.stream(System.getProperty("java.class.path")
        .split(File.pathSeparator)).filter(e -> !e.contains("jocl"))
        .collect(Collectors.joining(File.pathSeparator));
    assertFalse(classPath.contains("jocl"));
    Path out = dir.resolve("out.txt");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", classPath, NoJoclProbe.class.getName())
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    String text = Files.readString(out);
    assertEquals(0, p.exitValue(), text);
    assertFalse(text.contains("NoClassDefFoundError"), text);
    assertFalse(text.contains("backend: opencl"), text);
    assertTrue(text.contains("the OpenCL binding JOCL (org.jocl:jocl) is not on the class path"),
        text);
    assertTrue(text.contains("devices: the OpenCL binding JOCL (org.jocl:jocl) is not on the"
        + " class path"), text);
  }
}

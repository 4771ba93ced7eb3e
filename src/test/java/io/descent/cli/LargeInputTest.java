package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A CSV bigger than the heap fails early, naming the memory it needs. */
class LargeInputTest {
  @TempDir
  Path dir;

  @Test
  void aFileLargerThanTheHeapFailsEarlyWithTheFigure() throws Exception {
    Path data = dir.resolve("large.csv");
    assertEquals(0, Cli.run("generate", "--rows", "300000", "--features", "64", "--model",
        "linear", "--out", data.toString()).code());
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Xmx48m", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "train", "--data", data.toString(), "--target", "y", "--model",
        "linear", "--backend", "reference", "--out", dir.resolve("m.json").toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(1, p.exitValue(), out);
    // 300000 x 64 x 4 + 300000 x 8 bytes = 75.5 MiB.
    assertTrue(out.contains("300000 rows x 64 features need 76 MiB of heap"), out);
    assertTrue(out.contains("-Xmx"), out);
    assertEquals(1, out.strip().lines().count(), out);
  }
}

package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.model.ModelFile;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C during {@code train}: a clean stop, a message, a checkpoint, no half-written model. */
@EnabledOnOs({OS.LINUX, OS.MAC})
class InterruptTest {
  @TempDir
  Path dir;

  @Test
  void sigintStopsTrainingAndWritesTheCheckpoint() throws Exception {
    Path data = dir.resolve("big.csv");
    assertEquals(0, Cli.run("generate", "--rows", "50000", "--features", "20", "--model",
        "logistic", "--out", data.toString()).code());
    Path model = dir.resolve("model.json");
    Path checkpoint = dir.resolve("checkpoint.json");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train",
        "--data", data.toString(), "--target", "y", "--model", "logistic", "--backend",
        "reference", "--optimizer", "sgd", "--max-epochs", "1000000", "--objective-tolerance",
        "0", "--tolerance", "0", "--out", model.toString(), "--checkpoint",
        checkpoint.toString()).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8));
    String first = out.readLine();
    assertTrue(first != null && first.startsWith("data:"), first);
    Thread.sleep(1500);
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start();
    assertEquals(0, kill.waitFor());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "training did not stop after SIGINT");
    List<String> rest = out.lines().toList();
    assertEquals(130, p.exitValue(), String.join("\n", rest));
    String all = String.join("\n", rest);
    assertTrue(all.contains("interrupted at epoch"), all);
    assertTrue(all.contains("checkpoint written to " + checkpoint), all);
    assertFalse(Files.exists(model), "no model is written on interruption");
    ModelFile saved = ModelFile.read(checkpoint);
    assertEquals("interrupted", saved.training().stopReason());
    assertEquals(20, saved.model().features());
    try (var files = Files.list(dir)) {
      assertEquals(2, files.count(), "only the data and the checkpoint: no temporary files");
    }
  }
}

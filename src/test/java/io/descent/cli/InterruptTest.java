package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.model.ModelFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signals to real {@code descent} processes: Ctrl-C (SIGINT) during training is a clean stop, a
 * message, a checkpoint, no half-written model; a process ended while writing leaves no
 * temporary file behind.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class InterruptTest {
  @TempDir
  Path dir;

  /** Starts {@code descent ARGS} in a new JVM, stdout and stderr merged. */
  private static Process descent(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
        "java").toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  private static void signal(Process p, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
    assertEquals(0, kill.waitFor());
  }

  /** What the process printed, once it has exited (within a minute). */
  private static String finish(Process p) throws Exception {
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    boolean exited = p.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly();
    }
    assertTrue(exited, "the process did not exit after the signal");
    return output.get(10, TimeUnit.SECONDS);
  }

  private List<String> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  /** Waits (up to a minute) until the process has a temporary file in dir with content. */
  private Path awaitTemporaryFile(Process p, String name) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError("exited before writing: " + finish(p));
      }
      try (Stream<Path> s = Files.list(dir)) {
        for (Path f : (Iterable<Path>) s::iterator) {
          String n = f.getFileName().toString();
          if (n.startsWith("." + name + ".") && n.endsWith(".tmp") && Files.size(f) > 1 << 20) {
            return f;
          }
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no temporary file for " + name + " in " + files());
  }

  @Test
  void sigtermWhileGeneratingDeletesTheTemporaryFileToo() throws Exception {
    Path out = dir.resolve("big.csv");
    Process p = descent("generate", "--rows", "200000000", "--features", "20", "--model",
        "linear", "--out", out.toString());
    awaitTemporaryFile(p, "big.csv");
    signal(p, "TERM");
    String output = finish(p);
    assertEquals(143, p.exitValue(), output);
    assertEquals(List.of(), files());
  }

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

package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.model.ModelFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
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
 * Ctrl-C (SIGINT) in real {@code descent} processes: during training, a clean stop, a message, a
 * checkpoint, no half-written model; anywhere else (reading data, writing output), one line
 * saying what was interrupted and what was not written, exit code 130, and no temporary file
 * left behind.
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
  void sigintWhileGeneratingDeletesTheTemporaryFileAndSaysSo() throws Exception {
    Path out = dir.resolve("big.csv");
    // Far more rows than it can write before the signal.
    Process p = descent("generate", "--rows", "200000000", "--features", "20", "--loss",
        "logistic", "--out", out.toString());
    Path tmp = awaitTemporaryFile(p, "big.csv");
    signal(p, "INT");
    String output = finish(p);
    assertEquals(130, p.exitValue(), output);
    assertEquals("descent: interrupted while writing " + out + "; " + out + " not written",
        output.strip());
    assertFalse(Files.exists(tmp), "temporary file " + tmp + " left behind");
    assertEquals(List.of(), files());
  }

  @Test
  void sigtermWhileGeneratingDeletesTheTemporaryFileToo() throws Exception {
    Path out = dir.resolve("big.csv");
    Process p = descent("generate", "--rows", "200000000", "--features", "20", "--loss",
        "linear", "--out", out.toString());
    awaitTemporaryFile(p, "big.csv");
    signal(p, "TERM");
    String output = finish(p);
    assertEquals(143, p.exitValue(), output);
    assertEquals(List.of(), files());
  }

  /**
   * The data comes through a named pipe that the test keeps open: the process is reading it,
   * for sure, when the signal comes.
   */
  private Path slowData() throws Exception {
    Path fifo = dir.resolve("slow.csv");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertEquals(0, mkfifo.waitFor());
    return fifo;
  }

  /** Opens the pipe for writing (once the process opens it for reading) and writes rows. */
  private static OutputStream feed(Path fifo, Process p) throws Exception {
    return feed(fifo, p, "a,b,y");
  }

  /**
   * The same with this header. The pipe is read in one pass, so the header is read at once: it
   * must name the columns the command needs.
   */
  private static OutputStream feed(Path fifo, Process p, String header) throws Exception {
    CompletableFuture<OutputStream> opened = CompletableFuture.supplyAsync(() -> {
      try {
        OutputStream o = Files.newOutputStream(fifo);
        o.write((header + "\n").getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 1000; i++) {
          o.write((i + "," + (i % 7) + "," + (i % 2) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        o.flush();
        return o;
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    try {
      return opened.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      p.destroyForcibly();
      throw new AssertionError("the process never opened " + fifo + ": " + finish(p));
    }
  }

  @Test
  void sigintWhileTrainingReadsItsDataSaysSo() throws Exception {
    Path fifo = slowData();
    Path model = dir.resolve("model.json");
    Path history = dir.resolve("history.csv");
    Process p = descent("train", "--data", fifo.toString(), "--target", "y", "--loss",
        "logistic", "--backend", "reference", "--out", model.toString(), "--history",
        history.toString());
    try (OutputStream feed = feed(fifo, p)) {
      Thread.sleep(300);
      signal(p, "INT");
      String output = finish(p);
      assertEquals(130, p.exitValue(), output);
      assertEquals("descent: interrupted while reading " + fifo + "; " + model + ", " + history
          + " not written", output.strip());
    } catch (IOException closedByTheReader) {
      // The process is gone: the pipe has no reader left.
    }
    assertEquals(List.of("slow.csv"), files());
  }

  @Test
  void sigintWhilePredictReadsItsDataSaysSo() throws Exception {
    Path model = dir.resolve("model.json");
    Cli train = Cli.run("train", "--data", "datasets/mtcars.csv", "--target", "mpg", "--loss",
        "linear", "--features", "wt,hp", "--backend", "reference", "--quiet", "--out",
        model.toString());
    assertEquals(0, train.code(), train.err());
    Path fifo = dir.resolve("slow.csv");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    Path predictions = dir.resolve("predictions.csv");
    Process p = descent("predict", "--model", model.toString(), "--data", fifo.toString(),
        "--out", predictions.toString());
    try (OutputStream feed = feed(fifo, p, "wt,hp,mpg")) {
      Thread.sleep(300);
      signal(p, "INT");
      String output = finish(p);
      assertEquals(130, p.exitValue(), output);
      assertEquals("descent: interrupted while reading " + fifo + "; " + predictions
          + " not written", output.strip());
    } catch (IOException closedByTheReader) {
      // The process is gone: the pipe has no reader left.
    }
    assertEquals(List.of("model.json", "slow.csv"), files());
  }

  /** The line follows the command: what it does now, and which outputs are still missing. */
  @Test
  void theMessageSaysWhatWasInterruptedAndWhatIsNotWritten() {
    Path model = Path.of("m.json");
    Path history = Path.of("h.csv");
    Path checkpoint = Path.of("c.json");
    PrintWriter err = new PrintWriter(new StringWriter());
    try (Interrupts.Activity a = Interrupts.activity(err, "reading d.csv", model, null,
        history)) {
      assertEquals("interrupted while reading d.csv; m.json, h.csv not written", a.message());
      a.writing(history);
      assertEquals("interrupted while writing h.csv; m.json, h.csv not written", a.message());
      a.written(history);
      a.writing(checkpoint);
      assertEquals("interrupted while writing c.json; m.json, c.json not written", a.message());
      a.written(checkpoint);
      a.written(model);
      a.doing("evaluating");
      assertEquals("interrupted while evaluating; nothing written", a.message());
      a.doing("writing predictions to standard output", "the output is incomplete");
      assertEquals("interrupted while writing predictions to standard output; the output is"
          + " incomplete", a.message());
    }
  }

  /**
   * A Ctrl-C after a write moved into place but before the command said so: the message calls
   * that output written, not "not written" (the file was replaced).
   */
  @Test
  void anOutputMovedIntoPlaceBeforeTheCommandSaidSoIsCalledWritten() throws Exception {
    Path moved = dir.resolve("moved.csv");
    Path other = dir.resolve("other.json");
    PrintWriter err = new PrintWriter(new StringWriter());
    try (Interrupts.Activity a = Interrupts.activity(err, "writing " + moved, moved, other)) {
      io.descent.model.AtomicFile.write(moved, "x\n".getBytes(StandardCharsets.UTF_8));
      assertEquals("interrupted while writing " + moved + "; " + moved + ", " + other
          + " not written", a.message());
      a.settleMoved();
      assertEquals("interrupted while writing " + moved + "; " + moved + " written; " + other
          + " not written", a.message());
    }
  }

  /**
   * A file written by other means (convert's cached copy, moved into place by the cache) is
   * called written once its check says so: a Ctrl-C after its rename said "not written".
   */
  @Test
  void anOutputWhoseCheckSaysItIsInPlaceIsCalledWritten() throws Exception {
    Path copy = dir.resolve("data.csv.dscache");
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic
        .AtomicBoolean();
    PrintWriter err = new PrintWriter(new StringWriter());
    try (Interrupts.Activity a = Interrupts.activity(err, "reading data.csv and writing its"
        + " copy", copy)) {
      a.writtenWhen(copy, done::get);
      a.settleMoved();
      assertEquals("interrupted while reading data.csv and writing its copy; " + copy
          + " not written", a.message());
      done.set(true);
      a.settleMoved();
      assertEquals("interrupted while reading data.csv and writing its copy; " + copy
          + " written", a.message());
    }
  }

  @Test
  void sigintStopsTrainingAndWritesTheCheckpoint() throws Exception {
    Path data = dir.resolve("big.csv");
    assertEquals(0, Cli.run("generate", "--rows", "50000", "--features", "20", "--loss",
        "logistic", "--out", data.toString()).code());
    Path model = dir.resolve("model.json");
    Path checkpoint = dir.resolve("checkpoint.json");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train",
        "--data", data.toString(), "--target", "y", "--loss", "logistic", "--backend",
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

  @Test
  void sigintDuringCrossValidationPrintsNoTableOfUnfinishedFits() throws Exception {
    // A rate so small that every epoch still improves the objective: the fits run until the
    // signal (with the default rate they stalled within a second, and the signal met the refit).
    Path data = dir.resolve("cv.csv");
    assertEquals(0, Cli.run("generate", "--rows", "50000", "--features", "20", "--loss",
        "logistic", "--out", data.toString()).code());
    Path model = dir.resolve("best.json");
    Process p = descent("cv", "--data", data.toString(), "--target", "y", "--loss", "logistic",
        "--backend", "reference", "--optimizer", "sgd", "--learning-rate", "1e-5",
        "--max-epochs", "1000000", "--l2", "1e-3,1e-2", "--folds", "3", "--out",
        model.toString());
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8));
    String first = out.readLine();
    assertTrue(first != null && first.startsWith("data:"), first);
    Thread.sleep(1500);
    signal(p, "INT");
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "cv did not stop after SIGINT");
    String rest = String.join("\n", out.lines().toList());
    assertEquals(130, p.exitValue(), rest);
    assertTrue(rest.contains("interrupted during cross-validation; " + model + " not written"),
        rest);
    assertFalse(rest.contains("<- best") || rest.contains("cv: 3 folds"), rest);
    assertFalse(Files.exists(model));
  }
}

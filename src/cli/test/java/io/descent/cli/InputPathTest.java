package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs that are not plain readable files: a named pipe is read in one pass (it cannot be read
 * twice), a directory or an unreadable file is one line naming the path and the reason (exit 2).
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class InputPathTest {
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  @TempDir
  Path dir;
  private Path model;

  @BeforeEach
  void train() {
    model = dir.resolve("m.json");
    Cli r = Cli.run("train", "--data", "datasets/mtcars.csv", "--target", "mpg", "--features",
        "wt,hp", "--loss", "linear", "--backend", "reference", "--quiet", "--out",
        model.toString());
    assertEquals(0, r.code(), r.err());
  }

  /** A named pipe that a thread fills with {@code text} and closes, once it is opened. */
  private Path pipe(String text) throws Exception {
    Path fifo = dir.resolve("pipe.csv");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    CompletableFuture.runAsync(() -> {
      try (OutputStream o = Files.newOutputStream(fifo)) {
        o.write(text.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    return fifo;
  }

  private Path mtcarsPipe() throws Exception {
    return pipe(Files.readString(Path.of("datasets/mtcars.csv")));
  }

  @Test
  void trainReadsANamedPipeInOnePass() throws Exception {
    Path fifo = mtcarsPipe();
    Cli r = assertTimeoutPreemptively(PATIENCE, () -> Cli.run("train", "--data",
        fifo.toString(), "--target", "mpg", "--features", "wt,hp", "--loss", "linear",
        "--backend", "reference", "--out", dir.resolve("p.json").toString()));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("32 rows x 2 features"), r.out());
  }

  @Test
  void predictReadsANamedPipeInOnePass() throws Exception {
    Path fifo = mtcarsPipe();
    Cli r = assertTimeoutPreemptively(PATIENCE, () -> Cli.run("predict", "--model",
        model.toString(), "--data", fifo.toString()));
    assertEquals(0, r.code(), r.err());
    assertEquals(33, r.out().lines().count());
  }

  @Test
  void evaluateReadsANamedPipeInOnePass() throws Exception {
    Path fifo = mtcarsPipe();
    Cli r = assertTimeoutPreemptively(PATIENCE, () -> Cli.run("evaluate", "--model",
        model.toString(), "--data", fifo.toString()));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("rows: 32\n"), r.out());
  }

  /** The shell's {@code <(...)} hands over {@code /dev/fd/N}, a pipe. */
  @Test
  void aShellProcessSubstitutionIsReadInOnePass() throws Exception {
    Path bash = Path.of("/bin/bash");
    assumeTrue(Files.isExecutable(bash), "no bash");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(bash.toString(), "-c", "\"$JAVA\" -cp \"$CP\" "
        + Main.class.getName() + " predict --model \"$MODEL\" --data <(cat datasets/mtcars.csv)")
        .redirectErrorStream(true);
    pb.environment().put("JAVA", java);
    pb.environment().put("CP", System.getProperty("java.class.path"));
    pb.environment().put("MODEL", model.toString());
    Process p = pb.start();
    try {
      String out = assertTimeoutPreemptively(PATIENCE, () -> new String(
          p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      assertEquals(0, p.waitFor(), out);
      assertTrue(out.startsWith("prediction\n"), out);
      assertEquals(33, out.lines().count(), out);
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void aBadRowInAPipeIsStillPlacedExactly() throws Exception {
    Path fifo = pipe("wt,hp,mpg\n2.6,110,21\n2.8,abc,21\n");
    Cli r = assertTimeoutPreemptively(PATIENCE, () -> Cli.run("train", "--data",
        fifo.toString(), "--target", "mpg", "--loss", "linear", "--quiet"));
    assertEquals(2, r.code(), r.err());
    assertEquals(fifo + ":3:2: \"abc\" is not a number in column \"hp\"", r.err().strip());
  }

  @Test
  void aDirectoryAsDataOrModelIsExitCode2() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("folder"));
    Cli data = Cli.run("train", "--data", folder.toString(), "--target", "y", "--loss",
        "linear");
    assertEquals(2, data.code(), data.err());
    assertEquals("descent: " + folder + ": is a directory, not a CSV file", data.err().strip());
    Cli modelDir = Cli.run("predict", "--model", folder.toString(), "--data",
        "datasets/mtcars.csv");
    assertEquals(2, modelDir.code(), modelDir.err());
    assertEquals("descent: " + folder + ": is a directory, not a model file",
        modelDir.err().strip());
  }

  @Test
  void anUnreadableFileIsExitCode2NamingTheReason() throws IOException {
    Path data = Files.copy(Path.of("datasets/mtcars.csv"), dir.resolve("d.csv"));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("-w-------"));
    // Root reads whatever the permission bits say.
    assumeFalse(Files.isReadable(data), "running as root: permission bits do not stop reads");
    Cli r = Cli.run("train", "--data", data.toString(), "--target", "mpg", "--loss",
        "linear");
    assertEquals(2, r.code(), r.err());
    assertEquals("descent: " + data + ": permission denied (cannot read)", r.err().strip());
  }
}

package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.descent.model.ModelFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No output path can destroy data: an output that is an input (however spelled), two outputs
 * on one file, a directory, a missing directory, a device, a named pipe, a symbolic link,
 * {@code -}, stale temporary files. Each is refused before any work or written as the README's
 * "Errors and limits" says.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class OutputPathTest {
  @TempDir
  Path dir;
  private Path data;
  private byte[] dataBytes;
  private Path model;

  @BeforeEach
  void copyDataAndTrain() throws IOException {
    data = dir.resolve("d.csv");
    Files.copy(Path.of("datasets/mtcars.csv"), data);
    dataBytes = Files.readAllBytes(data);
    model = dir.resolve("m.json");
    Cli r = train("--out", model.toString());
    assertEquals(0, r.code(), r.err());
  }

  private Cli train(String... more) {
    List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--target",
        "mpg", "--features", "wt,hp", "--loss", "linear", "--backend", "reference"));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  private static void assertOneLine(Cli r, int code, String expected) {
    assertEquals(code, r.code(), r.out() + r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("descent: "), r.err());
    assertTrue(r.err().contains(expected), r.err());
  }

  /** Refused before any work: nothing on standard output ("data: ..." comes first in train). */
  private static void assertRefusedFirst(Cli r, String expected) {
    assertOneLine(r, 2, expected);
    assertEquals("", r.out(), "nothing is done before the paths are checked");
  }

  private List<String> listing(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @ParameterizedTest(name = "train {0} d.csv")
  @ValueSource(strings = {"--out", "--history", "--checkpoint"})
  void noTrainOutputReplacesTheData(String option) throws IOException {
    assertRefusedFirst(train(option, data.toString()), option + " " + data
        + " is the same file as --data " + data);
    assertArrayEquals(dataBytes, Files.readAllBytes(data));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"dots", "symlink", "hardlink"})
  void theSameFileIsCaughtHoweverItIsSpelled(String spelling) throws IOException {
    Path other = switch (spelling) {
      case "dots" -> Files.createDirectory(dir.resolve("sub")).resolve("../d.csv");
      case "symlink" -> Files.createSymbolicLink(dir.resolve("link.csv"), data);
      default -> Files.createLink(dir.resolve("hard.csv"), data);
    };
    assertRefusedFirst(train("--out", other.toString()), "is the same file as --data");
    assertArrayEquals(dataBytes, Files.readAllBytes(data));
  }

  @Test
  void predictRefusesToReplaceItsDataOrItsModel() throws IOException {
    byte[] modelBytes = Files.readAllBytes(model);
    Cli onData = Cli.run("predict", "--model", model.toString(), "--data", data.toString(),
        "--out", data.toString());
    assertRefusedFirst(onData, "--out " + data + " is the same file as --data " + data);
    Cli onModel = Cli.run("predict", "--model", model.toString(), "--data", data.toString(),
        "--out", model.toString());
    assertRefusedFirst(onModel, "--out " + model + " is the same file as --model " + model);
    assertArrayEquals(dataBytes, Files.readAllBytes(data));
    assertArrayEquals(modelBytes, Files.readAllBytes(model));
  }

  /** A plot is a PNG: a name with another extension is refused before any work, any case. */
  @Test
  void aPlotNamedAsAnotherFormatIsRefused() {
    Path jpg = dir.resolve("out.jpg");
    Cli trained = train("--plot", jpg.toString(), "--out", dir.resolve("m2.json").toString());
    assertEquals(2, trained.code(), trained.err());
    assertEquals("descent: --plot " + jpg + ": the image is a PNG; give a name ending in .png\n",
        trained.err());
    assertFalse(Files.exists(dir.resolve("m2.json")));
    Cli path = Cli.run("path", "--data", data.toString(), "--target", "mpg", "--loss", "linear",
        "--out", dir.resolve("p.csv").toString(), "--plot", dir.resolve("p.svg").toString());
    assertEquals(2, path.code(), path.err());
    Cli bench = Cli.run("bench", "--rows", "100", "--features", "2", "--plot",
        dir.resolve("b.pdf").toString());
    assertEquals(2, bench.code(), bench.err());
    Cli upper = train("--plot", dir.resolve("h.PNG").toString(), "--out",
        dir.resolve("m3.json").toString());
    assertEquals(0, upper.code(), upper.err());
    assertTrue(Files.exists(dir.resolve("h.PNG")));
  }

  @Test
  void twoOutputsOnOneFileAreAUsageError() throws IOException {
    Path history = dir.resolve("h.csv");
    Files.createDirectory(dir.resolve("sub"));
    assertRefusedFirst(train("--out", history.toString(), "--history",
        dir.resolve("sub/../h.csv").toString()), "are the same file");
    // Also when the file exists already.
    Files.writeString(history, "old\n");
    assertRefusedFirst(train("--out", history.toString(), "--history", history.toString()),
        "--out " + history + " and --history " + history + " are the same file");
    assertEquals("old\n", Files.readString(history));
    Path results = dir.resolve("b.csv");
    assertRefusedFirst(Cli.run("bench", "--csv", results.toString(), "--json",
        results.toString()), "--csv " + results + " and --json " + results + " are the same file");
  }

  @Test
  void aDirectoryIsRefusedBeforeAnyWork() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("models"));
    assertRefusedFirst(train("--out", folder.toString()), folder + ": is a directory");
    assertEquals(List.of(), listing(folder));
  }

  @Test
  void aMissingDirectoryIsRefusedBeforeAnyWork() {
    Path out = dir.resolve("no/such/m.json");
    assertRefusedFirst(train("--out", out.toString()), out + ": directory "
        + out.getParent() + " does not exist");
  }

  @Test
  void devNullIsWrittenNotReplaced() {
    Path devNull = Path.of("/dev/null");
    assumeTrue(Files.exists(devNull) && Files.isWritable(devNull));
    Cli r = Cli.run("predict", "--model", model.toString(), "--data", data.toString(), "--out",
        "/dev/null");
    assertEquals(0, r.code(), r.err());
    assertFalse(Files.isRegularFile(devNull), "/dev/null is still a device");
  }

  @Test
  void aFullDeviceIsOneLineAndExitCode1() {
    Path devFull = Path.of("/dev/full");
    assumeTrue(Files.exists(devFull) && Files.isWritable(devFull));
    Cli r = Cli.run("generate", "--rows", "1000", "--features", "3", "--loss", "linear",
        "--out", "/dev/full");
    assertOneLine(r, 1, "descent: /dev/full: No space left on device");
    assertFalse(Files.isRegularFile(devFull), "/dev/full is still a device");
  }

  @Test
  void aNamedPipeIsWrittenInPlace() throws Exception {
    Path fifo = dir.resolve("out.csv");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
      try {
        return Files.readString(fifo);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    Cli r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Cli.run("generate",
        "--rows", "100", "--features", "2", "--loss", "linear", "--out", fifo.toString()));
    assertEquals(0, r.code(), r.err());
    String text = read.get(60, TimeUnit.SECONDS);
    assertTrue(text.startsWith("x0,x1,y\n"), text);
    assertEquals(101, text.lines().count());
    assertFalse(Files.isRegularFile(fifo), "the pipe is still a pipe");
    assertEquals(List.of("d.csv", "m.json", "out.csv"), listing(dir));
  }

  @Test
  void aSymbolicLinkStaysALinkAndItsTargetIsReplaced() throws IOException {
    Path models = Files.createDirectory(dir.resolve("models"));
    Path real = models.resolve("real.json");
    Files.writeString(real, "old\n");
    Path link = Files.createSymbolicLink(dir.resolve("link.json"), Path.of("models/real.json"));
    Cli r = train("--quiet", "--out", link.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.isSymbolicLink(link), "the link is still a link");
    assertEquals(Path.of("models/real.json"), Files.readSymbolicLink(link));
    assertEquals(List.of("wt", "hp"), ModelFile.read(real).model().featureNames());
    assertEquals(List.of("real.json"), listing(models), "no temporary file left");
    // A link to a file not there yet creates the file.
    Path dangling = Files.createSymbolicLink(dir.resolve("new.json"), models.resolve("n.json"));
    assertEquals(0, train("--quiet", "--out", dangling.toString()).code());
    assertTrue(Files.isSymbolicLink(dangling));
    assertTrue(Files.isRegularFile(models.resolve("n.json")));
  }

  @Test
  void dashIsStandardOutputWhereThatMakesSense() throws IOException {
    Cli predict = Cli.run("predict", "--model", model.toString(), "--data", data.toString(),
        "--out", "-");
    assertEquals(0, predict.code(), predict.err());
    assertTrue(predict.out().startsWith("prediction\n"), predict.out());
    assertEquals(33, predict.out().lines().count());
    Cli generate = Cli.run("generate", "--rows", "5", "--features", "2", "--loss", "linear",
        "--out", "-");
    assertEquals(0, generate.code(), generate.err());
    assertTrue(generate.out().startsWith("x0,x1,y\n"), generate.out());
    assertEquals(6, generate.out().lines().count(), "the summary goes to standard error");
    assertTrue(generate.err().contains("wrote standard output: 5 rows"), generate.err());
    assertFalse(Files.exists(Path.of("-")), "no file named -");
    for (String option : List.of("--out", "--history", "--checkpoint")) {
      assertRefusedFirst(train(option, "-"), option + " -: this output cannot go to standard"
          + " output; give a file");
    }
  }

  @Test
  void staleTemporaryFilesOfDeadWritersAreRemoved() throws Exception {
    Process dead = new ProcessBuilder("true").start();
    assertEquals(0, dead.waitFor());
    Process alive = new ProcessBuilder("sleep", "60").start();
    try {
      Path stale = Files.writeString(dir.resolve(".m.json." + dead.pid() + ".1f2e3d.tmp"), "x");
      Path live = Files.writeString(dir.resolve(".m.json." + alive.pid() + ".4c5b6a.tmp"), "x");
      Path other = Files.writeString(dir.resolve(".x.json." + dead.pid() + ".1f2e3d.tmp"), "x");
      Path unknown = Files.writeString(dir.resolve(".m.json.0123456789abcdef.tmp"), "x");
      assertEquals(0, train("--quiet", "--out", model.toString()).code());
      assertFalse(Files.exists(stale), "a dead writer's temporary file is removed");
      assertTrue(Files.exists(live), "a live writer's temporary file is kept");
      assertTrue(Files.exists(other), "another destination's temporary files are left alone");
      assertTrue(Files.exists(unknown), "a file without a process id is left alone");
    } finally {
      alive.destroy();
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @org.junit.jupiter.params.provider.CsvSource({"--l2, abc", "--batch-size, NaN",
      "--max-iterations, 1.5"})
  void optionParsingErrorsAreOneLine(String option, String value) {
    Cli r = train(option, value);
    assertOneLine(r, 2, option);
    assertTrue(r.err().contains("(try 'descent train --help')"), r.err());
  }

  /** A child JVM running {@code descent args}, its standard output sent where {@code out} says. */
  private static Process child(ProcessBuilder.Redirect out, String... args) throws IOException {
    return new ProcessBuilder(childCommand(List.of(args))).redirectOutput(out)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /**
   * {@code --out /dev/stdout} writes through the open descriptor: a file opened for appending
   * (a shell's {@code >>}) keeps what it held, and a pipe (a shell's {@code |}) takes the rows.
   */
  @Test
  void standardOutputByItsDevicePathAppendsToAFileAndFillsAPipe() throws Exception {
    Path log = dir.resolve("log.txt");
    Files.writeString(log, "previous line\n");
    Process appended = child(ProcessBuilder.Redirect.appendTo(log.toFile()), "predict",
        "--model", model.toString(), "--data", data.toString(), "--out", "/dev/stdout");
    assertTrue(appended.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, appended.exitValue());
    List<String> lines = Files.readAllLines(log);
    assertEquals("previous line", lines.get(0));
    assertEquals("prediction", lines.get(1));
    assertEquals(2 + 32, lines.size(), lines.toString());
    Process piped = child(ProcessBuilder.Redirect.PIPE, "predict", "--model", model.toString(),
        "--data", data.toString(), "--out", "/dev/stdout");
    String out = new String(piped.getInputStream().readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(piped.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, piped.exitValue());
    assertEquals(33, out.lines().count(), out);
    assertTrue(out.startsWith("prediction\n"), out);
  }

  /**
   * {@code --out /dev/stdout} into a file the shell truncated ({@code >}, no append): the model
   * and the command's own report share one offset, so neither overwrites the other (the model
   * used to be written through a second descriptor, appending, and the report's later lines
   * overwrote its first bytes).
   */
  @Test
  void standardOutputByItsDevicePathKeepsTheReportAndTheModelInAFileTheShellTruncated()
      throws Exception {
    Path log = dir.resolve("truncated.txt");
    Files.writeString(log, "what the shell's > truncates\n");
    Process p = child(ProcessBuilder.Redirect.to(log.toFile()), "train", "--data",
        data.toString(), "--target", "mpg", "--features", "wt,hp", "--loss", "linear",
        "--backend", "reference", "--out", "/dev/stdout");
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue());
    String text = Files.readString(log);
    assertTrue(text.startsWith("data: "), text);
    int open = text.indexOf("\n{\n");
    int close = text.indexOf("\n}\n", open);
    assertTrue(open > 0 && close > open, text);
    com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind
        .ObjectMapper().readTree(text.substring(open + 1, close + 2));
    assertEquals(2, json.get("features").size(), text);
    assertTrue(text.substring(close).contains("model written to /dev/stdout"), text);
  }

  /**
   * Standard output that is an input (a shell's {@code >>} or {@code 1<>} on the data or the
   * model) is refused as {@code --out} naming it is, by default and with {@code --out -}.
   */
  @Test
  void standardOutputThatIsAnInputIsRefused() throws Exception {
    byte[] modelBytes = Files.readAllBytes(model);
    for (String[] extra : new String[][] {{}, {"--out", "-"}}) {
      for (Path input : new Path[] {data, model}) {
        List<String> args = new ArrayList<>(List.of("predict", "--model", model.toString(),
            "--data", data.toString()));
        args.addAll(List.of(extra));
        Process p = new ProcessBuilder(childCommand(args)).redirectOutput(
            ProcessBuilder.Redirect.appendTo(input.toFile())).redirectErrorStream(false).start();
        String err = new String(p.getErrorStream().readAllBytes(),
            java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), err);
        assertTrue(err.contains("standard output is the same file as --"), err);
        assertArrayEquals(dataBytes, Files.readAllBytes(data));
        assertArrayEquals(modelBytes, Files.readAllBytes(model));
      }
    }
  }

  /**
   * Every command's report refuses a standard output that is an input, as predict's rows do:
   * {@code train >> d.csv} appended its report to the data, {@code evaluate 1<> m.json} wrote
   * it over the model.
   */
  @Test
  void everyCommandsReportRefusesAStandardOutputThatIsAnInput() throws Exception {
    Path csv = Files.copy(Path.of("datasets/mtcars.csv"), dir.resolve("cars.csv"));
    Path trained = dir.resolve("cars.json");
    assertEquals(0, Cli.run("train", "--data", csv.toString(), "--target", "mpg", "--loss",
        "linear", "--backend", "reference", "--quiet", "--out", trained.toString()).code());
    byte[] csvBytes = Files.readAllBytes(csv);
    byte[] trainedBytes = Files.readAllBytes(trained);
    List<List<String>> commands = List.of(
        List.of("train", "--data", csv.toString(), "--target", "mpg", "--loss", "linear",
            "--backend", "reference", "--out", dir.resolve("other.json").toString()),
        List.of("evaluate", "--model", trained.toString(), "--data", csv.toString()),
        List.of("gradcheck", "--data", csv.toString(), "--target", "mpg", "--loss", "linear",
            "--backend", "reference"),
        List.of("cv", "--data", csv.toString(), "--target", "mpg", "--loss", "linear",
            "--backend", "reference", "--l2", "0.1,1", "--folds", "3"),
        List.of("path", "--data", csv.toString(), "--target", "mpg", "--loss", "linear",
            "--backend", "reference", "--out", dir.resolve("path.csv").toString()));
    for (List<String> args : commands) {
      for (Path input : args.get(0).equals("evaluate") ? new Path[] {csv, trained}
          : new Path[] {csv}) {
        Process p = new ProcessBuilder(childCommand(args)).redirectOutput(
            ProcessBuilder.Redirect.appendTo(input.toFile())).start();
        String err = new String(p.getErrorStream().readAllBytes(),
            java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), args + ": " + err);
        assertTrue(err.contains("standard output is the same file as --"), err);
        assertArrayEquals(csvBytes, Files.readAllBytes(csv), args.toString());
        assertArrayEquals(trainedBytes, Files.readAllBytes(trained), args.toString());
      }
    }
  }

  /**
   * A text report that cannot reach standard output (a full disk) is exit 1 with one line; a
   * pipe whose reader has gone ({@code | head}) ends the command quietly with 141, as SIGPIPE
   * ends GNU tools.
   */
  @Test
  void lostStandardOutputIsAFailureAndAClosedPipeAQuietEnd() throws Exception {
    Process full = new ProcessBuilder(childCommand(List.of("evaluate", "--model",
        model.toString(), "--data", data.toString()))).redirectOutput(
            new java.io.File("/dev/full")).start();
    String err = new String(full.getErrorStream().readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(full.waitFor(120, TimeUnit.SECONDS));
    assertEquals(1, full.exitValue(), err);
    assertTrue(err.contains("descent: standard output: write failed (output incomplete)"), err);
    // Many rows, so that predictions fill the pipe after its reader closed it.
    StringBuilder big = new StringBuilder("wt,hp\n");
    for (int i = 0; i < 200_000; i++) {
      big.append(2 + i % 3).append(',').append(100 + i % 50).append('\n');
    }
    Path rows = Files.writeString(dir.resolve("many.csv"), big);
    Process piped = new ProcessBuilder(childCommand(List.of("predict", "--model",
        model.toString(), "--data", rows.toString()))).start();
    piped.getInputStream().read(new byte[16]);
    piped.getInputStream().close();
    String pipedErr = new String(piped.getErrorStream().readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(piped.waitFor(120, TimeUnit.SECONDS));
    assertEquals(Main.PIPE_CLOSED, piped.exitValue(), pipedErr);
    assertEquals("", pipedErr);
  }

  /** A loop of symbolic links is a path refused, exit 2, as an input or an output. */
  @Test
  void aLoopOfSymbolicLinksIsRefused() throws IOException {
    Path a = dir.resolve("la");
    Path b = dir.resolve("lb");
    Files.createSymbolicLink(a, b);
    Files.createSymbolicLink(b, a);
    assertOneLine(train("--out", a.toString()), 2, a + ": too many levels of symbolic links");
    Cli in = Cli.run("train", "--data", a.toString(), "--target", "mpg", "--loss", "linear",
        "--out", dir.resolve("x.json").toString());
    assertOneLine(in, 2, a + ": a symbolic link that leads to no file");
  }

  /**
   * Standard output closed when java started ({@code >&-}): the JVM's first file of its own
   * took its number, so {@code /dev/stdout} leads there (the JDK's modules): refused, exit 2.
   */
  @Test
  void aClosedStandardOutputIsNotTheJvmsOwnFile() throws Exception {
    List<String> command = childCommand(List.of("predict", "--model", model.toString(),
        "--data", data.toString(), "--out", "/dev/stdout"));
    StringBuilder line = new StringBuilder("exec");
    for (String word : command) {
      line.append(" '").append(word.replace("'", "'\\''")).append('\'');
    }
    line.append(" >&-");
    Process p = new ProcessBuilder("sh", "-c", line.toString()).start();
    String err = new String(p.getErrorStream().readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue(), err);
    assertTrue(err.contains("/dev/stdout: that descriptor was closed when java started"), err);
  }

  /** {@code --data -} says how standard input is read. */
  @Test
  void dataDashNamesStandardInput() {
    Cli r = Cli.run("predict", "--model", model.toString(), "--data", "-");
    assertOneLine(r, 2, "--data -: standard input is read as --data /dev/stdin");
  }

  /** An error of the JDK's own (a chart with no display to draw on) is one line, exit 1. */
  @Test
  void anErrorOfTheJdksIsOneLine() throws Exception {
    List<String> command = childCommand(List.of("train", "--data", data.toString(), "--target",
        "mpg", "--loss", "linear", "--backend", "reference", "--out",
        dir.resolve("p.json").toString(), "--plot", dir.resolve("p.png").toString(),
        "--quiet"));
    command.add(1, "-Djava.awt.headless=false");
    ProcessBuilder b = new ProcessBuilder(command);
    b.environment().put("DISPLAY", ":99");
    Process p = b.start();
    String err = new String(p.getErrorStream().readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    assertEquals(1, p.exitValue(), err);
    assertEquals(1, err.strip().lines().count(), err);
    assertTrue(err.startsWith("descent: java.awt.AWTError: "), err);
  }

  private static List<String> childCommand(List<String> args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"),
        "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    command.addAll(args);
    return command;
  }
}

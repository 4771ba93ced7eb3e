package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a command runs in a second JVM with transparent huge pages ({@link HugePages}), and that
 * it then behaves as in one: the same model, the same exit code and error line, and a SIGTERM to
 * the first JVM stops the second.
 */
class HugePagesTest {
  private static final String MADVISE = "always [madvise] never\n";
  private static final String LINE = "descent: running in a second JVM with transparent huge"
      + " pages";

  @TempDir
  Path dir;

  /** A sparse file of this many bytes (no disk blocks): only its size matters here. */
  private Path sparse(String name, long bytes) throws IOException {
    Path p = dir.resolve(name);
    try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
      f.setLength(bytes);
    }
    return p;
  }

  private static String[] train(Path data) {
    return new String[] {"train", "--data", data.toString(), "--target", "y", "--loss", "linear"};
  }

  @Test
  void aLargeRegularInputWhereTheKernelAdvisesIsWhatStartsASecondJvm() throws IOException {
    Path large = sparse("large.csv", HugePages.MIN_INPUT_BYTES);
    Path small = sparse("small.csv", HugePages.MIN_INPUT_BYTES - 1);
    Map<String, String> none = Map.of();
    List<String> plain = List.of("-Xmx4g");
    assertTrue(HugePages.wanted(train(large), MADVISE, plain, none, false));
    assertFalse(HugePages.wanted(train(small), MADVISE, plain, none, false));
    assertFalse(HugePages.wanted(train(dir), MADVISE, plain, none, false), "a directory");
    assertFalse(HugePages.wanted(train(dir.resolve("missing.csv")), MADVISE, plain, none,
        false));
    assertFalse(HugePages.wanted(new String[] {"devices"}, MADVISE, plain, none, false));
    // The kernel: always (every process has them), never, or no such file.
    assertFalse(HugePages.wanted(train(large), "[always] madvise never", plain, none, false));
    assertFalse(HugePages.wanted(train(large), "always madvise [never]", plain, none, false));
    assertFalse(HugePages.wanted(train(large), "", plain, none, false));
    // The user's own choice of pages, the second JVM itself, and the switch.
    assertFalse(HugePages.wanted(train(large), MADVISE,
        List.of("-XX:-UseTransparentHugePages"), none, false));
    assertFalse(HugePages.wanted(train(large), MADVISE, List.of("-XX:+UseLargePages"), none,
        false));
    assertFalse(HugePages.wanted(train(large), MADVISE, plain, none, true));
    assertFalse(HugePages.wanted(train(large), MADVISE, plain, Map.of(HugePages.ENV, "0"),
        false));
    assertTrue(HugePages.wanted(train(small), MADVISE, plain, Map.of(HugePages.ENV, "1"),
        false));
    assertTrue(HugePages.wanted(new String[] {"devices"}, MADVISE, plain,
        Map.of(HugePages.ENV, "1"), false));
    assertFalse(HugePages.wanted(train(small), "always madvise [never]", plain,
        Map.of(HugePages.ENV, "1"), false));
    // The switch's other spellings.
    for (String off : new String[] {"off", "false", "No", " 0 "}) {
      assertFalse(HugePages.wanted(train(large), MADVISE, plain, Map.of(HugePages.ENV, off),
          false), off);
    }
    for (String on : new String[] {"on", "TRUE", "yes"}) {
      assertTrue(HugePages.wanted(train(small), MADVISE, plain, Map.of(HugePages.ENV, on),
          false), on);
    }
  }

  /**
   * A command stays in its JVM where a second would mean something else: an agent or an
   * appended boot class path in the options, or a path naming a descriptor above 2 (not
   * inherited: in a second JVM the number names one of its own files, the JDK's modules among
   * them, which a history written to /dev/fd/3 had been appended to).
   */
  @Test
  void descriptorsAgentsAndBootClassPathsKeepTheCommandInItsJvm() {
    String[] plain = {"train", "--data", "big.csv", "--out", "m.json"};
    assertTrue(HugePages.transferable(plain, List.of("-Xmx4g")));
    for (String option : new String[] {"-javaagent:/opt/otel.jar", "-agentlib:jdwp=transport="
        + "dt_socket,server=y,address=5005", "-agentpath:/opt/libasyncProfiler.so=start",
        "-Xrunjdwp:transport=dt_socket", "-Xdebug", "-Xbootclasspath/a:/opt/boot"}) {
      assertFalse(HugePages.transferable(plain, List.of(option)), option);
    }
    for (String path : new String[] {"/dev/fd/3", "/dev/fd/63", "/proc/self/fd/10",
        "/proc/1234/fd/5", "/proc/thread-self/fd/7"}) {
      assertFalse(HugePages.transferable(new String[] {"train", "--data", "big.csv",
          "--history", path}, List.of()), path);
      assertFalse(HugePages.transferable(new String[] {"train", "--data=" + path}, List.of()),
          path);
    }
    for (String path : new String[] {"/dev/fd/1", "/dev/stdout", "/proc/self/fd/2",
        "/dev/fdx/3", "models/fd/3"}) {
      assertTrue(HugePages.transferable(new String[] {"predict", "--out", path}, List.of()),
          path);
    }
  }

  @Test
  void aJvmStartedWithoutOptionsIsToldFromItsCommandLine() {
    Map<String, String> none = Map.of("HOME", "/h");
    assertTrue(HugePages.withoutOptions(List.of("java", "-jar", "target/descent.jar", "train"),
        "target/descent.jar train", none));
    assertTrue(HugePages.withoutOptions(List.of("/usr/bin/java", "io.descent.cli.Main", "x"),
        "io.descent.cli.Main x", none));
    assertTrue(HugePages.withoutOptions(List.of("java", "-jar", "d.jar"), "d.jar", none));
    // Any option, an argument file, a variable that adds options: the JVM is asked instead.
    assertFalse(HugePages.withoutOptions(List.of("java", "-Xmx2g", "-jar", "d.jar"),
        "d.jar", none));
    assertFalse(HugePages.withoutOptions(List.of("java", "-cp", "d.jar", "io.descent.cli.Main"),
        "io.descent.cli.Main", none));
    assertFalse(HugePages.withoutOptions(List.of("java", "@options", "-jar", "d.jar"), "d.jar",
        none));
    for (String variable : HugePages.OPTION_VARIABLES) {
      assertFalse(HugePages.withoutOptions(List.of("java", "-jar", "d.jar"), "d.jar",
          Map.of(variable, "-Xmx1g")), variable);
    }
    // A command line that is not the launcher's (an embedding program): the JVM is asked.
    assertFalse(HugePages.withoutOptions(List.of("tool", "run"), "io.descent.cli.Main run",
        none));
    assertFalse(HugePages.withoutOptions(List.of("java", "-jar", "d.jar"), "d.jarx", none));
    assertFalse(HugePages.withoutOptions(List.of("java", "-jar", "d.jar"), null, none));
    assertFalse(HugePages.withoutOptions(List.of("java"), "x", none));
    // This test's own JVM, started with options: never taken for one without.
    List<String> options = java.lang.management.ManagementFactory.getRuntimeMXBean()
        .getInputArguments();
    assertEquals(options, HugePages.jvmOptions(System.getenv()));
  }

  /** Prints what {@link HugePages#jvmOptions} and the JVM itself say of its options. */
  public static final class OptionsProbe {
    private OptionsProbe() {}

    /** Prints the two lists, a line each. */
    public static void main(String[] args) {
      System.out.println(HugePages.jvmOptions(System.getenv()));
      System.out.println(java.lang.management.ManagementFactory.getRuntimeMXBean()
          .getInputArguments());
    }
  }

  @Test
  void aRealJvmStartedWithoutOptionsHasNoneAndOneWithOptionsKeepsThem() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String probe = OptionsProbe.class.getName();
    for (List<String> command : List.of(List.of(java, probe, "a"),
        List.of(java, "-Xmx300m", "-Dx=1", probe))) {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().put("CLASSPATH", System.getProperty("java.class.path"));
      HugePages.OPTION_VARIABLES.forEach(builder.environment()::remove);
      String out = finish(builder.start());
      List<String> lines = out.lines().toList();
      assertEquals(2, lines.size(), out);
      assertEquals(lines.get(1), lines.get(0), out);
      assertEquals(command.size() == 3 ? "[]" : "[-Xmx300m, -Dx=1]", lines.get(0), out);
    }
  }

  @Test
  void onlyJsonAsksForTheFirstJvmsStart() {
    assertTrue(HugePages.timed(new String[] {"train", "--data", "a.csv", "--json"}));
    assertFalse(HugePages.timed(new String[] {"train", "--data", "a.csv"}));
    assertFalse(HugePages.timed(new String[] {"train", "--", "--json"}));
  }

  @Test
  void theDataFileIsReadFromEitherFormOfTheOption() {
    assertEquals(Optional.of(Path.of("a.csv")), HugePages.dataFile(new String[] {"train",
        "--data", "a.csv"}));
    assertEquals(Optional.of(Path.of("b.csv")), HugePages.dataFile(new String[] {"path",
        "--loss", "linear", "--data=b.csv"}));
    assertEquals(Optional.empty(), HugePages.dataFile(new String[] {"train", "--data"}));
    assertEquals(Optional.empty(), HugePages.dataFile(new String[] {"train", "--", "--data",
        "c.csv"}));
    assertEquals(Optional.empty(), HugePages.dataFile(new String[] {"bench", "--rows", "9"}));
  }

  @Test
  void theSecondJvmKeepsTheOptionsAndAddsThePagesAndTheTunable() {
    List<String> command = HugePages.command("/jdk/bin/java", List.of("-Xmx2g", "-Dx=1"),
        "a.jar", 1234L, new String[] {"train", "--data", "d.csv"});
    assertEquals(List.of("/jdk/bin/java", "-Xmx2g", "-Dx=1", "-XX:+UseTransparentHugePages",
        "-Ddescent.hugePages=true", "-Ddescent.firstStart=1234", "-cp", "a.jar",
        "io.descent.cli.Launcher", "train", "--data", "d.csv"), command);
    assertEquals(List.of("/jdk/bin/java", "-XX:+UseTransparentHugePages",
        "-Ddescent.hugePages=true", "-cp", "a.jar", "io.descent.cli.Launcher", "devices"),
        HugePages.command("/jdk/bin/java", List.of(), "a.jar", -1, new String[] {"devices"}),
        "no start time without --json");

    Map<String, String> env = new HashMap<>(Map.of("JDK_JAVA_OPTIONS", "-Xmx2g",
        "JAVA_TOOL_OPTIONS", "-Dy=2", "_JAVA_OPTIONS", "-Dz=3", "HOME", "/h"));
    HugePages.adjust(env, null);
    assertEquals(Map.of("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1",
        "HOME", "/h"), env);
    Map<String, String> other = new HashMap<>(Map.of("GLIBC_TUNABLES",
        "glibc.malloc.arena_max=2"));
    HugePages.adjust(other, null);
    assertEquals("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1", other.get("GLIBC_TUNABLES"));
    Map<String, String> own = new HashMap<>(Map.of("GLIBC_TUNABLES", "glibc.malloc.hugetlb=0"));
    HugePages.adjust(own, null);
    assertEquals("glibc.malloc.hugetlb=0:glibc.malloc.arena_max=1", own.get("GLIBC_TUNABLES"),
        "the user's setting stays");
    Map<String, String> arenas = new HashMap<>(Map.of("MALLOC_ARENA_MAX", "4"));
    HugePages.adjust(arenas, null);
    assertEquals("glibc.malloc.hugetlb=1", arenas.get("GLIBC_TUNABLES"), "the user's arenas");
  }

  @Test
  void theSecondJvmChainsSignalsWithTheJdksLibrary() {
    Path jsig = Path.of("/jdk/lib/libjsig.so");
    Map<String, String> none = new HashMap<>();
    HugePages.adjust(none, jsig);
    assertEquals("/jdk/lib/libjsig.so", none.get("LD_PRELOAD"));
    Map<String, String> other = new HashMap<>(Map.of("LD_PRELOAD", "/opt/libx.so"));
    HugePages.adjust(other, jsig);
    assertEquals("/opt/libx.so:/jdk/lib/libjsig.so", other.get("LD_PRELOAD"), "added after");
    Map<String, String> own = new HashMap<>(Map.of("LD_PRELOAD", "/other/jdk/lib/libjsig.so"));
    HugePages.adjust(own, jsig);
    assertEquals("/other/jdk/lib/libjsig.so", own.get("LD_PRELOAD"), "never twice");
    Map<String, String> without = new HashMap<>(Map.of("LD_PRELOAD", "/opt/libx.so"));
    HugePages.adjust(without, null);
    assertEquals("/opt/libx.so", without.get("LD_PRELOAD"), "a JDK without it changes nothing");
  }

  /** Runs the command line with {@value HugePages#ENV} set in a new JVM. */
  private static Process descent(String setting, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"),
        "bin", "java").toString(), "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put(HugePages.ENV, setting);
    return builder.start();
  }

  private static String finish(Process p) throws Exception {
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), out);
    return out;
  }

  private static boolean advised() {
    return HugePages.thpMode().contains("[madvise]");
  }

  /**
   * The first JVM only starts the second: it loads neither picocli nor the commands, nor the
   * dataset cache's class (the cache directory comes from a class of its own), nor the process
   * API's description of itself (its {@code java} is its Java home's).
   */
  @Test
  void theFirstJvmLoadsOnlyWhatStartsTheSecond() throws Exception {
    Assumptions.assumeTrue(advised(), "the kernel gives huge pages to every process or none");
    Path log = dir.resolve("classes-%p.txt");
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Xlog:class+load:file=" + log, "-cp", System.getProperty("java.class.path"),
        Launcher.class.getName(), "train", "--data", "datasets/diabetes.csv", "--target",
        "progression", "--loss", "linear", "--out", dir.resolve("first.json").toString());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put(HugePages.ENV, "1");
    builder.environment().put(io.descent.data.CacheDirectory.VARIABLE,
        dir.resolve("cache").toString());
    Process p = builder.start();
    String out = finish(p);
    assertEquals(0, p.exitValue(), out);
    String first = Files.readString(dir.resolve("classes-" + p.pid() + ".txt"));
    assertTrue(first.contains(" io.descent.cli.Launcher "), "the first JVM's own log");
    assertTrue(first.contains(" java.lang.ProcessBuilder "), "it started the second");
    for (String absent : List.of(" picocli.", " io.descent.cli.Main ",
        " io.descent.data.DatasetCache ", " java.lang.ProcessHandleImpl$Info ")) {
      assertFalse(first.contains(absent), absent.strip() + " loaded by the first JVM");
    }
    try (var logs = Files.list(dir)) {
      assertEquals(2, logs.filter(f -> f.getFileName().toString().startsWith("classes-"))
          .count(), "a second JVM ran");
    }
  }

  @Test
  void aFitInTheSecondJvmIsTheFitInOne() throws Exception {
    Path inOne = dir.resolve("one.json");
    Path inTwo = dir.resolve("two.json");
    String[] args = {"train", "--data", "datasets/diabetes.csv", "--target", "progression",
        "--loss", "linear", "--l2", "0.01", "--verbose", "--out"};
    Process one = descent("0", concat(args, inOne.toString()));
    String first = finish(one);
    assertEquals(0, one.exitValue(), first);
    assertFalse(first.contains(LINE), first);
    Process two = descent("1", concat(args, inTwo.toString()));
    String second = finish(two);
    assertEquals(0, two.exitValue(), second);
    // Where the kernel gives huge pages on request the second JVM runs; elsewhere none does.
    assertEquals(advised(), second.contains(LINE), second);
    ObjectMapper json = new ObjectMapper();
    JsonNode a = json.readTree(inOne.toFile());
    JsonNode b = json.readTree(inTwo.toFile());
    assertEquals(a.get("standardizedCoef"), b.get("standardizedCoef"));
    assertEquals(a.get("standardizedIntercept"), b.get("standardizedIntercept"));
  }

  @Test
  void theSecondJvmsErrorIsOneLineAndItsExitCodeIsTheCommands() throws Exception {
    Process p = descent("1", "train", "--data", "datasets/diabetes.csv", "--target", "nope",
        "--loss", "linear");
    String out = finish(p);
    assertEquals(Main.BAD_INPUT, p.exitValue(), out);
    assertEquals(1, out.lines().count(), out);
    assertTrue(out.startsWith("datasets/diabetes.csv:1:"), out);
  }

  @Test
  void sigtermToTheFirstJvmStopsTheSecond() throws Exception {
    stopTheFirst("-TERM");
  }

  /** {@code kill -9} gives the first no chance to stop the second: the second sees it gone. */
  @Test
  void theSecondJvmEndsWhenTheFirstIsKilled() throws Exception {
    stopTheFirst("-KILL");
  }

  private void stopTheFirst(String signal) throws Exception {
    Assumptions.assumeTrue(advised(), "the kernel gives huge pages to every process or none");
    Path fifo = dir.resolve("slow.csv");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    Process p = descent("1", "train", "--data", fifo.toString(), "--target", "y", "--loss",
        "linear", "--backend", "reference", "--out", dir.resolve("m.json").toString());
    // The second JVM opens the pipe and reads the header; then it waits for more rows.
    java.util.concurrent.CompletableFuture<OutputStream> opened =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            OutputStream o = Files.newOutputStream(fifo);
            o.write("a,y\n1,2\n".getBytes(StandardCharsets.UTF_8));
            o.flush();
            return o;
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    try (OutputStream feed = opened.get(60, TimeUnit.SECONDS)) {
      List<ProcessHandle> second = p.descendants().toList();
      assertEquals(1, second.size(), "one second JVM");
      assertEquals(0, new ProcessBuilder("kill", signal, Long.toString(p.pid())).start()
          .waitFor());
      finish(p);
      assertEquals(signal.equals("-TERM") ? 143 : 137, p.exitValue());
      second.get(0).onExit().get(60, TimeUnit.SECONDS);
      assertFalse(second.get(0).isAlive());
    } finally {
      p.destroyForcibly();
    }
    assertFalse(Files.exists(dir.resolve("m.json")));
  }

  private static String[] concat(String[] a, String last) {
    String[] all = java.util.Arrays.copyOf(a, a.length + 1);
    all[a.length] = last;
    return all;
  }
}

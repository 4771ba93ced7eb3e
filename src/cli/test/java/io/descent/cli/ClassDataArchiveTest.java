package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The second JVM's class-data archive: listed by the first run and dumped by a real JVM, mapped
 * by the next run, kept apart per jars and options, never left half made; and a real JVM maps
 * what a real JVM listed and another dumped.
 */
class ClassDataArchiveTest {
  @TempDir
  Path dir;

  /** A jar with these entries (name, bytes) and, where not null, a manifest Class-Path. */
  private Path jar(String name, String classPath, Object... entries) throws IOException {
    Path jar = dir.resolve(name);
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    if (classPath != null) {
      manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
    }
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest)) {
      for (int i = 0; i < entries.length; i += 2) {
        out.putNextEntry(new JarEntry((String) entries[i]));
        out.write((byte[]) entries[i + 1]);
        out.closeEntry();
      }
    }
    return jar;
  }

  /** This test JVM's {@code java}, which dumps the archives. */
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java")
      .toString();

  /** The class list a second JVM would write for {@code archive}. */
  private static Path classList(ClassDataArchive archive) {
    String option = archive.options().get(archive.options().size() - 1);
    assertTrue(option.startsWith("-XX:DumpLoadedClassList="), option);
    return Path.of(option.substring("-XX:DumpLoadedClassList=".length()));
  }

  /** Lists one class, as a second JVM would have: the dump then archives it and the JDK's few. */
  private static void listed(ClassDataArchive archive) throws IOException {
    Files.writeString(classList(archive), "java/lang/Object\n");
  }

  private ClassDataArchive forSecondJvm(Path cache, Path app, List<String> options) {
    return ClassDataArchive.forSecondJvm(cache, "train", JAVA, app.toString(), options);
  }

  @Test
  void theFirstRunMakesTheArchiveAndTheNextMapIt() throws IOException {
    Path lib = jar("lib.jar", null);
    Path app = jar("app.jar", "lib.jar missing.jar");
    Path cache = dir.resolve("cache");
    ClassDataArchive first = forSecondJvm(cache, app, List.of());
    assertNotNull(first);
    assertTrue(first.makes());
    assertTrue(first.options().containsAll(ClassDataArchive.QUIET), first.options().toString());
    Path list = classList(first);
    assertEquals(cache.resolve(ClassDataArchive.DIRECTORY), list.getParent());
    assertEquals(0, Files.size(list), "made before the JVM starts, to prove it can be");
    assertFalse(Files.exists(first.file()));
    List<String> dump = first.dumpCommand();
    assertEquals(JAVA, dump.get(0));
    assertTrue(dump.containsAll(List.of("-Xshare:dump", "-XX:SharedClassListFile=" + list)),
        dump.toString());
    assertEquals(List.of("-cp", app.toString()), dump.subList(dump.size() - 2, dump.size()));

    listed(first);
    first.settle(0);
    assertFalse(Files.exists(list));
    assertTrue(Files.size(first.file()) > 0, "dumped by a real JVM");
    try (var left = Files.list(first.file().getParent())) {
      assertTrue(left.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")),
          "no temporary file left");
    }

    ClassDataArchive next = forSecondJvm(cache, app, List.of());
    assertFalse(next.makes());
    assertEquals(first.file(), next.file());
    assertEquals("-XX:SharedArchiveFile=" + first.file(),
        next.options().get(next.options().size() - 1));

    // A jar the manifest names changes: another archive; so do other JVM options.
    Files.setLastModifiedTime(lib, FileTime.fromMillis(Files.getLastModifiedTime(lib).toMillis()
        - 60_000));
    ClassDataArchive changed = forSecondJvm(cache, app, List.of());
    assertTrue(changed.makes());
    assertNotEquals(first.file(), changed.file());
    ClassDataArchive options = forSecondJvm(cache, app, List.of("-Xmx2g"));
    assertNotEquals(changed.file(), options.file());
    assertTrue(options.dumpCommand().contains("-Xmx2g"), "dumped with the JVM's own options");
    // Each subcommand its own: one made by --version held too few of train's classes.
    ClassDataArchive version = ClassDataArchive.forSecondJvm(cache, "--version", JAVA,
        app.toString(), List.of());
    assertTrue(version.makes());
    assertNotEquals(changed.file(), version.file());
  }

  /**
   * An archive cut short (a full disk, another program) is never mapped, which crashed every
   * later second JVM with SIGBUS, nor one whose start changed (a damaged header, which the JDK
   * refused without a word while the command said it mapped it): its record says its size and
   * the checksum of its start as made; the next run makes it again. One without a record is not
   * trusted either.
   */
  @Test
  void anArchiveNotAsItWasMadeIsMadeAgain() throws IOException {
    Path app = jar("app.jar", null);
    Path cache = dir.resolve("cache");
    ClassDataArchive first = forSecondJvm(cache, app, List.of());
    listed(first);
    first.settle(0);
    Path file = first.file();
    assertTrue(Files.readString(ClassDataArchive.sizeFile(file))
        .startsWith(Files.size(file) + " "));
    assertFalse(forSecondJvm(cache, app, List.of()).makes());
    file.toFile().setWritable(true);
    byte[] made = Files.readAllBytes(file);
    byte[] damaged = made.clone();
    java.util.Arrays.fill(damaged, 0, 64, (byte) 0);
    Files.write(file, damaged);
    assertTrue(forSecondJvm(cache, app, List.of()).makes(), "its header damaged, same size");
    Files.write(file, made);
    Files.writeString(ClassDataArchive.sizeFile(file), ClassDataArchive.record(file));
    Files.writeString(file, "a whole");
    ClassDataArchive cut = forSecondJvm(cache, app, List.of());
    assertTrue(cut.makes(), "cut short: made again");
    assertFalse(Files.exists(file));
    cut.settle(1);
    Files.writeString(file, "an archive of nobody's making");
    assertTrue(forSecondJvm(cache, app, List.of()).makes(), "no size file");
  }

  @Test
  void aFailedRunLeavesNoArchive() throws IOException {
    Path app = jar("app.jar", null);
    Path cache = dir.resolve("cache");
    ClassDataArchive run = forSecondJvm(cache, app, List.of());
    Path list = classList(run);
    listed(run);
    run.settle(1);
    assertFalse(Files.exists(list));
    assertFalse(Files.exists(run.file()));
    run.settle(0); // no list: nothing to dump
    assertFalse(Files.exists(run.file()));
    ClassDataArchive empty = forSecondJvm(cache, app, List.of());
    empty.settle(0); // the JVM listed nothing into the file made for it
    assertFalse(Files.exists(classList(empty)));
    assertFalse(Files.exists(empty.file()));
    // A record that cannot be put in place (a directory where it goes) leaves nothing either.
    ClassDataArchive blocked = forSecondJvm(cache, app, List.of("-Xmx1g"));
    Path record = ClassDataArchive.sizeFile(blocked.file());
    Files.createDirectories(record.resolve("inside"));
    listed(blocked);
    blocked.settle(0);
    assertFalse(Files.exists(blocked.file()));
    Files.delete(record.resolve("inside"));
    Files.delete(record);
    // A dump that fails (here an option its JVM refuses) leaves nothing either.
    ClassDataArchive refused = forSecondJvm(cache, app, List.of("-XX:+NoSuchOption"));
    listed(refused);
    refused.settle(0);
    assertFalse(Files.exists(refused.file()));
    try (var left = Files.list(refused.file().getParent())) {
      assertEquals(List.of(), left.toList());
    }
  }

  @Test
  void noArchiveWhereTheJvmCouldNotUseOneOrTheOptionsChoose() throws IOException {
    Path app = jar("app.jar", null);
    Path cache = dir.resolve("cache");
    Path classes = Files.createDirectories(dir.resolve("classes"));
    assertNull(ClassDataArchive.forSecondJvm(cache, "train", JAVA,
        app + java.io.File.pathSeparator + classes, List.of()), "a directory on the class path");
    assertNull(ClassDataArchive.forSecondJvm(cache, "train", JAVA,
        dir.resolve("gone.jar").toString(), List.of()), "a missing jar");
    for (String option : List.of("-Xshare:off", "-XX:SharedArchiveFile=/x.jsa",
        "-XX:DumpLoadedClassList=/x.classlist", "-XX:SharedClassListFile=/x.classlist")) {
      assertNull(forSecondJvm(cache, app, List.of(option)), option);
    }
    Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
    assertNull(forSecondJvm(file, app, List.of()), "a cache directory that cannot be made");
  }

  /**
   * With an agent the JDK dumps no archive (a dynamic dump exited with 1 before the program ran,
   * what a {@code train} of a large file under a profiler or a monitoring agent did): no archive
   * then, and the program runs.
   */
  @Test
  void aJvmWithAnAgentGetsNoArchiveAndRuns() throws Exception {
    Path source = dir.resolve("Agent.java");
    Files.writeString(source, "public class Agent { public static void premain(String a) { } }");
    assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d",
        dir.toString(), source.toString()));
    Path agent = dir.resolve("agent.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"), "Agent");
    try (OutputStream file = Files.newOutputStream(agent);
        JarOutputStream out = new JarOutputStream(file, manifest)) {
      out.putNextEntry(new JarEntry("Agent.class"));
      out.write(Files.readAllBytes(dir.resolve("Agent.class")));
      out.closeEntry();
    }
    Path app = helloJar();
    Path cache = dir.resolve("cache");
    for (String option : List.of("-javaagent:" + agent,
        "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0",
        "-agentpath:/opt/profiler/libprofiler.so=start", "-Xrunjdwp:transport=dt_socket")) {
      assertNull(forSecondJvm(cache, app, List.of(option)), option);
    }
    // What the agent's option does to a dump, and to the program without one.
    ClassDataArchive plain = forSecondJvm(cache, app, List.of());
    List<String> dumping = new ArrayList<>(plain.dumpCommand());
    dumping.add(1, "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=127.0.0.1:0");
    Process p = new ProcessBuilder(dumping).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertNotEquals(0, p.exitValue(), "the JDK refuses to dump with an agent");
    plain.settle(1);
    assertEquals("hello", java(List.of("-javaagent:" + agent), app).strip());
  }

  /** A dump whose first JVM no longer runs (killed) is deleted; a running one's stays. */
  @Test
  void anAbandonedDumpIsDeleted() throws Exception {
    Path app = jar("app.jar", null);
    Path cache = dir.resolve("cache");
    Path cds = Files.createDirectories(cache.resolve(ClassDataArchive.DIRECTORY));
    Process done = new ProcessBuilder("true").start();
    done.waitFor();
    Path abandoned = Files.writeString(cds.resolve(".descent-0badc0de." + done.pid() + ".tmp"),
        "half");
    Path abandonedList = Files.writeString(cds.resolve(".descent-0badc0de." + done.pid()
        + ".classes.tmp"), "java/lang/Object");
    Path abandonedRecord = Files.writeString(cds.resolve(".descent-0badc0de." + done.pid()
        + ".size.tmp"), "15 0");
    Path running = Files.writeString(cds.resolve(".descent-0badc0de."
        + ProcessHandle.current().pid() + ".tmp"), "being written");
    Path other = Files.writeString(cds.resolve(".descent-notes.tmp"), "not a dump");
    forSecondJvm(cache, app, List.of());
    assertFalse(Files.exists(abandoned));
    assertFalse(Files.exists(abandonedList));
    assertFalse(Files.exists(abandonedRecord));
    assertTrue(Files.exists(running));
    assertTrue(Files.exists(other));
  }

  /** The archives used last stay; making one removes the rest. */
  @Test
  void theDirectoryKeepsTheArchivesUsedLast() throws IOException {
    Path app = jar("app.jar", null);
    Path cache = dir.resolve("cache");
    long now = System.currentTimeMillis();
    ClassDataArchive made = forSecondJvm(cache, app, List.of());
    listed(made);
    made.settle(0);
    Path used = made.file();
    Files.setLastModifiedTime(used, FileTime.fromMillis(now - 86_400_000L));
    Path cds = used.getParent();
    List<Path> old = new ArrayList<>();
    for (int i = 0; i < ClassDataArchive.KEPT + 2; i++) {
      Path a = Files.writeString(cds.resolve("descent-0000000" + i + ".jsa"), "archive " + i);
      Files.setLastModifiedTime(a, FileTime.fromMillis(now - 3_600_000L * (i + 1)));
      old.add(a);
    }
    Path other = Files.writeString(cds.resolve("notes.txt"), "not an archive");
    Files.setLastModifiedTime(other, FileTime.fromMillis(now - 86_400_000L));
    // Mapping the oldest archive renews it.
    ClassDataArchive mapped = forSecondJvm(cache, app, List.of());
    assertFalse(mapped.makes());
    assertEquals(used, mapped.file());
    assertTrue(Files.getLastModifiedTime(used).toMillis() >= now - 60_000L);
    // Another archive made: it and the KEPT - 1 used last stay.
    ClassDataArchive other2 = forSecondJvm(cache, app, List.of("-Xmx1g"));
    listed(other2);
    other2.settle(0);
    assertTrue(Files.exists(other2.file()));
    assertTrue(Files.exists(used), "renewed by its use");
    for (int i = 0; i < old.size(); i++) {
      assertEquals(i < ClassDataArchive.KEPT - 2, Files.exists(old.get(i)), old.get(i).toString());
    }
    assertTrue(Files.exists(other), "only archives are removed");
  }

  /**
   * A real JVM lists its classes, a real dump archives them, and the next real JVM loads its
   * class from the archive; so does a class compiled for Java 5 (as picocli's are), which the
   * JDK's dynamic archive left out.
   */
  @Test
  void aRealJvmMapsTheArchiveARealJvmMade() throws Exception {
    Path app = helloJar();
    Path cache = dir.resolve("cache");

    ClassDataArchive first = forSecondJvm(cache, app, List.of());
    String out = java(first, app);
    assertEquals("hello", out.strip(), "nothing but the program's own output");
    assertTrue(Files.readString(classList(first)).contains("Hello"));
    first.settle(0);
    assertTrue(Files.size(first.file()) > 0);

    ClassDataArchive next = forSecondJvm(cache, app, List.of());
    assertFalse(next.makes());
    List<String> options = new ArrayList<>(next.options());
    options.add("-Xlog:class+load=info");
    String loaded = java(options, app);
    assertTrue(loaded.lines().anyMatch(l -> l.contains(" Hello source: shared objects file")),
        loaded);
    assertTrue(loaded.lines().anyMatch(l -> l.contains(" Old source: shared objects file")),
        loaded);
  }

  /**
   * A jar of a program that prints "hello", with a class {@code Old} that it loads, compiled as
   * Java 17 compiles and then marked class file version 49 (Java 5), as picocli's classes are.
   */
  private Path helloJar() throws IOException {
    Path source = dir.resolve("Hello.java");
    Files.writeString(source, "public class Hello { public static void main(String[] a) {"
        + " System.out.println(Old.greeting()); } }");
    Path old = dir.resolve("Old.java");
    Files.writeString(old, "public class Old { static String greeting() { return \"hello\"; } }");
    assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "8",
        "-d", dir.toString(), source.toString(), old.toString()));
    byte[] oldClass = Files.readAllBytes(dir.resolve("Old.class"));
    // Version 52 (Java 8) to 49: its methods have no branches, so it needs no stack map frames,
    // and the old verifier checks it as it would picocli's.
    assertEquals(52, oldClass[7]);
    oldClass[7] = 49;
    return jar("hello.jar", null, "Hello.class", Files.readAllBytes(dir.resolve("Hello.class")),
        "Old.class", oldClass);
  }

  private static int exitCode(List<String> options, Path app) throws Exception {
    return run(options, app).code();
  }

  private static String java(ClassDataArchive archive, Path app) throws Exception {
    return java(archive.options(), app);
  }

  private static String java(List<String> options, Path app) throws Exception {
    Run r = run(options, app);
    assertEquals(0, r.code(), r.out());
    return r.out();
  }

  private record Run(int code, String out) {}

  /** A real JVM with these options running the jar's Hello: its exit code and output. */
  private static Run run(List<String> options, Path app) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"),
        "bin", "java").toString()));
    command.addAll(options);
    command.addAll(List.of("-cp", app.toString(), "Hello"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Run(p.exitValue(), out);
  }
}

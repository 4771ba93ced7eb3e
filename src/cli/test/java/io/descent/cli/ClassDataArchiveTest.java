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
 * The second JVM's class-data archive: made by the first run, mapped by the next, kept apart per
 * jars and options, never left half made; and a real JVM maps what a real JVM dumped.
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

  private static String dumpPath(ClassDataArchive archive) {
    String option = archive.options().get(archive.options().size() - 1);
    assertTrue(option.startsWith("-XX:ArchiveClassesAtExit="), option);
    return option.substring("-XX:ArchiveClassesAtExit=".length());
  }

  @Test
  void theFirstRunMakesTheArchiveAndTheNextMapIt() throws IOException {
    Path lib = jar("lib.jar", null);
    Path app = jar("app.jar", "lib.jar missing.jar");
    Path cache = dir.resolve("cache");
    ClassDataArchive first = ClassDataArchive.forSecondJvm(cache, app.toString(), List.of());
    assertNotNull(first);
    assertTrue(first.makes());
    assertTrue(first.options().containsAll(ClassDataArchive.QUIET), first.options().toString());
    Path dump = Path.of(dumpPath(first));
    assertEquals(cache.resolve(ClassDataArchive.DIRECTORY), dump.getParent());
    assertEquals(0, Files.size(dump), "made before the JVM starts, to prove it can be");
    assertFalse(Files.exists(first.file()));

    Files.writeString(dump, "an archive");
    first.settle(0);
    assertFalse(Files.exists(dump));
    assertEquals("an archive", Files.readString(first.file()));

    ClassDataArchive next = ClassDataArchive.forSecondJvm(cache, app.toString(), List.of());
    assertFalse(next.makes());
    assertEquals(first.file(), next.file());
    assertEquals("-XX:SharedArchiveFile=" + first.file(),
        next.options().get(next.options().size() - 1));

    // A jar the manifest names changes: another archive; so do other JVM options.
    Files.setLastModifiedTime(lib, FileTime.fromMillis(Files.getLastModifiedTime(lib).toMillis()
        - 60_000));
    ClassDataArchive changed = ClassDataArchive.forSecondJvm(cache, app.toString(), List.of());
    assertTrue(changed.makes());
    assertNotEquals(first.file(), changed.file());
    ClassDataArchive options = ClassDataArchive.forSecondJvm(cache, app.toString(),
        List.of("-Xmx2g"));
    assertNotEquals(changed.file(), options.file());
  }

  @Test
  void aFailedRunLeavesNoArchive() throws IOException {
    Path app = jar("app.jar", null);
    Path cache = dir.resolve("cache");
    ClassDataArchive run = ClassDataArchive.forSecondJvm(cache, app.toString(), List.of());
    Path dump = Path.of(dumpPath(run));
    Files.writeString(dump, "half an archive");
    run.settle(1);
    assertFalse(Files.exists(dump));
    assertFalse(Files.exists(run.file()));
    run.settle(0); // no dump: nothing to move
    assertFalse(Files.exists(run.file()));
    ClassDataArchive empty = ClassDataArchive.forSecondJvm(cache, app.toString(), List.of());
    empty.settle(0); // the JVM wrote nothing into the file made for it
    assertFalse(Files.exists(Path.of(dumpPath(empty))));
    assertFalse(Files.exists(empty.file()));
  }

  @Test
  void noArchiveWhereTheJvmCouldNotUseOneOrTheOptionsChoose() throws IOException {
    Path app = jar("app.jar", null);
    Path cache = dir.resolve("cache");
    Path classes = Files.createDirectories(dir.resolve("classes"));
    assertNull(ClassDataArchive.forSecondJvm(cache, app + java.io.File.pathSeparator + classes,
        List.of()), "a directory on the class path");
    assertNull(ClassDataArchive.forSecondJvm(cache, dir.resolve("gone.jar").toString(),
        List.of()), "a missing jar");
    assertNull(ClassDataArchive.forSecondJvm(cache, app.toString(), List.of("-Xshare:off")));
    assertNull(ClassDataArchive.forSecondJvm(cache, app.toString(),
        List.of("-XX:SharedArchiveFile=/x.jsa")));
    Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
    assertNull(ClassDataArchive.forSecondJvm(file, app.toString(), List.of()),
        "a cache directory that cannot be made");
  }

  /** A real JVM dumps the archive as it exits, and the next real JVM loads its class from it. */
  @Test
  void aRealJvmMapsTheArchiveARealJvmMade() throws Exception {
    Path source = dir.resolve("Hello.java");
    Files.writeString(source, "public class Hello { public static void main(String[] a) {"
        + " System.out.println(\"hello\"); } }");
    assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d",
        dir.toString(), source.toString()));
    Path app = jar("hello.jar", null, "Hello.class",
        Files.readAllBytes(dir.resolve("Hello.class")));
    Path cache = dir.resolve("cache");

    ClassDataArchive first = ClassDataArchive.forSecondJvm(cache, app.toString(), List.of());
    String out = java(first, app);
    assertEquals("hello", out.strip(), "nothing but the program's own output");
    first.settle(0);
    assertTrue(Files.size(first.file()) > 0);

    ClassDataArchive next = ClassDataArchive.forSecondJvm(cache, app.toString(), List.of());
    assertFalse(next.makes());
    List<String> options = new ArrayList<>(next.options());
    options.add("-Xlog:class+load=info");
    String loaded = java(options, app);
    assertTrue(loaded.lines().anyMatch(l -> l.contains(" Hello source: shared objects file")),
        loaded);
  }

  private static String java(ClassDataArchive archive, Path app) throws Exception {
    return java(archive.options(), app);
  }

  private static String java(List<String> options, Path app) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"),
        "bin", "java").toString()));
    command.addAll(options);
    command.addAll(List.of("-cp", app.toString(), "Hello"));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}

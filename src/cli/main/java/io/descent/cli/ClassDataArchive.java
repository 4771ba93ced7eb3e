package io.descent.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.zip.CRC32C;

/**
 * The second JVM's archive of its classes (the JDK's class-data sharing, a static archive): the
 * classes a command loads, parsed, verified and laid out once, then mapped into every later
 * second JVM instead of read from the jars again.
 *
 * <p>Why: the second JVM (see {@link HugePages}) spent about 0.35 s of a 1M x 64 {@code train}
 * loading some 2,000 classes before the first row was read. Its options are the command's own to
 * choose, so the command keeps an archive for them: where none exists yet the second JVM lists
 * the classes it loads ({@code -XX:DumpLoadedClassList}) and, once it has exited with 0, the
 * first dumps them into an archive ({@code -Xshare:dump}, about 2 s on a 2-core machine,
 * waited for); every later second JVM maps it ({@code -XX:SharedArchiveFile}).
 *
 * <p>Why a static archive: JDK 17's dynamic archive ({@code -XX:ArchiveClassesAtExit}, on top
 * of the JDK's own) leaves out every class compiled for Java 5 or older, and picocli's are
 * (class file version 49): its 172 classes were read from its jar by every command, 35 to 45 ms
 * of a {@code train}'s start ({@code train --bogus}, 10 runs of each archive in turn, 2-core AMD
 * EPYC); a static dump archives most of them (the JDK skips the few it had to link while
 * dumping).
 *
 * <p>Which: one archive per subcommand, JVM, its options and the exact jars, named by a CRC-32C
 * of the subcommand (each loads classes of its own: a {@code train} mapping the archive that a
 * {@code --version} had made still read 803 classes from the jars, 52 with its own), the Java
 * home, the JVM's version, the first JVM's options and every jar's path, size and modification
 * time (the command's jars and those their manifests name), under {@code cds/} in the cache
 * directory ({@link io.descent.data.CacheDirectory#of()}): a new build or another
 * JDK makes its own. The JVM itself checks an archive against the jars before it maps one and
 * ignores one that does not match; CDS's messages are silenced ({@link #QUIET}), and the dump's
 * output is discarded, so that nothing is added to a command's output. The archive is written
 * under a temporary name and moved into place only once the dump exits with 0, so concurrent
 * commands never map half an archive.
 *
 * <p>When not: the class path holds anything but jar files (CDS archives classes from jars only),
 * the JVM's options already choose class-data sharing ({@code -Xshare}, an archive of their own)
 * or load an agent ({@link #AGENTS}: the JDK dumps no archive then), or the cache directory
 * cannot be made; and no archive is made where its temporary files cannot be created or the disk
 * has less than {@link #MIN_FREE_BYTES} free.
 *
 * <p>How many: the directory keeps the {@link #KEPT} archives used last; making one removes the
 * others ({@link #prune}).
 */
final class ClassDataArchive {
  /** The directory under the cache directory: {@value}. */
  static final String DIRECTORY = "cds";
  /** The least free space, {@value} bytes (1 GiB), under which no archive (about 20 MB) is made. */
  static final long MIN_FREE_BYTES = 1L << 30;
  /**
   * The starts of the JVM options that load an agent (a profiler, a debugger, a monitoring
   * agent), with which the JDK refuses to dump an archive (a dynamic dump printed "Error
   * occurred during CDS dumping" and exited with 1 before the command ran).
   */
  static final List<String> AGENTS = List.of("-javaagent:", "-agentlib:", "-agentpath:",
      "-Xrun");
  /**
   * How many archives the directory keeps, {@value}: each command, build, JDK or set of JVM
   * options makes its own (about 20 MB), so the one made last removes all but the most recently
   * used.
   */
  static final int KEPT = 8;
  /** The JVM options that keep CDS's own messages off the command's output. */
  static final List<String> QUIET = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");
  /** The longest the first JVM waits for a dump, {@value} seconds (one took about 2 s). */
  static final long DUMP_SECONDS = 120;

  private final Path archive;
  /** Where this run's dump writes the archive, or null when it maps {@link #archive}. */
  private final Path dump;
  /** Where the second JVM lists the classes it loads, or null when it maps the archive. */
  private final Path classList;
  /** Where the dump's record is written before it is moved beside the archive, or null. */
  private final Path recordTemporary;
  /** The command that dumps the listed classes into {@link #dump}, or null. */
  private final List<String> dumpCommand;

  private ClassDataArchive(Path archive, Path dump, Path classList, Path recordTemporary,
      List<String> dumpCommand) {
    this.archive = archive;
    this.dump = dump;
    this.classList = classList;
    this.recordTemporary = recordTemporary;
    this.dumpCommand = dumpCommand;
  }

  /**
   * The archive for a second JVM of this class path and these options (the first JVM's), or null
   * where none applies (see the class comment).
   *
   * @param cacheDirectory the cache directory; {@link #DIRECTORY} is made under it
   * @param subcommand the command line's first argument (the subcommand), whose classes the
   *     archive holds
   * @param java the {@code java} executable that dumps the archive where it must be made
   * @param classPath the class path, as {@code java.class.path} gives it
   * @param jvmOptions the first JVM's options
   */
  static ClassDataArchive forSecondJvm(Path cacheDirectory, String subcommand, String java,
      String classPath, List<String> jvmOptions) {
    if (!System.getProperty("java.vm.info", "").contains("sharing")) {
      // No base archive mapped (a jlink image without one, -XX:-UseCompressedClassPointers):
      // the JDK can neither dump nor map a dynamic archive on top of it, and exits with 1.
      return null;
    }
    for (String option : jvmOptions) {
      if (option.startsWith("-Xshare") || option.contains("SharedArchiveFile")
          || option.contains("ArchiveClassesAtExit") || option.contains("UseSharedSpaces")
          || option.contains("DumpLoadedClassList") || option.contains("SharedClassListFile")
          || AGENTS.stream().anyMatch(option::startsWith)) {
        return null;
      }
    }
    StringBuilder key = new StringBuilder();
    key.append(subcommand).append('\n').append(System.getProperty("java.home")).append('\n')
        .append(System.getProperty("java.vm.version")).append('\n')
        .append(String.join(" ", jvmOptions)).append('\n');
    try {
      for (Path jar : jars(classPath)) {
        key.append(jar).append(' ').append(Files.size(jar)).append(' ')
            .append(Files.getLastModifiedTime(jar).toMillis()).append('\n');
      }
      Path directory = cacheDirectory.resolve(DIRECTORY);
      Files.createDirectories(directory);
      removeAbandonedDumps(directory);
      CRC32C crc = new CRC32C();
      crc.update(key.toString().getBytes(StandardCharsets.UTF_8));
      String hex = Long.toHexString(crc.getValue());
      String name = "descent-" + "0".repeat(8 - hex.length()) + hex;
      Path archive = directory.resolve(name + ".jsa");
      if (Files.isRegularFile(archive)) {
        if (whole(archive)) {
          // Used now: the last archives to be removed (see settle).
          Files.setLastModifiedTime(archive, FileTime.fromMillis(System.currentTimeMillis()));
          return new ClassDataArchive(archive, null, null, null, null);
        }
        // Cut short or changed since it was made: a JVM mapping it would crash (SIGBUS).
        Files.deleteIfExists(archive);
        Files.deleteIfExists(sizeFile(archive));
      }
      // Dump only where the files can be made now and the disk has room to spare.
      if (Files.getFileStore(directory).getUsableSpace() < MIN_FREE_BYTES) {
        return null;
      }
      String temporary = "." + name + "." + ProcessHandle.current().pid();
      Path dump = directory.resolve(temporary + ".tmp");
      Path classList = directory.resolve(temporary + ".classes.tmp");
      Files.deleteIfExists(dump);
      Files.deleteIfExists(classList);
      Files.createFile(classList);
      List<String> command = new ArrayList<>();
      command.add(java);
      command.addAll(jvmOptions);
      command.addAll(QUIET);
      command.addAll(List.of("-Xshare:dump", "-XX:SharedClassListFile=" + classList,
          "-XX:SharedArchiveFile=" + dump, "-cp", classPath));
      return new ClassDataArchive(archive, dump, classList,
          directory.resolve(temporary + ".size.tmp"), List.copyOf(command));
    } catch (IOException | RuntimeException e) {
      return null; // not jars only, a jar gone, no cache directory: no archive
    }
  }

  /**
   * The class path's jars and, after each, the jars its manifest's {@code Class-Path} names (those
   * that exist), as absolute paths.
   *
   * @throws IOException when an entry is not a jar file
   */
  static List<Path> jars(String classPath) throws IOException {
    List<Path> jars = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      Path jar = Path.of(entry).toAbsolutePath().normalize();
      if (!Files.isRegularFile(jar) || !entry.endsWith(".jar")) {
        throw new IOException(entry + " is not a jar file");
      }
      jars.add(jar);
      try (JarFile file = new JarFile(jar.toFile())) {
        java.util.jar.Manifest manifest = file.getManifest();
        String more = manifest == null ? null
            : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        if (more != null) {
          for (String name : words(more)) {
            Path other = jar.resolveSibling(name).normalize();
            if (!name.isEmpty() && Files.isRegularFile(other)) {
              jars.add(other);
            }
          }
        }
      }
    }
    return jars;
  }

  /** The words of a manifest's {@code Class-Path}, split at white space. */
  private static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    java.util.StringTokenizer tokens = new java.util.StringTokenizer(text);
    while (tokens.hasMoreTokens()) {
      words.add(tokens.nextToken());
    }
    return words;
  }

  /** The options that make the second JVM map the archive, or list the classes it loads. */
  List<String> options() {
    List<String> options = new ArrayList<>(QUIET);
    options.add(dump == null ? "-XX:SharedArchiveFile=" + archive
        : "-XX:DumpLoadedClassList=" + classList);
    return options;
  }

  /** The command that dumps the listed classes into the archive's temporary file. */
  List<String> dumpCommand() {
    return dumpCommand;
  }

  /** Whether this run makes the archive (rather than maps it). */
  boolean makes() {
    return dump != null;
  }

  /** The archive's file. */
  Path file() {
    return archive;
  }

  /**
   * After the second JVM exited with {@code exitCode}: where it listed its classes and exited
   * with 0, dumps them ({@link #dumpCommand}, waited for at most {@value #DUMP_SECONDS} s) and
   * moves a dump that exited with 0 into place; deletes the list and any other dump. Failures
   * leave no archive, never a broken one.
   */
  void settle(int exitCode) {
    if (dump == null) {
      return;
    }
    try {
      if (exitCode == 0 && Files.isRegularFile(classList) && Files.size(classList) > 0
          && dumped()) {
        // Its record first, then the archive: an archive without its record is never mapped.
        Files.writeString(recordTemporary, record(dump));
        Files.move(recordTemporary, sizeFile(archive), StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
        Files.move(dump, archive, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
        prune(archive.getParent(), KEPT);
      }
    } catch (IOException e) {
      // no archive: the next second JVM lists its classes again
    } finally {
      deleteQuietly(dump);
      deleteQuietly(classList);
      deleteQuietly(recordTemporary);
    }
  }

  /** Runs the dump; whether it exited with 0 and wrote the archive. */
  private boolean dumped() throws IOException {
    ProcessBuilder builder = new ProcessBuilder(dumpCommand()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    // The options these variables add are on the command line already (see HugePages.adjust).
    builder.environment().keySet().removeAll(HugePages.OPTION_VARIABLES);
    Process p = builder.start();
    // A first JVM stopped while it waits stops the dump too (its archive is only a temporary).
    Thread stop = new Thread(p::destroy, "descent-class-archive-dump");
    Runtime.getRuntime().addShutdownHook(stop);
    try {
      if (!p.waitFor(DUMP_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0 && Files.isRegularFile(dump) && Files.size(dump) > 0;
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      return false;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stop);
      } catch (IllegalStateException e) {
        // shutting down already: the hook runs
      }
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a temporary file left behind costs disk space, never a wrong archive
    }
  }

  /**
   * Deletes the dumps, class lists and records ({@code .descent-CRC.PID.tmp}, {@code
   * .descent-CRC.PID.classes.tmp}, {@code .descent-CRC.PID.size.tmp}) whose first JVM, PID, no
   * longer runs: one whose command was killed ({@code kill -9}) before it could settle its dump.
   */
  static void removeAbandonedDumps(Path directory) throws IOException {
    try (java.nio.file.DirectoryStream<Path> dumps = Files.newDirectoryStream(directory,
        ".descent-*.tmp")) {
      for (Path dump : dumps) {
        String[] parts = dump.getFileName().toString().split("\\.");
        // "", "descent-CRC", "PID", ["classes" or "size",] "tmp"
        if (parts.length == 4
            || parts.length == 5 && List.of("classes", "size").contains(parts[3])) {
          try {
            if (ProcessHandle.of(Long.parseLong(parts[2])).isEmpty()) {
              Files.deleteIfExists(dump);
            }
          } catch (NumberFormatException e) {
            // not ours
          }
        }
      }
    }
  }

  /**
   * The file beside an archive that records it as it was made: its size in bytes and the
   * CRC-32C of its first {@link #CHECKED_BYTES} bytes (the JDK's header and more), in hex.
   */
  static Path sizeFile(Path archive) {
    String name = archive.getFileName().toString();
    return archive.resolveSibling(name.substring(0, name.length() - ".jsa".length()) + ".size");
  }

  /**
   * How many bytes at an archive's start its record covers: {@value}. Enough for the JDK's
   * header, whose damage made the JDK refuse the archive without a word (CDS's messages are
   * off) while the command said it mapped it; a whole archive's checksum took about 15 ms of
   * every first JVM.
   */
  static final int CHECKED_BYTES = 1 << 16;

  /** The record of an archive: its size, a space, the checksum of its start. */
  static String record(Path archive) throws IOException {
    CRC32C crc = new CRC32C();
    try (java.io.InputStream in = Files.newInputStream(archive)) {
      crc.update(in.readNBytes(CHECKED_BYTES));
    }
    return Files.size(archive) + " " + Long.toHexString(crc.getValue());
  }

  /** Whether an archive is as its record says it was made (size and the checksum of its start). */
  static boolean whole(Path archive) {
    try {
      return Files.readString(sizeFile(archive)).strip().equals(record(archive));
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Removes all but the {@code kept} most recently used archives ({@code descent-*.jsa}, by
   * modification time, which mapping one renews) of {@code directory}. A JVM that maps a removed
   * archive keeps its mapping; the next one makes the archive again.
   */
  static void prune(Path directory, int kept) throws IOException {
    List<Path> archives = new ArrayList<>();
    try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(directory,
        "descent-*.jsa")) {
      files.forEach(archives::add);
    }
    if (archives.size() <= kept) {
      return;
    }
    java.util.Map<Path, Long> used = new java.util.HashMap<>();
    for (Path archive : archives) {
      try {
        used.put(archive, Files.getLastModifiedTime(archive).toMillis());
      } catch (IOException e) {
        used.put(archive, Long.MAX_VALUE); // gone or unreadable now: not ours to judge
      }
    }
    archives.sort(java.util.Comparator.comparing(used::get).reversed());
    for (Path old : archives.subList(kept, archives.size())) {
      Files.deleteIfExists(old);
      Files.deleteIfExists(sizeFile(old));
    }
  }
}

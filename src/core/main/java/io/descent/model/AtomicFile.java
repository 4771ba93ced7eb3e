package io.descent.model;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a text file so that readers see either the old file or the complete new one, never a
 * partial write: the content goes to a temporary file in the destination's directory (same file
 * system, so the rename is atomic), is forced to disk, and is then moved over the destination.
 * On any failure the temporary file is deleted and the destination is left as it was.
 *
 * <p>The same holds when the JVM exits during a write (Ctrl-C, SIGTERM, {@code System.exit} from
 * another thread): a shutdown hook, registered with the first write, deletes the temporary files
 * of every write in progress ({@link #abandonAll}), and those writes never move into place; a
 * writing thread that reaches the move then waits for the JVM to halt. A write counts as done
 * once its move has happened: an exit after that leaves the new file in place.
 *
 * <p>Where the destination is a symbolic link, the file at the end of its links is replaced (the
 * temporary file goes beside that file, and the link stays a link). A device or a named pipe
 * ({@code /dev/null}, a FIFO) is written directly, without a temporary file: it cannot be
 * replaced, only written. A directory is refused.
 *
 * <p>Temporary files are named {@code .NAME.PID.RANDOM.tmp}, with the writer's process id. A
 * writer killed without its shutdown hook ({@code kill -9}) leaves its temporary file; the next
 * write to the same destination deletes those of processes that no longer run.
 *
 * <p>Failures name the destination: {@code out.json: No space left on device (nothing
 * written)}.
 */
public final class AtomicFile {
  private static final Object LOCK = new Object();
  /** As Linux's limit on the links followed in resolving one path. */
  private static final int MAX_LINKS = 40;
  /** After {@code .NAME.}: the writer's process id and a random number. */
  private static final Pattern TEMP_SUFFIX = Pattern.compile("([0-9]+)\\.[0-9a-f]+\\.tmp");
  /** Temporary files of the writes in progress. Guarded by LOCK. */
  private static final Set<Path> IN_PROGRESS = new LinkedHashSet<>();
  /** Whether the writes in progress were abandoned: the JVM is exiting. Guarded by LOCK. */
  private static boolean abandoned;
  /** Whether the shutdown hook is registered. Guarded by LOCK. */
  private static boolean hooked;
  /**
   * The targets whose writes moved into place, as their writers named them, the latest {@value
   * #DONE_KEPT}. Guarded by LOCK.
   */
  private static final Set<Path> DONE = new LinkedHashSet<>();
  /** How many targets {@link #DONE} keeps (a long-running JVM writes without end). */
  private static final int DONE_KEPT = 64;

  /** Produces the content of a file. */
  @FunctionalInterface
  public interface Content {
    /** Writes the whole content; the writer is buffered and need not be flushed or closed. */
    void writeTo(Writer out) throws IOException;
  }

  private AtomicFile() {}

  /**
   * Writes {@code content} to {@code target} in UTF-8, atomically where the file system allows it.
   *
   * @throws NoSuchFileException if the target's directory does not exist
   * @throws IOException if writing or moving fails; the target is then unchanged
   */
  public static void write(Path target, Content content) throws IOException {
    writeChannel(target, channel -> {
      Writer out = new BufferedWriter(Channels.newWriter(channel, StandardCharsets.UTF_8), 1 << 16);
      content.writeTo(out);
      out.flush();
    });
  }

  /**
   * Writes {@code bytes} to {@code target}, atomically where the file system allows it (for binary
   * files such as images).
   *
   * @throws NoSuchFileException if the target's directory does not exist
   * @throws IOException if writing or moving fails; the target is then unchanged
   */
  public static void write(Path target, byte[] bytes) throws IOException {
    writeChannel(target, channel -> {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    });
  }

  /** Fills the temporary file's channel; need not force or close it. */
  private interface ChannelContent {
    void writeTo(WritableByteChannel channel) throws IOException;
  }

  private static void writeChannel(Path target, ChannelContent content) throws IOException {
    Path file = destination(target);
    if (Files.isDirectory(file)) {
      throw new FileSystemException(target.toString(), null, "is a directory");
    }
    if (isDescriptorLink(file) || (Files.exists(file) && !Files.isRegularFile(file))) {
      writeDirectly(target, file, content);
      return;
    }
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new NoSuchFileException(target.toString(), null, "directory does not exist");
    }
    String stem = stem(file.getFileName().toString());
    removeStaleTemporaryFiles(dir, stem);
    Path tmp;
    try {
      tmp = createTemp(dir, stem);
    } catch (FileSystemException e) {
      // The temporary file's name means nothing to the user: name the destination.
      throw new FileSystemException(target.toString(), null, reason(e) + " (no temporary file"
          + " can be made in " + dir + "; nothing written)");
    }
    try {
      keepPermissions(file, tmp);
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        content.writeTo(channel);
        // Durable before it becomes visible: a crash after the rename must not expose an empty
        // file.
        channel.force(true);
      } catch (FileSystemException e) {
        throw e;
      } catch (IOException e) {
        throw failed(target, e, " (nothing written)");
      }
      synchronized (LOCK) {
        // Under the lock: the shutdown hook deletes a temporary file before or after its move,
        // never during it.
        awaitHaltIfAbandoned();
        move(tmp, file);
        IN_PROGRESS.remove(tmp);
        DONE.remove(target);
        DONE.add(target);
        if (DONE.size() > DONE_KEPT) {
          DONE.remove(DONE.iterator().next());
        }
      }
    } catch (Throwable e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      synchronized (LOCK) {
        IN_PROGRESS.remove(tmp);
      }
      throw e;
    }
  }

  /**
   * The file a write to {@code path} replaces: {@code path} itself, or, where it is a symbolic
   * link, the file at the end of its chain of links (which need not exist yet). Writing there
   * keeps the link a link.
   *
   * @throws FileSystemException if the links loop
   */
  public static Path destination(Path path) throws IOException {
    Path p = path;
    for (int i = 0; i < MAX_LINKS && Files.isSymbolicLink(p) && !isDescriptorLink(p); i++) {
      Path parent = p.toAbsolutePath().getParent();
      Path link = Files.readSymbolicLink(p);
      p = parent == null ? link : parent.resolve(link);
    }
    if (Files.isSymbolicLink(p) && !isDescriptorLink(p)) {
      throw new FileSystemException(path.toString(), null, "too many levels of symbolic links");
    }
    return p;
  }

  /** The directories of a process's open file descriptors, as their real paths are. */
  private static final Pattern DESCRIPTOR_DIRECTORY =
      Pattern.compile("/proc/[0-9]+(/task/[0-9]+)?/fd");

  /**
   * Whether {@code path} is the link of an open file descriptor ({@code /proc/self/fd/1}, {@code
   * /dev/fd/63}; {@code /dev/stdout} leads to one): what it links to (a pipe, a terminal, the
   * file a shell redirected to) is written through it, in place and appending, never replaced.
   */
  public static boolean isDescriptorLink(Path path) {
    Path parent = path.toAbsolutePath().getParent();
    if (parent == null) {
      return false;
    }
    try {
      return DESCRIPTOR_DIRECTORY.matcher(parent.toRealPath().toString()).matches();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Whether an open descriptor's link leads to a file of the JVM's own (its JDK's files, a jar
   * of its class path, a class archive): what a descriptor the shell closed ({@code >&-}) names
   * once the JVM has opened a file of its own in its place, so that {@code --out /dev/stdout}
   * there would write into the JDK's {@code lib/modules}.
   */
  public static boolean leadsToTheJvmsOwnFile(Path descriptorLink) {
    try {
      Path target = descriptorLink.toRealPath();
      if (!Files.isRegularFile(target)) {
        return false;
      }
      if (target.startsWith(Path.of(System.getProperty("java.home")).toRealPath())
          || target.getFileName().toString().endsWith(".jsa")) {
        return true;
      }
      for (String entry : System.getProperty("java.class.path", "").split(
          java.io.File.pathSeparator)) {
        if (!entry.isEmpty() && Files.exists(Path.of(entry))
            && Files.isSameFile(Path.of(entry), target)) {
          return true;
        }
      }
      return false;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * A device or a named pipe is written in place: it cannot be replaced by a file, and a
   * temporary file beside it would turn {@code /dev/null} into a regular file. So is what an
   * open descriptor leads to ({@link #isDescriptorLink}), appending: a shell's {@code >>}
   * keeps what the file held, and a pipe takes the bytes in order.
   */
  private static void writeDirectly(Path target, Path file, ChannelContent content)
      throws IOException {
    if (isDescriptorLink(file) && leadsToTheJvmsOwnFile(file)) {
      throw new FileSystemException(target.toString(), null, "the descriptor leads to a file of"
          + " the JVM's own (" + file.toRealPath() + "): it was closed when java started;"
          + " nothing written");
    }
    java.io.FileDescriptor own = ownStandardDescriptor(file);
    if (own != null) {
      // This process's standard output or error: written through the JVM's own descriptor, at
      // its offset, after what System.out or System.err holds. Opened again, the file a shell
      // redirected to with > (not >>) would get a second offset, and the command's own report
      // written through the first would overwrite these bytes.
      (own == java.io.FileDescriptor.out ? System.out : System.err).flush();
      @SuppressWarnings("resource") // closing it would close the process's descriptor
      FileChannel channel = new java.io.FileOutputStream(own).getChannel();
      try {
        content.writeTo(channel);
      } catch (IOException e) {
        throw failed(target, e, "");
      }
      return;
    }
    StandardOpenOption[] options = isDescriptorLink(file)
        ? new StandardOpenOption[] {StandardOpenOption.WRITE, StandardOpenOption.APPEND}
        : new StandardOpenOption[] {StandardOpenOption.WRITE};
    try (FileChannel channel = FileChannel.open(file, options)) {
      content.writeTo(channel);
    } catch (FileSystemException e) {
      throw e;
    } catch (IOException e) {
      throw failed(target, e, "");
    }
  }

  /**
   * The JVM's descriptor of standard output or error when {@code file} is this process's
   * descriptor link 1 or 2 ({@code /dev/stdout}, {@code /proc/self/fd/1}, {@code
   * /proc/PID/fd/2}), else null.
   */
  static java.io.FileDescriptor ownStandardDescriptor(Path file) {
    if (!isDescriptorLink(file) || file.getFileName() == null) {
      return null;
    }
    try {
      Path dir = file.toAbsolutePath().getParent().toRealPath();
      Path own = Path.of("/proc/self/fd").toRealPath();
      if (!dir.equals(own)) {
        return null;
      }
    } catch (IOException e) {
      return null;
    }
    String name = file.getFileName().toString();
    return name.equals("1") ? java.io.FileDescriptor.out
        : name.equals("2") ? java.io.FileDescriptor.err : null;
  }

  /** What went wrong, without the file's name. */
  private static String reason(FileSystemException e) {
    if (e.getReason() != null) {
      return e.getReason();
    }
    return e instanceof java.nio.file.AccessDeniedException ? "permission denied"
        : e instanceof NoSuchFileException ? "no such file" : e.getClass().getSimpleName();
  }

  /** An I/O failure that names the file, as the operating system's message does not. */
  private static FileSystemException failed(Path target, IOException e, String outcome) {
    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    FileSystemException named = new FileSystemException(target.toString(), null,
        reason + outcome);
    named.initCause(e);
    return named;
  }

  /**
   * Deletes temporary files of the same destination left by writers that died without their
   * shutdown hook ({@code kill -9}, a power cut): those whose name carries the process id of a
   * process that no longer runs. Files of live processes, and of other hosts sharing the
   * directory under a process id that runs here, are kept.
   */
  private static void removeStaleTemporaryFiles(Path dir, String stem) throws IOException {
    String prefix = "." + stem + ".";
    List<Path> stale = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir,
        f -> f.getFileName().toString().startsWith(prefix))) {
      for (Path f : files) {
        Matcher m = TEMP_SUFFIX.matcher(f.getFileName().toString().substring(prefix.length()));
        if (m.matches()) {
          long pid = Long.parseLong(m.group(1));
          if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).isEmpty()) {
            stale.add(f);
          }
        }
      }
    }
    for (Path f : stale) {
      Files.deleteIfExists(f);
    }
  }

  private static String stem(String name) {
    return name.length() > 100 ? name.substring(0, 100) : name;
  }

  /**
   * Whether a write to {@code target} (as its writer named it) moved into place in this process
   * (among the latest {@value #DONE_KEPT} writes). After {@link #abandonAll} the answer is final:
   * no write moves into place any more, so a Ctrl-C handler can say which outputs were written.
   */
  public static boolean moved(Path target) {
    synchronized (LOCK) {
      return DONE.contains(target);
    }
  }

  /**
   * Deletes the temporary file of every write in progress, and makes those writes, and any write
   * started later, wait for the JVM to halt instead of moving into place. For a JVM that is
   * exiting: the shutdown hook calls it, and so may a signal handler about to halt the JVM
   * without running the hooks. Files that cannot be deleted are skipped.
   */
  public static void abandonAll() {
    synchronized (LOCK) {
      abandoned = true;
      for (Path tmp : IN_PROGRESS) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException e) {
          // The JVM is exiting: nothing can be reported, and the other files still go.
        }
      }
      IN_PROGRESS.clear();
    }
  }

  /** Called with LOCK held: once the writes were abandoned, the JVM is about to halt. */
  private static void awaitHaltIfAbandoned() {
    boolean interrupted = false;
    while (abandoned) {
      try {
        LOCK.wait();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A new empty file next to the destination. Not {@code Files.createTempFile}: that makes the file
   * owner-only on POSIX, and the moved file would keep those permissions instead of the umask's.
   */
  private static Path createTemp(Path dir, String stem) throws IOException {
    synchronized (LOCK) {
      awaitHaltIfAbandoned();
      if (!hooked) {
        hooked = true;
        try {
          Runtime.getRuntime().addShutdownHook(new Thread(AtomicFile::abandonAll,
              "AtomicFile.abandonAll"));
        } catch (IllegalStateException e) {
          // Already exiting (a write from another shutdown hook): no later exit to protect from.
        }
      }
      for (int attempt = 0; ; attempt++) {
        String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong());
        try {
          Path tmp = Files.createFile(dir.resolve("." + stem + "." + ProcessHandle.current().pid()
              + "." + suffix + ".tmp"));
          IN_PROGRESS.add(tmp);
          return tmp;
        } catch (FileAlreadyExistsException e) {
          if (attempt >= 100) {
            throw e;
          }
        }
      }
    }
  }

  /**
   * A file replaced keeps its permissions (a model kept owner-only stays so), as an editor's
   * save keeps them; a new file has the umask's.
   */
  private static void keepPermissions(Path file, Path tmp) throws IOException {
    if (!Files.isRegularFile(file)) {
      return;
    }
    try {
      Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(file));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: its own defaults
    }
  }

  private static void move(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}

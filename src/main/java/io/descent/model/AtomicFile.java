package io.descent.model;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a text file so that readers see either the old file or the complete new one, never a
 * partial write: the content goes to a temporary file in the destination's directory (same file
 * system, so the rename is atomic), is forced to disk, and is then moved over the destination.
 * On any failure the temporary file is deleted and the destination is left as it was.
 *
 * <p>The same holds when the JVM exits during a write (Ctrl-C, SIGTERM, {@code System.exit} from
 * another thread): a shutdown hook, registered with the first write, deletes the temporary files
 * of every write in progress ({@link #abandonAll}), and those writes never move into place; a
 * writing thread that reaches the move then waits for the JVM to halt.
 */
public final class AtomicFile {
  private static final Object LOCK = new Object();
  /** Temporary files of the writes in progress. Guarded by LOCK. */
  private static final Set<Path> IN_PROGRESS = new LinkedHashSet<>();
  /** Whether the writes in progress were abandoned: the JVM is exiting. Guarded by LOCK. */
  private static boolean abandoned;
  /** Whether the shutdown hook is registered. Guarded by LOCK. */
  private static boolean hooked;

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
    void writeTo(FileChannel channel) throws IOException;
  }

  private static void writeChannel(Path target, ChannelContent content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new NoSuchFileException(target.toString(), null, "directory does not exist");
    }
    Path tmp = createTemp(dir, target.getFileName().toString());
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        content.writeTo(channel);
        // Durable before it becomes visible: a crash after the rename must not expose an empty file.
        channel.force(true);
      }
      synchronized (LOCK) {
        // Under the lock: the shutdown hook deletes a temporary file before or after its move,
        // never during it.
        awaitHaltIfAbandoned();
        move(tmp, target);
        IN_PROGRESS.remove(tmp);
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
  private static Path createTemp(Path dir, String name) throws IOException {
    String stem = name.length() > 100 ? name.substring(0, 100) : name;
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
          Path tmp = Files.createFile(dir.resolve("." + stem + "." + suffix + ".tmp"));
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

  private static void move(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}

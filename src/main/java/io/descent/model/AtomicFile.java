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
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a text file so that readers see either the old file or the complete new one, never a
 * partial write: the content goes to a temporary file in the destination's directory (same file
 * system, so the rename is atomic), is forced to disk, and is then moved over the destination.
 * On any failure the temporary file is deleted and the destination is left as it was.
 */
public final class AtomicFile {
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
      move(tmp, target);
    } catch (Throwable e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /**
   * A new empty file next to the destination. Not {@code Files.createTempFile}: that makes the file
   * owner-only on POSIX, and the moved file would keep those permissions instead of the umask's.
   */
  private static Path createTemp(Path dir, String name) throws IOException {
    String stem = name.length() > 100 ? name.substring(0, 100) : name;
    for (int attempt = 0; ; attempt++) {
      String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong());
      try {
        return Files.createFile(dir.resolve("." + stem + "." + suffix + ".tmp"));
      } catch (FileAlreadyExistsException e) {
        if (attempt >= 100) {
          throw e;
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

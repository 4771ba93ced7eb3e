package io.descent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures in the middle of a write: the destination must be as it was, with no debris. */
class AtomicFileTest {
  @TempDir
  Path dir;

  private List<String> listing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aFailureHalfWayLeavesTheOldFile() throws IOException {
    Path path = dir.resolve("out.csv");
    Files.writeString(path, "old content\n");
    IOException boom = new IOException("disk full");
    IOException e = assertThrows(IOException.class, () -> AtomicFile.write(path, out -> {
      for (int i = 0; i < 100_000; i++) {
        out.write("a line that is long enough to need several buffer flushes\n");
      }
      throw boom;
    }));
    // The operating system's message names no file ("No space left on device"): the error does.
    assertSame(boom, e.getCause());
    assertEquals(path + ": disk full (nothing written)", e.getMessage());
    assertEquals("old content\n", Files.readString(path));
    assertEquals(List.of("out.csv"), listing());
  }

  @Test
  void anUncheckedFailureAlsoCleansUp() throws IOException {
    Path path = dir.resolve("new.csv");
    assertThrows(UncheckedIOException.class, () -> AtomicFile.write(path, out -> {
      out.write("partial");
      throw new UncheckedIOException(new IOException("lost"));
    }));
    assertEquals(List.of(), listing());
  }

  @Test
  void runningOutOfMemoryHalfWayAlsoCleansUp() throws IOException {
    // The command line turns an OutOfMemoryError into one line; the write must not leave its
    // temporary file behind on the way.
    Path path = dir.resolve("out.csv");
    Files.writeString(path, "old content\n");
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
    OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> AtomicFile.write(path,
        out -> {
          out.write("partial");
          throw oom;
        }));
    assertSame(oom, e);
    assertEquals("old content\n", Files.readString(path));
    assertEquals(List.of("out.csv"), listing());
  }

  @Test
  void aSuccessfulWriteReplacesTheFile() throws IOException {
    Path path = dir.resolve("out.csv");
    Files.writeString(path, "old");
    AtomicFile.write(path, out -> out.write("new ü\n"));
    assertEquals("new ü\n", Files.readString(path));
    assertEquals(List.of("out.csv"), listing());
  }

  @Test
  void aRelativePathIsWrittenInTheWorkingDirectoryTree() throws IOException {
    Path relative = Path.of("target", "atomic-file-test.txt");
    try {
      AtomicFile.write(relative, out -> out.write("x"));
      assertEquals("x", Files.readString(relative));
    } finally {
      Files.deleteIfExists(relative);
    }
  }

  /** A file replaced keeps its permissions (an owner-only model stays owner-only). */
  @Test
  void aReplacedFileKeepsItsPermissions() throws IOException {
    Path f = dir.resolve("m.json");
    Files.writeString(f, "old");
    java.util.Set<java.nio.file.attribute.PosixFilePermission> ownerOnly =
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");
    Files.setPosixFilePermissions(f, ownerOnly);
    AtomicFile.write(f, "new".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals("new", Files.readString(f));
    assertEquals(ownerOnly, Files.getPosixFilePermissions(f));
    java.util.Set<java.nio.file.attribute.PosixFilePermission> shared =
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-r--");
    Files.setPosixFilePermissions(f, shared);
    AtomicFile.write(f, "newer".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertEquals(shared, Files.getPosixFilePermissions(f));
  }
}

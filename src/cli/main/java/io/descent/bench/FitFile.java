package io.descent.bench;

import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.data.HeapNeed;
import io.descent.data.InsufficientMemoryException;
import io.descent.data.SyntheticData;
import io.descent.loss.Loss;
import io.descent.model.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The CSV file of the end-to-end lines: the {@link FitProblem}'s data as {@code descent generate}
 * writes it (the same seed, the same bytes), in a temporary directory, and the way {@code train}
 * reads it back ({@link CsvReader} on a regular file, target {@value #TARGET}).
 */
final class FitFile {
  /** The target column {@link SyntheticData} writes. */
  static final String TARGET = "y";

  /**
   * The temporary directories made and not yet deleted: a shutdown hook deletes them with what
   * they hold should the JVM exit first (Ctrl-C, SIGTERM), which left the whole CSV (66 MB for
   * the default fit) in the temporary directory.
   */
  private static final java.util.Set<Path> LIVE =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private static final java.util.concurrent.atomic.AtomicBoolean HOOKED =
      new java.util.concurrent.atomic.AtomicBoolean();

  private FitFile() {}

  /** Deletes {@code dir} and the files in it, quietly. */
  private static void deleteDirectory(Path dir) {
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      files.forEach(f -> {
        try {
          Files.deleteIfExists(f);
        } catch (IOException ignored) {
          // Left in the temporary directory.
        }
      });
    } catch (IOException ignored) {
      // Gone already, or unreadable: nothing more to do.
    }
    try {
      Files.deleteIfExists(dir);
    } catch (IOException ignored) {
      // Left in the temporary directory.
    }
  }

  /** A new temporary directory, deleted at exit unless {@link #delete} deleted it first. */
  private static Path temporaryDirectory() throws IOException {
    if (HOOKED.compareAndSet(false, true)) {
      try {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(
            FitFile::deleteDirectory), "FitFile.temporaries"));
      } catch (IllegalStateException e) {
        // Already exiting: no later exit to clean up after.
      }
    }
    Path dir = Files.createTempDirectory("descent-bench-");
    LIVE.add(dir);
    return dir;
  }

  /** Writes the problem's data to a new temporary file; the caller deletes it. */
  static Path write(FitProblem problem, long seed) throws IOException {
    Path dir = temporaryDirectory();
    Path file = dir.resolve(String.format(java.util.Locale.ROOT, "%s-%dx%d-s%d.csv",
        problem.loss().label(), problem.rows(), problem.features(), seed));
    SyntheticData data = new SyntheticData(problem.rows(), problem.features(), problem.loss(),
        seed);
    try {
      AtomicFile.write(file, data::write);
    } catch (IOException | RuntimeException e) {
      delete(file);
      throw e;
    }
    return file;
  }

  /**
   * Fails at once, before the file is written, when the heap cannot hold the problem's data as
   * {@link #read} reads it back (the reader's own check, which failed only after the whole file
   * was written: 400 MB and 11 s for 600,000 x 64 under a 96 MiB heap).
   *
   * @param what names the data in the message
   * @throws InsufficientMemoryException with the figures and an {@code -Xmx} that would do
   */
  static void requireHeap(FitProblem problem, String what) {
    List<HeapNeed> needs = List.of(HeapNeed.DATASET);
    long needed = HeapNeed.DATASET.bytes(problem.rows(), problem.features());
    Runtime rt = Runtime.getRuntime();
    if (needed > rt.maxMemory() - (rt.totalMemory() - rt.freeMemory())) {
      System.gc(); // garbage does not count as used
      long used = rt.totalMemory() - rt.freeMemory();
      if (needed > rt.maxMemory() - used) {
        throw new InsufficientMemoryException(what, problem.rows(), problem.features(), needs,
            rt.maxMemory(), used);
      }
    }
  }

  /** Reads the file as {@code train} does for the problem's loss. */
  static Dataset read(Path file, FitProblem problem) throws IOException {
    CsvReader.Options options = problem.loss() == Loss.LINEAR
        ? CsvReader.Options.numericTarget(TARGET) : CsvReader.Options.binaryTarget(TARGET);
    return new CsvReader(options).read(file);
  }

  /** The file's size in bytes. */
  static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes the file and its temporary directory, quietly (a leftover is only a temp file). */
  static void delete(Path file) {
    deleteDirectory(file.getParent());
    LIVE.remove(file.getParent());
  }
}

package io.descent.gradient.opencl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Built OpenCL programs as the driver hands them back ({@code CL_PROGRAM_BINARIES}), one file
 * per platform, device, driver, source and build options, under the user's cache directory (the
 * same as {@link TuningCache}'s): {@code binaries/<hash>.bin}, each the key it was stored under
 * (all of those, in full) followed by the binary.
 *
 * <p>Why: PoCL 3.1 keeps its own cache of compiled kernels, but a build from source with that
 * cache warm still costs 130 to 400 ms of one core on the 2-core EPYC (it runs clang's
 * preprocessor over the source to find the cache entry), the same for a one-line kernel; a
 * program made from its binary builds in 1 to 20 ms, and PoCL's binary carries the work-group
 * functions already compiled for the launches made before it was read back. A linear path's
 * open pays that build once per process, about a third of its whole fit at 1,000,000 x 64.
 *
 * <p>A file is used only when the key it holds is exactly this program's (the file's name is
 * only a 64-bit hash of it: no cryptographic digest, whose first use costs a fresh JVM 40 ms);
 * one the driver refuses, a file that cannot be read, and one of another key are ignored and the
 * program is built from source as before: the cache can only make an open faster, never stop
 * it.
 *
 * <p>How much: every new source (a new version of Descent), device and set of build options
 * makes files of its own (0.1 to 0.6 MB each), so the directory keeps the binaries used last up
 * to {@link #KEPT_BYTES} in all: a read renews its file's modification time, and each write
 * removes the least recently used files past that ({@link #prune}); the development machine's
 * directory had grown to 1,116 files, 657 MB, before there was a limit.
 */
final class ProgramBinaries {
  /** Refuses files above this size ({@value} bytes) as not ours. */
  static final long MAX_BYTES = 64L << 20;
  /** The most the binaries kept take together, {@value} bytes (256 MiB); see {@link #prune}. */
  static final long KEPT_BYTES = 256L << 20;

  private final Path directory;
  /** Binaries handed out by {@link #read}, for tests. */
  private final java.util.concurrent.atomic.AtomicInteger hits =
      new java.util.concurrent.atomic.AtomicInteger();

  /** The cache in {@code directory} (its {@code binaries/} subdirectory holds the files). */
  ProgramBinaries(Path directory) {
    this.directory = directory;
  }

  /** The user's cache, where {@link TuningCache#user()} keeps its files. */
  static ProgramBinaries user() {
    return new ProgramBinaries(TuningCache.userDirectory());
  }

  /** What every file starts with. */
  private static final byte[] MAGIC = "descent-program-binary 1\n".getBytes(StandardCharsets.UTF_8);

  /** The file a program's binary lives in. */
  Path file(ClDevice device, String[] sources, String options) {
    return file(key(device, sources, options));
  }

  private Path file(byte[] key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    // As String.format("%016x.bin", h), without a Formatter (its first use costs a fresh JVM
    // several milliseconds, and nothing else in a linear path's fit formats).
    String hex = Long.toHexString(h);
    return directory.resolve("binaries").resolve("0".repeat(16 - hex.length()) + hex + ".bin");
  }

  /** The cached binary, when there is a readable one stored under exactly this key. */
  Optional<byte[]> read(ClDevice device, String[] sources, String options) {
    byte[] key = key(device, sources, options);
    Path f = file(key);
    try {
      if (!Files.isRegularFile(f) || Files.size(f) > MAX_BYTES) {
        return Optional.empty();
      }
      byte[] all = Files.readAllBytes(f);
      int head = MAGIC.length + 4 + key.length;
      if (all.length <= head
          || !Arrays.equals(all, 0, MAGIC.length, MAGIC, 0, MAGIC.length)
          || ByteBuffer.wrap(all, MAGIC.length, 4).getInt() != key.length
          || !Arrays.equals(all, MAGIC.length + 4, head, key, 0, key.length)) {
        return Optional.empty();
      }
      hits.incrementAndGet();
      try {
        // Used now: among the last to be removed.
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(
            System.currentTimeMillis()));
      } catch (IOException | SecurityException e) {
        // A read-only cache: only the order of removal is less exact.
      }
      return Optional.of(Arrays.copyOfRange(all, head, all.length));
    } catch (IOException | SecurityException e) {
      return Optional.empty();
    }
  }

  /**
   * Stores a binary atomically (a temporary file moved into place); a cache that cannot be
   * written is left as it is, silently.
   */
  void write(ClDevice device, String[] sources, String options, byte[] binary) {
    if (binary.length == 0 || binary.length > MAX_BYTES) {
      return;
    }
    byte[] key = key(device, sources, options);
    Path f = file(key);
    try {
      Files.createDirectories(f.getParent());
      Path tmp = Files.createTempFile(f.getParent(), ".bin-", ".tmp");
      try {
        ByteBuffer all = ByteBuffer.allocate(MAGIC.length + 4 + key.length + binary.length);
        all.put(MAGIC).putInt(key.length).put(key).put(binary);
        Files.write(tmp, all.array());
        try {
          Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
      prune(f.getParent(), KEPT_BYTES, f);
    } catch (IOException | SecurityException e) {
      // Not cached: the next open builds from source again.
    }
  }

  /**
   * Removes the least recently used binaries ({@code *.bin}, by modification time) of {@code
   * directory} until those left take at most {@code keptBytes}; {@code keep} (the file just
   * written) stays whatever its size. A file another process is reading stays readable to it.
   */
  static void prune(Path directory, long keptBytes, Path keep) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> all = Files.newDirectoryStream(directory, "*.bin")) {
      all.forEach(files::add);
    }
    Map<Path, long[]> seen = new HashMap<>(); // modification time, size
    long total = 0;
    for (Path file : files) {
      try {
        long[] ts = {Files.getLastModifiedTime(file).toMillis(), Files.size(file)};
        seen.put(file, ts);
        total += ts[1];
      } catch (IOException e) {
        // gone meanwhile (another process pruned it)
      }
    }
    if (total <= keptBytes) {
      return;
    }
    List<Path> byUse = new ArrayList<>(seen.keySet());
    byUse.sort(Comparator.comparingLong((Path f) -> seen.get(f)[0]));
    for (Path file : byUse) {
      if (total <= keptBytes) {
        break;
      }
      if (!file.equals(keep)) {
        Files.deleteIfExists(file);
        total -= seen.get(file)[1];
      }
    }
  }

  /** How many binaries {@link #read} has handed out. */
  int hits() {
    return hits.get();
  }

  /** Removes a binary the driver refused, so that the next open does not try it again. */
  void forget(ClDevice device, String[] sources, String options) {
    try {
      Files.deleteIfExists(file(device, sources, options));
    } catch (IOException | SecurityException e) {
      // Tried again next time, and refused again: only slower.
    }
  }

  /** The key: the platform, device, driver, build options and sources, each ended by a 0. */
  static byte[] key(ClDevice device, String[] sources, String options) {
    StringBuilder text = new StringBuilder();
    for (String part : new String[] {device.description().platform(), device.name(),
        device.driverVersion(), options}) {
      text.append(part).append('\0');
    }
    for (String source : sources) {
      text.append(source).append('\0');
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }
}

package io.descent.gradient.opencl;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;

/**
 * Measured CPU kernel shapes, one small file per device, driver, kernel source and precision,
 * under the user's cache directory: {@code $DESCENT_CACHE_DIR}, else
 * {@code $XDG_CACHE_HOME/descent}, else {@code ~/.cache/descent}; the files are
 * {@code tuning/cpu-<hash>.properties}. A file is used only when every field it was measured
 * under still matches (a new driver or a changed kernel makes it stale) and its shape is one of
 * today's candidates; anything else, a file that cannot be read or parsed included, is ignored:
 * the cache can only make a kernel faster, never stop it from running.
 */
final class TuningCache {
  private final Path directory;

  /** The cache in {@code directory} (its {@code tuning/} subdirectory holds the files). */
  TuningCache(Path directory) {
    this.directory = directory;
  }

  /** The user's cache, in {@link #userDirectory()}. */
  static TuningCache user() {
    return new TuningCache(userDirectory());
  }

  /** The user's cache directory: {@link io.descent.data.DatasetCache#defaultDirectory()}. */
  static Path userDirectory() {
    return io.descent.data.DatasetCache.defaultDirectory();
  }

  /** The file a device's measurement for one precision lives in. */
  Path file(ClDevice device, boolean fp64) {
    return directory.resolve("tuning").resolve("cpu-" + key(device, fp64).substring(0, 16)
        + ".properties");
  }

  /** The measured shape, when a current and valid one is cached. */
  Optional<CpuShape> read(ClDevice device, boolean fp64) {
    Path f = file(device, fp64);
    if (!Files.isRegularFile(f)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!key(device, fp64).equals(p.getProperty("key"))) {
      return Optional.empty();
    }
    try {
      CpuShape shape = new CpuShape(Integer.parseInt(p.getProperty("vectorWidth", "")),
          Integer.parseInt(p.getProperty("rowsPerBlock", "")),
          Integer.parseInt(p.getProperty("prefetchBlocks", "")),
          Boolean.parseBoolean(p.getProperty("columnOrder", "")), CpuShape.lanes(device, fp64),
          "measured, " + f);
      return CpuShape.candidates(device, fp64).stream().filter(shape::sameAs).findFirst()
          .map(c -> shape);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Stores a measured shape, atomically (a temporary file moved into place), with the
   * measurement's figures as a comment for whoever reads the file.
   *
   * @throws IOException when the cache directory cannot be written
   */
  void write(ClDevice device, boolean fp64, CpuShape shape, String figures) throws IOException {
    Path f = file(device, fp64);
    Files.createDirectories(f.getParent());
    Properties p = new Properties();
    p.setProperty("key", key(device, fp64));
    p.setProperty("device", device.name());
    p.setProperty("platform", device.description().platform());
    p.setProperty("driver", device.driverVersion());
    p.setProperty("precision", fp64 ? "float64" : "float32");
    p.setProperty("vectorWidth", String.valueOf(shape.vectorWidth()));
    p.setProperty("rowsPerBlock", String.valueOf(shape.rowsPerBlock()));
    p.setProperty("prefetchBlocks", String.valueOf(shape.prefetchBlocks()));
    p.setProperty("columnOrder", String.valueOf(shape.columnOrder()));
    Path tmp = Files.createTempFile(f.getParent(), ".cpu-", ".tmp");
    try {
      try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        p.store(out, "Descent: CPU kernel shape measured on this device; " + figures);
      }
      try {
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * SHA-256 over everything a measurement depends on: platform, device, driver, precision and
   * the kernel sources.
   */
  static String key(ClDevice device, boolean fp64) {
    String text = String.join("\n", device.description().platform(), device.name(),
        device.driverVersion(), fp64 ? "float64" : "float32",
        ClContext.source(ClContext.COMMON), ClContext.source(OpenClBackend.CPU_FILE));
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}

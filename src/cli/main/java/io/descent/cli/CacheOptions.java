package io.descent.cli;

import io.descent.data.DatasetCache;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --cache} and {@code --cache-dir}: read the training CSV through a {@link DatasetCache},
 * so that a rerun on the same file with the same reading options loads a binary copy instead of
 * parsing. Shared by the commands that read a whole CSV file into memory.
 */
final class CacheOptions {
  @Option(names = "--cache",
      description = "Keep a binary copy of the parsed data and read it instead of the CSV on"
          + " later runs, while the file (path, size, modification time, inode and status-change"
          + " time) and the reading options are the same. A damaged copy is ignored with a"
          + " notice. The copies'"
          + " directory: $" + DatasetCache.DIRECTORY_VARIABLE + ", else $XDG_CACHE_HOME/"
          + DatasetCache.SUBDIRECTORY + ", else ~/.cache/" + DatasetCache.SUBDIRECTORY + ".")
  boolean cache;

  @Option(names = "--cache-dir", paramLabel = "DIR", converter = Directory.class,
      description = "The directory of the copies kept by --cache (implies --cache).")
  Path directory;

  /** A directory's path, which may end in / (file paths may not: {@link Main#filePath}). */
  static final class Directory implements picocli.CommandLine.ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
      return Path.of(value);
    }
  }

  /** The directory of the copies, with {@code --cache} or {@code --cache-dir}; else null. */
  Path directoryInUse() {
    if (!cache && directory == null) {
      return null;
    }
    return directory != null ? directory : DatasetCache.defaultDirectory();
  }

  /**
   * The cache to read {@code data} through, printing its notices on {@code err}; null without
   * {@code --cache} or {@code --cache-dir}.
   *
   * @throws Main.UsageException when the cache directory is the data file
   */
  DatasetCache open(Path data, PrintWriter err) throws IOException {
    return open(data, err, line -> { });
  }

  /** As {@link #open(Path, PrintWriter)}, each notice also given to {@code kept}. */
  DatasetCache open(Path data, PrintWriter err, java.util.function.Consumer<String> kept)
      throws IOException {
    if (!cache && directory == null) {
      return null;
    }
    CommandFiles.notEmpty("--cache-dir", directory);
    DatasetCache c = directory != null ? new DatasetCache(directory)
        : DatasetCache.inDefaultDirectory();
    if (Files.exists(c.directory()) && Files.exists(data)
        && Files.isSameFile(c.directory(), data)) {
      throw new Main.UsageException((directory != null ? "--cache-dir " + directory
          : "the cache directory " + c.directory()) + " is the same file as --data " + data
          + ": refusing to overwrite an input");
    }
    return c.withNotices(line -> {
      kept.accept(line);
      err.println("descent: " + line);
      err.flush();
    });
  }
}

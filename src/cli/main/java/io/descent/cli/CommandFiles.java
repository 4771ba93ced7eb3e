package io.descent.cli;

import io.descent.data.DatasetCache;
import io.descent.model.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files a command reads and writes, checked together before the command does any work, so
 * that a mistake in a path costs nothing rather than a whole fit. Each problem is a usage error
 * (exit 2) of one line naming the path:
 *
 * <ul>
 *   <li>an input must exist, not be a directory, and be readable; a named pipe is fine (it is
 *       read in one pass);
 *   <li>an output is written where its symbolic links lead (see {@link AtomicFile}); that file
 *       must not be a directory, and its directory must exist and be writable (the temporary
 *       file goes there); a device or named pipe is written in place and must be writable;
 *       {@value #STANDARD_OUTPUT} means standard output where the command allows it;
 *   <li>no output may be the same file as an input (compared as files, so hard links, symbolic
 *       links and {@code ../} spellings are caught), nor as another output (a device or named
 *       pipe may take several).
 * </ul>
 *
 * <p>Usage: {@code new CommandFiles().input("--data", data, "a CSV file").output("--out",
 * out).check()}; null paths (options not given) are skipped.
 */
final class CommandFiles {
  /** The name of standard output, where a command allows it. */
  static final String STANDARD_OUTPUT = "-";

  private record Input(String option, Path path, String kind) {}

  private record Output(String option, Path path, boolean standardOutputAllowed) {}

  /** A checked output: the file it writes, after symbolic links. */
  private record Destination(Output output, Path file) {
    String named() {
      return output.option() + " " + output.path();
    }
  }

  private final List<Input> inputs = new ArrayList<>();
  private final List<Output> outputs = new ArrayList<>();
  /** The outputs of {@link #image}, named after the other checks (an input's first). */
  private final List<Output> images = new ArrayList<>();
  /** The directory of the cached copies the command may read, or null. */
  private Path cacheDirectory;

  /** Whether {@code path} names standard output. */
  static boolean isStandardOutput(Path path) {
    return path != null && path.toString().equals(STANDARD_OUTPUT);
  }

  /**
   * A file the command reads.
   *
   * @param kind what the file should be, for the message when it is a directory ("a CSV file")
   */
  CommandFiles input(String option, Path path, String kind) {
    if (path != null) {
      inputs.add(new Input(option, path, kind));
    }
    return this;
  }

  /**
   * The directory of the cached copies ({@link DatasetCache}) the command may read instead of
   * its data: no output may be one of them.
   */
  CommandFiles cacheDirectory(Path directory) {
    cacheDirectory = directory;
    return this;
  }

  /** A file the command writes; standard output is refused. */
  CommandFiles output(String option, Path path) {
    if (path != null) {
      outputs.add(new Output(option, path, false));
    }
    return this;
  }

  /**
   * A PNG image the command writes ({@code --plot}): a name with another extension is refused,
   * where a viewer would take {@code out.jpg} for a JPEG (until 2026-12-08 it got PNG bytes).
   */
  CommandFiles image(String option, Path path) {
    if (path != null) {
      images.add(new Output(option, path, false));
    }
    return output(option, path);
  }

  /** A file the command writes, or {@value #STANDARD_OUTPUT} for standard output. */
  CommandFiles outputOrStandardOutput(String option, Path path) {
    if (path != null) {
      outputs.add(new Output(option, path, true));
    }
    return this;
  }

  /**
   * Checks every file.
   *
   * @throws NoSuchFileException if an input does not exist
   * @throws Main.UsageException for any other problem
   * @throws IOException if a file's status cannot be read
   */
  void check() throws IOException {
    for (Input in : inputs) {
      notEmpty(in.option(), in.path());
      checkInput(in);
    }
    // Where standard output is a file (a shell's >> or 1<>), it may be an input: refused for
    // every command, whose report goes there too (train >> d.csv appended the report to the
    // data, evaluate 1<> m.json wrote it over the model), and named by the option that sends
    // rows there.
    Input standardOutputInput = standardOutputInput();
    List<Destination> destinations = new ArrayList<>();
    for (Output out : outputs) {
      notEmpty(out.option(), out.path());
      if (isStandardOutput(out.path())) {
        if (!out.standardOutputAllowed()) {
          throw usage(out.option() + " " + STANDARD_OUTPUT + ": this output cannot go to standard"
              + " output; give a file");
        }
        if (standardOutputInput != null) {
          throw usage(out.option() + " " + STANDARD_OUTPUT + ": "
              + sameAsStandardOutput(standardOutputInput));
        }
      } else {
        destinations.add(new Destination(out, destination(out.path())));
      }
    }
    if (standardOutputInput != null) {
      throw usage(sameAsStandardOutput(standardOutputInput));
    }
    for (Destination d : destinations) {
      for (Input in : inputs) {
        if (Files.exists(d.file()) && Files.isSameFile(d.file(), in.path())) {
          throw usage(d.named() + " is the same file as " + in.option() + " " + in.path()
              + ": refusing to overwrite an input");
        }
      }
    }
    for (Destination d : destinations) {
      if (isCacheDirectory(d.file())) {
        throw usage(d.named() + " is the cache directory " + cacheDirectory + ", where the"
            + " command writes its cached copy: give the output a file of its own");
      }
      if (isCachedCopy(d.file())) {
        throw usage(d.named() + " is a cached copy in " + cacheDirectory + ", which the command"
            + " may read: refusing to overwrite an input");
      }
    }
    for (int i = 0; i < destinations.size(); i++) {
      for (int j = i + 1; j < destinations.size(); j++) {
        if (sameFile(destinations.get(i).file(), destinations.get(j).file())) {
          throw usage(destinations.get(i).named() + " and " + destinations.get(j).named()
              + " are the same file: give each output its own");
        }
      }
    }
    for (Output image : images) {
      Path name = image.path().getFileName();
      String text = name == null ? "" : name.toString();
      int dot = text.lastIndexOf('.');
      if (dot > 0 && !text.substring(dot + 1).equalsIgnoreCase("png")) {
        throw usage(image.option() + " " + image.path() + ": the image is a PNG; give a name"
            + " ending in .png");
      }
    }
  }

  /** The input that standard output is, where it is a file, or null. */
  private Input standardOutputInput() throws IOException {
    Path fd = Path.of("/proc/self/fd/1");
    if (Files.isRegularFile(fd)) {
      for (Input in : inputs) {
        if (Files.isSameFile(fd, in.path())) {
          return in;
        }
      }
    }
    return null;
  }

  private static String sameAsStandardOutput(Input in) {
    return "standard output is the same file as " + in.option() + " " + in.path()
        + ": refusing to overwrite an input";
  }

  /** An empty path would name the working directory, or nothing: one line, exit 2. */
  static void notEmpty(String option, Path path) {
    if (path != null && path.toString().isEmpty()) {
      throw usage(option + ": the path is empty");
    }
  }

  private boolean isCachedCopy(Path file) throws IOException {
    String name = file.getFileName().toString();
    // The copy and the standardization kept beside it, which a run reads too.
    if (cacheDirectory == null || !(name.endsWith(DatasetCache.EXTENSION)
        || name.endsWith(DatasetCache.EXTENSION + DatasetCache.STANDARDIZATION_EXTENSION))
        || !Files.isDirectory(cacheDirectory)) {
      return false;
    }
    Path parent = file.toAbsolutePath().getParent();
    return Files.isDirectory(parent) && Files.isSameFile(parent, cacheDirectory);
  }

  /**
   * Whether an output file that does not exist yet is the cache directory, which does not
   * either: the command would make the directory, then fail to write the output over it after
   * all its work. (An existing directory is refused as an output already.)
   */
  private boolean isCacheDirectory(Path file) {
    if (cacheDirectory == null || Files.exists(file) || Files.exists(cacheDirectory)) {
      return false;
    }
    try {
      return inRealDirectory(file).equals(inRealDirectory(cacheDirectory));
    } catch (IOException e) {
      return false; // the cache directory's parent is missing: the cache reports it
    }
  }

  private static void checkInput(Input in) throws NoSuchFileException {
    Path p = in.path();
    if (p.toString().equals("-") && !Files.exists(p)) {
      throw usage(in.option() + " -: standard input is read as " + in.option() + " /dev/stdin");
    }
    if (!Files.exists(p)) {
      if (Files.isSymbolicLink(p)) {
        throw usage(p + ": a symbolic link that leads to no file (its target is missing, or"
            + " the links loop)");
      }
      throw new NoSuchFileException(p.toString());
    }
    if (Files.isDirectory(p)) {
      throw usage(p + ": is a directory, not " + in.kind());
    }
    if (!Files.isReadable(p)) {
      throw usage(p + ": permission denied (cannot read)");
    }
  }

  /** The file an output writes, checked: it can be written, and nothing else is lost. */
  private static Path destination(Path path) throws IOException {
    Path file;
    try {
      file = AtomicFile.destination(path);
    } catch (java.nio.file.FileSystemException e) {
      // A loop of symbolic links ("too many levels"): a path refused, as others are.
      throw usage(path + ": " + (e.getReason() == null ? e.getClass().getSimpleName()
          : e.getReason()));
    }
    if (Files.isDirectory(file)) {
      throw usage(path + ": is a directory");
    }
    if (AtomicFile.isDescriptorLink(file) && !Files.exists(file)) {
      throw usage(path + ": no such open file descriptor");
    }
    if (AtomicFile.isDescriptorLink(file) && AtomicFile.leadsToTheJvmsOwnFile(file)) {
      throw usage(path + ": that descriptor was closed when java started (it now leads to a"
          + " file of the JVM's own, " + file.toRealPath() + ")");
    }
    if (AtomicFile.isDescriptorLink(file) || (Files.exists(file) && !Files.isRegularFile(file))) {
      if (!Files.isWritable(file)) {
        throw usage(path + ": permission denied (cannot write)");
      }
      return file;
    }
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.exists(dir)) {
      throw usage(path + ": directory " + dir + " does not exist");
    }
    if (!Files.isDirectory(dir)) {
      throw usage(path + ": " + dir + " is not a directory");
    }
    if (!Files.isWritable(dir)) {
      throw usage(path + ": directory " + dir + " is not writable");
    }
    return file;
  }

  /**
   * Whether two outputs would write the same file: the same existing regular file, or the same
   * name in the same directory. A device or named pipe may take several outputs.
   */
  private static boolean sameFile(Path a, Path b) throws IOException {
    boolean aExists = Files.exists(a);
    boolean bExists = Files.exists(b);
    if (aExists && bExists) {
      return Files.isRegularFile(a) && Files.isRegularFile(b) && Files.isSameFile(a, b);
    }
    return !aExists && !bExists && inRealDirectory(a).equals(inRealDirectory(b));
  }

  private static Path inRealDirectory(Path file) throws IOException {
    Path absolute = file.toAbsolutePath();
    return absolute.getParent().toRealPath().resolve(absolute.getFileName());
  }

  private static Main.UsageException usage(String message) {
    return new Main.UsageException(message);
  }
}

package io.descent.cli;

import io.descent.model.TrainingInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The CSV file a model was trained on, as {@code train} records it among the model file's
 * training settings ({@link TrainingInfo#hyperparameters()}): {@value #FILE}, its absolute path;
 * {@value #BYTES}, its size; and {@value #TEST_FRACTION} when {@code --test-fraction} set rows of
 * it aside. {@code evaluate} reads them back to say when it is given the training rows.
 *
 * <p>The model file holds no row identities, so a file is recognised by path and size alone (a path
 * through a symbolic link to it counts as its path): a copy elsewhere is not recognised, and a file
 * rewritten in place to the very same size is taken for the one trained on. Only a regular file is
 * recorded and recognised: a pipe's path (such as {@code /dev/fd/63}) and size (0) are those of
 * every other pipe.
 *
 * @param path the file, absolute and normalized
 * @param bytes its size
 * @param testFraction the fraction of its rows set aside for testing, 0 when none
 */
record TrainingFile(Path path, long bytes, double testFraction) {
  /** The setting that holds the file's absolute path. */
  static final String FILE = "dataFile";
  /** The setting that holds the file's size in bytes. */
  static final String BYTES = "dataBytes";
  /** The setting that holds the test fraction (absent when none). */
  static final String TEST_FRACTION = "testFraction";

  /** The file as it is now. */
  static TrainingFile of(Path data, double testFraction) throws IOException {
    Path path = data.toAbsolutePath().normalize();
    return new TrainingFile(path, Files.size(path), testFraction);
  }

  /** What a model file records, from its training settings; empty for older files. */
  static Optional<TrainingFile> recorded(TrainingInfo training) {
    if (training == null
        || !(training.hyperparameters().get(FILE) instanceof String file)
        || !(training.hyperparameters().get(BYTES) instanceof Long bytes)) {
      return Optional.empty();
    }
    double fraction = training.hyperparameters().get(TEST_FRACTION) instanceof Double d ? d : 0;
    return Optional.of(new TrainingFile(Path.of(file), bytes, fraction));
  }

  /** The settings to add to the model file's training section (no path and size for a pipe). */
  Map<String, Object> settings() {
    Map<String, Object> s = new LinkedHashMap<>();
    if (Files.isRegularFile(path)) {
      s.put(FILE, path.toString());
      s.put(BYTES, bytes);
    }
    if (testFraction > 0) {
      s.put(TEST_FRACTION, testFraction);
    }
    return s;
  }

  /**
   * Why {@code data} is not the file this names, for a message: another path, or this path
   * grown or shrunk (a file of the same path and size that was edited is not told apart).
   */
  String whyNot(Path data) {
    Path p = data.toAbsolutePath().normalize();
    if (!samePath(p)) {
      return data + " is another file";
    }
    try {
      return data + " now holds " + Files.size(p) + " bytes: it changed since";
    } catch (IOException e) {
      return data + " cannot be read (" + e.getMessage() + ")";
    }
  }

  /**
   * Whether {@code p} (absolute, normalized) names this file: the same path, or one that leads
   * to the same file (through a symbolic link or a linked directory, either way).
   */
  private boolean samePath(Path p) {
    if (p.equals(path)) {
      return true;
    }
    try {
      return Files.isSameFile(p, path);
    } catch (IOException e) {
      return false; // one of them is gone: not the file trained on
    }
  }

  /**
   * Whether {@code data} is this file: the same path (or a link to it) and, still, the same
   * size.
   */
  boolean is(Path data) {
    Path p = data.toAbsolutePath().normalize();
    try {
      return Files.isRegularFile(p) && samePath(p) && Files.size(p) == bytes;
    } catch (IOException e) {
      return false;
    }
  }
}

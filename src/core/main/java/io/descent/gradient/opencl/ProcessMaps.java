package io.descent.gradient.opencl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** What this process has mapped: the lines of Linux's {@code /proc/self/maps}. */
final class ProcessMaps {
  private ProcessMaps() {}

  /** The lines of {@code /proc/self/maps}, or none where it cannot be read (not Linux). */
  static List<String> lines() {
    try {
      return Files.readAllLines(Path.of("/proc/self/maps"));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }
}

package io.descent.gradient.opencl;

import java.util.ArrayList;
import java.util.List;

/**
 * The compiler's messages from this process's successful builds (build logs with anything the
 * compiler printed), kept for whoever asks to see them ({@link OpenClBackend#compilerMessages()},
 * printed by the command line's verbose mode) instead of reaching the terminal. Builds with an
 * empty log leave nothing; at most {@value #MAX_ENTRIES} entries are kept.
 */
final class BuildLogs {
  static final int MAX_ENTRIES = 64;
  private static final List<String> ENTRIES = new ArrayList<>();

  private BuildLogs() {}

  /** Keeps a build's log when it is not empty. */
  static synchronized void record(String file, String device, String options, String log) {
    if (log == null || log.isBlank() || ENTRIES.size() >= MAX_ENTRIES) {
      return;
    }
    ENTRIES.add(file + " on " + device + " (" + options + "):\n" + log.strip());
  }

  /** Every kept entry, oldest first. */
  static synchronized List<String> all() {
    return List.copyOf(ENTRIES);
  }
}

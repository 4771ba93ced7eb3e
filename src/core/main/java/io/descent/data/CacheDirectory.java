package io.descent.data;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where Descent keeps what it caches for a user (the datasets' copies, the command line's class
 * archives): a class of its own, so that the command line's first JVM, which only starts the
 * second, learns the directory without loading {@link DatasetCache} (verifying that class took
 * 12 to 37 ms of the first JVM's 55 to 100 ms before it started the second, on a 2-core AMD
 * EPYC).
 */
public final class CacheDirectory {
  /** The environment variable that names the cache directory, overriding the default. */
  public static final String VARIABLE = "DESCENT_CACHE_DIR";
  /** The directory under the user's cache directory ({@code $XDG_CACHE_HOME}, ~/.cache). */
  public static final String SUBDIRECTORY = "descent";

  private CacheDirectory() {}

  /**
   * The default cache directory: {@value #VARIABLE} when set (not blank), else {@code
   * $XDG_CACHE_HOME/}{@value #SUBDIRECTORY} when that is set to an absolute path, else {@code
   * ~/.cache/}{@value #SUBDIRECTORY}, {@code ~} being {@code $HOME} when that is an absolute
   * path (as a shell and the XDG rules read it), else the JVM's {@code user.home} (the account's
   * home, which a changed {@code $HOME} does not move).
   */
  public static Path of() {
    return of(System.getenv(), System.getProperty("user.home"));
  }

  /** {@link #of()} for this environment and JVM home directory. */
  static Path of(Map<String, String> environment, String home) {
    String own = environment.get(VARIABLE);
    if (own != null && !own.isBlank()) {
      return Path.of(own);
    }
    String xdg = environment.get("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, SUBDIRECTORY);
    }
    String shellHome = environment.get("HOME");
    if (shellHome != null && !shellHome.isBlank() && Path.of(shellHome).isAbsolute()) {
      home = shellHome;
    }
    return Path.of(home, ".cache", SUBDIRECTORY);
  }
}

package io.descent.cli;

import java.util.OptionalInt;

/**
 * The jar's entry point: runs the command line in a second JVM where {@link HugePages} wants
 * one, else in this JVM through {@link Main}.
 *
 * <p>A class apart from {@link Main} so that a first JVM which only starts the second loads
 * neither picocli nor the commands: linking {@code Main} loads picocli's classes (its exception
 * handlers name them) and its subcommands' (its list of them), which took 25 to 30 ms of the
 * first JVM's 0.18 s before the second started ({@code -Xlog:class+load}, a 2-core AMD EPYC).
 */
public final class Launcher {
  private Launcher() {}

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    OptionalInt second = HugePages.relaunch(args, System.err);
    if (second.isPresent()) {
      System.exit(second.getAsInt());
    }
    if (System.getProperty(HugePages.RELAUNCHED) != null) {
      HugePages.endWithTheFirst();
    }
    Main.run(args);
  }
}

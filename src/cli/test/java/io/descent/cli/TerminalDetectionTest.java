package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress bar is drawn on standard error, so it is on only when standard error is a
 * terminal: {@code train ... 2> log.txt} from a terminal must not fill the log with bar frames.
 */
class TerminalDetectionTest {
  @TempDir Path dir;

  @Test
  void aDescriptorPointingAtATerminalDeviceIsATerminal() throws Exception {
    Path pts = Files.createSymbolicLink(dir.resolve("fd2-pts"), Path.of("/dev/pts/3"));
    Path tty = Files.createSymbolicLink(dir.resolve("fd2-tty"), Path.of("/dev/tty1"));
    assertTrue(CliSupport.stderrIsTerminal(pts));
    assertTrue(CliSupport.stderrIsTerminal(tty));
  }

  @Test
  void aDescriptorPointingAtAFileOrPipeIsNot() throws Exception {
    Path file = Files.createSymbolicLink(dir.resolve("fd2-file"), dir.resolve("log.txt"));
    Path pipe = Files.createSymbolicLink(dir.resolve("fd2-pipe"), Path.of("pipe:[12345]"));
    Path nul = Files.createSymbolicLink(dir.resolve("fd2-null"), Path.of("/dev/null"));
    assertFalse(CliSupport.stderrIsTerminal(file));
    assertFalse(CliSupport.stderrIsTerminal(pipe));
    assertFalse(CliSupport.stderrIsTerminal(nul));
  }

  @Test
  void underMavenStandardErrorIsNotATerminal() {
    // Surefire captures standard error through a pipe or file: the real descriptor says so.
    assertFalse(CliSupport.isTerminal());
  }
}

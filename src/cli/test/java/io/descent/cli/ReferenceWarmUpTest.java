package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.loss.Loss;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CliSupport#warmUpReference}: the reference's warm-up starts for a large regular data
 * file (a sparse one here: only its size is asked), not for a small one, a missing one, a
 * directory or a multinomial fit.
 */
class ReferenceWarmUpTest {
  @TempDir
  Path dir;

  @Test
  void onlyALargeFileOfABinaryOrLinearFitStartsIt() throws IOException {
    Path large = dir.resolve("large.csv");
    try (RandomAccessFile f = new RandomAccessFile(large.toFile(), "rw")) {
      f.setLength(CliSupport.WARM_UP_MIN_INPUT_BYTES);
    }
    assertTrue(CliSupport.warmUpReference(large, Loss.LOGISTIC));
    assertTrue(CliSupport.warmUpReference(large, Loss.LINEAR));
    assertFalse(CliSupport.warmUpReference(large, Loss.MULTINOMIAL));

    Path small = dir.resolve("small.csv");
    try (RandomAccessFile f = new RandomAccessFile(small.toFile(), "rw")) {
      f.setLength(CliSupport.WARM_UP_MIN_INPUT_BYTES - 1);
    }
    assertFalse(CliSupport.warmUpReference(small, Loss.LOGISTIC));
    assertFalse(CliSupport.warmUpReference(dir.resolve("missing.csv"), Loss.LOGISTIC));
    assertFalse(CliSupport.warmUpReference(dir, Loss.LOGISTIC));
    assertFalse(CliSupport.warmUpReference(null, Loss.LOGISTIC));
    assertTrue(Files.exists(large));
  }
}

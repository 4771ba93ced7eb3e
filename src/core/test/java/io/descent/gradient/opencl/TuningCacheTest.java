package io.descent.gradient.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache of measured CPU kernel shapes ({@code --tuning measure}) on the real device: a
 * measurement is stored and read back for its device and precision only, and a file whose key,
 * shape or text is not a current one of ours is ignored, never trusted.
 */
class TuningCacheTest {
  @Test
  void aMeasuredShapeIsCachedAndReadBack(@TempDir Path dir) {
    OpenClAvailability.require();
    ClDevice device = OpenClBackend.select(Cl.devices(), null);
    TuningCache cache = new TuningCache(dir);
    assertTrue(cache.read(device, false).isEmpty(), "nothing cached yet");
    CpuShape measured = CpuTuner.measure(device, false, cache);
    assertTrue(CpuShape.candidates(device, false).stream().anyMatch(measured::sameAs),
        "the winner is a candidate: " + measured);
    assertTrue(measured.origin().contains("cached in " + cache.file(device, false)),
        measured.origin());
    Optional<CpuShape> read = cache.read(device, false);
    assertTrue(read.isPresent(), "read back");
    assertTrue(read.get().sameAs(measured), read.get() + " against " + measured);
    assertTrue(read.get().origin().contains(cache.file(device, false).toString()),
        read.get().origin());
  }

  @Test
  void onlyACurrentFileOfACandidateIsUsed(@TempDir Path dir) throws Exception {
    OpenClAvailability.require();
    ClDevice device = OpenClBackend.select(Cl.devices(), null);
    TuningCache cache = new TuningCache(dir);
    List<CpuShape> candidates = CpuShape.candidates(device, false);
    CpuShape shape = candidates.get(candidates.size() - 1);
    cache.write(device, false, shape, "figures for the test");
    Path file = cache.file(device, false);
    assertTrue(cache.read(device, false).get().sameAs(shape), "as written");
    assertTrue(cache.read(device, true).isEmpty(), "another precision, another file");

    String text = Files.readString(file, StandardCharsets.UTF_8);
    String key = TuningCache.key(device, false);
    assertTrue(text.contains("key=" + key), text);
    // A file measured under another driver or kernel source: its key no longer matches.
    Files.writeString(file, text.replace("key=" + key, "key=" + "0".repeat(key.length())),
        StandardCharsets.UTF_8);
    assertTrue(cache.read(device, false).isEmpty(), "stale key");
    // A shape that is not among today's candidates (a width no register has).
    Files.writeString(file, text.replace("vectorWidth=" + shape.vectorWidth(), "vectorWidth=3"),
        StandardCharsets.UTF_8);
    assertTrue(cache.read(device, false).isEmpty(), "not a candidate");
    // Fields that do not parse, and bytes that are not a properties file at all.
    Files.writeString(file, text.replace("rowsPerBlock=" + shape.rowsPerBlock(),
        "rowsPerBlock=many"), StandardCharsets.UTF_8);
    assertTrue(cache.read(device, false).isEmpty(), "not a number");
    Files.write(file, new byte[] {(byte) 0xff, '\\', 'u', 'z', 'z'});
    assertTrue(cache.read(device, false).isEmpty(), "not ours");
    // Written again, it is used again.
    cache.write(device, false, shape, "again");
    assertEquals(shape.vectorWidth(), cache.read(device, false).get().vectorWidth());
  }
}

package io.descent.gradient.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import io.descent.gradient.Moments;
import io.descent.gradient.MomentsFixtures;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache of built programs: a first open builds from source and stores the binary after the
 * kernel ran, a second open makes the program from it and computes the same bits; a file of
 * another key, or no file of ours, is never used.
 */
class ProgramBinariesTest {
  @Test
  void aSecondOpenUsesTheStoredBinaryAndComputesTheSameBits(@TempDir Path dir) {
    OpenClAvailability.require();
    ProgramBinaries binaries = new ProgramBinaries(dir);
    ClDevice device = OpenClBackend.select(Cl.devices(), null);
    Dataset data = MomentsFixtures.generated(1500, 9, true, 61);
    double[] shift = Moments.shiftOf(data);
    boolean cpu = device.description().type() == io.descent.gradient.DeviceDescription.Type.CPU;
    Moments[] first;
    int live = OpenClBackend.liveObjects();
    try (ClContext cl = new ClContext(device)) {
      first = OpenClMoments.compute(cl, data, shift, null, 1, OpenClMoments.CPU_SLAB_BYTES, cpu,
          device, binaries);
    }
    assertEquals(live, OpenClBackend.liveObjects(), "every OpenCL object released");
    assertEquals(0, binaries.hits(), "the first open builds from source");
    try (var files = Files.list(dir.resolve("binaries"))) {
      assertEquals(1, files.filter(f -> f.toString().endsWith(".bin")).count(), "one binary");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    Moments[] second;
    try (ClContext cl = new ClContext(device)) {
      second = OpenClMoments.compute(cl, data, shift, null, 1, OpenClMoments.CPU_SLAB_BYTES,
          cpu, device, binaries);
    }
    assertEquals(live, OpenClBackend.liveObjects(), "every OpenCL object released");
    assertEquals(1, binaries.hits(), "the second open made the program from its binary");
    assertArrayEquals(first[0].packed(), second[0].packed(), 0.0, "the same bits");
    MomentsFixtures.assertMomentsClose(MomentsFixtures.referenceAbout(data, shift), second[0],
        OpenClMomentsTest.REL, "against the reference");
  }

  @Test
  void aFileOfAnotherKeyIsNeverUsed(@TempDir Path dir) throws Exception {
    OpenClAvailability.require();
    ClDevice device = OpenClBackend.select(Cl.devices(), null);
    ProgramBinaries binaries = new ProgramBinaries(dir);
    String[] sources = {"kernel a", "kernel b"};
    binaries.write(device, sources, "-DX=1", new byte[] {1, 2, 3});
    assertArrayEquals(new byte[] {1, 2, 3}, binaries.read(device, sources, "-DX=1").get());
    assertTrue(binaries.read(device, sources, "-DX=2").isEmpty(), "other options");
    assertTrue(binaries.read(device, new String[] {"kernel a", "kernel c"}, "-DX=1").isEmpty(),
        "another source");
    // A file of this key's name that holds another key (a hash collision, or a foreign file).
    Path file = binaries.file(device, sources, "-DX=2");
    Files.createDirectories(file.getParent());
    Files.copy(binaries.file(device, sources, "-DX=1"), file);
    assertTrue(binaries.read(device, sources, "-DX=2").isEmpty(), "the key inside is compared");
    Files.write(file, new byte[] {9, 9});
    assertTrue(binaries.read(device, sources, "-DX=2").isEmpty(), "not a file of ours");
    binaries.forget(device, sources, "-DX=1");
    assertTrue(binaries.read(device, sources, "-DX=1").isEmpty(), "forgotten");
    assertEquals(1, binaries.hits());
  }

  /** The binaries used last stay, up to the budget; a read renews a file's use. */
  @Test
  void theDirectoryKeepsTheBinariesUsedLastWithinItsBudget(@TempDir Path dir) throws Exception {
    OpenClAvailability.require();
    ClDevice device = OpenClBackend.select(Cl.devices(), null);
    ProgramBinaries binaries = new ProgramBinaries(dir);
    String[] sources = {"kernel"};
    binaries.write(device, sources, "-DX=1", new byte[] {1});
    Path used = binaries.file(device, sources, "-DX=1");
    Path folder = used.getParent();
    long now = System.currentTimeMillis();
    Files.setLastModifiedTime(used, FileTime.fromMillis(now - 86_400_000L));
    // Older binaries of 100 MiB each (sparse: no disk), and a file that is no binary.
    Path[] old = new Path[4];
    for (int i = 0; i < old.length; i++) {
      old[i] = folder.resolve("000000000000000" + i + ".bin");
      try (RandomAccessFile f = new RandomAccessFile(old[i].toFile(), "rw")) {
        f.setLength(100L << 20);
      }
      Files.setLastModifiedTime(old[i], FileTime.fromMillis(now - 3_600_000L * (i + 1)));
    }
    Path other = Files.writeString(folder.resolve("notes.txt"), "x");
    Files.setLastModifiedTime(other, FileTime.fromMillis(now - 86_400_000L * 2));
    // The oldest binary read: its use renewed.
    assertArrayEquals(new byte[] {1}, binaries.read(device, sources, "-DX=1").get());
    assertTrue(Files.getLastModifiedTime(used).toMillis() >= now - 60_000L);
    // A new one written: the budget of 256 MiB keeps it, the one just read and the two newest
    // 100 MiB files; the two least recently used go.
    binaries.write(device, sources, "-DX=2", new byte[] {2});
    assertTrue(Files.exists(binaries.file(device, sources, "-DX=2")));
    assertTrue(Files.exists(used), "renewed by its read");
    assertTrue(Files.exists(old[0]) && Files.exists(old[1]));
    assertFalse(Files.exists(old[2]) || Files.exists(old[3]), "the least recently used");
    assertTrue(Files.exists(other), "only binaries are removed");
    // The file just written stays even alone over the budget.
    ProgramBinaries.prune(folder, 0, binaries.file(device, sources, "-DX=2"));
    try (var files = Files.list(folder)) {
      assertEquals(2, files.count(), "the file kept and the other file");
    }
  }
}

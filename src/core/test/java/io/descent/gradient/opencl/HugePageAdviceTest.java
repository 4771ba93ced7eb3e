package io.descent.gradient.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The huge-page advice on the memory a CPU device's upload fills. */
class HugePageAdviceTest {

  @Test
  void aLargeDirectBufferIsMarkedForHugePagesAndKeepsItsValues() throws IOException {
    assumeTrue(Platform.isLinux() && Files.exists(Path.of("/sys/kernel/mm/transparent_hugepage")),
        "Linux with transparent huge pages");
    assumeTrue(HugePageAdvice.needed(Files.readString(Path.of(HugePageAdvice.THP_MODE)),
        System.getenv("GLIBC_TUNABLES"), HugePageAdvice.glibcMinor(
            Files.readAllLines(Path.of("/proc/self/maps")))),
        "a kernel mode of madvise, and a C library that does not advise huge pages itself");
    ByteBuffer buffer = ByteBuffer.allocateDirect(32 << 20);
    buffer.putInt(0, 7);
    assertTrue(HugePageAdvice.advise(buffer));
    long address = Pointer.nativeValue(Native.getDirectBufferPointer(buffer));
    // The mapping that holds the middle of the buffer now carries the kernel's "hg" flag
    // (VM_HUGEPAGE), whatever huge pages the machine has free.
    List<String> flags = vmFlags(address + (16 << 20));
    assertTrue(flags.contains("hg"), "VmFlags " + flags);
    assertEquals(7, buffer.getInt(0));
    for (int i = 0; i < buffer.capacity(); i += 4096) {
      buffer.put(i, (byte) 1);
    }
    assertEquals(1, buffer.get(16 << 20));
  }

  @Test
  void smallAndHeapBuffersAreLeftAlone() {
    assertFalse(HugePageAdvice.advise(ByteBuffer.allocateDirect(1 << 20)));
    assertFalse(HugePageAdvice.advise(ByteBuffer.allocate(16 << 20)));
  }

  @Test
  void theAdviceIsNeededOnlyWhereTheKernelWaitsForItAndTheCLibraryDoesNotGiveIt() {
    String madvise = "always [madvise] never";
    assertTrue(HugePageAdvice.needed(madvise, null, 36));
    assertTrue(HugePageAdvice.needed(madvise, "glibc.malloc.arena_max=2", 36));
    assertFalse(HugePageAdvice.needed(madvise, "glibc.malloc.hugetlb=1", 36));
    assertFalse(HugePageAdvice.needed(madvise, "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1",
        35));
    // 2 asks for hugetlbfs pages, which need a reserved pool: not the same thing.
    assertTrue(HugePageAdvice.needed(madvise, "glibc.malloc.hugetlb=2", 36));
    // An older glibc ignores the tunable; an unknown C library is not trusted with it.
    assertTrue(HugePageAdvice.needed(madvise, "glibc.malloc.hugetlb=1", 31));
    assertTrue(HugePageAdvice.needed(madvise, "glibc.malloc.hugetlb=1", -1));
    // The kernel gives every mapping huge pages, or none: the advice changes nothing.
    assertFalse(HugePageAdvice.needed("[always] madvise never", null, 36));
    assertFalse(HugePageAdvice.needed("always madvise [never]", null, 36));
    assertFalse(HugePageAdvice.needed("", null, 36));
  }

  @Test
  void theGlibcReleaseIsReadFromTheMappedCLibrary() {
    assertEquals(31, HugePageAdvice.glibcMinor(List.of(
        "7f00-7f10 r--p 00000000 fe:00 1   /usr/lib/x86_64-linux-gnu/libc-2.31.so")));
    assertEquals(HugePageAdvice.FIRST_GLIBC_MINOR, HugePageAdvice.glibcMinor(List.of(
        "7f00-7f10 r-xp 00000000 fe:00 2   /usr/lib/x86_64-linux-gnu/libm.so.6",
        "7f20-7f30 r-xp 00000000 fe:00 3   /usr/lib/x86_64-linux-gnu/libc.so.6")));
    assertEquals(-1, HugePageAdvice.glibcMinor(List.of(
        "7f00-7f10 r-xp 00000000 fe:00 4   /lib/ld-musl-x86_64.so.1")));
  }

  /** The VmFlags of the mapping of this process that contains {@code address}. */
  private static List<String> vmFlags(long address) throws IOException {
    boolean inside = false;
    for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
      if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
        String[] range = line.substring(0, line.indexOf(' ')).split("-");
        inside = Long.compareUnsigned(Long.parseUnsignedLong(range[0], 16), address) <= 0
            && Long.compareUnsigned(address, Long.parseUnsignedLong(range[1], 16)) < 0;
      } else if (inside && line.startsWith("VmFlags:")) {
        return List.of(line.substring("VmFlags:".length()).trim().split("\\s+"));
      }
    }
    throw new AssertionError("no mapping holds address " + Long.toHexString(address));
  }
}

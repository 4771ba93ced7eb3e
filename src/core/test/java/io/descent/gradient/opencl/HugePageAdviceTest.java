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

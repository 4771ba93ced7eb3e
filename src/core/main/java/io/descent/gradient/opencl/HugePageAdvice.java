package io.descent.gradient.opencl;

import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * Asks Linux to back a large buffer that is about to be written for the first time with
 * transparent huge pages ({@code madvise(MADV_HUGEPAGE)}), so that filling it takes one page
 * fault per 2 MiB instead of one per 4 KiB.
 *
 * <p>On a CPU device (PoCL) a mapped buffer is the device's own memory, fresh from the C
 * library's allocator, and the first write to each page faults it in; where faults are costly (a
 * virtual machine: 10 to 14 microseconds each on this project's CI machines) filling the 64 MiB
 * copy of a 250,000 x 64 partition took 150 ms, nearly all of it faults. Where the kernel's THP
 * mode is {@code madvise} (Debian's default) memory gets huge pages only when asked; with
 * {@code always} it gets them anyway and with {@code never} the advice is ignored. The advice
 * changes no value and no address: it only marks the range. It is given only on Linux, only for
 * ranges of at least {@value #MIN_BYTES} bytes, and a failure (another system, JNA without its
 * native part, a kernel that refuses) leaves the buffer as it was.
 */
final class HugePageAdvice {
  /** Smaller ranges would hold no whole aligned huge page worth the call. */
  static final long MIN_BYTES = 8L << 20;
  /** {@code MADV_HUGEPAGE} from Linux's {@code <asm-generic/mman-common.h>}. */
  private static final int MADV_HUGEPAGE = 14;
  private static final long PAGE = 4096;

  private static final LibC LIBC = Platform.isLinux() ? LibC.INSTANCE : null;

  private HugePageAdvice() {}

  /**
   * Advises huge pages for the whole 4 KiB pages inside {@code buffer} (a direct buffer), when it
   * is large enough; returns whether the advice was taken.
   */
  static boolean advise(ByteBuffer buffer) {
    long bytes = buffer.capacity();
    if (LIBC == null || !buffer.isDirect() || bytes < MIN_BYTES) {
      return false;
    }
    long address = Pointer.nativeValue(Native.getDirectBufferPointer(buffer));
    long start = (address + PAGE - 1) & -PAGE;
    long end = (address + bytes) & -PAGE;
    return end > start && LIBC.madvise(new Pointer(start), end - start, MADV_HUGEPAGE) == 0;
  }
}

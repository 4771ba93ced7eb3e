package io.descent.gradient.opencl;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 *
 * <p>It is given only where it changes something ({@link #needed}): the kernel's mode is {@code
 * madvise} and the C library does not already ask for huge pages itself. glibc 2.35 and later
 * does, for every large allocation, under {@code GLIBC_TUNABLES=glibc.malloc.hugetlb=1}, which
 * the command line's second JVM runs with. Skipping the call there also skips loading JNA, which
 * on a 2-core AMD EPYC cost about 0.1 s of every {@code train}'s open (JNA unpacks its native
 * library and runs {@code ldconfig -p} in a child process when it first looks for a library):
 * {@code alloc+map} of a 256 MB buffer took 84 to 95 ms with the advice and 0.5 ms without, and
 * the filled buffer had its huge pages either way ({@code AnonHugePages} in {@code
 * /proc/self/smaps_rollup}), in a throwaway harness.
 */
final class HugePageAdvice {
  /** Smaller ranges would hold no whole aligned huge page worth the call. */
  static final long MIN_BYTES = 8L << 20;
  /** {@code MADV_HUGEPAGE} from Linux's {@code <asm-generic/mman-common.h>}. */
  private static final int MADV_HUGEPAGE = 14;
  private static final long PAGE = 4096;

  /** Where the kernel says which memory gets transparent huge pages. */
  static final String THP_MODE = "/sys/kernel/mm/transparent_hugepage/enabled";
  /** The glibc tunable that makes malloc advise huge pages for its large allocations. */
  static final String MALLOC_TUNABLE = "glibc.malloc.hugetlb";
  /** The first glibc release that knows {@link #MALLOC_TUNABLE}: 2.35. */
  static final int FIRST_GLIBC_MINOR = 35;

  /** Whether this process's large buffers need the advice, decided once. */
  private static final boolean NEEDED = System.getProperty("os.name", "").startsWith("Linux")
      && needed(thpMode(), System.getenv("GLIBC_TUNABLES"), glibcMinor(ProcessMaps.lines()));

  private HugePageAdvice() {}

  /**
   * Whether a large buffer needs the advice to get huge pages: only where the kernel's mode is
   * {@code madvise} ({@code always} gives them to all memory, {@code never} to none) and the C
   * library does not ask for them itself ({@link #MALLOC_TUNABLE} set to 1 under glibc 2.35 or
   * later).
   *
   * @param thpMode the text of {@link #THP_MODE} ("" where there is none)
   * @param glibcTunables the {@code GLIBC_TUNABLES} variable, or null
   * @param glibcMinor the glibc 2.x release in this process, or -1 when unknown (or not glibc)
   */
  static boolean needed(String thpMode, String glibcTunables, int glibcMinor) {
    if (!thpMode.contains("[madvise]")) {
      return false;
    }
    boolean tunable = false;
    if (glibcTunables != null) {
      for (String setting : glibcTunables.split(":")) {
        tunable |= setting.trim().equals(MALLOC_TUNABLE + "=1");
      }
    }
    return !(tunable && glibcMinor >= FIRST_GLIBC_MINOR);
  }

  /**
   * The glibc 2.x release whose C library a mapping of this process holds, from its file name:
   * {@code libc-2.31.so} is 31; {@code libc.so.6} as a file of its own (no longer a link to
   * {@code libc-2.x.so}) is 2.34 or later, taken as {@link #FIRST_GLIBC_MINOR} (2.34 itself
   * ignores the tunable; the distributions that shipped it run the kernel's mode {@code
   * always}); -1 when none is found.
   */
  static int glibcMinor(List<String> mappedFiles) {
    Pattern versioned = Pattern.compile("/libc-2\\.(\\d+)\\.so$");
    for (String file : mappedFiles) {
      Matcher m = versioned.matcher(file);
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      if (file.endsWith("/libc.so.6")) {
        return FIRST_GLIBC_MINOR;
      }
    }
    return -1;
  }

  /** The kernel's transparent huge page mode, or "" where it has none. */
  private static String thpMode() {
    try {
      return String.join("\n", Files.readAllLines(Path.of(THP_MODE)));
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  /**
   * Advises huge pages for the whole 4 KiB pages inside {@code buffer} (a direct buffer), when it
   * is large enough and this process needs the advice ({@link #needed}); returns whether the
   * advice was taken.
   */
  static boolean advise(ByteBuffer buffer) {
    long bytes = buffer.capacity();
    if (!NEEDED || !buffer.isDirect() || bytes < MIN_BYTES) {
      return false;
    }
    LibC libc = LibC.INSTANCE;
    if (libc == null) {
      return false;
    }
    long address = Pointer.nativeValue(Native.getDirectBufferPointer(buffer));
    long start = (address + PAGE - 1) & -PAGE;
    long end = (address + bytes) & -PAGE;
    return end > start && libc.madvise(new Pointer(start), end - start, MADV_HUGEPAGE) == 0;
  }
}

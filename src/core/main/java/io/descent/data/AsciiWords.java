package io.descent.data;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Eight bytes of a file at a time, as one {@code long} (SWAR: SIMD within a register): how many
 * ASCII digits start a word and their value, and whether a word holds a line break or a quote.
 * The parallel reader's hot loops use them to step over a number's digits or a line's bytes
 * eight at a time where they looked at one byte at a time, with the same results.
 *
 * <p>Words are read little-endian, so the word's lowest byte is the first in the file, on every
 * platform.
 */
final class AsciiWords {
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long ZEROS = 0x3030303030303030L;
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  /** Powers of ten up to the most digits a word holds. */
  private static final long[] POW10 = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L,
      10_000_000L, 100_000_000L};

  private AsciiWords() {}

  /** The eight bytes {@code b[p, p + 8)} as a word; {@code p + 8 <= b.length}. */
  static long word(byte[] b, int p) {
    return (long) LONG.get(b, p);
  }

  /** {@code 10^n} for {@code n} in 0..8. */
  static long pow10(int n) {
    return POW10[n];
  }

  /**
   * How many bytes at the start of {@code word} (its low end) are the ASCII digits '0'..'9': 0
   * to 8. Each byte is XORed with '0' (digits become 0..9); adding 0x76 sets a byte's high bit
   * exactly when it is above 9, and a byte already at 0x80 or above has it set. A carry out of a
   * byte can only come from one at 0x8A or above, a non-digit, so it reaches only later bytes.
   */
  static int leadingDigits(long word) {
    long x = word ^ ZEROS;
    long nonDigits = ((x + 0x7676767676767676L) | x) & HIGH_BITS;
    return Long.numberOfTrailingZeros(nonDigits) >>> 3;
  }

  /**
   * The value of the first {@code n} bytes of {@code word}, all ASCII digits, read as a decimal
   * number (the first byte the most significant): {@code n} from 0 to 8. The digits are moved to
   * the top of the word (the bytes below become leading zeros), then adjacent digits, pairs and
   * quadruples are combined by three multiplications.
   */
  static long digitsValue(long word, int n) {
    if (n == 0) {
      return 0;
    }
    long x = (word ^ ZEROS) << (8 * (8 - n));
    x = ((x & 0x0F0F0F0F0F0F0F0FL) * 2561) >>> 8;
    x = ((x & 0x00FF00FF00FF00FFL) * 6553601) >>> 16;
    return ((x & 0x0000FFFF0000FFFFL) * 42949672960001L) >>> 32;
  }

  /**
   * Whether {@code word} may hold a byte the line counter must look at: one below 0x0E (line
   * breaks among them) or a quote. No false negatives; a false positive only sends the word to
   * the byte-by-byte loop.
   */
  static boolean mayHoldBreakOrQuote(long word) {
    long below = (word - 0x0E0E0E0E0E0E0E0EL) & ~word;
    long quotes = word ^ 0x2222222222222222L;
    long quote = (quotes - ONES) & ~quotes;
    return ((below | quote) & HIGH_BITS) != 0;
  }
}

package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The eight-bytes-at-a-time scans against the byte-at-a-time loops they replace. */
class AsciiWordsTest {
  /** Bytes drawn mostly from digits and the characters around numbers, sometimes any byte. */
  private static byte[] bytes(SplittableRandom r, int n) {
    String common = "0123456789012345678901234567890123456789.,-+eE\n\r\" \t;";
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = r.nextInt(6) == 0 ? (byte) r.nextInt(256)
          : (byte) common.charAt(r.nextInt(common.length()));
    }
    return b;
  }

  @Test
  void leadingDigitsAndTheirValueMatchTheByteLoop() {
    SplittableRandom r = new SplittableRandom(11);
    for (int k = 0; k < 300_000; k++) {
      byte[] b = bytes(r, 8);
      if (r.nextInt(3) == 0) {
        // Runs of digits of every length, the rest anything.
        int n = r.nextInt(9);
        for (int i = 0; i < n; i++) {
          b[i] = (byte) ('0' + r.nextInt(10));
        }
      }
      int n = 0;
      long value = 0;
      while (n < 8 && b[n] >= '0' && b[n] <= '9') {
        value = value * 10 + (b[n] - '0');
        n++;
      }
      long word = AsciiWords.word(b, 0);
      assertEquals(n, AsciiWords.leadingDigits(word), java.util.Arrays.toString(b));
      assertEquals(value, AsciiWords.digitsValue(word, n), java.util.Arrays.toString(b));
    }
  }

  @Test
  void everyWordWithALineBreakOrQuoteIsFlagged() {
    SplittableRandom r = new SplittableRandom(12);
    for (int k = 0; k < 300_000; k++) {
      byte[] b = bytes(r, 8);
      boolean holds = false;
      for (byte c : b) {
        holds |= c == '\n' || c == '\r' || c == '"';
      }
      if (holds) {
        assertEquals(true, AsciiWords.mayHoldBreakOrQuote(AsciiWords.word(b, 0)),
            java.util.Arrays.toString(b));
      }
    }
    byte[] plain = "12.5,-3.25e4,abc".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    assertEquals(false, AsciiWords.mayHoldBreakOrQuote(AsciiWords.word(plain, 0)));
    assertEquals(false, AsciiWords.mayHoldBreakOrQuote(AsciiWords.word(plain, 8)));
  }
}

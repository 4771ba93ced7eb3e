package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The count pass fed in blocks against a byte-at-a-time count of the whole text: the same rows,
 * line breaks and empty lines however the blocks cut it (through a CRLF too), direct buffers or
 * heap ones, and no count once a quote appears.
 */
class LineCountTest {
  /** {rows, breaks, empty line seen, row after an empty line}, or null for a quote. */
  private static long[] byteByByte(byte[] b) {
    long rows = 0;
    long breaks = 0;
    boolean empty = false;
    boolean after = false;
    int lineStart = 0;
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '"') {
        return null;
      }
      if (b[i] == '\n' || b[i] == '\r') {
        if (i > lineStart) {
          rows++;
          after |= empty;
        } else {
          empty = true;
        }
        breaks++;
        if (b[i] == '\r' && i + 1 < b.length && b[i + 1] == '\n') {
          i++;
        }
        lineStart = i + 1;
      }
    }
    if (b.length > lineStart) {
      rows++;
      after |= empty;
    }
    return new long[] {rows, breaks, empty ? 1 : 0, after ? 1 : 0};
  }

  /** Feeds {@code b} in blocks cut at random, into a buffer of the kind asked for. */
  private static long[] inBlocks(byte[] b, SplittableRandom r, boolean direct, int maxBlock) {
    LineCount count = new LineCount();
    ByteBuffer block = (direct ? ByteBuffer.allocateDirect(maxBlock) : ByteBuffer.allocate(
        maxBlock)).order(ByteOrder.nativeOrder());
    for (int at = 0; at < b.length; ) {
      int n = Math.min(b.length - at, 1 + r.nextInt(maxBlock));
      block.clear();
      block.put(b, at, n);
      if (!count.feed(block, n)) {
        return null;
      }
      at += n;
    }
    return count.finish();
  }

  private static byte[] text(SplittableRandom r, int n, boolean quotes) {
    String common = "0123456789.,-abc,,,\n\n\r\r\n" + (quotes ? "\"" : "");
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = r.nextInt(50) == 0 ? (byte) r.nextInt(256)
          : (byte) common.charAt(r.nextInt(common.length()));
      if (!quotes && b[i] == '"') {
        b[i] = 'q';
      }
    }
    if (r.nextInt(4) == 0) {
      // Long lines: the eight-byte steps.
      for (int i = 0; i < n; i++) {
        if ((b[i] == '\n' || b[i] == '\r') && r.nextInt(8) != 0) {
          b[i] = '7';
        }
      }
    }
    return b;
  }

  @Test
  void blocksCutAnywhereCountAsTheWholeText() {
    SplittableRandom r = new SplittableRandom(3);
    for (int k = 0; k < 20_000; k++) {
      byte[] b = text(r, r.nextInt(200), r.nextInt(5) == 0);
      long[] expected = byteByByte(b);
      int maxBlock = 1 + r.nextInt(40);
      String what = new String(b, StandardCharsets.ISO_8859_1) + " in blocks of up to "
          + maxBlock;
      long[] direct = inBlocks(b, r, true, maxBlock);
      long[] heap = inBlocks(b, r, false, maxBlock);
      if (expected == null) {
        assertNull(direct, what);
        assertNull(heap, what);
      } else {
        assertArrayEquals(expected, direct, what);
        assertArrayEquals(expected, heap, what);
      }
    }
  }

  @Test
  void aCrlfAcrossTwoBlocksIsOneBreak() {
    LineCount count = new LineCount();
    ByteBuffer first = ByteBuffer.wrap("a,b\r".getBytes(StandardCharsets.US_ASCII));
    ByteBuffer second = ByteBuffer.wrap("\nc,d\r\n\r\ne".getBytes(StandardCharsets.US_ASCII));
    count.feed(first, first.capacity());
    count.feed(second, second.capacity());
    assertArrayEquals(new long[] {3, 3, 1, 1}, count.finish(), Arrays.toString(count.finish()));
  }

  @Test
  void aQuoteStopsTheCount() {
    ByteBuffer b = ByteBuffer.wrap("1,2\n\"3\",4\n".getBytes(StandardCharsets.US_ASCII));
    assertFalse(new LineCount().feed(b, b.capacity()));
  }
}

package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** Joined checksums are the checksum of the joined bytes, for any split, empty parts included. */
class Crc32cCombineTest {
  private static int crc(byte[] b, int from, int to) {
    CRC32C c = new CRC32C();
    c.update(b, from, to - from);
    return (int) c.getValue();
  }

  @Test
  void joinedPartsGiveTheWholeChecksum() {
    SplittableRandom r = new SplittableRandom(3);
    for (int t = 0; t < 300; t++) {
      byte[] b = new byte[r.nextInt(0, t < 100 ? 40 : 5000)];
      r.nextBytes(b);
      int cut = r.nextInt(0, b.length + 1);
      assertEquals(crc(b, 0, b.length), Crc32cCombine.combine(crc(b, 0, cut),
          crc(b, cut, b.length), b.length - cut), "length " + b.length + ", cut at " + cut);
    }
  }

  @Test
  void threePartsJoinInOrder() {
    byte[] b = new byte[1 << 20];
    new SplittableRandom(9).nextBytes(b);
    int a = 333_333;
    int c = 777_777;
    int ab = Crc32cCombine.combine(crc(b, 0, a), crc(b, a, c), c - a);
    assertEquals(crc(b, 0, b.length), Crc32cCombine.combine(ab, crc(b, c, b.length),
        b.length - c));
  }

  @Test
  void lengthsBeyondAnIntAddUp() {
    // Shifting by n1 bytes and then by n2 is shifting by n1 + n2 (a second part's checksum of 0
    // leaves the shift alone), up to lengths of a terabyte and more.
    SplittableRandom r = new SplittableRandom(11);
    for (int t = 0; t < 50; t++) {
      int a = r.nextInt();
      long n1 = r.nextLong(0, 1L << 42);
      long n2 = r.nextLong(0, 1L << 42);
      assertEquals(Crc32cCombine.combine(a, 0, n1 + n2),
          Crc32cCombine.combine(Crc32cCombine.combine(a, 0, n1), 0, n2), n1 + " + " + n2);
    }
    byte[] b = {1, 2, 3};
    assertEquals(crc(b, 0, 3), Crc32cCombine.combine(crc(b, 0, 3), crc(b, 3, 3), 0));
    assertThrows(IllegalArgumentException.class, () -> Crc32cCombine.combine(1, 2, -1));
  }
}

package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Utf8Reader}: the JDK's decoding, stopping exactly before the first bad bytes. */
class Utf8ReaderTest {
  /** Reads everything with reads of random sizes; returns the text, or what it had at an error. */
  private static String readAll(Reader r, SplittableRandom random, StringBuilder sb)
      throws IOException {
    char[] buf = new char[64];
    while (true) {
      int n = r.read(buf, 0, 1 + random.nextInt(buf.length));
      if (n < 0) {
        return sb.toString();
      }
      sb.append(buf, 0, n);
    }
  }

  @Test
  void validTextReadsAsTheJdkDecodesItWhateverTheBufferAndReadSizes() throws IOException {
    String text = "a,b\n1,é\n€,𝄞\r\n" + "x".repeat(100) + "ü€𝄞";
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    SplittableRandom random = new SplittableRandom(1);
    for (int buffer = 4; buffer <= 70; buffer++) {
      try (Reader r = new Utf8Reader(new ByteArrayInputStream(bytes), buffer)) {
        assertEquals(text, readAll(r, random, new StringBuilder()), "buffer " + buffer);
      }
    }
  }

  @Test
  void everyCharacterBeforeTheBadBytesIsReadThenTheErrorNamesThem() throws IOException {
    String before = "a,b\n1,é\n€" + "x".repeat(50);
    byte[][] bad = {{(byte) 0xE9}, {(byte) 0x80}, {(byte) 0xC3, '('}, {(byte) 0xED, (byte) 0xA0,
        (byte) 0x80}, {(byte) 0xF0, (byte) 0x9F}};
    // An encoded surrogate (ED A0 80) is malformed as a whole, as the JDK's decoder judges it.
    String[] named = {"byte 0xE9", "byte 0x80", "byte 0xC3", "bytes 0xED 0xA0 0x80",
        "bytes 0xF0 0x9F"};
    SplittableRandom random = new SplittableRandom(2);
    for (int k = 0; k < bad.length; k++) {
      byte[] head = before.getBytes(StandardCharsets.UTF_8);
      // The last case ends the input inside a 4-byte sequence.
      byte[] tail = k == bad.length - 1 ? new byte[0] : "rest".getBytes(StandardCharsets.UTF_8);
      byte[] bytes = new byte[head.length + bad[k].length + tail.length];
      System.arraycopy(head, 0, bytes, 0, head.length);
      System.arraycopy(bad[k], 0, bytes, head.length, bad[k].length);
      System.arraycopy(tail, 0, bytes, head.length + bad[k].length, tail.length);
      for (int buffer = 4; buffer <= 40; buffer += 3) {
        StringBuilder sb = new StringBuilder();
        try (Reader r = new Utf8Reader(new ByteArrayInputStream(bytes), buffer)) {
          Utf8Reader.BadBytes e = assertThrows(Utf8Reader.BadBytes.class,
              () -> readAll(r, random, sb));
          assertEquals(before, sb.toString(), "case " + k + ", buffer " + buffer);
          assertEquals(named[k], e.describe(), "case " + k + ", buffer " + buffer);
        }
      }
    }
  }
}

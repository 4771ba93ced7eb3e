package io.descent.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * Decodes UTF-8 bytes and stops exactly at the first bytes that are not UTF-8: {@link #read}
 * returns every character before them, and only the call after that throws {@link BadBytes}. So
 * whoever consumes the characters (the CSV tokenizer, which knows its line and field) meets the
 * error at the exact place of the bad bytes.
 *
 * <p>An {@link java.io.InputStreamReader} with a reporting decoder cannot do that: it decodes
 * ahead in blocks and, on bad bytes, throws away the characters of the block decoded before
 * them, so its error surfaces up to a block early, thousands of lines before the bad bytes.
 *
 * <p>Memory stays constant: one 64 KiB byte buffer. Decoding is the JDK's own UTF-8 decoder
 * (with its ASCII fast path), so it is as fast as an {@code InputStreamReader}.
 */
final class Utf8Reader extends Reader {
  private final InputStream in;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  /** Undecoded bytes, between {@code position} and {@code limit} (read mode). */
  private final ByteBuffer bytes;
  private boolean endOfInput;
  private boolean flushed;
  /** Bad bytes met, thrown once every character before them has been read. */
  private BadBytes pending;

  /** The first bytes that are not UTF-8; the characters before them were all read. */
  static final class BadBytes extends CharacterCodingException {
    private static final long serialVersionUID = 1L;
    private final byte[] bad;

    BadBytes(byte[] bad) {
      this.bad = bad.clone();
    }

    /** The bytes, e.g. {@code byte 0xE9} or {@code bytes 0xED 0xA0}. */
    String describe() {
      StringBuilder sb = new StringBuilder(bad.length == 1 ? "byte" : "bytes");
      for (byte b : bad) {
        sb.append(String.format(Locale.ROOT, " 0x%02X", b & 0xff));
      }
      return sb.toString();
    }

    @Override
    public String getMessage() {
      return describe() + " not UTF-8";
    }
  }

  Utf8Reader(InputStream in) {
    this(in, 1 << 16);
  }

  /** For tests: a small buffer puts multi-byte characters and bad bytes across its edge. */
  Utf8Reader(InputStream in, int bufferBytes) {
    this.in = Objects.requireNonNull(in, "in");
    // A UTF-8 character is at most 4 bytes: the buffer must hold one whole.
    this.bytes = ByteBuffer.allocate(Math.max(4, bufferBytes));
    bytes.flip();
  }

  @Override
  public int read(char[] cbuf, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, cbuf.length);
    if (len == 0) {
      return 0;
    }
    if (pending != null) {
      throw pending;
    }
    CharBuffer out = CharBuffer.wrap(cbuf, off, len);
    while (out.position() == off) {
      CoderResult r = decoder.decode(bytes, out, endOfInput);
      if (r.isError()) {
        byte[] bad = new byte[r.length()];
        bytes.get(bad);
        pending = new BadBytes(bad);
        break;
      }
      if (r.isOverflow()) {
        break;
      }
      // Underflow: every whole character is decoded; the rest needs more bytes.
      if (endOfInput) {
        if (!flushed) {
          flushed = true;
          decoder.flush(out);
        }
        break;
      }
      if (out.position() > off) {
        break;
      }
      refill();
    }
    int n = out.position() - off;
    if (n > 0) {
      return n;
    }
    if (pending != null) {
      throw pending;
    }
    return -1;
  }

  /** Keeps the undecoded tail and reads more bytes after it; notes the end of the input. */
  private void refill() throws IOException {
    bytes.compact();
    int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
    if (n < 0) {
      endOfInput = true;
    } else {
      bytes.position(bytes.position() + n);
    }
    bytes.flip();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}

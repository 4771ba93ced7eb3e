package io.descent.data;

import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the records of a CSV file by scanning its bytes, so that the reader can allocate the
 * feature array once at its exact size instead of growing it (which would need twice the memory
 * at the moment of the final copy).
 *
 * <p>The scan mirrors {@link CsvTokenizer}'s grammar: quotes open only at the start of a field
 * (after spaces or tabs), line breaks inside quotes are text, empty lines are not records. It
 * works on UTF-8 bytes directly because every byte it looks at is ASCII, and no byte of a
 * multi-byte UTF-8 sequence is. It reports nothing about errors: the parsing pass finds them.
 */
final class CsvRowCounter {
  private static final int START = 0;
  private static final int PLAIN = 1;
  private static final int QUOTED = 2;
  private static final int QUOTED_QUOTE = 3;

  private final byte delimiter;
  private long records;
  private int state = START;
  private boolean content;
  private boolean skipLf;

  private CsvRowCounter(char delimiter) {
    this.delimiter = (byte) delimiter;
  }

  /** The number of non-empty records, header included. */
  static long countRecords(InputStream in, char delimiter) throws IOException {
    CsvRowCounter counter = new CsvRowCounter(delimiter);
    byte[] buf = new byte[1 << 16];
    int n = in.readNBytes(buf, 0, buf.length);
    int start = n >= 3 && buf[0] == (byte) 0xEF && buf[1] == (byte) 0xBB && buf[2] == (byte) 0xBF
        ? 3 : 0;
    while (n > 0) {
      counter.scan(buf, start, n);
      start = 0;
      n = in.read(buf, 0, buf.length);
    }
    return counter.content ? counter.records + 1 : counter.records;
  }

  // One buffer per call: a short method the JIT compiles whole, rather than one long loop that
  // it can only compile on-stack.
  private void scan(byte[] buf, int from, int to) {
    int state = this.state;
    boolean content = this.content;
    boolean skipLf = this.skipLf;
    long records = this.records;
    byte delimiter = this.delimiter;
    for (int i = from; i < to; i++) {
      byte b = buf[i];
      if (state == PLAIN && b != '\n' && b != '\r' && b != delimiter) {
        continue; // most bytes: inside an unquoted field (skipLf is never set in PLAIN)
      }
      if (skipLf) {
        skipLf = false;
        if (b == '\n') {
          continue;
        }
      }
      if (state == QUOTED) {
        if (b == '"') {
          state = QUOTED_QUOTE;
        }
        continue;
      }
      if (state == QUOTED_QUOTE) {
        if (b == '"') {
          state = QUOTED;
          continue;
        }
        state = PLAIN;
      }
      if (b == '\n' || b == '\r') {
        if (content) {
          records++;
        }
        content = false;
        state = START;
        skipLf = b == '\r';
        continue;
      }
      content = true;
      if (b == delimiter) {
        state = START;
      } else if (state == START) {
        if (b == '"') {
          state = QUOTED;
        } else if (!((b == ' ' || b == '\t') && b != delimiter)) {
          state = PLAIN;
        }
      }
    }
    this.state = state;
    this.content = content;
    this.skipLf = skipLf;
    this.records = records;
  }
}

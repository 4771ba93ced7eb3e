package io.descent.data;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;

/**
 * Splits CSV text into fields, one at a time, without building a string per field.
 *
 * <p>The grammar is RFC 4180 with the leniencies people's files need:
 *
 * <ul>
 *   <li>a field is quoted when its first character, after any spaces or tabs, is {@code "}; inside
 *       quotes {@code ""} is a quote and delimiters and line breaks are text; after the closing
 *       quote only spaces or tabs may follow before the delimiter or line end;
 *   <li>in an unquoted field a {@code "} is an ordinary character;
 *   <li>a line ends with LF, CRLF or a lone CR; a byte-order mark at the start is dropped.
 * </ul>
 *
 * <p>{@link CsvRowCounter} mirrors this grammar on bytes to count rows ahead of parsing; the two
 * must agree on where records end.
 */
final class CsvTokenizer {
  /** {@link #readField} result: a delimiter followed the field; more of the record follows. */
  static final int DELIMITER = 0;
  /** {@link #readField} result: a line break followed the field, it was the record's last. */
  static final int END_OF_LINE = 1;
  /** {@link #readField} result: the input ended after the field. */
  static final int END_OF_FILE = 2;

  private final Reader in;
  private final String file;
  private final char delimiter;
  private final char[] buf = new char[1 << 16];
  private int pos;
  private int lim;
  /** A lone CR ended the last line at the end of the buffer; a LF may yet follow it. */
  private boolean lineFeedMayFollow;
  private boolean started;

  private char[] field = new char[64];
  private int fieldLength;
  private boolean quoted;
  private boolean empty;
  private long fieldLine;
  private long line = 1;
  /** The field (1-based) being read: where bad bytes met now would sit. */
  private int column = 1;

  CsvTokenizer(Reader in, String file, char delimiter) {
    this(in, file, delimiter, 1, true);
  }

  /**
   * A tokenizer for text that starts on line {@code firstLine} of the file (a slice of it, for
   * the parallel reader); {@code atFileStart} says whether a byte-order mark may open the text.
   */
  CsvTokenizer(Reader in, String file, char delimiter, long firstLine, boolean atFileStart) {
    this.in = in;
    this.file = file;
    this.delimiter = delimiter;
    this.line = firstLine;
    this.started = !atFileStart;
  }

  /** The characters of the last field read, valid in {@code [0, fieldLength())}. */
  char[] fieldChars() {
    return field;
  }

  /** The length of the last field read. */
  int fieldLength() {
    return fieldLength;
  }

  /** The last field as a string. */
  String fieldText() {
    return new String(field, 0, fieldLength);
  }

  /** Whether the last field was quoted. */
  boolean quoted() {
    return quoted;
  }

  /**
   * Whether the last field was nothing at all: no character (not even a space or a quote) before
   * its terminator. A record whose only field is empty is an empty line, or the end of the file.
   */
  boolean empty() {
    return empty;
  }

  /** The line on which the last field started. */
  long fieldLine() {
    return fieldLine;
  }

  /** The line the tokenizer is on now. */
  long line() {
    return line;
  }

  private boolean fill() throws IOException {
    if (lim < 0) {
      return false;
    }
    int n;
    try {
      n = in.read(buf, 0, buf.length);
    } catch (Utf8Reader.BadBytes e) {
      // Every character before the bad bytes has been consumed: they sit exactly here.
      throw new DataFormatException(file, line, column, "the file is not UTF-8 text: "
          + e.describe() + " here cannot be read as text (save the file as UTF-8)");
    } catch (CharacterCodingException e) {
      // Another reader decodes ahead in blocks, so its error comes at or before the bad bytes.
      throw new DataFormatException(file, line, 0, "the reader could not decode the text (bad"
          + " bytes on this line or after it)");
    }
    if (n <= 0) {
      lim = -1;
      pos = 0;
      return false;
    }
    pos = 0;
    lim = n;
    if (!started) {
      started = true;
      if (buf[0] == '\uFEFF') {
        pos = 1;
        return pos < lim || fill();
      }
    }
    return true;
  }

  private int next() throws IOException {
    if (pos >= lim && !fill()) {
      return -1;
    }
    return buf[pos++];
  }

  /**
   * Consumes the LF of a CRLF pair, if the next character is one. At the end of the buffer the
   * question waits for the next field ({@link #lineFeedMayFollow}): looking is not reading the
   * next line, so text that cannot be decoded there is met only if that line is read (as after a
   * LF).
   */
  private void afterCarriageReturn() {
    if (pos >= lim) {
      lineFeedMayFollow = true;
    } else if (buf[pos] == '\n') {
      pos++;
    }
  }

  private void append(char c) {
    if (fieldLength == field.length) {
      if (fieldLength >= MAX_FIELD_CHARS) {
        throw new DataFormatException(file, fieldLine, column, quoted
            ? "unterminated quote: the quoted field that starts here runs on for more than "
                + MAX_FIELD_CHARS + " characters, and no CSV field is that long"
            : "a field of more than " + MAX_FIELD_CHARS + " characters: no CSV line runs that"
                + " long (is this a CSV file?)");
      }
      field = java.util.Arrays.copyOf(field, field.length * 2);
    }
    field[fieldLength++] = c;
  }

  private boolean blank(int c) {
    return (c == ' ' || c == '\t') && c != delimiter;
  }

  /**
   * Reads the next field.
   *
   * @return {@link #DELIMITER}, {@link #END_OF_LINE} or {@link #END_OF_FILE}
   * @throws DataFormatException for an unterminated quote or text after a closing quote
   */
  /**
   * The longest field read, {@value} characters (16 Mi): a file with no line end (one of NUL
   * bytes, /dev/zero) was otherwise read whole as one field, using gigabytes before it failed.
   */
  static final int MAX_FIELD_CHARS = 1 << 24;

  int readField(int column) throws IOException {
    if (lineFeedMayFollow) {
      lineFeedMayFollow = false;
      if ((pos < lim || fill()) && buf[pos] == '\n') {
        pos++;
      }
    }
    this.column = column;
    fieldLength = 0;
    quoted = false;
    empty = true;
    fieldLine = line;
    int c = next();
    while (blank(c)) {
      empty = false;
      append((char) c);
      c = next();
    }
    if (c == '"') {
      empty = false;
      quoted = true;
      fieldLength = 0;
      return readQuoted(column);
    }
    if (c < 0) {
      return END_OF_FILE;
    }
    pos--;
    // The common case: scan the buffer for the field's end, then copy the run in one go.
    while (true) {
      int p = pos;
      int end = lim;
      char[] b = buf;
      char sep = delimiter;
      while (p < end) {
        char ch = b[p];
        if (ch == sep || ch == '\n' || ch == '\r') {
          break;
        }
        p++;
      }
      if (p > pos) {
        empty = false;
        appendRun(pos, p);
      }
      pos = p;
      if (p < end) {
        char ch = b[pos++];
        if (ch == sep) {
          return DELIMITER;
        }
        line++;
        if (ch == '\r') {
          this.column = 1;
          afterCarriageReturn();
        }
        return END_OF_LINE;
      }
      if (!fill()) {
        return END_OF_FILE;
      }
    }
  }

  private void appendRun(int from, int to) {
    int n = to - from;
    if (fieldLength + n > MAX_FIELD_CHARS) {
      throw new DataFormatException(file, fieldLine, column, "a field of more than "
          + MAX_FIELD_CHARS + " characters" + (buf[from] == 0 ? " of NUL bytes: this is no"
              + " text file (a file of zeros, as a crash leaves a preallocated one?)"
              : ": no CSV line runs that long (is this a CSV file?)"));
    }
    if (fieldLength + n > field.length) {
      field = java.util.Arrays.copyOf(field, Math.max(field.length * 2, fieldLength + n));
    }
    System.arraycopy(buf, from, field, fieldLength, n);
    fieldLength += n;
  }

  private int readQuoted(int column) throws IOException {
    long openLine = line;
    while (true) {
      int c = next();
      if (c < 0) {
        throw new DataFormatException(file, openLine, column,
            "unterminated quote: the quoted field that starts here runs to the end of the file");
      } else if (c == '"') {
        int d = next();
        if (d == '"') {
          append('"');
          continue;
        }
        return afterQuote(d, column);
      } else if (c == '\n') {
        line++;
      } else if (c == '\r') {
        line++;
        append('\r');
        if ((pos < lim || fill()) && buf[pos] == '\n') {
          pos++;
          append('\n');
        }
        continue;
      }
      append((char) c);
    }
  }

  private int afterQuote(int c, int column) throws IOException {
    while (blank(c)) {
      c = next();
    }
    if (c == delimiter) {
      return DELIMITER;
    } else if (c == '\n') {
      line++;
      return END_OF_LINE;
    } else if (c == '\r') {
      line++;
      this.column = 1;
      afterCarriageReturn();
      return END_OF_LINE;
    } else if (c < 0) {
      return END_OF_FILE;
    }
    throw new DataFormatException(file, line, column, "unexpected " + describe((char) c)
        + " after the closing quote (a quote inside a quoted field is written \"\")");
  }

  private static String describe(char c) {
    return c >= ' ' && c < 0x7f ? "'" + c + "'" : String.format("character U+%04X", (int) c);
  }
}

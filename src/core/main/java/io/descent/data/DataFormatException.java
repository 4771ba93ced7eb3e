package io.descent.data;

/**
 * Bad input: a problem in a data file, reported with where it is.
 *
 * <p>The message is one line, {@code FILE:LINE:COLUMN: what is wrong}, as compilers print it, so
 * that a user (or an editor) can jump to the spot: {@code data.csv:17:4: "abc" is not a number in
 * column "bmi"}. Lines are 1-based and count physical lines (the header is line 1; a quoted field
 * spanning lines advances the count). Columns are 1-based field positions, not character
 * offsets: the field that holds the problem (a bad value, bytes that are not UTF-8), the first
 * missing or extra field of a ragged row; 0 when the problem is not about one field (an empty
 * file, an empty line, an unknown column).
 *
 * <p>The message stays on one line and shows what the file holds: a line break, tab or other
 * control character in the detail (a quoted value or column name spanning lines, a NUL byte), and
 * a character that would not show (a byte-order mark inside the file, a no-break space) are
 * written as escapes: {@code \n}, {@code \r}, {@code \t}, or a backslash, {@code u} and four
 * hex digits (<code>&#92;u0000</code> for NUL, <code>&#92;ufeff</code> for a byte-order mark).
 *
 * <p>It is unchecked because bad input is not something a caller can recover from by retrying;
 * the command line maps it to exit status 2.
 */
public final class DataFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The file as the user named it. */
  private final String file;
  /** The 1-based line, or 0. */
  private final long line;
  /** The 1-based column, or 0. */
  private final int column;
  /** The message without its location. */
  private final String detail;

  /**
   * @param file the file as the user named it (printed as given, control characters escaped)
   * @param line the 1-based line, or 0 when not applicable
   * @param column the 1-based column (field position), or 0 when not applicable
   * @param detail what is wrong, without the location prefix; control and invisible characters
   *     in it are escaped (see the class comment)
   */
  public DataFormatException(String file, long line, int column, String detail) {
    // The file's name escaped too: a name with a line break kept the message off one line.
    super(oneLine(String.valueOf(file)) + ":" + line + ":" + column + ": " + oneLine(detail));
    this.file = file;
    this.line = line;
    this.column = column;
    this.detail = oneLine(detail);
  }

  /**
   * The text with each character that would break the line or not show written as an escape:
   * control characters, line and paragraph separators, invisible format characters (a byte-order
   * mark, a zero-width space), spaces other than U+0020, and half of a broken surrogate pair.
   * Shared by every error message that quotes what a file holds.
   */
  public static String oneLine(String detail) {
    StringBuilder sb = new StringBuilder(detail.length() + 16);
    for (int i = 0; i < detail.length(); i++) {
      char c = detail.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < detail.length()
          && Character.isLowSurrogate(detail.charAt(i + 1))) {
        sb.append(c).append(detail.charAt(++i));
      } else if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\r') {
        sb.append("\\r");
      } else if (c == '\t') {
        sb.append("\\t");
      } else if (hidden(c)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static boolean hidden(char c) {
    int type = Character.getType(c);
    return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
        || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
        || (type == Character.SPACE_SEPARATOR && c != ' ');
  }

  /** The file as the user named it. */
  public String file() {
    return file;
  }

  /** The 1-based line (the header is line 1), or 0 when not applicable. */
  public long line() {
    return line;
  }

  /** The 1-based column (field position), or 0 when not applicable. */
  public int column() {
    return column;
  }

  /** What is wrong, without the {@code FILE:LINE:COLUMN: } prefix (with escapes). */
  public String detail() {
    return detail;
  }
}

package io.descent.data;

/**
 * Bad input: a problem in a data file, reported with where it is.
 *
 * <p>The message is one line, {@code FILE:LINE:COLUMN: what is wrong}, as compilers print it, so
 * that a user (or an editor) can jump to the spot: {@code data.csv:17:4: "abc" is not a number in
 * column "bmi"}. Lines are 1-based and count physical lines (the header is line 1; a quoted field
 * spanning lines advances the count). Columns are 1-based field positions, not character
 * offsets, and 0 when the problem is not about one field (a ragged row, an empty file).
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
   * @param file the file as the user named it (printed as given)
   * @param line the 1-based line, or 0 when not applicable
   * @param column the 1-based column (field position), or 0 when not applicable
   * @param detail what is wrong, without the location prefix
   */
  public DataFormatException(String file, long line, int column, String detail) {
    super(file + ":" + line + ":" + column + ": " + detail);
    this.file = file;
    this.line = line;
    this.column = column;
    this.detail = detail;
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

  /** What is wrong, without the {@code FILE:LINE:COLUMN: } prefix. */
  public String detail() {
    return detail;
  }
}

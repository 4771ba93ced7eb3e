package io.descent.model;

/**
 * A model file that cannot be used: not JSON, not a Descent model, a version this build does not
 * read, or a field missing or wrong. The message is one line that names the file and the field,
 * e.g. {@code model.json: field "coef" has 9 numbers but there are 10 features}.
 *
 * <p>The message stays one line and shows what the file holds: a line break, tab or other
 * control character (from a string value, or a stray byte the JSON parser quotes) and a character
 * that would not show (a byte-order mark, a no-break space) are written as escapes: {@code \n},
 * {@code \r}, {@code \t}, or a backslash, {@code u} and four hex digits
 * (<code>&#92;u0000</code> for NUL).
 */
public class ModelFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message one line naming the file and the field; control and invisible characters are
   *     escaped
   */
  public ModelFormatException(String message) {
    super(oneLine(message));
  }

  /**
   * @param message one line naming the file and the field; control and invisible characters are
   *     escaped
   * @param cause the parser's exception
   */
  public ModelFormatException(String message, Throwable cause) {
    super(oneLine(message), cause);
  }

  private static String oneLine(String message) {
    return io.descent.data.DataFormatException.oneLine(message);
  }
}

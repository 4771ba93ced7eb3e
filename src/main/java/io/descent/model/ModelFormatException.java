package io.descent.model;

/**
 * A model file that cannot be used: not JSON, not a Descent model, a version this build does not
 * read, or a field missing or wrong. The message is one line that names the file and the field,
 * e.g. {@code model.json: field "coef" has 9 numbers but there are 10 features}.
 *
 * <p>The message stays one line whatever the file holds: a line break, tab or other control
 * character in it (from a string value, or a stray byte the JSON parser quotes) is shown as an
 * escape: {@code \n}, {@code \r}, {@code \t}, or a backslash, {@code u} and four hex digits
 * (<code>&#92;u0000</code> for NUL).
 */
public class ModelFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message one line naming the file and the field; control characters are escaped */
  public ModelFormatException(String message) {
    super(oneLine(message));
  }

  /**
   * @param message one line naming the file and the field; control characters are escaped
   * @param cause the parser's exception
   */
  public ModelFormatException(String message, Throwable cause) {
    super(oneLine(message), cause);
  }

  /** The message with each character that would break or garble the line written as an escape. */
  private static String oneLine(String message) {
    StringBuilder sb = new StringBuilder(message.length());
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      if (!Character.isISOControl(c) && c != '\u2028' && c != '\u2029') {
        sb.append(c);
      } else if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\r') {
        sb.append("\\r");
      } else if (c == '\t') {
        sb.append("\\t");
      } else {
        sb.append(String.format("\\u%04x", (int) c));
      }
    }
    return sb.toString();
  }
}

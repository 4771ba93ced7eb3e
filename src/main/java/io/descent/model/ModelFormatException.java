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

  /**
   * The message with each character that would break the line or not show written as an escape,
   * by the rule of {@link io.descent.data.DataFormatException}: control characters, line and
   * paragraph separators, invisible format characters, spaces other than U+0020, and half of a
   * broken surrogate pair.
   */
  private static String oneLine(String message) {
    StringBuilder sb = new StringBuilder(message.length() + 16);
    for (int i = 0; i < message.length(); i++) {
      char c = message.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < message.length()
          && Character.isLowSurrogate(message.charAt(i + 1))) {
        sb.append(c).append(message.charAt(++i));
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
}

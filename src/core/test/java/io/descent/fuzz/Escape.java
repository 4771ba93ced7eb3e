package io.descent.fuzz;

import java.nio.charset.StandardCharsets;

/** Shows fuzz inputs in failure messages: printable, one line, and not megabytes long. */
public final class Escape {
  private static final int SHOWN = 600;

  private Escape() {}

  /** Bytes as Java-like text: ASCII as itself, other bytes as {@code \xNN}. */
  public static String bytes(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < b.length; i++) {
      if (sb.length() > SHOWN) {
        return sb.append("... (").append(b.length).append(" bytes)").toString();
      }
      int c = b[i] & 0xff;
      switch (c) {
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\\' -> sb.append("\\\\");
        default -> {
          if (c >= 0x20 && c < 0x7f) {
            sb.append((char) c);
          } else {
            sb.append(String.format("\\x%02x", c));
          }
        }
      }
    }
    return sb.toString();
  }

  /**
   * Whether a message is one line of characters that show: no control character, line or
   * paragraph separator, invisible format character, space other than U+0020, or lone surrogate.
   */
  public static boolean visibleLine(String message) {
    return message.codePoints().noneMatch(c -> {
      int type = Character.getType(c);
      return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
          || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
          || (type == Character.SPACE_SEPARATOR && c != ' ');
    });
  }

  /** A string, escaped as its UTF-8 bytes are. */
  public static String text(String s) {
    return bytes(s.getBytes(StandardCharsets.UTF_8));
  }
}

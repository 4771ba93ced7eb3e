package io.descent.model;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The checksum of a model file: SHA-256 of a canonical text of every field but the checksum
 * itself, as {@code "sha256:"} and 64 lower-case hex digits.
 *
 * <p>The canonical text depends on the values in the file, not on how they are written, so a
 * JSON tool that re-indents the file, reorders its fields or rewrites its numbers without
 * changing them keeps the checksum valid, while any changed value breaks it:
 *
 * <ul>
 *   <li>an object is {@code {"key":value,...}} with its keys in {@link String#compareTo} order;
 *   <li>an array is {@code [value,...]} in order; {@code null}, {@code true}, {@code false} as
 *       such;
 *   <li>a string is its JSON literal as Jackson escapes it (so {@code "\u00e9"} and {@code "é"}
 *       are one string);
 *   <li>a number is the exact decimal value that Descent reads, in {@link BigDecimal#toString}
 *       form with trailing zeros stripped: an integer literal by its digits, any other literal by
 *       the double it rounds to. So {@code 0.1} and {@code 0.10000000000000001} (the same double),
 *       or {@code 2} and {@code 2.0}, are one value, while {@code -0.0} stays apart from
 *       {@code 0.0} (written {@code -0}) because the sign of a zero weight is kept.
 * </ul>
 *
 * <p>This detects accidental and hand edits; it is not a signature: someone who means to forge a
 * model file can recompute the checksum.
 */
final class ModelChecksum {
  /** The value's prefix, naming the algorithm. */
  static final String PREFIX = "sha256:";

  private ModelChecksum() {}

  /** The checksum of {@code root} (a model file's object), ignoring its field {@code skip}. */
  static String of(JsonNode root, String skip) {
    StringBuilder text = new StringBuilder(4096);
    canonical(root, skip, text);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(text.toString().getBytes(StandardCharsets.UTF_8));
      return PREFIX + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform must provide SHA-256.
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code value} has the form of a checksum: the prefix and 64 lower-case hex digits. */
  static boolean wellFormed(String value) {
    return value.length() == PREFIX.length() + 64 && value.startsWith(PREFIX)
        && value.substring(PREFIX.length()).chars()
            .allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }

  private static void canonical(JsonNode node, String skip, StringBuilder out) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        List<String> keys = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
          if (!e.getKey().equals(skip)) {
            keys.add(e.getKey());
          }
        }
        keys.sort(null);
        out.append('{');
        for (int i = 0; i < keys.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          string(keys.get(i), out);
          out.append(':');
          // Only the top-level checksum is skipped.
          canonical(node.get(keys.get(i)), null, out);
        }
        out.append('}');
      }
      case ARRAY -> {
        out.append('[');
        for (int i = 0; i < node.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          canonical(node.get(i), null, out);
        }
        out.append(']');
      }
      case STRING -> string(node.textValue(), out);
      case NUMBER -> out.append(number(node));
      case BOOLEAN -> out.append(node.booleanValue());
      case NULL -> out.append("null");
      // A parsed file holds no other node types.
      default -> throw new IllegalArgumentException("unexpected JSON node " + node.getNodeType());
    }
  }

  private static void string(String s, StringBuilder out) {
    out.append('"');
    JsonStringEncoder.getInstance().quoteAsString(s, out);
    out.append('"');
  }

  private static String number(JsonNode node) {
    if (node.isIntegralNumber()) {
      return new BigDecimal(node.bigIntegerValue()).stripTrailingZeros().toString();
    }
    double v = node.doubleValue();
    if (!Double.isFinite(v)) {
      // A literal beyond the double range (1e400); the reader rejects it after the checksum.
      return Double.toString(v);
    }
    if (v == 0) {
      return Double.doubleToRawLongBits(v) == 0 ? "0" : "-0";
    }
    return new BigDecimal(v).stripTrailingZeros().toString();
  }
}

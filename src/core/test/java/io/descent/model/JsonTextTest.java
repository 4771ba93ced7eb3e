package io.descent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The mapper-free JSON reading: the trees an ObjectMapper reads, and the parser's errors. */
class JsonTextTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static JsonNode read(String text) throws IOException {
    try (JsonParser p = JsonText.parser(text.getBytes(StandardCharsets.UTF_8))) {
      return JsonText.readTree(p);
    }
  }

  @Test
  void readsTheTreeAnObjectMapperReads() throws IOException {
    for (String text : List.of("{}", "[]", "{\"a\": [1, -2, 2147483648, 123456789012345678901234,"
        + " 1.5, -0.0, 1e-320, 1.7976931348623157e308, 0.1], \"b\": {\"c\": null, \"d\": true,"
        + " \"e\": false, \"f\": \"x\\u00e9\\n\"}, \"g\": [[], [{}], [[3]]]}", "\"text\"", "42",
        "-7.25", "null")) {
      JsonNode ours = read(text);
      JsonNode theirs = MAPPER.readTree(text);
      assertEquals(theirs, ours, text);
      assertEquals(theirs.toString(), ours.toString(), text);
    }
    // Integers keep the mapper's node kinds by size; other numbers are doubles.
    JsonNode a = read("[1, 2147483648, 123456789012345678901234, 2.5]");
    assertTrue(a.get(0).isInt() && a.get(1).isLong() && a.get(2).isBigInteger()
        && a.get(3).isDouble(), a.toString());
  }

  @Test
  void randomDoublesReadBackExactly() throws IOException {
    Random r = new Random(3);
    for (int i = 0; i < 2000; i++) {
      double v = Double.longBitsToDouble(r.nextLong());
      if (!Double.isFinite(v)) {
        continue;
      }
      assertEquals(v, read("[" + v + "]").get(0).doubleValue(), 0.0, Double.toString(v));
    }
  }

  @Test
  void emptyInputIsNoTreeAndBrokenInputIsTheParsersError() throws IOException {
    assertNull(read(""));
    assertNull(read("   \n"));
    for (String broken : List.of("{\"a\": 1", "[1, 2", "{\"a\" 1}", "{\"a\": 1, \"a\": 2}", "[1,]",
        "{1: 2}", "[" + "1".repeat(1200) + "]")) {
      assertThrows(JsonProcessingException.class, () -> read(broken), broken);
    }
  }

  @Test
  void aWrittenTreeReadsBackTheSame() throws IOException {
    JsonNode tree = MAPPER.readTree("{\"w\": [0.1, -3.5e-7, 12], \"name\": \"m\", \"n\": 3,"
        + " \"nested\": {\"ok\": true, \"none\": null}}");
    String text = JsonText.write(tree, new com.fasterxml.jackson.core.util.DefaultPrettyPrinter());
    assertEquals(tree, read(text));
  }
}

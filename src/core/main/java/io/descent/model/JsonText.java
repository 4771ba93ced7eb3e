package io.descent.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * JSON trees built and written without an {@code ObjectMapper}: the nodes from {@link #NODES},
 * the text by Jackson's streaming generator. An {@code ObjectMapper}'s first use loads several
 * hundred classes (its serializer and deserializer factories, type resolution), about 0.3 s of a
 * fresh JVM on the 2-core EPYC measured here, and 0.2 to 0.27 s of a 1.2 s {@code train} on
 * spambase went to writing its small model file. Writing a tree needs none of that: objects,
 * arrays, strings, numbers, booleans and nulls each map to one generator call, and the text is
 * what the mapper printed (the same pretty printer, doubles by the same shortest repr).
 */
public final class JsonText {
  /** Makes the nodes of a tree to write. */
  public static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonText() {}

  /**
   * The tree's text, indented by a fresh instance of {@code printer} (its state is per write).
   * Non-finite doubles are written as Jackson writes them (quoted); callers that promise JSON
   * numbers replace them first.
   */
  public static String write(JsonNode root, DefaultPrettyPrinter printer) {
    StringWriter text = new StringWriter(1024);
    try (JsonGenerator g = FACTORY.createGenerator(text)) {
      g.setPrettyPrinter(printer.createInstance());
      write(root, g);
    } catch (IOException e) {
      // A StringWriter does not fail.
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  private static void write(JsonNode node, JsonGenerator g) throws IOException {
    switch (node.getNodeType()) {
      case OBJECT -> {
        g.writeStartObject();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
          g.writeFieldName(e.getKey());
          write(e.getValue(), g);
        }
        g.writeEndObject();
      }
      case ARRAY -> {
        g.writeStartArray();
        for (JsonNode element : node) {
          write(element, g);
        }
        g.writeEndArray();
      }
      case STRING -> g.writeString(node.textValue());
      case BOOLEAN -> g.writeBoolean(node.booleanValue());
      case NULL, MISSING -> g.writeNull();
      case NUMBER -> {
        if (node.isIntegralNumber()) {
          if (node.canConvertToLong()) {
            g.writeNumber(node.longValue());
          } else {
            g.writeNumber(node.bigIntegerValue());
          }
        } else if (node.isBigDecimal()) {
          g.writeNumber(node.decimalValue());
        } else if (node.isFloat()) {
          g.writeNumber(node.floatValue());
        } else {
          g.writeNumber(node.doubleValue());
        }
      }
      default -> throw new IllegalArgumentException("cannot write a JSON node of type "
          + node.getNodeType());
    }
  }

  /**
   * Puts settings by name into {@code node}: String, Boolean, Integer, Long and Double values
   * (as {@link TrainingInfo} and the optimizers keep them), each as the JSON value it is; null
   * as null.
   */
  public static void putValues(ObjectNode node, Map<String, ?> values) {
    values.forEach((k, v) -> {
      if (v == null) {
        node.putNull(k);
      } else if (v instanceof String s) {
        node.put(k, s);
      } else if (v instanceof Boolean b) {
        node.put(k, b);
      } else if (v instanceof Integer i) {
        node.put(k, i);
      } else if (v instanceof Long l) {
        node.put(k, l);
      } else if (v instanceof Double d) {
        node.put(k, d);
      } else {
        throw new IllegalArgumentException("setting " + k + " is a " + v.getClass().getName()
            + ", not a string, boolean or number");
      }
    });
  }
}

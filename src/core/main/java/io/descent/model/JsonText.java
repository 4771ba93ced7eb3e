package io.descent.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
 *
 * <p>Reading is the same in reverse ({@link #parser}, {@link #readTree}): Jackson's streaming
 * parser, each token one node, the nodes the mapper's {@code readTree} makes (integers as int,
 * long or big integer nodes by size, other numbers as doubles). A model file read through a
 * mapper took a fresh JVM 430 to 460 ms, 40 to 60 ms this way (a throwaway harness that read
 * the 1M x 64 logistic model, 3 runs each).
 */
public final class JsonText {
  /** Makes the nodes of a tree to write. */
  public static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final JsonFactory FACTORY = new JsonFactory();
  /** Parses, refusing an object that names a field twice. */
  private static final JsonFactory STRICT = JsonFactory.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

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

  /** A parser of {@code json} that refuses duplicate field names; close it after use. */
  public static JsonParser parser(byte[] json) throws IOException {
    return STRICT.createParser(json);
  }

  /**
   * The next value of {@code parser} as a tree, or null at the end of the input. The parser's own
   * errors (malformed text, a duplicate field, a number past its limits) come out as it throws
   * them, with their locations.
   */
  public static JsonNode readTree(JsonParser parser) throws IOException {
    JsonToken token = parser.nextToken();
    return token == null ? null : value(parser, token);
  }

  private static JsonNode value(JsonParser p, JsonToken token) throws IOException {
    if (token == null) {
      throw new JsonParseException(p, "Unexpected end-of-input");
    }
    switch (token) {
      case START_OBJECT -> {
        ObjectNode object = NODES.objectNode();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
          if (t != JsonToken.FIELD_NAME) {
            throw new JsonParseException(p, "Unexpected token " + t + " in an object");
          }
          String name = p.currentName();
          object.set(name, value(p, p.nextToken()));
        }
        return object;
      }
      case START_ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          array.add(value(p, t));
        }
        return array;
      }
      case VALUE_STRING -> {
        return NODES.textNode(p.getText());
      }
      case VALUE_NUMBER_INT -> {
        return switch (p.getNumberType()) {
          case INT -> NODES.numberNode(p.getIntValue());
          case LONG -> NODES.numberNode(p.getLongValue());
          default -> NODES.numberNode(p.getBigIntegerValue());
        };
      }
      case VALUE_NUMBER_FLOAT -> {
        return NODES.numberNode(p.getDoubleValue());
      }
      case VALUE_TRUE -> {
        return NODES.booleanNode(true);
      }
      case VALUE_FALSE -> {
        return NODES.booleanNode(false);
      }
      case VALUE_NULL -> {
        return NODES.nullNode();
      }
      default -> throw new JsonParseException(p, "Unexpected token " + token);
    }
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

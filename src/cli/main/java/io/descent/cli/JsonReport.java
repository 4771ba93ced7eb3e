package io.descent.cli;

import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.descent.model.JsonText;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;

/**
 * The document a command prints with {@code --json}: built as a Jackson tree, printed as one
 * indented JSON document and a newline on standard output, and nothing else there.
 *
 * <p>JSON has no NaN or infinity: a figure that is not finite (an undefined R2 or ROC AUC, a
 * verification never run) is printed as {@code null}. Doubles are printed with
 * {@link Double#toString}, so a reader gets back the very bits the text rounds.
 */
final class JsonReport {
  /** The indentation an {@code ObjectMapper} with {@code INDENT_OUTPUT} used. */
  private static final DefaultPrettyPrinter INDENTED = new DefaultPrettyPrinter();

  private JsonReport() {}

  /** A new, empty JSON object. */
  static ObjectNode object() {
    return JsonText.NODES.objectNode();
  }

  /**
   * Puts {@code "backend": {"kind", "device", "precision", "layout"}} on the report: the backend
   * that ran, as every command's {@code --json} names it.
   */
  static void putBackend(ObjectNode root, io.descent.gradient.BackendInfo backend) {
    ObjectNode b = root.putObject("backend");
    b.put("kind", backend.kind().label());
    b.put("device", backend.device());
    b.put("precision", backend.precision());
    b.put("layout", backend.layout());
  }

  /** A new, empty JSON array. */
  static ArrayNode array() {
    return JsonText.NODES.arrayNode();
  }

  /**
   * Prints the document, each non-finite number as {@code null}, and fails if standard output
   * lost any of it.
   */
  static void print(PrintWriter out, ObjectNode document) throws IOException {
    out.println(JsonText.write(nullNonFinite(document), INDENTED));
    out.flush();
    CliSupport.flushStandardOutput(out);
  }

  private static JsonNode nullNonFinite(JsonNode node) {
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      for (Map.Entry<String, JsonNode> e : object.properties()) {
        e.setValue(nullNonFinite(e.getValue()));
      }
    } else if (node.isArray()) {
      ArrayNode array = (ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        array.set(i, nullNonFinite(array.get(i)));
      }
    } else if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
      return JsonText.NODES.nullNode();
    }
    return node;
  }
}

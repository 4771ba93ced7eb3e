package io.descent.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.descent.data.BinaryLabels;
import io.descent.data.CsvReader;
import io.descent.data.Standardization;
import io.descent.fuzz.Escape;
import io.descent.fuzz.Guard;
import io.descent.fuzz.Mutation;
import io.descent.loss.Loss;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzz tests of the model file reader (issue 5): a truncated, edited or future-version model file
 * is one {@link ModelFormatException} with a one-line message naming the file (and none of the
 * JSON parser's internals), never another exception and never a wrong model. An edit that leaves
 * the checksum as it was never changes what is read: the file is refused, or (white space, a
 * number spelled otherwise) reads as the original. An edited file whose checksum was recomputed
 * (as a tool that knows the format could) exercises the field checks behind the checksum: it
 * must be refused or hold exactly what its JSON says, as an independent reading of the JSON
 * (numbers through {@link java.math.BigDecimal} text) sees it: no field silently reinterpreted or
 * dropped.
 *
 * <p>The files start from real ones: the spambase optimum of {@code reference.json} with a
 * training record, a model full of awkward doubles and names, and a linear model without
 * training. Every prefix of each is read (an exhaustive property); then byte edits, field edits
 * (a key deleted, a number made a string, null, {@code NaN}, {@code 1e400}, arrays grown, shrunk
 * or made huge, nesting beyond the parser's limit) and future versions.
 */
class ModelFileFuzzTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);
  /** The relative tolerance the reader allows the redundant original-space parameters. */
  private static final double CONSISTENCY = 1e-9;

  /** An independent reading: floats as BigDecimal, integers as BigInteger, no limits relaxed. */
  private static final ObjectMapper PLAIN = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
      .build();

  private static final List<byte[]> BASES = bases();

  private static Path dir;
  private static Guard guard;

  @BeforeContainer
  static void start() throws IOException {
    dir = Files.createTempDirectory("model-fuzz");
    guard = new Guard(LIMIT);
  }

  @AfterContainer
  static void stop() throws IOException {
    guard.close();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  private static List<byte[]> bases() {
    List<byte[]> files = new ArrayList<>();
    LinearModel spambase = TestData.referenceModel("spambase", "full", "logistic_l2_lambda_1e-2",
        Loss.LOGISTIC);
    files.add(new ModelFile(spambase, ModelFileTest.info(2.5e-7)).toJson()
        .getBytes(StandardCharsets.UTF_8));
    files.add(new ModelFile(ModelFileTest.awkwardModel(Loss.LOGISTIC,
        new BinaryLabels("ham", "spam \u00e9 \"x\""), 3), ModelFileTest.info(Double.NaN)).toJson()
        .getBytes(StandardCharsets.UTF_8));
    files.add(new ModelFile(LinearModel.of(Loss.LINEAR, List.of("a", "b"), "y", null,
        Standardization.identity(2), new double[] {0.5, -0.0, 1e-300}), null).toJson()
        .getBytes(StandardCharsets.UTF_8));
    return List.copyOf(files);
  }

  // ---- the properties ----

  /** A prefix of a file and which file. */
  record Prefix(int base, int length) {}

  @Provide
  Arbitrary<Prefix> prefixes() {
    List<Prefix> all = new ArrayList<>();
    for (int b = 0; b < BASES.size(); b++) {
      for (int n = 0; n <= BASES.get(b).length; n++) {
        all.add(new Prefix(b, n));
      }
    }
    return Arbitraries.of(all);
  }

  /**
   * Every prefix of each real file, byte by byte (cutting UTF-8 sequences too): rejected, except
   * those that lack only trailing white space, which read as the whole file.
   */
  @Property(generation = GenerationMode.EXHAUSTIVE, tries = 100_000)
  void everyPrefixIsRejectedOrIsTheWholeFile(@ForAll("prefixes") Prefix p) {
    byte[] whole = BASES.get(p.base());
    byte[] cut = java.util.Arrays.copyOf(whole, p.length());
    ModelFile read = check(cut);
    boolean complete = new String(cut, StandardCharsets.UTF_8).strip()
        .equals(new String(whole, StandardCharsets.UTF_8).strip());
    if (complete) {
      assertEquals(ModelFile.parse(new String(whole, StandardCharsets.UTF_8), "whole"), read,
          "a complete file read wrong");
    } else {
      assertNull(read, "a truncated file of " + p.length() + " bytes of " + whole.length
          + " was read");
    }
  }

  static final List<String> JSON_SNIPPETS = List.of("\"", ",", ":", "{", "}", "[", "]", "null",
      "true", "NaN", "-Infinity", "1e400", "-1e400", "-0", "-1", "2", "0x10", "1_000", ".5",
      "01", "99999999999999999999", "4.9e-324", "1e-400", "\"x\"", "\\", "\\u0000", "\\n",
      "\\ud800", "\"formatVersion\": 3,", "\"coef\": [],", "\"a\",", "1.5,", "\u00e9", "\uFEFF",
      "/*", "//", " ", "\n", "\t", "\u0000", "e", "E+", "9".repeat(1200));

  /** A real file with byte edits, and which. */
  record Edited(int base, List<Mutation> mutations) {
    byte[] bytes() {
      return Mutation.applyAll(BASES.get(base), mutations);
    }
  }

  @Provide
  Arbitrary<Edited> byteEdits() {
    return Combinators.combine(Arbitraries.integers().between(0, BASES.size() - 1),
        Mutation.arbitrary(JSON_SNIPPETS).list().ofMinSize(1).ofMaxSize(4)).as(Edited::new);
  }

  /**
   * Byte edits (the checksum is not recomputed): rejected cleanly, or, where only the spelling
   * changed, read as the original file.
   */
  @Property(tries = 2500)
  void byteEditedFileIsRejectedOrReadAsTheOriginal(@ForAll("byteEdits") Edited e) {
    ModelFile read = check(e.bytes());
    if (read != null) {
      assertEquals(original(e.base()), read, "an edited file read as another model");
    }
    Statistics.label("outcome").collect(read == null ? "rejected" : "read");
  }

  /**
   * Field edits of a real file (see {@link FieldEdit}) with the checksum left as it was: rejected
   * cleanly, or read as the original file.
   */
  @Property(tries = 1500)
  void fieldEditedFileIsRejectedOrReadAsTheOriginal(@ForAll("fieldEdits") FieldEdited e) {
    ModelFile read = check(e.bytes());
    if (read != null) {
      assertEquals(original(e.base()), read, "an edited file read as another model");
    }
    Statistics.label("outcome").collect(read == null ? "rejected" : "read");
  }

  /**
   * Field edits of a real file with the checksum recomputed, so that the field checks behind it
   * see them: rejected cleanly, or read as exactly what the edited JSON says.
   */
  @Property(tries = 2500)
  void resealedFieldEditedFileIsRejectedOrReadAsItsJsonSays(
      @ForAll("resealedFieldEdits") FieldEdited e) {
    ModelFile read = check(e.bytes());
    Statistics.label("outcome").collect(read == null ? "rejected" : "read");
  }

  private static ModelFile original(int base) {
    return ModelFile.parse(new String(BASES.get(base), StandardCharsets.UTF_8), "original");
  }

  /**
   * A file of any later version, whatever else changed in it (fields gone, renamed, added), is
   * rejected with the version message and nothing else: a newer file must not be half-read.
   */
  @Property(tries = 500)
  void aFutureVersionIsRejectedByItsVersion(@ForAll("futureVersions") FieldEdited e)
      throws IOException {
    byte[] json = e.bytes();
    Path file = dir.resolve("model.json");
    Files.write(file, json);
    Guard.Result<ModelFile> r = guard.run(() -> ModelFile.read(file), Escape.bytes(json));
    assertTrue(r.thrown() instanceof ModelFormatException, "not rejected as a future version: "
        + r + " for " + Escape.bytes(json));
    assertEquals("model file " + file + " has format version " + e.version()
        + "; this Descent reads versions 2 and 3", r.thrown().getMessage());
  }

  // ---- the check every case goes through ----

  /**
   * Reads {@code json} as a model file; returns the model file if it was read (after checking it
   * against the JSON), or null if it was rejected cleanly.
   */
  private static ModelFile check(byte[] json) {
    Path file = dir.resolve("model.json");
    try {
      Files.write(file, json);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    String input = Escape.bytes(json);
    Guard.Result<ModelFile> r = guard.run(() -> ModelFile.read(file), input);
    if (r.thrown() != null) {
      Throwable t = r.thrown();
      if (t.getClass() != ModelFormatException.class) {
        throw new AssertionError("not a ModelFormatException: " + t + "\n  input: " + input, t);
      }
      String m = t.getMessage();
      String name = file.toString();
      assertTrue(m.startsWith(name + ": ") || m.matches(java.util.regex.Pattern.quote(name)
          + ":\\d+:\\d+: .*") || m.startsWith("model file " + name + " has format version "),
          "the message does not name the file: " + m);
      ModelFileTest.assertNoParserInternals(m);
      assertTrue(m.length() > name.length() + 2, m);
      assertTrue(Escape.visibleLine(m), "message not one line of visible characters: "
        + Escape.text(m));
      assertEquals(0, t.getSuppressed().length, m);
      return null;
    }
    saysWhatTheJsonSays(r.value(), json, input);
    return r.value();
  }

  /** The model and training record hold exactly the values of the JSON, read independently. */
  private static void saysWhatTheJsonSays(ModelFile read, byte[] json, String input) {
    JsonNode root;
    try {
      root = PLAIN.readTree(json);
    } catch (IOException e) {
      throw new AssertionError("read as a model, but it is not JSON: " + input, e);
    }
    String in = "\n  input: " + input;
    assertEquals(ModelFile.FORMAT, root.get("format").textValue(), in);
    assertEquals(BigInteger.TWO, root.get("formatVersion").bigIntegerValue(), in);
    LinearModel m = read.model();
    assertEquals(root.get("loss").textValue(), m.loss().label(), in);
    assertEquals(root.get("target").textValue(), m.targetName(), in);
    JsonNode labels = root.get("labels");
    if (labels == null || labels.isNull()) {
      assertTrue(m.labels().isEmpty(), in);
    } else {
      assertEquals(new BinaryLabels(labels.get("negative").textValue(),
          labels.get("positive").textValue()), m.labels().orElseThrow(), in);
    }
    List<String> features = new ArrayList<>();
    root.get("features").forEach(f -> features.add(f.textValue()));
    assertEquals(features, m.featureNames(), in);
    // Usable: data can be read by the model's names (no name the CSV reader refuses).
    CsvReader.Options.numericTarget(m.targetName()).withFeatures(m.featureNames());
    int d = features.size();
    JsonNode std = root.get("standardization");
    for (int j = 0; j < d; j++) {
      same(number(std.get("mean").get(j)), m.standardization().mean(j), "mean[" + j + "]", in);
      same(number(std.get("scale").get(j)), m.standardization().scale(j), "scale[" + j + "]", in);
      same(number(root.get("standardizedCoef").get(j)), m.standardizedCoef()[j],
          "standardizedCoef[" + j + "]", in);
      double coef = number(root.get("coef").get(j));
      double implied = m.coef()[j];
      assertTrue(Math.abs(coef - implied) <= CONSISTENCY * Math.abs(implied),
          "coef[" + j + "] " + coef + " but the model's is " + implied + in);
    }
    same(number(root.get("standardizedIntercept")), m.standardizedIntercept(),
        "standardizedIntercept", in);
    double size = Math.abs(m.standardizedIntercept());
    for (int j = 0; j < d; j++) {
      size += Math.abs(m.standardizedCoef()[j] * m.standardization().mean(j)
          / m.standardization().scale(j));
    }
    double intercept = number(root.get("intercept"));
    assertTrue(Math.abs(intercept - m.intercept()) <= CONSISTENCY * size,
        "intercept " + intercept + " but the model's is " + m.intercept() + in);

    JsonNode t = root.get("training");
    if (t == null || t.isNull()) {
      assertNull(read.training(), in);
      return;
    }
    TrainingInfo ti = read.training();
    same(nullable(t.get("objective")), ti.objective(), "objective", in);
    assertEquals(t.get("stopReason").textValue(), ti.stopReason(), in);
    assertEquals(t.get("iterations").bigIntegerValue(), BigInteger.valueOf(ti.iterations()), in);
    assertEquals(t.get("epochs").bigIntegerValue(), BigInteger.valueOf(ti.epochs()), in);
    assertEquals(t.get("backend").textValue(), ti.backend(), in);
    assertEquals(t.get("device").textValue(), ti.device(), in);
    assertEquals(t.get("precision").textValue(), ti.precision(), in);
    if (t.get("optimizer").isObject()) {
      assertEquals(t.get("optimizer").get("name").textValue(), ti.optimizerSettings().get("name"),
          in);
      assertEquals(TrainingInfo.describe(ti.optimizerSettings()), ti.optimizer(), in);
    } else {
      assertEquals(t.get("optimizer").textValue(), ti.optimizer(), in);
    }
    same(number(t.get("l2")), ti.l2(), "l2", in);
    assertEquals(t.get("standardized").booleanValue(), ti.standardized(), in);
    assertTrue(t.get("standardized").isBoolean(), in);
    assertEquals(t.get("seed").bigIntegerValue(), BigInteger.valueOf(ti.seed()), in);
    same(nullable(t.get("elapsedSeconds")), ti.elapsedSeconds(), "elapsedSeconds", in);
    same(nullable(t.get("verification")), ti.verification(), "verification", in);
    assertEquals(t.get("rows").bigIntegerValue(), BigInteger.valueOf(ti.rows()), in);
    Map<String, Object> hyper = new LinkedHashMap<>();
    JsonNode h = t.get("hyperparameters");
    if (h != null && !h.isNull()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = e.getValue();
        hyper.put(e.getKey(), v.isTextual() ? v.textValue() : v.isBoolean() ? v.booleanValue()
            : v.isIntegralNumber() ? (Object) v.bigIntegerValue().longValueExact()
            : (Object) number(v));
      }
    }
    // Numbers compare as numbers, as in same(): PLAIN reads -0.0 as a BigDecimal zero (no sign)
    // while the model keeps the double -0.0, and a boxed Double's equals tells the two apart.
    assertEquals(hyper.keySet(), ti.hyperparameters().keySet(), in);
    hyper.forEach((k, v) -> {
      Object actual = ti.hyperparameters().get(k);
      if (v instanceof Double expected && actual instanceof Double a) {
        same(expected, a, "hyperparameters." + k, in);
      } else {
        assertEquals(v, actual, in);
      }
    });
  }

  /** A JSON number's value as the JDK rounds its decimal text (so -0 and 0 are both zero). */
  private static double number(JsonNode n) {
    assertTrue(n.isNumber(), "read, but " + n + " is not a number");
    return Double.parseDouble(n.asText());
  }

  private static double nullable(JsonNode n) {
    return n.isNull() ? Double.NaN : number(n);
  }

  private static void same(double expected, double actual, String what, String in) {
    assertTrue(expected == actual || (Double.isNaN(expected) && Double.isNaN(actual)),
        what + ": the JSON says " + expected + ", the model holds " + actual + in);
  }

  // ---- field edits ----

  /** What a field edit does to the field it picks. */
  enum EditKind {
    REMOVE, TEXT, NUMERIC_TEXT, EMPTY_TEXT, LONG_TEXT, CONTROL_TEXT, NULL, TRUE, OBJECT, ARRAY,
    ZERO, NEGATIVE_ZERO, MINUS_ONE, TWO, HALF, TINY, HUGE, BIG_INTEGER, NEGATIVE_BIG_INTEGER,
    RAW_NAN, RAW_INFINITY, RAW_OVERFLOW, RAW_HEX, RAW_UNDERSCORE, RAW_LEADING_POINT,
    RAW_LEADING_ZERO, RAW_DEEP, GROW, SHRINK, HUGE_ARRAY, RENAME, DUPLICATE_KEY
  }

  /**
   * One edit of the parsed JSON: {@code at} picks a field or array element among all of them
   * (in document order, as a fraction), {@code kind} says what becomes of it.
   */
  record FieldEdit(double at, EditKind kind) {}

  /**
   * A real file with field edits, and which; with {@code reseal}, the checksum is recomputed
   * after the edits (over the edited tree, before raw text such as NaN replaces its placeholder).
   */
  record FieldEdited(int base, List<FieldEdit> edits, BigInteger version, boolean reseal) {
    byte[] bytes() {
      try {
        ObjectNode root = (ObjectNode) PLAIN.readTree(BASES.get(base));
        List<String> raw = new ArrayList<>();
        for (FieldEdit e : edits) {
          apply(root, e, raw);
        }
        if (version != null) {
          // A later version may change everything but these two.
          root.put("format", ModelFile.FORMAT);
          root.put("formatVersion", version);
        }
        if (reseal) {
          root.put(ModelFile.CHECKSUM, ModelChecksum.of(root, ModelFile.CHECKSUM));
        }
        String text = PLAIN.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        for (int k = 0; k < raw.size(); k++) {
          text = text.replace("\"@@raw" + k + "@@\"", raw.get(k));
        }
        text = text.replace("@@dup@@\"", "\"");
        return text.getBytes(StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }

    @Override
    public String toString() {
      return "base " + base + (version == null ? "" : ", version " + version)
          + (reseal ? ", resealed" : "") + ", " + edits;
    }
  }

  /** Every field and element below {@code node}, in document order, with its parent. */
  private static void collect(JsonNode node, List<JsonNode[]> out) {
    if (node instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        out.add(new JsonNode[] {o, PLAIN.getNodeFactory().textNode(e.getKey())});
        collect(e.getValue(), out);
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        out.add(new JsonNode[] {a, PLAIN.getNodeFactory().numberNode(i)});
        collect(a.get(i), out);
      }
    }
  }

  private static void apply(ObjectNode root, FieldEdit e, List<String> raw) {
    List<JsonNode[]> places = new ArrayList<>();
    collect(root, places);
    if (places.isEmpty()) {
      return;
    }
    JsonNode[] place = places.get((int) (e.at() * places.size()));
    ContainerNode<?> parent = (ContainerNode<?>) place[0];
    JsonNode key = place[1];
    JsonNode old = parent instanceof ObjectNode o ? o.get(key.textValue())
        : ((ArrayNode) parent).get(key.intValue());
    var f = PLAIN.getNodeFactory();
    JsonNode value;
    switch (e.kind()) {
      case REMOVE -> {
        if (parent instanceof ObjectNode o) {
          o.remove(key.textValue());
        } else {
          ((ArrayNode) parent).remove(key.intValue());
        }
        return;
      }
      case RENAME -> {
        if (parent instanceof ObjectNode o) {
          o.remove(key.textValue());
          o.set(key.textValue() + "_", old);
        }
        return;
      }
      case DUPLICATE_KEY -> {
        if (parent instanceof ObjectNode o) {
          // A second "key": value in the text, which the tree cannot hold.
          o.set(key.textValue() + "@@dup@@", f.numberNode(1));
        }
        return;
      }
      case GROW -> {
        if (old instanceof ArrayNode a) {
          a.add(a.isEmpty() ? f.numberNode(1.0) : a.get(a.size() - 1).deepCopy());
        }
        return;
      }
      case SHRINK -> {
        if (old instanceof ArrayNode a && !a.isEmpty()) {
          a.remove(a.size() - 1);
        }
        return;
      }
      case TEXT -> value = f.textNode("x");
      case NUMERIC_TEXT -> value = f.textNode(old != null && old.isNumber() ? old.asText() : "1.5");
      case EMPTY_TEXT -> value = f.textNode("");
      case LONG_TEXT -> value = f.textNode("z".repeat(100_000));
      case CONTROL_TEXT -> value = f.textNode("a\u0000b\nc\u2028d\re");
      case NULL -> value = f.nullNode();
      case TRUE -> value = f.booleanNode(true);
      case OBJECT -> value = f.objectNode();
      case ARRAY -> value = f.arrayNode();
      case ZERO -> value = f.numberNode(0);
      case NEGATIVE_ZERO -> value = f.numberNode(-0.0);
      case MINUS_ONE -> value = f.numberNode(-1);
      case TWO -> value = f.numberNode(2);
      case HALF -> value = f.numberNode(0.5);
      case TINY -> value = f.numberNode(Double.MIN_VALUE);
      case HUGE -> value = f.numberNode(Double.MAX_VALUE);
      case BIG_INTEGER -> value = f.numberNode(new BigInteger("99999999999999999999"));
      case NEGATIVE_BIG_INTEGER -> value = f.numberNode(new BigInteger("-99999999999999999999"));
      case HUGE_ARRAY -> {
        ArrayNode a = f.arrayNode();
        for (int i = 0; i < 200_000; i++) {
          a.add(1.0);
        }
        value = a;
      }
      default -> {
        String text = switch (e.kind()) {
          case RAW_NAN -> "NaN";
          case RAW_INFINITY -> "-Infinity";
          case RAW_OVERFLOW -> "1e400";
          case RAW_HEX -> "0x10";
          case RAW_UNDERSCORE -> "1_000";
          case RAW_LEADING_POINT -> ".5";
          case RAW_LEADING_ZERO -> "01";
          case RAW_DEEP -> "[".repeat(1500) + "]".repeat(1500);
          default -> throw new AssertionError(e.kind());
        };
        value = f.textNode("@@raw" + raw.size() + "@@");
        raw.add(text);
      }
    }
    if (parent instanceof ObjectNode o) {
      o.set(key.textValue(), value);
    } else {
      ((ArrayNode) parent).set(key.intValue(), value);
    }
  }

  private static Arbitrary<FieldEdit> fieldEdit() {
    return Combinators.combine(Arbitraries.doubles().between(0, 1).ofScale(6).filter(d -> d < 1),
        Arbitraries.of(EditKind.class)).as(FieldEdit::new);
  }

  @Provide
  Arbitrary<FieldEdited> fieldEdits() {
    return Combinators.combine(Arbitraries.integers().between(0, BASES.size() - 1),
        fieldEdit().list().ofMinSize(1).ofMaxSize(3))
        .as((b, edits) -> new FieldEdited(b, edits, null, false));
  }

  @Provide
  Arbitrary<FieldEdited> resealedFieldEdits() {
    return Combinators.combine(Arbitraries.integers().between(0, BASES.size() - 1),
        fieldEdit().list().ofMinSize(1).ofMaxSize(3))
        .as((b, edits) -> new FieldEdited(b, edits, null, true));
  }

  @Provide
  Arbitrary<FieldEdited> futureVersions() {
    Arbitrary<BigInteger> version = Arbitraries.oneOf(
        Arbitraries.bigIntegers().between(BigInteger.valueOf(4), BigInteger.valueOf(1000)),
        Arbitraries.bigIntegers().between(BigInteger.valueOf(4), BigInteger.TEN.pow(30)));
    Arbitrary<FieldEdit> edit = Combinators.combine(
        Arbitraries.doubles().between(0, 1).ofScale(6).filter(d -> d < 1),
        Arbitraries.of(EditKind.REMOVE, EditKind.RENAME, EditKind.TEXT, EditKind.NULL,
            EditKind.ARRAY, EditKind.OBJECT, EditKind.GROW, EditKind.SHRINK, EditKind.ZERO,
            EditKind.HUGE_ARRAY))
        .as(FieldEdit::new);
    return Combinators.combine(Arbitraries.integers().between(0, BASES.size() - 1),
        edit.list().ofMaxSize(4), version, Arbitraries.of(false, true)).as(FieldEdited::new);
  }
}

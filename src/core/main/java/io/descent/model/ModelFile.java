package io.descent.model;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.descent.data.BinaryLabels;
import io.descent.data.ClassLabels;
import io.descent.data.Standardization;
import io.descent.loss.Loss;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model and how it was trained, as the JSON model file ({@code "format": "descent-model"},
 * version {@value #FORMAT_VERSION}).
 *
 * <p>The file holds the loss, the target and its labels, the feature names, the standardization,
 * the parameters both in original space ({@code intercept}, {@code coef}: usable with no
 * standardization at all) and in standardized space ({@code standardizedIntercept},
 * {@code standardizedCoef}: what the optimizer produced), the {@link TrainingInfo}, and a
 * checksum of all of it:
 *
 * <pre>{@code
 * {
 *   "format": "descent-model",
 *   "formatVersion": 2,
 *   "loss": "logistic",
 *   "target": "spam",
 *   "labels": {"negative": "0", "positive": "1"},
 *   "features": ["make", "address", ...],
 *   "standardization": {"mean": [...], "scale": [...]},
 *   "intercept": -1.72, "coef": [...],
 *   "standardizedIntercept": -0.91, "standardizedCoef": [...],
 *   "training": {"objective": 0.2714, "stopReason": "GRADIENT_TOLERANCE", ...},
 *   "checksum": "sha256:4f1c..."
 * }
 * }</pre>
 *
 * <p>Doubles are written with {@link Double#toString}, so reading gives back the very same bits.
 * In {@code training}, a non-finite double is written as {@code null} and read as NaN;
 * {@code training} itself is {@code null} for a model that was not produced by training.
 * {@code labels} is {@code null} for a linear model and always present for a logistic one (a
 * model given no labels predicts classes "0" and "1", and its file says so).
 *
 * <p>Reading checks everything and fails with a {@link ModelFormatException} whose one-line
 * message names the file and the field, in this order:
 *
 * <ol>
 *   <li>the JSON syntax: a truncated file is {@code FILE:LINE:COLUMN: the model file is truncated
 *       or not valid JSON (...)};
 *   <li>the format and version: a later version is refused by its number whatever else it holds,
 *       and version 1 (which had no checksum) is refused too;
 *   <li>the {@code checksum}: SHA-256 over a canonical text of every other field (see
 *       {@code ModelChecksum}: independent of white space, field order and number spelling, so a
 *       JSON tool may reformat the file). A file without one, or whose content does not match
 *       it, is refused: a changed value, such as swapped labels or a weight edited together with
 *       its standardized twin and the intercept, would otherwise give wrong predictions with no
 *       error. This catches edits, not forgeries: anyone can recompute a SHA-256;
 *   <li>every field: types, lengths, finiteness, names. Feature and target names must not be
 *       blank, since data columns are matched to them by name. A logistic model needs two
 *       distinct labels, a linear one none. The standardized parameters are authoritative; the
 *       original-space ones are redundant and must agree with them (to 1e-9 relative).
 * </ol>
 *
 * <p>Unknown fields are ignored (but covered by the checksum), so version 2 can gain optional
 * fields without breaking older readers.
 *
 * <p><b>Multinomial models</b> are written as version {@value #MULTINOMIAL_FORMAT_VERSION} (so
 * that a Descent that reads only version 2 refuses them by their version); linear and logistic
 * models are still written as version 2, and this build reads both. Their {@code labels} is null
 * and {@code classes} lists the C class labels in class order (numeric order when all are
 * numbers, else text order: see {@link ClassLabels}); {@code intercept} and
 * {@code standardizedIntercept} are arrays of C numbers and {@code coef} and
 * {@code standardizedCoef} C arrays of d numbers (one row per class), centered over the classes
 * (with an L1 penalty, {@code training.l1 > 0}, the standardized intercepts only):
 *
 * <pre>{@code
 * {
 *   "format": "descent-model",
 *   "formatVersion": 3,
 *   "loss": "multinomial",
 *   "target": "species",
 *   "labels": null,
 *   "classes": ["setosa", "versicolor", "virginica"],
 *   "features": [...], "standardization": {...},
 *   "intercept": [0.52, 2.5, -3.0], "coef": [[...], [...], [...]],
 *   "standardizedIntercept": [...], "standardizedCoef": [[...], [...], [...]],
 *   ...
 * }
 * }</pre>
 *
 * <p><b>One-vs-rest models</b> ({@link LinearModel#oneVsRest}) are version {@value
 * #MULTINOMIAL_FORMAT_VERSION} too, with {@code "loss": "logistic"} and {@code "oneVsRest":
 * true}, and {@code classes} and per-class parameters as a multinomial model's; their columns are
 * not centered (each is a binary model of its own). {@code oneVsRest} is absent from every other
 * model; a file that claims it with another loss or another version is refused.
 *
 * @param model the fitted model
 * @param training how it was trained, or null when it was not produced by training
 */
public record ModelFile(LinearModel model, TrainingInfo training) {
  /** The value of the {@code format} field. */
  public static final String FORMAT = "descent-model";

  /**
   * The format version this build writes and reads. Version 2 added the {@code checksum}; version
   * 1 files are refused, since without a checksum an edit to them cannot be detected.
   */
  public static final int FORMAT_VERSION = 2;

  /**
   * The version of the files of multinomial models, the newest this build reads: version 3
   * added the multinomial loss, its {@code classes} and its per-class parameters.
   */
  public static final int MULTINOMIAL_FORMAT_VERSION = 3;

  /** The name of the field that marks a one-vs-rest model. */
  static final String ONE_VS_REST = "oneVsRest";

  /** The name of the field that holds the checksum. */
  static final String CHECKSUM = "checksum";

  private static final double CONSISTENCY_TOLERANCE = 1e-9;

  /** Checks the model is present. */
  public ModelFile {
    Objects.requireNonNull(model, "model");
  }

  /**
   * Writes the file atomically: to a temporary file in the same directory, then moved over
   * {@code path}. On failure the temporary file is deleted and an existing {@code path} is left
   * untouched.
   *
   * @throws IOException if the file cannot be written or moved into place
   */
  public void write(Path path) throws IOException {
    String json = toJson();
    AtomicFile.write(path, out -> out.write(json));
  }

  /** The file's JSON text, pretty-printed, ending with a newline. */
  public String toJson() {
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter(Separators.createDefaultInstance()
        .withObjectFieldValueSpacing(Separators.Spacing.AFTER));
    ObjectNode root = toTree();
    root.put(CHECKSUM, ModelChecksum.of(root, CHECKSUM));
    return JsonText.write(root, printer) + "\n";
  }

  private ObjectNode toTree() {
    ObjectNode root = JsonText.NODES.objectNode();
    root.put("format", FORMAT);
    boolean multinomial = model.isMulticlass();
    root.put("formatVersion", multinomial ? MULTINOMIAL_FORMAT_VERSION : FORMAT_VERSION);
    root.put("loss", model.loss().label());
    if (model.isOneVsRest()) {
      root.put(ONE_VS_REST, true);
    }
    root.put("target", model.targetName());
    if (multinomial) {
      root.putNull("labels");
      ArrayNode classes = root.putArray("classes");
      model.classes().orElseThrow().labels().forEach(classes::add);
    } else if (model.loss() == Loss.LOGISTIC) {
      // Without labels a logistic model predicts classes "0" and "1": the file says so, so that a
      // reader can require labels of every logistic model.
      BinaryLabels l = model.labels().orElse(BinaryLabels.zeroOne());
      ObjectNode labels = root.putObject("labels");
      labels.put("negative", l.negative());
      labels.put("positive", l.positive());
    } else {
      root.putNull("labels");
    }
    ArrayNode features = root.putArray("features");
    model.featureNames().forEach(features::add);
    ObjectNode standardization = root.putObject("standardization");
    putArray(standardization, "mean", model.standardization().mean());
    putArray(standardization, "scale", model.standardization().scale());
    if (multinomial) {
      putArray(root, "intercept", model.intercepts());
      putMatrix(root, "coef", model.coefficients());
      putArray(root, "standardizedIntercept", model.standardizedIntercepts());
      putMatrix(root, "standardizedCoef", model.standardizedCoefficients());
    } else {
      root.put("intercept", model.intercept());
      putArray(root, "coef", model.coef());
      root.put("standardizedIntercept", model.standardizedIntercept());
      putArray(root, "standardizedCoef", model.standardizedCoef());
    }
    if (training == null) {
      root.putNull("training");
    } else {
      root.set("training", trainingTree(training));
    }
    return root;
  }

  private static ObjectNode trainingTree(TrainingInfo t) {
    ObjectNode node = JsonText.NODES.objectNode();
    putNullable(node, "objective", t.objective());
    putNullable(node, "gradientNorm", t.gradientNorm());
    node.put("stopReason", t.stopReason());
    node.put("iterations", t.iterations());
    node.put("epochs", t.epochs());
    node.put("backend", t.backend());
    node.put("device", t.device());
    node.put("precision", t.precision());
    if (t.optimizerSettings().isEmpty()) {
      node.put("optimizer", t.optimizer());
    } else {
      JsonText.putValues(node.putObject("optimizer"), t.optimizerSettings());
    }
    node.put("l2", t.l2());
    if (t.hasL1()) {
      // Only with an L1 penalty, so that files without one read as before.
      node.put("l1", t.l1());
      putNullable(node, "kktViolation", t.kktViolation());
      node.put("nonzeroWeights", t.nonzeroWeights());
    }
    node.put("standardized", t.standardized());
    node.put("seed", t.seed());
    putNullable(node, "elapsedSeconds", t.elapsedSeconds());
    putNullable(node, "verification", t.verification());
    node.put("rows", t.rows());
    JsonText.putValues(node.putObject("hyperparameters"), t.hyperparameters());
    return node;
  }

  private static void putArray(ObjectNode node, String name, double[] values) {
    ArrayNode array = node.putArray(name);
    for (double v : values) {
      array.add(v);
    }
  }

  private static void putMatrix(ObjectNode node, String name, double[][] rows) {
    ArrayNode matrix = node.putArray(name);
    for (double[] row : rows) {
      ArrayNode r = matrix.addArray();
      for (double v : row) {
        r.add(v);
      }
    }
  }

  private static void putNullable(ObjectNode node, String name, double v) {
    if (Double.isFinite(v)) {
      node.put(name, v);
    } else {
      node.putNull(name);
    }
  }

  /**
   * Reads and validates a model file.
   *
   * @throws ModelFormatException if the file is not a valid model file of this version
   * @throws IOException if the file cannot be read
   */
  public static ModelFile read(Path path) throws IOException {
    if (Files.isDirectory(path)) {
      throw new FileSystemException(path.toString(), null,
          "is a directory, not a model file");
    }
    return parse(Files.readAllBytes(path), path.toString());
  }

  /**
   * Parses and validates a model file's JSON text.
   *
   * @param json the text
   * @param source the name used in error messages (a file name)
   * @throws ModelFormatException if the text is not a valid model file of this version
   */
  public static ModelFile parse(String json, String source) {
    return parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), source);
  }

  private static ModelFile parse(byte[] json, String source) {
    JsonNode root;
    try (JsonParser parser = JsonText.parser(json)) {
      try {
        root = JsonText.readTree(parser);
        if (root != null && parser.nextToken() != null) {
          throw new ModelFormatException(where(source, parser.currentTokenLocation())
              + ": the model file is not valid JSON (more content after the end of the object)");
        }
      } catch (JsonProcessingException e) {
        // A broken limit (a 1200-digit number) carries no location: the parser's is where it is.
        JsonLocation at = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
        throw new ModelFormatException(where(source, at)
            + ": the model file is truncated or not valid JSON (" + parserDetail(e) + ")", e);
      }
    } catch (IOException e) {
      throw new ModelFormatException(source + ": cannot be parsed: " + e.getMessage(), e);
    }
    return new FileReader(source).read(root);
  }

  /** {@code FILE:LINE:COLUMN}, or just {@code FILE} when the parser knows no position. */
  private static String where(String source, JsonLocation at) {
    return at == null || at.getLineNr() < 1 ? source
        : source + ":" + at.getLineNr() + ":" + Math.max(at.getColumnNr(), 0);
  }

  /**
   * What the parser found wrong, without its internals: locations it embeds (the start of an
   * unclosed array, printed as {@code [Source: REDACTED (`StreamReadFeature...` disabled); line:
   * 2, column: 7]}) become {@code line 2, column 7}, and advice about its configuration (enable
   * {@code JsonReadFeature...}, the {@code StreamReadConstraints} method behind a limit) is
   * dropped, since a user cannot act on it.
   */
  static String parserDetail(JsonProcessingException e) {
    String m = e.getOriginalMessage() == null ? e.getClass().getSimpleName()
        : e.getOriginalMessage();
    m = m.replaceAll("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]", "line $1, column $2");
    m = m.replaceAll("\\s*\\[Source: [^\\]]*\\]", "");
    m = m.replaceAll("\\s*\\((consider enabling|not recognized as one since Feature)"
        + "[^()]*(\\([^()]*\\)[^()]*)*\\)", "");
    m = m.replaceAll(":? (enable|disable) `[^`]*` to allow", "");
    m = m.replaceAll(",? from `[^`]*`", "");
    return m.replaceAll("\\s+", " ").strip();
  }

  /** Reading state: the source name every message starts with. */
  private static final class FileReader {
    private final String source;

    FileReader(String source) {
      this.source = source;
    }

    ModelFile read(JsonNode root) {
      if (root == null || !root.isObject()) {
        throw fail("expected a JSON object, found " + (root == null || root.isMissingNode()
            ? "nothing" : describe(root)));
      }
      if (!root.has("format")) {
        throw fail("missing field \"format\" (not a Descent model file?)");
      }
      String format = text(root, "format", "format");
      if (!FORMAT.equals(format)) {
        throw fail("field \"format\" is \"" + format + "\", expected \"" + FORMAT + "\"");
      }
      // Read as a BigInteger: a version too large for a long is still a future version.
      JsonNode versionNode = required(root, "formatVersion", "formatVersion");
      BigInteger version = whole(versionNode);
      if (version == null) {
        throw fail("field \"formatVersion\" must be an integer, got " + describe(versionNode));
      }
      if (version.compareTo(BigInteger.valueOf(MULTINOMIAL_FORMAT_VERSION)) > 0) {
        throw new ModelFormatException("model file " + source + " has format version " + version
            + "; this Descent reads versions " + FORMAT_VERSION + " and "
            + MULTINOMIAL_FORMAT_VERSION);
      }
      if (version.equals(BigInteger.ONE)) {
        throw new ModelFormatException("model file " + source + " has format version 1, which"
            + " has no checksum, so an edit to it cannot be detected; this Descent reads versions "
            + FORMAT_VERSION + " and " + MULTINOMIAL_FORMAT_VERSION + ": train the model again");
      }
      if (version.compareTo(BigInteger.valueOf(FORMAT_VERSION)) < 0) {
        throw fail("field \"formatVersion\" is " + version + ", expected " + FORMAT_VERSION
            + " or " + MULTINOMIAL_FORMAT_VERSION);
      }
      checkChecksum(root);
      Loss loss = loss(text(root, "loss", "loss"));
      boolean oneVsRest = oneVsRest(root, loss);
      boolean classes = loss.coupled() || oneVsRest;
      if (classes != (version.intValue() == MULTINOMIAL_FORMAT_VERSION)) {
        throw fail(classes ? "a " + (oneVsRest ? "one-vs-rest" : "multinomial") + " model needs"
            + " format version " + MULTINOMIAL_FORMAT_VERSION + ", got " + version
            : "field \"formatVersion\" is " + version + " but a " + loss.label() + " model is"
            + " version " + FORMAT_VERSION);
      }
      if (classes) {
        return readClasses(root, oneVsRest);
      }
      String target = columnName(text(root, "target", "target"), "target");
      BinaryLabels labels = labels(root, loss);
      List<String> features = strings(root, "features");
      for (int j = 0; j < features.size(); j++) {
        columnName(features.get(j), "features[" + j + "]");
      }
      int d = features.size();
      JsonNode std = object(root, "standardization", "standardization");
      double[] mean = numbers(std, "mean", "standardization.mean", d);
      double[] scale = numbers(std, "scale", "standardization.scale", d);
      for (int j = 0; j < d; j++) {
        if (!(scale[j] > 0)) {
          throw fail("field \"standardization.scale[" + j + "]\" must be > 0, got " + scale[j]);
        }
      }
      double[] theta = new double[d + 1];
      theta[0] = number(root, "standardizedIntercept", "standardizedIntercept");
      System.arraycopy(numbers(root, "standardizedCoef", "standardizedCoef", d), 0, theta, 1, d);
      double intercept = number(root, "intercept", "intercept");
      double[] coef = numbers(root, "coef", "coef", d);
      LinearModel model;
      try {
        model = LinearModel.of(loss, features, target, labels, new Standardization(mean, scale),
            theta);
      } catch (IllegalArgumentException e) {
        throw fail(e.getMessage());
      }
      checkConsistent(model, intercept, coef);
      TrainingInfo training = null;
      JsonNode t = root.get("training");
      if (t != null && !t.isNull()) {
        training = training(object(root, "training", "training"));
      }
      return new ModelFile(model, training);
    }

    /**
     * Whether the file claims a one-vs-rest model: its {@code oneVsRest} field, absent (false)
     * or a boolean, true only with the logistic loss.
     */
    private boolean oneVsRest(JsonNode root, Loss loss) {
      JsonNode node = root.get(ONE_VS_REST);
      if (node == null || node.isNull()) {
        return false;
      }
      boolean on = bool(root, ONE_VS_REST, ONE_VS_REST);
      if (on && loss != Loss.LOGISTIC) {
        throw fail("field \"" + ONE_VS_REST + "\" is true but the loss is \"" + loss.label()
            + "\": a one-vs-rest model is C logistic models");
      }
      return on;
    }

    /**
     * The fields of a multinomial or one-vs-rest model (version 3), after the checksum and the
     * loss.
     */
    private ModelFile readClasses(JsonNode root, boolean oneVsRest) {
      String kind = oneVsRest ? "one-vs-rest" : "multinomial";
      String target = columnName(text(root, "target", "target"), "target");
      JsonNode labelsNode = root.get("labels");
      if (labelsNode != null && !labelsNode.isNull()) {
        throw fail("field \"labels\" must be null for a " + kind + " model (its labels are"
            + " \"classes\")");
      }
      ClassLabels classes;
      try {
        classes = new ClassLabels(strings(root, "classes"));
      } catch (IllegalArgumentException e) {
        throw fail("field \"classes\": " + e.getMessage());
      }
      int c = classes.size();
      List<String> features = strings(root, "features");
      for (int j = 0; j < features.size(); j++) {
        columnName(features.get(j), "features[" + j + "]");
      }
      int d = features.size();
      JsonNode std = object(root, "standardization", "standardization");
      double[] mean = numbers(std, "mean", "standardization.mean", d);
      double[] scale = numbers(std, "scale", "standardization.scale", d);
      for (int j = 0; j < d; j++) {
        if (!(scale[j] > 0)) {
          throw fail("field \"standardization.scale[" + j + "]\" must be > 0, got " + scale[j]);
        }
      }
      double[] b = perClass(root, "standardizedIntercept", c);
      double[] intercept = perClass(root, "intercept", c);
      double[] theta = new double[(d + 1) * c];
      double[][] coef = new double[c][];
      JsonNode w = perClassArray(root, "standardizedCoef", c);
      JsonNode raw = perClassArray(root, "coef", c);
      for (int k = 0; k < c; k++) {
        theta[k * (d + 1)] = b[k];
        System.arraycopy(numbers(w, k, "standardizedCoef[" + k + "]", d), 0, theta,
            k * (d + 1) + 1, d);
        coef[k] = numbers(raw, k, "coef[" + k + "]", d);
      }
      LinearModel model;
      try {
        model = oneVsRest ? LinearModel.oneVsRest(features, target, classes,
            new Standardization(mean, scale), theta) : LinearModel.multinomial(features, target,
            classes, new Standardization(mean, scale), theta, false);
      } catch (IllegalArgumentException e) {
        throw fail(e.getMessage());
      }
      // With an L1 penalty only the intercepts are centered: centering the weights would change
      // the penalty (see LinearModel.multinomialInterceptsCentered).
      JsonNode penalties = root.get("training");
      boolean l1 = penalties != null && penalties.isObject() && penalties.has("l1")
          && penalties.get("l1").isNumber() && penalties.get("l1").asDouble() > 0;
      for (int j = 0; j <= (l1 ? 0 : d) && !oneVsRest; j++) {
        double sum = 0;
        double size = 0;
        for (int k = 0; k < c; k++) {
          sum += theta[k * (d + 1) + j];
          size += Math.abs(theta[k * (d + 1) + j]);
        }
        if (Math.abs(sum) > CONSISTENCY_TOLERANCE * size) {
          throw fail("fields \"standardizedIntercept\" and \"standardizedCoef\" must be"
              + " centered over the classes: " + (j == 0 ? "the intercepts" : "the weights of"
              + " feature \"" + features.get(j - 1) + "\"") + " sum to " + sum + ", not 0");
        }
      }
      double[] impliedB = model.intercepts();
      double[][] implied = model.coefficients();
      for (int k = 0; k < c; k++) {
        double size = Math.abs(b[k]);
        for (int j = 0; j < d; j++) {
          if (Math.abs(coef[k][j] - implied[k][j])
              > CONSISTENCY_TOLERANCE * Math.abs(implied[k][j])) {
            throw fail("field \"coef[" + k + "][" + j + "]\" is " + coef[k][j] + " but"
                + " standardizedCoef and standardization give " + implied[k][j]);
          }
          size += Math.abs(theta[k * (d + 1) + 1 + j] * mean[j] / scale[j]);
        }
        if (Math.abs(intercept[k] - impliedB[k]) > CONSISTENCY_TOLERANCE * size) {
          throw fail("field \"intercept[" + k + "]\" is " + intercept[k] + " but"
              + " standardizedIntercept, standardizedCoef and standardization give "
              + impliedB[k]);
        }
      }
      TrainingInfo training = null;
      JsonNode t = root.get("training");
      if (t != null && !t.isNull()) {
        training = training(object(root, "training", "training"));
      }
      return new ModelFile(model, training);
    }

    /** An array of one number per class. */
    private double[] perClass(JsonNode root, String name, int classes) {
      JsonNode node = perClassArray(root, name, classes);
      double[] v = new double[classes];
      for (int k = 0; k < classes; k++) {
        v[k] = element(node.get(k), name + "[" + k + "]");
      }
      return v;
    }

    private JsonNode perClassArray(JsonNode root, String name, int classes) {
      JsonNode node = required(root, name, name);
      if (!node.isArray()) {
        throw fail("field \"" + name + "\" must be an array of one entry per class, got "
            + describe(node));
      }
      if (node.size() != classes) {
        throw fail("field \"" + name + "\" has " + node.size() + " entries but there are "
            + classes + " classes");
      }
      return node;
    }

    /** Row k of a per-class matrix: d numbers. */
    private double[] numbers(JsonNode matrix, int k, String path, int length) {
      JsonNode node = matrix.get(k);
      if (!node.isArray()) {
        throw fail("field \"" + path + "\" must be an array of numbers, got " + describe(node));
      }
      if (node.size() != length) {
        throw fail("field \"" + path + "\" has " + node.size()
            + (node.size() == 1 ? " number" : " numbers") + " but there "
            + (length == 1 ? "is 1 feature" : "are " + length + " features"));
      }
      double[] v = new double[length];
      for (int j = 0; j < length; j++) {
        v[j] = element(node.get(j), path + "[" + j + "]");
      }
      return v;
    }

    /**
     * The checksum must be the one of the content: checked before any other field, so that an
     * edit is reported as an edit, whatever else it broke.
     */
    private void checkChecksum(JsonNode root) {
      JsonNode node = root.get(CHECKSUM);
      if (node == null || node.isNull()) {
        throw fail("missing field \"" + CHECKSUM + "\": the file was not written by Descent, so"
            + " its predictions cannot be trusted");
      }
      if (!node.isTextual() || !ModelChecksum.wellFormed(node.textValue())) {
        throw fail("field \"" + CHECKSUM + "\" must be \"" + ModelChecksum.PREFIX
            + "\" and 64 hex digits, got " + describe(node));
      }
      if (!ModelChecksum.of(root, CHECKSUM).equals(node.textValue())) {
        throw fail("the file was changed after Descent wrote it (its checksum does not match its"
            + " content), so its predictions cannot be trusted; use the file as written or train"
            + " the model again");
      }
    }

    /** The original-space parameters in the file must be those the standardized ones imply. */
    private void checkConsistent(LinearModel model, double intercept, double[] coef) {
      double[] implied = model.coef();
      double[] w = model.standardizedCoef();
      Standardization s = model.standardization();
      double size = Math.abs(model.standardizedIntercept());
      for (int j = 0; j < coef.length; j++) {
        if (Math.abs(coef[j] - implied[j]) > CONSISTENCY_TOLERANCE * Math.abs(implied[j])) {
          throw fail("field \"coef[" + j + "]\" is " + coef[j] + " but standardizedCoef and"
              + " standardization give " + implied[j]);
        }
        size += Math.abs(w[j] * s.mean(j) / s.scale(j));
      }
      // The intercept is a sum of terms that may cancel: judge it against their magnitude.
      if (Math.abs(intercept - model.intercept()) > CONSISTENCY_TOLERANCE * size) {
        throw fail("field \"intercept\" is " + intercept + " but standardizedIntercept,"
            + " standardizedCoef and standardization give " + model.intercept());
      }
    }

    private TrainingInfo training(JsonNode t) {
      String p = "training.";
      double objective = nullableNumber(t, "objective", p + "objective");
      // Absent from files written before it was recorded; those read as unknown.
      double gradientNorm = t.has("gradientNorm")
          ? nullableNumber(t, "gradientNorm", p + "gradientNorm") : Double.NaN;
      String stopReason = text(t, "stopReason", p + "stopReason");
      long iterations = integer(t, "iterations", p + "iterations");
      long epochs = integer(t, "epochs", p + "epochs");
      String backend = text(t, "backend", p + "backend");
      String device = text(t, "device", p + "device");
      String precision = text(t, "precision", p + "precision");
      // An object of the optimizer's settings; a text in files written before them.
      Map<String, Object> optimizerSettings = new LinkedHashMap<>();
      String optimizer;
      JsonNode o = t.get("optimizer");
      if (o != null && o.isObject()) {
        for (Map.Entry<String, JsonNode> e : o.properties()) {
          optimizerSettings.put(e.getKey(), hyperparameter(e.getValue(),
              p + "optimizer." + e.getKey()));
        }
        if (!(optimizerSettings.get("name") instanceof String)) {
          throw fail("field \"" + p + "optimizer.name\" must be a string, got "
              + describe(o.get("name")));
        }
        optimizer = TrainingInfo.describe(optimizerSettings);
      } else {
        optimizer = text(t, "optimizer", p + "optimizer");
      }
      double l2 = number(t, "l2", p + "l2");
      // Present with an L1 penalty only; absent, none.
      double l1 = t.has("l1") ? number(t, "l1", p + "l1") : 0;
      double kkt = t.has("kktViolation")
          ? nullableNumber(t, "kktViolation", p + "kktViolation") : Double.NaN;
      long nonzero = t.has("nonzeroWeights") ? integer(t, "nonzeroWeights",
          p + "nonzeroWeights") : -1;
      boolean standardized = bool(t, "standardized", p + "standardized");
      long seed = integer(t, "seed", p + "seed");
      double elapsed = nullableNumber(t, "elapsedSeconds", p + "elapsedSeconds");
      double verification = nullableNumber(t, "verification", p + "verification");
      long rows = integer(t, "rows", p + "rows");
      Map<String, Object> hyper = new LinkedHashMap<>();
      JsonNode h = t.get("hyperparameters");
      if (h != null && !h.isNull()) {
        if (!h.isObject()) {
          throw fail("field \"training.hyperparameters\" must be an object, got " + describe(h));
        }
        for (Map.Entry<String, JsonNode> e : h.properties()) {
          hyper.put(e.getKey(), hyperparameter(e.getValue(),
              p + "hyperparameters." + e.getKey()));
        }
      }
      try {
        return new TrainingInfo(objective, stopReason, iterations, epochs, backend, device,
            precision, optimizer, l2, standardized, seed, elapsed, verification, rows, hyper,
            gradientNorm, optimizerSettings, l1, kkt, nonzero);
      } catch (IllegalArgumentException e) {
        throw fail("field \"training\": " + e.getMessage());
      }
    }

    private Object hyperparameter(JsonNode v, String path) {
      if (v.isTextual()) {
        return v.textValue();
      }
      if (v.isBoolean()) {
        return v.booleanValue();
      }
      if (v.isIntegralNumber() && v.canConvertToLong()) {
        return v.longValue();
      }
      if (v.isFloatingPointNumber()) {
        return finite(v.doubleValue(), path);
      }
      throw fail("field \"" + path + "\" must be a string, boolean or number, got " + describe(v));
    }

    private Loss loss(String label) {
      for (Loss l : Loss.values()) {
        if (l.label().equals(label)) {
          return l;
        }
      }
      throw fail("field \"loss\" must be \"linear\", \"logistic\" or \"multinomial\", got \""
          + label + "\"");
    }

    /** A logistic model names its two classes; a linear one has none. */
    private BinaryLabels labels(JsonNode root, Loss loss) {
      JsonNode node = root.get("labels");
      if (loss != Loss.LOGISTIC) {
        if (node != null && !node.isNull()) {
          throw fail("field \"labels\" must be null for a " + loss.label() + " model");
        }
        return null;
      }
      if (node == null) {
        throw fail("missing field \"labels\": a logistic model names its negative and positive"
            + " labels");
      }
      JsonNode l = object(root, "labels", "labels");
      String negative = text(l, "negative", "labels.negative");
      String positive = text(l, "positive", "labels.positive");
      if (negative.equals(positive)) {
        throw fail("field \"labels\": negative and positive are both \"" + negative + "\"");
      }
      return new BinaryLabels(negative, positive);
    }

    private JsonNode required(JsonNode parent, String name, String path) {
      JsonNode node = parent.get(name);
      if (node == null) {
        throw fail("missing field \"" + path + "\"");
      }
      return node;
    }

    private JsonNode object(JsonNode parent, String name, String path) {
      JsonNode node = required(parent, name, path);
      if (!node.isObject()) {
        throw fail("field \"" + path + "\" must be an object, got " + describe(node));
      }
      return node;
    }

    private String text(JsonNode parent, String name, String path) {
      JsonNode node = required(parent, name, path);
      if (!node.isTextual()) {
        throw fail("field \"" + path + "\" must be a string, got " + describe(node));
      }
      return node.textValue();
    }

    private boolean bool(JsonNode parent, String name, String path) {
      JsonNode node = required(parent, name, path);
      if (!node.isBoolean()) {
        throw fail("field \"" + path + "\" must be true or false, got " + describe(node));
      }
      return node.booleanValue();
    }

    private long integer(JsonNode parent, String name, String path) {
      JsonNode node = required(parent, name, path);
      BigInteger value = whole(node);
      if (value == null) {
        throw fail("field \"" + path + "\" must be an integer, got " + describe(node));
      }
      if (value.bitLength() > 63) {
        throw fail("field \"" + path + "\" must be an integer from " + Long.MIN_VALUE + " to "
            + Long.MAX_VALUE + ", got " + describe(node));
      }
      return value.longValueExact();
    }

    /**
     * A number node's value where it is a whole number, however written ({@code 42}, {@code
     * 42.0}, {@code 4.2E1}: a JSON tool may write integers as floating-point numbers, and the
     * checksum takes them as one value); else null.
     */
    private static BigInteger whole(JsonNode node) {
      if (node.isIntegralNumber()) {
        return node.bigIntegerValue();
      }
      if (!node.isNumber() || (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())
          && !node.isBigDecimal())) {
        return null;
      }
      java.math.BigDecimal d = node.decimalValue().stripTrailingZeros();
      if (d.scale() > 0 || d.precision() - d.scale() > 40) {
        return null;
      }
      return d.toBigIntegerExact();
    }

    private double number(JsonNode parent, String name, String path) {
      return element(required(parent, name, path), path);
    }

    private double nullableNumber(JsonNode parent, String name, String path) {
      JsonNode node = required(parent, name, path);
      return node.isNull() ? Double.NaN : element(node, path);
    }

    private double element(JsonNode node, String path) {
      if (!node.isNumber()) {
        throw fail("field \"" + path + "\" must be a finite number, got " + describe(node));
      }
      return finite(node.doubleValue(), path);
    }

    private double finite(double v, String path) {
      if (!Double.isFinite(v)) {
        // A literal too large for a double parses as infinity.
        throw fail("field \"" + path + "\" must be a finite number, got " + v);
      }
      return v;
    }

    private double[] numbers(JsonNode parent, String name, String path, int length) {
      JsonNode node = required(parent, name, path);
      if (!node.isArray()) {
        throw fail("field \"" + path + "\" must be an array of numbers, got " + describe(node));
      }
      if (node.size() != length) {
        throw fail("field \"" + path + "\" has " + node.size()
            + (node.size() == 1 ? " number" : " numbers") + " but there "
            + (length == 1 ? "is 1 feature" : "are " + length + " features"));
      }
      double[] v = new double[length];
      for (int j = 0; j < length; j++) {
        v[j] = element(node.get(j), path + "[" + j + "]");
      }
      return v;
    }

    /**
     * A name that data columns are matched by: blank names cannot match a CSV column (a blank
     * header is an unnamed column, and the reader takes no blank names), so they would only fail
     * later, at prediction, without naming this file.
     */
    private String columnName(String name, String path) {
      if (name.isBlank()) {
        throw fail("field \"" + path + "\" must be a column name, got \"" + name + "\"");
      }
      return name;
    }

    private List<String> strings(JsonNode parent, String name) {
      JsonNode node = required(parent, name, name);
      if (!node.isArray()) {
        throw fail("field \"" + name + "\" must be an array of strings, got " + describe(node));
      }
      List<String> out = new ArrayList<>(node.size());
      for (int j = 0; j < node.size(); j++) {
        JsonNode e = node.get(j);
        if (!e.isTextual()) {
          throw fail("field \"" + name + "[" + j + "]\" must be a string, got " + describe(e));
        }
        out.add(e.textValue());
      }
      return out;
    }

    private static String describe(JsonNode node) {
      if (node == null) {
        return "nothing (the field is missing)";
      }
      JsonNodeType type = node.getNodeType();
      switch (type) {
        case NULL:
          return "null";
        case OBJECT:
          return "an object";
        case ARRAY:
          return "an array";
        case STRING:
          String s = node.textValue();
          // Cut between characters, not inside a surrogate pair.
          int cut = s.length() <= 40 ? s.length() : Character.isHighSurrogate(s.charAt(39)) ? 39
              : 40;
          return "\"" + s.substring(0, cut) + (cut < s.length() ? "..." : "") + "\"";
        default:
          return node.toString();
      }
    }

    private ModelFormatException fail(String what) {
      return new ModelFormatException(source + ": " + what);
    }
  }
}

package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model file changed after {@code train} wrote it never predicts: {@code predict} and
 * {@code evaluate} stop with one line and exit code 2, and write nothing. These are the edits an
 * audit found to give wrong answers with exit 0 before the file had a checksum.
 */
class ModelFileCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHANGED = "the file was changed after Descent wrote it (its checksum"
      + " does not match its content), so its predictions cannot be trusted";

  @TempDir
  Path dir;

  private Path data;
  private Path model;

  /** A yes/no target that two features predict, with noise (the classes overlap). */
  @BeforeEach
  void train() throws IOException {
    data = dir.resolve("data.csv");
    StringBuilder csv = new StringBuilder("a,b,answer\n");
    Random rnd = new Random(3);
    for (int i = 0; i < 300; i++) {
      double a = rnd.nextGaussian() * 3 + 10;
      double b = rnd.nextGaussian();
      boolean yes = 0.8 * (a - 10) - b + rnd.nextGaussian() > 0;
      csv.append(a).append(',').append(b).append(',').append(yes ? "yes" : "no").append('\n');
    }
    Files.writeString(data, csv);
    model = dir.resolve("model.json");
    Cli r = Cli.run("train", "--data", data.toString(), "--target", "answer", "--loss",
        "logistic", "--positive-label", "yes", "--backend", "reference", "--quiet", "--out",
        model.toString());
    assertEquals(0, r.code(), r.err());
  }

  private Path edited(Consumer<ObjectNode> edit) throws IOException {
    ObjectNode root = (ObjectNode) JSON.readTree(model.toFile());
    edit.accept(root);
    Path file = dir.resolve("edited.json");
    Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    return file;
  }

  private static void assertOneLineError(Cli r, String fragment) {
    assertEquals(2, r.code(), r.out() + r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("descent: "), r.err());
    assertTrue(r.err().contains(fragment), r.err());
    assertEquals("", r.out());
  }

  private List<String> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void theUneditedModelPredictsWithItsLabels() {
    Cli evaluate = Cli.run("evaluate", "--model", model.toString(), "--data", data.toString());
    assertEquals(0, evaluate.code(), evaluate.err());
    String accuracy = evaluate.out().lines().filter(l -> l.startsWith("accuracy: ")).findFirst()
        .orElseThrow();
    assertTrue(Double.parseDouble(accuracy.substring(10)) > 0.7, evaluate.out());
    Cli predict = Cli.run("predict", "--model", model.toString(), "--data", data.toString());
    assertEquals(0, predict.code(), predict.err());
    assertTrue(predict.out().contains(",yes\n") && predict.out().contains(",no\n"),
        predict.out());
  }

  @Test
  void swappedLabelsAreRefusedByEvaluate() throws IOException {
    Path file = edited(r -> {
      ObjectNode labels = (ObjectNode) r.get("labels");
      labels.put("negative", "yes");
      labels.put("positive", "no");
    });
    assertOneLineError(Cli.run("evaluate", "--model", file.toString(), "--data",
        data.toString()), file + ": " + CHANGED);
  }

  @Test
  void removedLabelsAreRefusedByPredict() throws IOException {
    Path file = edited(r -> r.putNull("labels"));
    Path out = dir.resolve("predictions.csv");
    assertOneLineError(Cli.run("predict", "--model", file.toString(), "--data", data.toString(),
        "--out", out.toString()), file + ": " + CHANGED);
    assertEquals(List.of("data.csv", "edited.json", "model.json"), files());
  }

  @Test
  void aConsistentlyEditedWeightIsRefused() throws IOException {
    Path file = edited(r -> {
      // Double standardized weight 0, with its original-space twin and the intercept to match,
      // so that every consistency check between the fields still holds.
      ArrayNode w = (ArrayNode) r.get("standardizedCoef");
      ArrayNode coef = (ArrayNode) r.get("coef");
      double mean = r.get("standardization").get("mean").get(0).doubleValue();
      double scale = r.get("standardization").get("scale").get(0).doubleValue();
      double w0 = w.get(0).doubleValue();
      w.set(0, 2 * w0);
      coef.set(0, 2 * w0 / scale);
      r.put("intercept", r.get("intercept").doubleValue() - w0 * mean / scale);
    });
    assertOneLineError(Cli.run("predict", "--model", file.toString(), "--data",
        data.toString()), file + ": " + CHANGED);
  }

  @Test
  void aReformattedFileStillPredictsTheSame() throws IOException {
    Path file = edited(r -> { });
    assertFalse(Files.readString(file).equals(Files.readString(model)));
    Cli original = Cli.run("predict", "--model", model.toString(), "--data", data.toString());
    Cli reformatted = Cli.run("predict", "--model", file.toString(), "--data", data.toString());
    assertEquals(0, reformatted.code(), reformatted.err());
    assertEquals(original.out(), reformatted.out());
  }

  @Test
  void aTruncatedFileIsOneCleanLine() throws IOException {
    String json = Files.readString(model);
    Path file = dir.resolve("cut.json");
    Files.writeString(file, json.substring(0, json.indexOf("\"scale\"") + 20));
    Cli r = Cli.run("predict", "--model", file.toString(), "--data", data.toString());
    assertOneLineError(r, "the model file is truncated or not valid JSON (Unexpected"
        + " end-of-input");
    assertTrue(r.err().matches("descent: " + java.util.regex.Pattern.quote(file.toString())
        + ":\\d+:\\d+: the model file .*\\R"), r.err());
    assertFalse(r.err().contains("Source") || r.err().contains("REDACTED")
        || r.err().contains("`"), r.err());
  }

  @Test
  void aFileWithoutChecksumIsRefused() throws IOException {
    Path file = edited(r -> r.remove("checksum"));
    assertOneLineError(Cli.run("evaluate", "--model", file.toString(), "--data",
        data.toString()), file + ": missing field \"checksum\": the file was not written by"
        + " Descent, so its predictions cannot be trusted");
  }
}

package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train --init through the command line: warm starts and every mismatch. */
class WarmStartCliTest {
  private static final String WDBC = "datasets/breast_cancer_wdbc.csv";
  private static final String[] FEATURES = {"--features", "mean_radius,mean_texture,mean_area"};

  @TempDir
  Path dir;

  private static Cli train(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "train";
    System.arraycopy(args, 0, all, 1, args.length);
    return Cli.run(all);
  }

  private static JsonNode training(Path model) throws IOException {
    return new ObjectMapper().readTree(model.toFile()).get("training");
  }

  private Path logistic(String name, String... more) {
    Path out = dir.resolve(name);
    String[] base = {"--data", WDBC, "--target", "malignant", "--loss", "logistic", "--l2",
        "0.01", "--backend", "reference", "--quiet", "--out", out.toString()};
    String[] args = new String[base.length + more.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    Cli r = train(args);
    assertEquals(0, r.code(), r.out() + r.err());
    return out;
  }

  @Test
  void fromTheOptimumTrainStopsAtOnceWithTheSameObjective() throws IOException {
    Path cold = logistic("cold.json");
    JsonNode c = training(cold);
    assertTrue(c.get("iterations").asInt() > 10, c.toString());
    Path warm = logistic("warm.json", "--init", cold.toString());
    JsonNode w = training(warm);
    assertTrue(w.get("iterations").asInt() <= 1, w.toString());
    assertEquals("gradient_tolerance", w.get("stopReason").asText());
    assertEquals(c.get("objective").asDouble(), w.get("objective").asDouble(),
        1e-14 * c.get("objective").asDouble());
    assertEquals(cold.toString(), w.get("hyperparameters").get("init").asText());
    assertTrue(w.get("hyperparameters").get("warmStart").asBoolean());
  }

  @Test
  void theInitialModelMayBeReplacedByTheOutput() throws IOException {
    Path model = logistic("m.json", "--max-iterations", "3");
    assertEquals("max_iterations", training(model).get("stopReason").asText());
    Cli r = train("--data", WDBC, "--target", "malignant", "--loss", "logistic", "--l2", "0.01",
        "--backend", "reference", "--init", model.toString(), "--out", model.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("init: starting from " + model), r.out());
    assertEquals("gradient_tolerance", training(model).get("stopReason").asText());
  }

  @Test
  void theHistoryAndThePlotMayNotReplaceTheInitialModel() throws IOException {
    Path model = logistic("m.json", "--max-iterations", "3");
    byte[] before = java.nio.file.Files.readAllBytes(model);
    for (String option : new String[] {"--history", "--plot"}) {
      Cli r = train("--data", WDBC, "--target", "malignant", "--loss", "logistic", "--l2",
          "0.01", "--backend", "reference", "--init", model.toString(), option,
          model.toString());
      assertEquals(2, r.code(), r.out() + r.err());
      assertEquals("descent: " + option + " " + model + " is the same file as --init " + model
          + ": refusing to overwrite an input", r.err().strip());
      org.junit.jupiter.api.Assertions.assertArrayEquals(before,
          java.nio.file.Files.readAllBytes(model));
    }
    // A fit resumed from its checkpoint may go on writing it.
    Cli resumed = train("--data", WDBC, "--target", "malignant", "--loss", "logistic", "--l2",
        "0.01", "--backend", "reference", "--init", model.toString(), "--checkpoint",
        model.toString(), "--max-iterations", "2");
    assertEquals(0, resumed.code(), resumed.out() + resumed.err());
  }

  private Cli warm(Path init, String... args) {
    String[] base = {"--backend", "reference", "--init", init.toString()};
    String[] all = new String[base.length + args.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(base, 0, all, args.length, base.length);
    return train(all);
  }

  private static void assertBadInput(Cli r, String expected) {
    assertEquals(2, r.code(), r.out() + r.err());
    assertEquals(expected, r.err().strip());
  }

  @Test
  void anotherLossIsRefused() {
    Path linear = dir.resolve("linear.json");
    Cli r = train("--data", WDBC, "--target", "malignant", "--loss", "linear", "--backend",
        "reference", "--quiet", "--out", linear.toString());
    assertEquals(0, r.code(), r.err());
    assertBadInput(warm(linear, "--data", WDBC, "--target", "malignant", "--loss", "logistic"),
        "descent: --init " + linear + ": the initial model is linear but this fit is"
            + " logistic");
  }

  @Test
  void otherFeaturesAreRefused() {
    Path three = logistic("three.json", FEATURES);
    assertBadInput(warm(three, "--data", WDBC, "--target", "malignant", "--loss", "logistic",
        "--features", "mean_radius,mean_texture"),
        "descent: --init " + three + ": the initial model has 3 features but " + WDBC
            + " has 2: the model's are [mean_radius, mean_texture, mean_area]");
    assertBadInput(warm(three, "--data", WDBC, "--target", "malignant", "--loss", "logistic",
        "--features", "mean_radius,mean_area,mean_texture"),
        "descent: --init " + three + ": feature 2 of the initial model is \"mean_texture\" but "
            + WDBC + "'s is \"mean_area\": the features must be the same, in the same order");
  }

  @Test
  void otherLabelsAreRefused() throws IOException {
    Path f = Files.writeString(dir.resolve("l.csv"),
        "a,y\n1,ham\n2,spam\n3,ham\n4,spam\n2.5,ham\n");
    Path spam = dir.resolve("spam.json");
    Cli r = train("--data", f.toString(), "--target", "y", "--loss", "logistic",
        "--positive-label", "spam", "--l2", "0.1", "--backend", "reference", "--quiet",
        "--out", spam.toString());
    assertEquals(0, r.code(), r.err());
    assertBadInput(warm(spam, "--data", f.toString(), "--target", "y", "--loss", "logistic",
        "--positive-label", "ham"),
        "descent: --init " + spam + ": the initial model's classes are \"ham\" (0) and \"spam\""
            + " (1) but " + f + "'s are \"spam\" (0) and \"ham\" (1)");
  }

  @Test
  void aMissingOrBrokenModelFileIsRefused() throws IOException {
    Path missing = dir.resolve("missing.json");
    Cli r = warm(missing, "--data", WDBC, "--target", "malignant", "--loss", "logistic");
    assertEquals(2, r.code(), r.err());
    assertEquals("descent: " + missing + ": no such file", r.err().strip());
    Path broken = Files.writeString(dir.resolve("broken.json"), "{\"format\": 1");
    r = warm(broken, "--data", WDBC, "--target", "malignant", "--loss", "logistic");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("descent: " + broken + ":1:13: the model file is truncated"),
        r.err());
  }
}

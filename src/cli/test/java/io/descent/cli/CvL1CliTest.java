package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.Descent;
import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.model.ModelFile;
import io.descent.train.FitResult;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code descent cv} over L1 grids, through the real command line. */
class CvL1CliTest {
  private static final String WDBC = "datasets/breast_cancer_wdbc.csv";

  @TempDir
  Path dir;

  private static Cli cv(String... more) {
    String[] base = {"cv", "--data", WDBC, "--target", "malignant", "--loss", "logistic",
        "--folds", "3"};
    String[] args = new String[base.length + more.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return Cli.run(args);
  }

  @Test
  void l1GridTimesL2GridWithNonzeroCountsAndTheRefit() throws Exception {
    Path model = dir.resolve("best.json");
    JsonNode doc = cv("--l1", "0.001,0.1", "--l2", "0,0.01", "--backend", "reference",
        "--out", model.toString(), "--json").json();
    JsonNode settings = doc.get("cv").get("settings");
    assertEquals(4, settings.size());
    double[][] expected = {{0.001, 0}, {0.001, 0.01}, {0.1, 0}, {0.1, 0.01}};
    for (int s = 0; s < 4; s++) {
      assertEquals(expected[s][0], settings.get(s).get("l1").asDouble());
      assertEquals(expected[s][1], settings.get(s).get("l2").asDouble());
      for (JsonNode f : settings.get(s).get("folds")) {
        assertTrue(f.get("converged").asBoolean(), f.toString());
        assertTrue(f.get("kktViolation").asDouble() <= Descent.DEFAULT_TOLERANCE
            * Math.max(1, f.get("objective").asDouble()), f.toString());
      }
    }
    assertTrue(settings.get(2).get("meanNonzero").asDouble()
        < settings.get(0).get("meanNonzero").asDouble(), "a larger L1 zeroes more weights");
    JsonNode best = doc.get("cv").get("best");
    double l1 = best.get("l1").asDouble();
    double l2 = best.get("l2").asDouble();
    Dataset data = new CsvReader(CsvReader.Options.binaryTarget("malignant"))
        .read(Path.of(WDBC));
    FitResult alone = Descent.logistic().l1(l1).l2(l2).backend("reference").train(data, null);
    assertEquals(alone.objective(), doc.get("refit").get("objective").asDouble(),
        1e-9 * alone.objective());
    assertEquals(alone.nonzero(), doc.get("refit").get("nonzero").asInt());
    ModelFile file = ModelFile.read(model);
    assertEquals(alone.model().featuresInUse(), file.model().featuresInUse());
  }

  @Test
  void tableShowsL1AndNonzero() {
    Cli r = cv("--l1", "0.01", "--backend", "nd4j");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("nonzero (mean)"), r.out());
    assertTrue(r.out().contains("best: l1 0.01, l2 0 "), r.out());
  }

  @Test
  void sparkStyleRegParamGrid() throws Exception {
    JsonNode doc = cv("--reg-param", "0.01,0.1", "--l1-ratio", "0.5", "--backend",
        "reference", "--json").json();
    JsonNode settings = doc.get("cv").get("settings");
    assertEquals(2, settings.size());
    assertEquals(0.005, settings.get(0).get("l1").asDouble(), 1e-18);
    assertEquals(0.005, settings.get(0).get("l2").asDouble(), 1e-18);
    assertEquals(0.05, settings.get(1).get("l1").asDouble(), 1e-17);
  }

  @Test
  void l1RatioGridCrossesEveryRegParam() throws Exception {
    JsonNode doc = cv("--reg-param", "0,0.01,0.1", "--l1-ratio", "0.2,0.8", "--backend",
        "reference", "--json").json();
    JsonNode settings = doc.get("cv").get("settings");
    // A outer, R inner; R = 0 is the same (0, 0) setting for both shares, listed once.
    double[][] expected = {{0, 0}, {0.002, 0.008}, {0.02, 0.08}, {0.008, 0.002}, {0.08, 0.02}};
    assertEquals(expected.length, settings.size(), settings.toString());
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i][0], settings.get(i).get("l1").asDouble(), 1e-15, "l1 of " + i);
      assertEquals(expected[i][1], settings.get(i).get("l2").asDouble(), 1e-15, "l2 of " + i);
    }
    JsonNode best = doc.get("cv").get("best");
    boolean listed = false;
    for (JsonNode s : settings) {
      listed |= s.get("l1").asDouble() == best.get("l1").asDouble()
          && s.get("l2").asDouble() == best.get("l2").asDouble();
    }
    assertTrue(listed, "the best setting is one of the grid's: " + best);
  }

  @Test
  void tableShowsSparkProductsShortAndJsonKeepsThem() throws Exception {
    Cli r = cv("--reg-param", "0.001", "--l1-ratio", "0.8", "--backend", "reference");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("\n0.0008       0.0002       "), r.out());
    // The best line adds every digit where 6 name another double, for train to refit it.
    assertTrue(r.out().contains("best: l1 0.0008, l2 0.0002 (0.00019999999999999996) "),
        r.out());
    assertFalse(r.out().contains("\n0.0008       0.000199999"), r.out());
    JsonNode s = cv("--reg-param", "0.001", "--l1-ratio", "0.8", "--backend", "reference",
        "--json").json().get("cv").get("settings").get(0);
    assertEquals(0.001 * (1 - 0.8), s.get("l2").asDouble(), "every digit, as fitted");
  }

  @Test
  void badGridsExit2WithOneLine() {
    String[][] bad = {{"--l1", "-1"}, {"--l1-ratio", "0.5"},
        {"--reg-param", "0.1", "--l1", "0.1"}, {"--reg-param", "0.1", "--l1-ratio", "2"},
        {"--reg-param", "0.1", "--l1-ratio", "0.5,-0.1"}};
    String[] named = {"--l1", "--l1-ratio", "--reg-param", "--l1-ratio", "--l1-ratio"};
    for (int i = 0; i < bad.length; i++) {
      Cli r = cv(bad[i]);
      assertEquals(2, r.code(), r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().contains(named[i]), r.err());
    }
  }
}

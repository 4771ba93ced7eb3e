package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.descent.data.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** train --weight-column and --class-weight through the command line, on the shipped data. */
class WeightsCliTest {
  /**
   * The backends the balanced optima are asserted on through train: weighted data runs on the
   * reference backend until the OpenCL and ND4J backends evaluate row weights; then add them.
   */
  static final List<String> BACKENDS = List.of("reference", "nd4j", "opencl");

  @TempDir
  Path dir;

  private static final Path DATASETS = Path.of("datasets");

  private static Cli train(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "train";
    System.arraycopy(args, 0, all, 1, args.length);
    return Cli.run(all);
  }

  private static JsonNode model(Path file) throws IOException {
    return new ObjectMapper().readTree(file.toFile());
  }

  /** A copy of a CSV file with a column of weights 0 to 3 drawn by seed, and its rows repeated. */
  private Path[] weightedAndRepeated(String dataset, long seed) throws IOException {
    List<String> lines = Files.readAllLines(DATASETS.resolve(dataset + ".csv"));
    List<String> weighted = new ArrayList<>();
    List<String> repeated = new ArrayList<>();
    weighted.add(lines.get(0) + ",w");
    repeated.add(lines.get(0));
    Random random = new Random(seed);
    for (String line : lines.subList(1, lines.size())) {
      int w = random.nextInt(4);
      weighted.add(line + "," + w);
      for (int k = 0; k < w; k++) {
        repeated.add(line);
      }
    }
    Path a = Files.write(dir.resolve(dataset + ".weighted.csv"), weighted);
    Path b = Files.write(dir.resolve(dataset + ".repeated.csv"), repeated);
    return new Path[] {a, b};
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({"diabetes,progression,linear",
      "breast_cancer_wdbc,malignant,logistic"})
  void integerWeightsGiveTheFitOfTheRowsRepeated(String dataset, String target, String loss)
      throws IOException {
    Path[] files = weightedAndRepeated(dataset, 5);
    Path mw = dir.resolve("weighted.json");
    Path mr = dir.resolve("repeated.json");
    Cli w = train("--data", files[0].toString(), "--target", target, "--loss", loss,
        "--weight-column", "w", "--l2", "0.01", "--tolerance", "1e-10", "--backend",
        "reference", "--out", mw.toString());
    assertEquals(0, w.code(), w.out() + w.err());
    Cli r = train("--data", files[1].toString(), "--target", target, "--loss", loss,
        "--l2", "0.01", "--tolerance", "1e-10", "--backend", "reference", "--out",
        mr.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    JsonNode a = model(mw);
    JsonNode b = model(mr);
    double objective = b.get("training").get("objective").asDouble();
    assertEquals(objective, a.get("training").get("objective").asDouble(), 1e-12 * objective);
    // The weight column is not a feature.
    assertEquals(b.get("features"), a.get("features"));
    double largest = Math.abs(b.get("standardizedIntercept").asDouble());
    for (JsonNode c : b.get("standardizedCoef")) {
      largest = Math.max(largest, Math.abs(c.asDouble()));
    }
    // Measured: 1.4e-9 (diabetes) and 3e-10 (wdbc) of the largest parameter.
    assertEquals(b.get("standardizedIntercept").asDouble(),
        a.get("standardizedIntercept").asDouble(), 1e-7 * largest);
    for (int j = 0; j < b.get("standardizedCoef").size(); j++) {
      assertEquals(b.get("standardizedCoef").get(j).asDouble(),
          a.get("standardizedCoef").get(j).asDouble(), 1e-7 * largest, "coef " + j);
      double mean = b.get("standardization").get("mean").get(j).asDouble();
      assertEquals(mean, a.get("standardization").get("mean").get(j).asDouble(),
          1e-12 * Math.max(1, Math.abs(mean)), "mean " + j);
    }
    assertEquals("w", a.get("training").get("hyperparameters").get("weightColumn").asText());
    assertTrue(a.get("training").get("hyperparameters").get("weighted").asBoolean());
    assertTrue(w.out().contains("weights: column w"), w.out());
  }

  static Stream<Arguments> balanced() throws IOException {
    JsonNode root = new ObjectMapper().readTree(DATASETS.resolve("reference.json").toFile());
    List<Arguments> args = new ArrayList<>();
    root.fields().forEachRemaining(ds -> {
      for (String split : List.of("full", "split80_20")) {
        JsonNode entry = ds.getValue().path(split).path("logistic_l2_lambda_1e-2_balanced");
        if (entry.has("objective_value")) {
          for (String backend : BACKENDS) {
            args.add(Arguments.of(ds.getKey(), ds.getValue().get("target").asText(), split,
                entry.get("objective_value").asDouble(), backend));
          }
        }
      }
    });
    assertEquals(6 * BACKENDS.size(), args.size());
    return args.stream();
  }

  @ParameterizedTest(name = "{0} {2} on {4}")
  @MethodSource("balanced")
  void classWeightBalancedReachesTheReferenceOptimum(String dataset, String target,
      String split, double optimum, String backend) throws IOException {
    if (backend.equals("opencl")) {
      io.descent.gradient.opencl.OpenClAvailability.require();
    }
    Path data = DATASETS.resolve(dataset + ".csv");
    if (split.equals("split80_20")) {
      // The 80/20 training rows as a file of their own.
      List<String> lines = Files.readAllLines(data);
      List<String> rows = new ArrayList<>();
      rows.add(lines.get(0));
      for (int i : Split.readIndices(DATASETS.resolve("splits/" + dataset + ".train.idx"))) {
        rows.add(lines.get(i + 1));
      }
      data = Files.write(dir.resolve(dataset + ".train.csv"), rows);
    }
    Path out = dir.resolve("m.json");
    Cli r = train("--data", data.toString(), "--target", target, "--loss", "logistic",
        "--class-weight", "balanced", "--l2", "0.01", "--backend", backend, "--out",
        out.toString());
    assertEquals(0, r.code(), r.out() + r.err());
    JsonNode training = model(out).get("training");
    double objective = training.get("objective").asDouble();
    assertTrue(Math.abs(objective - optimum) <= 1e-6 * optimum, dataset + " " + split + ": "
        + objective + " vs " + optimum);
    assertEquals("balanced", training.get("hyperparameters").get("classWeights").asText());
    assertTrue(r.out().contains("weights: class weights balanced"), r.out());
  }

  @Test
  void autoTrainsAWeightedFitOnTheFirstBackendWithoutNotices() throws IOException {
    io.descent.gradient.opencl.OpenClAvailability.require();
    Cli r = train("--data", "datasets/breast_cancer_wdbc.csv", "--target", "malignant",
        "--loss", "logistic", "--class-weight", "balanced", "--l2", "0.01");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("backend: opencl"), r.out());
    assertTrue(!r.err().contains("skipped"), r.err());
  }

  @Test
  void classWeightsMultiplyTheWeightColumnAndAreRecorded() throws IOException {
    Path[] files = weightedAndRepeated("breast_cancer_wdbc", 9);
    Path out = dir.resolve("m.json");
    Cli r = train("--data", files[0].toString(), "--target", "malignant", "--loss", "logistic",
        "--weight-column", "w", "--class-weight", "1=2.5", "--l2", "0.01", "--backend",
        "reference", "--out", out.toString(), "--json");
    assertEquals(0, r.code(), r.out() + r.err());
    JsonNode h = model(out).get("training").get("hyperparameters");
    assertEquals("w", h.get("weightColumn").asText());
    assertEquals("1=2.5", h.get("classWeights").asText());
    assertEquals(2.5, h.get("classWeight[1]").asDouble(), 0.0);
    assertEquals(1.0, h.get("classWeight[0]").asDouble(), 0.0);
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertEquals("w", json.get("data").get("weightColumn").asText());
    assertEquals("1=2.5", json.get("data").get("classWeight").asText());
    // The same fit as the rows repeated with class 1's rows weighing 2.5.
    Path mr = dir.resolve("r.json");
    List<String> lines = Files.readAllLines(files[0]);
    List<String> scaled = new ArrayList<>();
    scaled.add(lines.get(0));
    for (String line : lines.subList(1, lines.size())) {
      int comma = line.lastIndexOf(',');
      String[] f = line.split(",");
      double w = Double.parseDouble(line.substring(comma + 1));
      boolean positive = f[f.length - 2].equals("1");
      scaled.add(line.substring(0, comma + 1) + (positive ? 2.5 * w : w));
    }
    Path file = Files.write(dir.resolve("scaled.csv"), scaled);
    Cli s = train("--data", file.toString(), "--target", "malignant", "--loss", "logistic",
        "--weight-column", "w", "--l2", "0.01", "--backend", "reference", "--out",
        mr.toString());
    assertEquals(0, s.code(), s.out() + s.err());
    assertEquals(model(mr).get("training").get("objective").asDouble(),
        model(out).get("training").get("objective").asDouble(), 1e-12);
  }

  @Test
  void predictAndEvaluateIgnoreTheWeightColumn() throws IOException {
    Path[] files = weightedAndRepeated("breast_cancer_wdbc", 3);
    Path out = dir.resolve("m.json");
    Cli t = train("--data", files[0].toString(), "--target", "malignant", "--loss", "logistic",
        "--weight-column", "w", "--l2", "0.01", "--backend", "reference", "--out",
        out.toString(), "--quiet");
    assertEquals(0, t.code(), t.out() + t.err());
    Cli p = Cli.run("predict", "--model", out.toString(), "--data", files[0].toString());
    assertEquals(0, p.code(), p.err());
    Cli e = Cli.run("evaluate", "--model", out.toString(), "--data", files[0].toString());
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("accuracy"), e.out());
  }

  // ---- errors: one line, exit 2 ----

  private Path csv(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  private static void assertBadInput(Cli r, String expected) {
    assertEquals(2, r.code(), r.out() + r.err());
    assertEquals(expected, r.err().strip());
  }

  @Test
  void aNegativeWeightIsNamedByFileLineAndColumn() throws IOException {
    Path f = csv("neg.csv", "a,w,y\n1,1,0\n2,-3,1\n3,1,1\n");
    assertBadInput(train("--data", f.toString(), "--target", "y", "--loss", "logistic",
        "--weight-column", "w", "--backend", "reference"),
        f + ":3:2: weight \"-3\" in column \"w\" is negative: weights must be >= 0");
  }

  @Test
  void aWeightThatIsNotANumberIsNamedByFileLineAndColumn() throws IOException {
    Path f = csv("nan.csv", "a,w,y\n1,1,0\n2,NaN,1\n");
    Cli r = train("--data", f.toString(), "--target", "y", "--loss", "logistic",
        "--weight-column", "w", "--backend", "reference");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith(f + ":3:2: "), r.err());
    assertTrue(r.err().contains("\"w\""), r.err());
  }

  @Test
  void weightsThatAreAllZeroAreRefused() throws IOException {
    Path f = csv("zero.csv", "a,w,y\n1,0,0\n2,0,1\n");
    assertBadInput(train("--data", f.toString(), "--target", "y", "--loss", "logistic",
        "--weight-column", "w"),
        f + ":1:2: every weight in column \"w\" is 0: at least one row must weigh more");
  }

  @Test
  void anUnknownWeightColumnIsRefused() throws IOException {
    Path f = csv("u.csv", "a,w,y\n1,1,0\n2,1,1\n");
    Cli r = train("--data", f.toString(), "--target", "y", "--loss", "logistic",
        "--weight-column", "weight");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith(f + ":1:0: no column \"weight\" for the weights; the columns"
        + " are \"a\", \"w\", \"y\""), r.err());
  }

  @Test
  void theWeightColumnCannotBeTheTargetOrAFeature() throws IOException {
    Path f = csv("t.csv", "a,w,y\n1,1,0\n2,1,1\n");
    assertBadInput(train("--data", f.toString(), "--target", "y", "--loss", "logistic",
        "--weight-column", "y"),
        "descent: --weight-column: column \"y\" cannot be both the target and the weights");
    assertBadInput(train("--data", f.toString(), "--target", "y", "--loss", "logistic",
        "--weight-column", "w", "--features", "a,w"),
        "descent: --weight-column: column \"w\" cannot be both a feature and the weights");
  }

  @Test
  void badClassWeightsAreRefusedNamingTheOption() throws IOException {
    Path f = csv("c.csv", "a,y\n1,ham\n2,spam\n3,ham\n");
    assertBadInput(train("--data", f.toString(), "--target", "y", "--loss", "logistic",
        "--positive-label", "spam", "--class-weight", "eggs=2"),
        "descent: --class-weight eggs=2: class weights name the label \"eggs\", which target"
            + " \"y\" does not have: its labels are \"ham\", \"spam\"");
    assertBadInput(train("--data", f.toString(), "--target", "y", "--loss", "logistic",
        "--positive-label", "spam", "--class-weight", "spam"),
        "descent: --class-weight: class weights must be \"balanced\" or LABEL=WEIGHT pairs"
            + " separated by commas, got \"spam\"");
    assertBadInput(train("--data", f.toString(), "--target", "y", "--loss", "logistic",
        "--positive-label", "spam", "--class-weight", "spam=-1"),
        "descent: --class-weight: the weight of class \"spam\" is -1.0: class weights must be"
            + " finite and >= 0");
    assertBadInput(train("--data", "datasets/diabetes.csv", "--target", "progression",
        "--loss", "linear", "--class-weight", "balanced"),
        "descent: --class-weight needs a classification loss (logistic or multinomial), not linear");
  }

  @Test
  void labelsAreMatchedAsWrittenInTheData() throws IOException {
    Path f = csv("l.csv", "a,y\n1,ham\n2,spam\n3,ham\n4,spam\n5,ham\n");
    Path out = dir.resolve("m.json");
    Cli r = train("--data", f.toString(), "--target", "y", "--loss", "logistic",
        "--positive-label", "spam", "--class-weight", "spam=3,ham=0.5", "--l2", "0.1",
        "--backend", "reference", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    JsonNode h = model(out).get("training").get("hyperparameters");
    assertEquals(3.0, h.get("classWeight[spam]").asDouble(), 0.0);
    assertEquals(0.5, h.get("classWeight[ham]").asDouble(), 0.0);
    assertFalse(r.err().contains("warning"), r.err());
  }

  @Test
  void zeroWeightsThatLeaveOneClassAreRefused() throws IOException {
    Path f = csv("one.csv", "a,w,y\n1,1,0\n2,0,1\n3,1,0\n");
    assertBadInput(train("--data", f.toString(), "--target", "y", "--loss", "logistic",
        "--weight-column", "w", "--backend", "reference"),
        "descent: " + f + ": every training row of target \"y\" that weighs more than 0 is 0:"
            + " logistic regression needs rows of both classes");
  }

  @Test
  void aClassWhoseRowsAllWeighZeroIsRefusedByEveryMulticlassFit() throws IOException {
    StringBuilder text = new StringBuilder("a,b,w,y\n");
    for (int i = 0; i < 30; i++) {
      text.append(i % 7).append(',').append(i % 5).append(',').append(i % 3 == 2 ? 0 : 1)
          .append(',').append("abc".charAt(i % 3)).append('\n');
    }
    Path f = csv("zero.csv", text.toString());
    assertBadInput(train("--data", f.toString(), "--target", "y", "--loss", "multinomial",
        "--l2", "0.1", "--weight-column", "w", "--backend", "reference"),
        "descent: " + f + ": no training row of target \"y\" that weighs more than 0 is of class"
            + " \"c\": multinomial regression needs rows of every class");
    assertBadInput(train("--data", f.toString(), "--target", "y", "--loss", "multinomial",
        "--l2", "0.1", "--class-weight", "b=0", "--backend", "reference"),
        "descent: " + f + ": no training row of target \"y\" that weighs more than 0 is of class"
            + " \"b\": multinomial regression needs rows of every class");
    assertBadInput(train("--data", f.toString(), "--target", "y", "--loss", "logistic",
        "--one-vs-rest", "--l2", "0.1", "--weight-column", "w", "--backend", "reference"),
        "descent: " + f + ": no training row of target \"y\" that weighs more than 0 is of class"
            + " \"c\": the one-vs-rest model of class \"c\" needs rows of its class and of the"
            + " others");
    assertBadInput(train("--data", f.toString(), "--target", "y", "--loss", "logistic",
        "--one-vs-rest", "--l2", "0.1", "--class-weight", "b=0,c=0", "--backend", "reference"),
        "descent: " + f + ": no training row of target \"y\" that weighs more than 0 is not of"
            + " class \"a\": the one-vs-rest model of class \"a\" needs rows of its class and of"
            + " the others");
    Cli cv = Cli.run("cv", "--data", f.toString(), "--target", "y", "--loss", "multinomial",
        "--folds", "3", "--l2", "0.1,1", "--weight-column", "w", "--backend", "reference");
    assertEquals(2, cv.code(), cv.out() + cv.err());
    assertEquals("descent: " + f + ": no training row of target \"y\" that weighs more than 0 is"
        + " of class \"c\": multinomial regression needs rows of every class", cv.err().strip());
  }
}

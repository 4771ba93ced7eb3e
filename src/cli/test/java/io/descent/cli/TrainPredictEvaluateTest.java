package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's tour, end to end through the command line on real datasets. */
class TrainPredictEvaluateTest {
  @TempDir
  Path dir;

  @Test
  void logisticTrainPredictEvaluate() throws Exception {
    Path model = dir.resolve("spam.json");
    Path history = dir.resolve("history.csv");
    Cli train = Cli.run("train", "--data", "datasets/spambase.csv", "--target", "spam",
        "--loss", "logistic", "--l2", "0.01", "--backend", "reference", "--out",
        model.toString(), "--history", history.toString(), "--verify-every", "5");
    assertEquals(0, train.code(), train.err());
    assertTrue(train.out().contains("backend: reference"), train.out());
    assertTrue(train.out().contains("model written to"), train.out());

    JsonNode json = new ObjectMapper().readTree(model.toFile());
    JsonNode training = json.get("training");
    assertEquals("reference", training.get("backend").asText());
    assertEquals(42, training.get("seed").asLong());
    double objective = training.get("objective").asDouble();
    assertEquals(0.2714181486331423, objective, 0.2714181486331423 * 1e-6);
    assertTrue(training.get("iterations").asInt() > 0);
    assertTrue(training.has("verification"));
    assertEquals("lbfgs", training.get("optimizer").get("name").asText());
    assertEquals("gradient_tolerance", training.get("stopReason").asText().replace(
        "objective_tolerance", "gradient_tolerance").replace("precision_limit",
            "gradient_tolerance"));

    List<String> h = Files.readAllLines(history);
    assertTrue(h.get(0).startsWith("iteration,epoch,objective,gradient_norm,step_size,"
        + "elapsed_seconds"), h.get(0));
    assertEquals(training.get("iterations").asInt() + 2, h.size());

    Path predictions = dir.resolve("predictions.csv");
    Cli predict = Cli.run("predict", "--model", model.toString(), "--data",
        "datasets/spambase.csv", "--out", predictions.toString());
    assertEquals(0, predict.code(), predict.err());
    List<String> p = Files.readAllLines(predictions);
    assertEquals("probability,class", p.get(0));
    assertEquals(4602, p.size());

    Cli evaluate = Cli.run("evaluate", "--model", model.toString(), "--data",
        "datasets/spambase.csv");
    assertEquals(0, evaluate.code(), evaluate.err());
    // Training metrics of the exact optimum in reference.json: accuracy 0.9180612910236905.
    assertTrue(evaluate.out().contains("accuracy: 0.918061291"), evaluate.out());
    assertTrue(evaluate.out().contains("roc_auc: 0.969"), evaluate.out());
  }

  @Test
  void predictMatchesColumnsByName() throws Exception {
    Path model = dir.resolve("mtcars.json");
    assertEquals(0, Cli.run("train", "--data", "datasets/mtcars.csv", "--target", "mpg",
        "--loss", "linear", "--backend", "reference", "--features", "wt,hp", "--quiet",
        "--out", model.toString()).code());
    Path shuffled = dir.resolve("cars.csv");
    Files.writeString(shuffled, "hp,name,wt\n110,Mazda RX4,2.62\n93,Datsun 710,2.32\n");
    Cli r = Cli.run("predict", "--model", model.toString(), "--data", shuffled.toString());
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().strip().lines().toList();
    assertEquals("prediction", lines.get(0));
    assertEquals(3, lines.size());
    // Fitted by least squares: mpg = 37.22727 - 3.87783 wt - 0.03177 hp (R: lm(mpg ~ wt + hp)).
    assertEquals(37.22727 - 3.87783 * 2.62 - 0.03177 * 110, Double.parseDouble(lines.get(1)),
        1e-3);

    Path missing = dir.resolve("missing.csv");
    Files.writeString(missing, "hp,name\n110,Mazda RX4\n");
    Cli bad = Cli.run("predict", "--model", model.toString(), "--data", missing.toString());
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("no column \"wt\""), bad.err());
  }

  @Test
  void linearEvaluateOnTheHeldOutRows() throws Exception {
    Path model = dir.resolve("diabetes.json");
    assertEquals(0, Cli.run("train", "--data", "datasets/diabetes.csv", "--target",
        "progression", "--loss", "linear", "--backend", "reference", "--quiet", "--out",
        model.toString()).code());
    Cli r = Cli.run("evaluate", "--model", model.toString(), "--data", "datasets/diabetes.csv");
    assertEquals(0, r.code(), r.err());
    // reference.json diabetes.full.ols.train: mse 2859.69634758675, r2 0.5177484222203499.
    assertTrue(r.out().contains("mse: 2859.69"), r.out());
    assertTrue(r.out().contains("r2: 0.51774"), r.out());
    assertFalse(r.err().contains(EvaluateCommand.UNDEFINED_R2), r.err());
    // Rows of one target value: R2 is NaN, and a note says why.
    java.util.List<String> lines = Files.readAllLines(Path.of("datasets/diabetes.csv"));
    int target = java.util.Arrays.asList(lines.get(0).split(",")).indexOf("progression");
    StringBuilder same = new StringBuilder(lines.get(0)).append('\n');
    for (String line : lines.subList(1, 4)) {
      String[] fields = line.split(",");
      fields[target] = "100";
      same.append(String.join(",", fields)).append('\n');
    }
    Path constant = Files.writeString(dir.resolve("constant.csv"), same.toString());
    Cli flat = Cli.run("evaluate", "--model", model.toString(), "--data", constant.toString());
    assertEquals(0, flat.code(), flat.err());
    assertTrue(flat.out().contains("r2: NaN"), flat.out());
    assertEquals(EvaluateCommand.UNDEFINED_R2 + "\n", flat.err());
    // Options of classification are refused, not silently ignored.
    for (String[] option : new String[][] {{"--threshold", "0.3"}, {"--positive-label", "1"}}) {
      Cli bad = Cli.run("evaluate", "--model", model.toString(), "--data",
          "datasets/diabetes.csv", option[0], option[1]);
      assertEquals(2, bad.code(), bad.err());
      assertEquals("descent: " + option[0] + " is for logistic models; " + model + " is a linear"
          + " model\n", bad.err());
    }
  }

  /**
   * A binary model's labels code the evaluated file: rows of one class are evaluated, and a
   * label the model lacks is an error at the line where it is (not where a third label shows).
   */
  @Test
  void aBinaryModelsLabelsCodeTheEvaluatedFile() throws Exception {
    Path train = dir.resolve("train.csv");
    Files.writeString(train, "a,y\n1,yes\n2,no\n3,yes\n0,no\n2,yes\n1,no\n");
    Path model = dir.resolve("m.json");
    assertEquals(0, Cli.run("train", "--data", train.toString(), "--target", "y", "--loss",
        "logistic", "--positive-label", "yes", "--l2", "0.1", "--quiet", "--out",
        model.toString()).code());
    Path yes = dir.resolve("yes.csv");
    Files.writeString(yes, "a,y\n1,yes\n3,yes\n");
    Cli one = Cli.run("evaluate", "--model", model.toString(), "--data", yes.toString());
    assertEquals(0, one.code(), one.err());
    assertTrue(one.out().contains("rows: 2"), one.out());
    assertTrue(one.out().contains("roc_auc: NaN"), one.out());
    Path maybe = dir.resolve("maybe.csv");
    Files.writeString(maybe, "a,y\n1,yes\n2,maybe\n3,no\n");
    Cli bad = Cli.run("evaluate", "--model", model.toString(), "--data", maybe.toString());
    assertEquals(2, bad.code(), bad.err());
    assertEquals(maybe + ":3:2: target \"y\" has label \"maybe\", which is not one of the"
        + " labels \"no\" (0) and \"yes\" (1)\n", bad.err());
    // --positive-label can only repeat the model's: the other label (a file of one class
    // too) or another is refused before the file is read, whatever its rows.
    for (String other : new String[] {"no", "maybe"}) {
      Cli swapped = Cli.run("evaluate", "--model", model.toString(), "--data", yes.toString(),
          "--positive-label", other);
      assertEquals(2, swapped.code(), swapped.err());
      assertEquals("descent: --positive-label " + other + " is " + (other.equals("no")
          ? "the model's label of class 0" : "not one of the model's labels") + ": the model"
          + " codes target \"y\" as no = 0, yes = 1 (give --positive-label yes, or leave it"
          + " out)\n", swapped.err());
    }
    Cli same = Cli.run("evaluate", "--model", model.toString(), "--data", yes.toString(),
        "--positive-label", " yes ");
    assertEquals(0, same.code(), same.err());
    assertEquals(one.out(), same.out());
  }

  /** A model of labels 0 and 1 takes its positive label however it is spelled. */
  @Test
  void theModelsPositiveLabelInAnySpelling() throws Exception {
    Path train = dir.resolve("n.csv");
    Files.writeString(train, "a,y\n1,1\n2,0\n3,1\n0,0\n2,1\n1,0\n");
    Path model = dir.resolve("n.json");
    assertEquals(0, Cli.run("train", "--data", train.toString(), "--target", "y", "--loss",
        "logistic", "--l2", "0.1", "--quiet", "--out", model.toString()).code());
    Cli plain = Cli.run("evaluate", "--model", model.toString(), "--data", train.toString());
    Cli spelled = Cli.run("evaluate", "--model", model.toString(), "--data", train.toString(),
        "--positive-label", "1.0");
    assertEquals(0, spelled.code(), spelled.err());
    assertEquals(plain.out(), spelled.out());
  }

  /** The counts close the result line, after any advice the message ends with. */
  @Test
  void theResultLineEndsWithItsCounts() {
    Cli r = Cli.run("train", "--data", "datasets/spambase.csv", "--target", "spam", "--loss",
        "logistic", "--l2", "0.01", "--max-iterations", "5", "--backend", "reference", "--out",
        dir.resolve("spam.json").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().lines().anyMatch(l -> l.matches("result: stopped at the cap of 5"
        + " iterations before converging: raise --max-iterations \\(5 iterations, \\d+"
        + " evaluations, [0-9.]+ s\\)")), r.out());
  }

  /**
   * gradcheck checks the weighted objectives train minimizes: a weight column (read as weights:
   * a negative one is an error at its place) and class weights, on every backend.
   */
  @Test
  void gradcheckChecksWeightedObjectives() throws Exception {
    Cli r = Cli.run("gradcheck", "--data", "datasets/iris.csv", "--target", "species", "--loss",
        "multinomial", "--class-weight", "balanced", "--weight-column", "petal_width");
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().contains("gradcheck passed"), r.out());
    assertTrue(r.out().contains("nd4j ("), r.out());
    Cli binary = Cli.run("gradcheck", "--data", "datasets/breast_cancer_wdbc.csv", "--target",
        "malignant", "--loss", "logistic", "--class-weight", "1=3", "--backend", "reference");
    assertEquals(0, binary.code(), binary.out() + binary.err());
    List<String> lines = Files.readAllLines(Path.of("datasets/iris.csv"));
    lines.set(3, lines.get(3).replaceFirst("^([^,]*,[^,]*,[^,]*,)[^,]*", "$1-1"));
    Path negative = Files.write(dir.resolve("negative.csv"), lines);
    Cli bad = Cli.run("gradcheck", "--data", negative.toString(), "--target", "species",
        "--loss", "multinomial", "--weight-column", "petal_width");
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().startsWith(negative + ":4:4: "), bad.err());
    Cli linear = Cli.run("gradcheck", "--data", "datasets/diabetes.csv", "--target",
        "progression", "--loss", "linear", "--class-weight", "balanced");
    assertEquals(2, linear.code(), linear.err());
    assertEquals("descent: --class-weight needs a classification loss (logistic or multinomial),"
        + " not linear\n", linear.err());
  }

  @Test
  void gradcheckPassesOnShippedDatasets() {
    for (String[] d : new String[][] {{"diabetes", "progression", "linear"},
        {"mtcars", "mpg", "linear"}, {"spambase", "spam", "logistic"},
        {"breast_cancer_wdbc", "malignant", "logistic"},
        {"breast_cancer_wisconsin_original", "malignant", "logistic"}}) {
      for (boolean raw : new boolean[] {false, true}) {
        // Raw features (spambase's reach 15841) test the finite differences' step scaling and
        // the verifier's error measure where margins are large.
        List<String> args = new ArrayList<>(List.of("gradcheck", "--data",
            "datasets/" + d[0] + ".csv", "--target", d[1], "--loss", d[2]));
        if (raw) {
          args.add("--no-standardize");
        }
        Cli r = Cli.run(args.toArray(String[]::new));
        String standardize = raw ? "raw" : "standardized";
        String where = d[0] + " " + standardize + ":\n" + r.out() + r.err();
        assertEquals(0, r.code(), where);
        assertTrue(r.out().contains("gradcheck passed"), where);
        assertTrue(r.out().contains("reference vs finite differences"), where);
        assertTrue(r.out().contains("nd4j ("), where);
        assertFalse(r.out().contains("FAIL"), where);
      }
    }
  }

  /** OpenCL options with a backend that does not use them: one notice line, not an error. */
  @Test
  void openClOptionsGivenToAnotherBackendAreNoticedAsIgnored() {
    Cli nd4j = Cli.run("train", "--data", "datasets/mtcars.csv", "--target", "mpg", "--loss",
        "linear", "--backend", "nd4j", "--device", "0", "--precision", "double", "--quiet");
    assertEquals(0, nd4j.code(), nd4j.err());
    assertEquals("descent: --device and --precision are ignored by the nd4j backend (they"
        + " apply to opencl only)", nd4j.err().strip());

    Cli reference = Cli.run("train", "--data", "datasets/mtcars.csv", "--target", "mpg",
        "--loss", "linear", "--backend", "reference", "--kernel-layout", "gpu", "--quiet");
    assertEquals(0, reference.code(), reference.err());
    assertEquals("descent: --kernel-layout is ignored by the reference backend (they apply to"
        + " opencl only)", reference.err().strip());

    Cli gradcheck = Cli.run("gradcheck", "--data", "datasets/mtcars.csv", "--target", "mpg",
        "--loss", "linear", "--backend", "reference", "--device", "x", "--kernel-layout", "cpu",
        "--precision", "float");
    assertEquals(0, gradcheck.code(), gradcheck.err());
    assertEquals("descent: --device, --kernel-layout and --precision are ignored by the"
        + " reference backend (they apply to opencl only)", gradcheck.err().strip());

    Cli none = Cli.run("train", "--data", "datasets/mtcars.csv", "--target", "mpg", "--loss",
        "linear", "--backend", "reference", "--quiet");
    assertEquals("", none.err().strip());
  }

  @Test
  void separableDataExitsOneWithAdviceAndNoModel() {
    Path model = dir.resolve("wdbc.json");
    Cli r = Cli.run("train", "--data", "datasets/breast_cancer_wdbc.csv", "--target",
        "malignant", "--loss", "logistic", "--backend", "reference", "--out", model.toString());
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("no finite optimum: the classes are separable"), r.err());
    assertTrue(r.err().contains("add a penalty with --l2, e.g. --l2 0.01"), r.err());
    assertTrue(!Files.exists(model));
  }
}

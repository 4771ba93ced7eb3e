package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.descent.loss.Loss;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One-vs-rest end to end through the command line: {@code train --one-vs-rest} on iris and on
 * text labels, the model file, predict's normalized probabilities and class, evaluate's
 * multiclass figures, and the refusals.
 */
class OneVsRestCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void irisTrainPredictEvaluate() throws Exception {
    Path model = dir.resolve("iris.json");
    Cli train = Cli.run("train", "--loss", "logistic", "--one-vs-rest", "--data",
        "datasets/iris.csv", "--target", "species", "--l2", "0.01", "--backend", "reference",
        "--out", model.toString());
    assertEquals(0, train.code(), train.err());
    String out = train.out();
    assertTrue(out.contains("classes: 3 (numeric order): 0, 1, 2"), out);
    assertTrue(out.contains("backend: reference"), out);
    assertTrue(out.matches("(?s).*one-vs-rest: 3 logistic models in lockstep, \\d+ passes over"
        + " the data.*"), out);
    for (String c : List.of("0", "1", "2")) {
      assertTrue(out.lines().anyMatch(l -> l.matches("  class " + c + ": \\d+ iterations,"
          + " objective 0\\.\\d+, gradient norm [0-9.e+-]+: converged: .*")), out);
    }
    assertEquals("", train.err());

    JsonNode file = JSON.readTree(model.toFile());
    assertEquals(3, file.get("formatVersion").asInt());
    assertEquals("logistic", file.get("loss").asText());
    assertTrue(file.get("oneVsRest").asBoolean());
    assertEquals("[\"0\",\"1\",\"2\"]", file.get("classes").toString());
    assertEquals(3, file.get("coef").size());
    assertEquals(4, file.get("coef").get(2).size());
    assertEquals("gradient_tolerance", file.get("training").get("stopReason").asText());

    Cli predict = Cli.run("predict", "--model", model.toString(), "--data",
        "datasets/iris.csv");
    assertEquals(0, predict.code(), predict.err());
    List<String> lines = predict.out().strip().lines().toList();
    assertEquals("probability_0,probability_1,probability_2,class", lines.get(0));
    assertEquals(151, lines.size());
    List<String> rows = Files.readAllLines(Path.of("datasets/iris.csv"));
    int correct = 0;
    for (int i = 1; i < lines.size(); i++) {
      String[] f = lines.get(i).split(",");
      double total = 0;
      int best = 0;
      for (int k = 0; k < 3; k++) {
        total += Double.parseDouble(f[k]);
        if (Double.parseDouble(f[k]) > Double.parseDouble(f[best])) {
          best = k;
        }
      }
      assertEquals(1, total, 1e-12, lines.get(i));
      assertEquals(String.valueOf(best), f[3], lines.get(i));
      String[] row = rows.get(i).split(",");
      correct += f[3].equals(row[4]) ? 1 : 0;
    }
    assertTrue(correct >= 135, "" + correct);

    Cli evaluate = Cli.run("evaluate", "--model", model.toString(), "--data",
        "datasets/iris.csv", "--json");
    assertEquals(0, evaluate.code(), evaluate.err());
    JsonNode report = JSON.readTree(evaluate.out());
    assertEquals(correct / 150.0, report.get("accuracy").asDouble(), 1e-15);
    assertEquals(3, report.get("confusionMatrix").get("counts").size());
    assertEquals(50, report.get("classes").get(0).get("support").asInt());
    // The log loss is that of the normalized probabilities predict wrote.
    double loss = 0;
    for (int i = 1; i < lines.size(); i++) {
      int t = Integer.parseInt(rows.get(i).split(",")[4]);
      loss -= Math.log(Double.parseDouble(lines.get(i).split(",")[t]));
    }
    assertEquals(loss / 150, report.get("mean_log_loss").asDouble(), 1e-12);
    Cli text = Cli.run("evaluate", "--model", model.toString(), "--data", "datasets/iris.csv");
    assertTrue(text.out().contains("confusion matrix (rows: true class, columns: predicted):"),
        text.out());
    Cli init = Cli.run("train", "--loss", "multinomial", "--data", "datasets/iris.csv",
        "--target", "species", "--l2", "0.01", "--init", model.toString());
    assertEquals(2, init.code(), init.err());
    assertEquals("descent: --init " + model + ": the initial model is one-vs-rest (one logistic"
        + " model per class), which cannot start a fit of one multinomial model",
        init.err().strip());
    Cli threshold = Cli.run("evaluate", "--model", model.toString(), "--data",
        "datasets/iris.csv", "--threshold", "0.3");
    assertEquals(2, threshold.code());
    assertTrue(threshold.err().endsWith("descent: --threshold is for binary logistic models; a"
        + " one-vs-rest model predicts its likeliest class\n"), threshold.err());
  }

  /**
   * Setosa is linearly separable from the other irises: without a penalty its model has no
   * optimum, weighted or not, and the fit says so instead of writing a model (the weighted
   * proof uses the smallest weight: ln(2) s_min / sum s).
   */
  @Test
  void aSeparableClassIsRefusedWithOrWithoutWeights() {
    for (String[] weights : List.of(new String[0], new String[] {"--class-weight", "balanced"},
        new String[] {"--class-weight", "0=2,1=0.5"})) {
      List<String> args = new java.util.ArrayList<>(List.of("train", "--loss", "logistic",
          "--one-vs-rest", "--data", "datasets/iris.csv", "--target", "species", "--backend",
          "reference", "--out", dir.resolve("sep.json").toString()));
      args.addAll(List.of(weights));
      Cli r = Cli.run(args.toArray(new String[0]));
      assertEquals(1, r.code(), java.util.Arrays.toString(weights) + r.out() + r.err());
      assertTrue(r.err().contains("class 0: no finite optimum"), r.err());
      assertTrue(r.err().contains("separable"), r.err());
      assertFalse(Files.exists(dir.resolve("sep.json")));
    }
  }

  @Test
  void textLabelsWithTestRowsAndJson() throws Exception {
    StringBuilder csv = new StringBuilder("a,fruit,b\n");
    String[] names = {"pear", "apple", "fig"};
    java.util.Random random = new java.util.Random(3);
    double[][] centres = {{0, 0}, {2, 0}, {0, 2}};
    for (int i = 0; i < 60; i++) {
      int c = i % 3;
      csv.append(String.format(Locale.ROOT, "%.4f,%s,%.4f%n",
          centres[c][0] + random.nextGaussian(), names[c],
          centres[c][1] + random.nextGaussian()));
    }
    Path data = dir.resolve("fruit.csv");
    Files.writeString(data, csv.toString());
    Path model = dir.resolve("fruit.json");
    Cli train = Cli.run("train", "--loss", "logistic", "--one-vs-rest", "--data",
        data.toString(), "--target", "fruit", "--l2", "0.1", "--test-fraction", "0.25",
        "--out", model.toString(), "--json");
    assertEquals(0, train.code(), train.err());
    JsonNode report = JSON.readTree(train.out());
    assertEquals("[\"apple\",\"fig\",\"pear\"]", report.get("data").get("classes").toString());
    assertTrue(report.get("result").get("converged").asBoolean());
    assertEquals(3, report.get("result").get("classes").size());
    assertEquals("apple", report.get("result").get("classes").get(0).get("class").asText());
    assertEquals(45, report.get("trainingRows").asInt());
    assertEquals(15, report.get("test").get("rows").asInt());
    assertTrue(report.get("test").has("accuracy"), report.toString());
    assertTrue(report.get("validation").isNull(), report.toString());
    // With validation rows too: train counts the rows fitted on, validation the held-out ones,
    // as for the other losses, in the text and in --json.
    Cli early = Cli.run("train", "--loss", "logistic", "--one-vs-rest", "--data",
        data.toString(), "--target", "fruit", "--l2", "0.1", "--test-fraction", "0.25",
        "--validation-fraction", "0.2", "--out", dir.resolve("early.json").toString());
    assertEquals(0, early.code(), early.err());
    assertTrue(early.out().contains("\ntrain (36 rows): "), early.out());
    assertTrue(early.out().contains("\nvalidation (9 rows): "), early.out());
    assertTrue(early.out().contains("\ntest (15 rows): "), early.out());
    JsonNode earlyJson = JSON.readTree(Cli.run("train", "--loss", "logistic", "--one-vs-rest",
        "--data", data.toString(), "--target", "fruit", "--l2", "0.1", "--test-fraction", "0.25",
        "--validation-fraction", "0.2", "--out", dir.resolve("early.json").toString(), "--json")
        .out());
    assertEquals(36, earlyJson.get("train").get("rows").asInt());
    assertEquals(9, earlyJson.get("validation").get("rows").asInt());
    assertEquals(36, earlyJson.get("trainingRows").asInt());

    Cli predict = Cli.run("predict", "--model", model.toString(), "--data", data.toString());
    assertEquals(0, predict.code(), predict.err());
    assertEquals("probability_apple,probability_fig,probability_pear,class",
        predict.out().lines().findFirst().orElseThrow());
    Cli evaluate = Cli.run("evaluate", "--model", model.toString(), "--data", data.toString(),
        "--test-rows");
    assertEquals(0, evaluate.code(), evaluate.err());
    assertTrue(evaluate.out().contains("rows: 15"), evaluate.out());
    assertTrue(evaluate.out().lines().anyMatch(l -> l.matches("\\s+apple\\s+fig\\s+pear")),
        evaluate.out());
  }

  @Test
  void optionsThatDoNotApplyAreRefused() {
    String[] base = {"train", "--one-vs-rest", "--data", "datasets/iris.csv", "--target",
        "species", "--l2", "0.01"};
    assertRefused("descent: --one-vs-rest fits logistic models: use it with --loss logistic"
        + " (--loss multinomial already fits every class in one model)", base, "--loss",
        "multinomial");
    assertRefused("descent: --one-vs-rest fits logistic models: use it with --loss logistic,"
        + " not linear", base, "--loss", "linear");
    for (String option : List.of("--validation-fraction", "--verify-every", "--history")) {
      assertRefused("descent: " + option + " does not apply to --one-vs-rest with --optimizer"
          + " adam (full-batch optimizers only, for now)", base, "--loss", "logistic",
          "--optimizer", "adam", option, option.equals("--history") ? "h.csv"
              : option.equals("--verify-every") ? "2" : "0.2");
    }
    Cli adam = Cli.run("train", "--one-vs-rest", "--data", "datasets/iris.csv", "--target",
        "species", "--l2", "0.01", "--loss", "logistic", "--optimizer", "adam", "--max-epochs",
        "5", "--backend", "reference");
    assertEquals(0, adam.code(), adam.err());
    assertTrue(adam.out().contains("one-vs-rest: 3 logistic models in lockstep"), adam.out());
    // Every class of a one-vs-rest target is a class: no positive label to choose.
    assertRefused("descent: --positive-label does not apply to --one-vs-rest (not supported"
        + " yet)", base, "--loss", "logistic", "--positive-label", "1");
    assertEquals(Loss.LOGISTIC, CliSupport.loss("logistic"));
  }

  @Test
  void aMiniBatchFitCountsEachClassesEvaluationsAndTheEpochs() throws Exception {
    // sgd for 20 epochs of 150 rows in batches of 32 (5 a epoch): each class's evaluations are
    // its 100 batches, the start's full evaluation and one after each epoch, as one model's
    // mini-batch fit counts them; the model file records the 20 epochs.
    Path model = dir.resolve("sgd.json");
    Cli r = Cli.run("train", "--one-vs-rest", "--data", "datasets/iris.csv", "--target",
        "species", "--loss", "logistic", "--l2", "0.01", "--optimizer", "sgd", "--max-epochs",
        "20", "--backend", "reference", "--json", "--out", model.toString());
    JsonNode classes = r.json().get("result").get("classes");
    assertEquals(3, classes.size());
    for (JsonNode c : classes) {
      assertEquals(100, c.get("iterations").asInt(), c.toString());
      assertEquals(100 + 1 + 20, c.get("evaluations").asInt(), c.toString());
    }
    JsonNode training = new ObjectMapper().readTree(model.toFile()).get("training");
    assertEquals(20, training.get("epochs").asInt(), training.toString());
    Path gd = dir.resolve("gd.json");
    Cli full = Cli.run("train", "--one-vs-rest", "--data", "datasets/iris.csv", "--target",
        "species", "--loss", "logistic", "--l2", "0.01", "--backend", "reference", "--quiet",
        "--out", gd.toString());
    assertEquals(0, full.code(), full.err());
    assertEquals(0, new ObjectMapper().readTree(gd.toFile()).get("training").get("epochs")
        .asInt());
  }

  @Test
  void aClassWithoutTrainingRowsIsNamedAndEvaluateRefusesAPositiveLabel() throws Exception {
    // One row of class "rare": in the test rows, the training rows lack it, which the message
    // says (the file has a row of it).
    List<String> lines = new ArrayList<>(Files.readAllLines(Path.of("datasets/iris.csv")));
    String first = lines.get(1);
    lines.add(first.substring(0, first.lastIndexOf(',') + 1) + "rare");
    Path csv = dir.resolve("iris_rare.csv");
    Files.write(csv, lines);
    int refused = 0;
    for (int seed = 1; seed <= 20; seed++) {
      Cli r = Cli.run("train", "--one-vs-rest", "--data", csv.toString(), "--target", "species",
          "--loss", "logistic", "--l2", "0.01", "--test-fraction", "0.3", "--seed",
          String.valueOf(seed), "--backend", "reference", "--quiet", "--out",
          dir.resolve("rare" + seed + ".json").toString());
      if (r.code() == 2) {
        refused++;
        assertEquals("descent: " + csv + ": no training row of target \"species\" is of class"
            + " \"rare\": the one-vs-rest model of class \"rare\" needs rows of its class and"
            + " of the others", r.err().strip());
      } else {
        assertEquals(0, r.code(), r.err());
      }
    }
    assertTrue(refused > 0, "in 20 seeds the row of class rare was never a test row");
    Path model = dir.resolve("ovr.json");
    Cli fit = Cli.run("train", "--one-vs-rest", "--data", "datasets/iris.csv", "--target",
        "species", "--loss", "logistic", "--l2", "0.01", "--backend", "reference", "--quiet",
        "--out", model.toString());
    assertEquals(0, fit.code(), fit.err());
    Cli evaluate = Cli.run("evaluate", "--model", model.toString(), "--data",
        "datasets/iris.csv", "--positive-label", "1");
    assertEquals(2, evaluate.code(), evaluate.err());
    assertEquals("descent: --positive-label is for binary logistic models; a one-vs-rest model"
        + " reads every class by its label", evaluate.err().strip());
  }

  /**
   * Integer row weights and a class weight count rows that many times: the weighted fit's
   * per-class objectives are those of the file with each row repeated.
   */
  @Test
  void weightsCountRowsAndBalancedAndInitWork() throws Exception {
    List<String> rows = Files.readAllLines(Path.of("datasets/iris.csv"));
    StringBuilder weighted = new StringBuilder(rows.get(0) + ",w\n");
    StringBuilder repeated = new StringBuilder(rows.get(0) + "\n");
    for (int i = 1; i < rows.size(); i++) {
      int w = 1 + i % 3;
      weighted.append(rows.get(i)).append(',').append(w).append('\n');
      int times = w * (rows.get(i).endsWith(",0") ? 2 : 1);
      for (int t = 0; t < times; t++) {
        repeated.append(rows.get(i)).append('\n');
      }
    }
    Path w = dir.resolve("w.csv");
    Path r = dir.resolve("r.csv");
    Files.writeString(w, weighted.toString());
    Files.writeString(r, repeated.toString());
    Path model = dir.resolve("w.json");
    Cli a = Cli.run("train", "--loss", "logistic", "--one-vs-rest", "--data", w.toString(),
        "--target", "species", "--weight-column", "w", "--class-weight", "0=2", "--l2", "0.01",
        "--backend", "reference", "--json", "--out", model.toString());
    assertEquals(0, a.code(), a.err());
    Cli b = Cli.run("train", "--loss", "logistic", "--one-vs-rest", "--data", r.toString(),
        "--target", "species", "--l2", "0.01", "--backend", "reference", "--json");
    assertEquals(0, b.code(), b.err());
    JsonNode ja = JSON.readTree(a.out());
    JsonNode jb = JSON.readTree(b.out());
    assertEquals("w", ja.get("data").get("weightColumn").asText());
    assertEquals("0=2", ja.get("data").get("classWeight").asText());
    for (int c = 0; c < 3; c++) {
      double oa = ja.get("result").get("classes").get(c).get("objective").asDouble();
      double ob = jb.get("result").get("classes").get(c).get("objective").asDouble();
      assertEquals(ob, oa, 1e-9 * ob, "class " + c + "\n" + a.out() + "\n" + b.out());
    }
    JsonNode file = JSON.readTree(model.toFile());
    assertEquals("w", file.get("training").get("hyperparameters").get("weightColumn").asText());
    assertEquals("0=2.0", file.get("training").get("hyperparameters").get("classWeights")
        .asText());

    // Balanced: each class's model balances that class against the rest, as the library does.
    Cli balanced = Cli.run("train", "--loss", "logistic", "--one-vs-rest", "--data",
        "datasets/iris.csv", "--target", "species", "--class-weight", "balanced", "--l2",
        "0.01", "--json");
    assertEquals(0, balanced.code(), balanced.err());
    io.descent.data.Dataset iris = new io.descent.data.CsvReader(io.descent.data.CsvReader
        .Options.classTarget("species")).read(Path.of("datasets/iris.csv"));
    io.descent.train.OneVsRest library = io.descent.Descent.logistic().oneVsRest().l2(0.01)
        .backend("reference").classWeights(io.descent.data.ClassWeights.balanced())
        .trainOneVsRest(iris, null);
    JsonNode jc = JSON.readTree(balanced.out());
    for (int c = 0; c < 3; c++) {
      double expected = library.fit().models().get(c).objective();
      assertEquals(expected, jc.get("result").get("classes").get(c).get("objective")
          .asDouble(), 1e-9 * expected, "class " + c);
    }
    Cli text = Cli.run("train", "--loss", "logistic", "--one-vs-rest", "--data",
        "datasets/iris.csv", "--target", "species", "--class-weight", "balanced", "--l2",
        "0.01", "--backend", "reference");
    assertTrue(text.out().contains("weights: class weights balanced (each class's model"
        + " balances that class against the rest)"), text.out());
    Cli unknown = Cli.run("train", "--loss", "logistic", "--one-vs-rest", "--data",
        "datasets/iris.csv", "--target", "species", "--class-weight", "7=2");
    assertEquals(2, unknown.code(), unknown.err());
    assertTrue(unknown.err().startsWith("descent: --class-weight 7=2: class weights name the"
        + " label \"7\""), unknown.err());

    // --init: a one-vs-rest model starts the fit; a binary one is refused, named.
    Cli warm = Cli.run("train", "--loss", "logistic", "--one-vs-rest", "--data", w.toString(),
        "--target", "species", "--weight-column", "w", "--class-weight", "0=2", "--l2", "0.01",
        "--backend", "reference", "--init", model.toString());
    assertEquals(0, warm.code(), warm.err());
    assertTrue(warm.out().contains("init: starting from " + model), warm.out());
    assertTrue(warm.out().lines().filter(l -> l.matches("  class \\d: [0-2] iterations,.*"))
        .count() == 3, warm.out());
    Path binary = dir.resolve("binary.json");
    Files.writeString(dir.resolve("bin.csv"), "sepal_length,sepal_width,petal_length,"
        + "petal_width,species\n1,2,3,4,0\n2,3,4,5,1\n3,1,2,2,0\n0,1,5,3,1\n");
    Cli bin = Cli.run("train", "--loss", "logistic", "--data", dir.resolve("bin.csv")
        .toString(), "--target", "species", "--l2", "1", "--out", binary.toString());
    assertEquals(0, bin.code(), bin.err());
    Cli refused = Cli.run("train", "--loss", "logistic", "--one-vs-rest", "--data",
        "datasets/iris.csv", "--target", "species", "--init", binary.toString());
    assertEquals(2, refused.code(), refused.err());
    assertEquals("descent: --init " + binary + ": the initial model is one logistic model but"
        + " this fit is one-vs-rest (one logistic model per class)", refused.err().strip());
  }

  @Test
  void historyPlotAndVerification() throws Exception {
    Path history = dir.resolve("h.csv");
    Path plot = dir.resolve("h.png");
    Cli r = Cli.run("train", "--loss", "logistic", "--one-vs-rest", "--data",
        "datasets/iris.csv", "--target", "species", "--l2", "0.01", "--backend", "reference",
        "--verify-every", "1", "--history", history.toString(), "--plot", plot.toString(),
        "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode doc = JSON.readTree(r.out());
    double verification = doc.get("result").get("verification").asDouble();
    assertTrue(verification >= 0 && verification < 1e-12, doc.toString());
    List<String> lines = Files.readAllLines(history);
    assertEquals("iteration,objective,gradient_norm,elapsed_seconds,objective_0,gradient_norm_0,"
        + "objective_1,gradient_norm_1,objective_2,gradient_norm_2", lines.get(0));
    int longest = 0;
    double total = 0;
    for (JsonNode c : doc.get("result").get("classes")) {
      longest = Math.max(longest, c.get("iterations").asInt());
      total += c.get("objective").asDouble();
    }
    assertEquals(longest + 2, lines.size(), "a row per iteration from 0 to the longest class's");
    String[] last = lines.get(lines.size() - 1).split(",", -1);
    assertEquals(String.valueOf(longest), last[0]);
    assertEquals(total, Double.parseDouble(last[1]), 1e-12 * total);
    assertEquals(10, last.length);
    assertTrue(Files.size(plot) > 1000);
    byte[] png = Files.readAllBytes(plot);
    assertEquals((byte) 0x89, png[0]);
    assertEquals('P', png[1]);
    // The text report says it too (it had no verification line for one-vs-rest).
    Cli text = Cli.run("train", "--loss", "logistic", "--one-vs-rest", "--data",
        "datasets/iris.csv", "--target", "species", "--l2", "0.01", "--backend", "reference",
        "--verify-every", "1");
    assertEquals(0, text.code(), text.err());
    assertTrue(text.out().contains("verification: largest error (objective or gradient) "),
        text.out());
  }

  @Test
  void sigintStopsEveryClassAndWritesTheCheckpoint() throws Exception {
    Path data = dir.resolve("classes.csv");
    assertEquals(0, Cli.run("generate", "--rows", "100000", "--features", "20", "--loss",
        "multinomial", "--classes", "4", "--out", data.toString()).code());
    Path model = dir.resolve("model.json");
    Path checkpoint = dir.resolve("checkpoint.json");
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "train",
        "--data", data.toString(), "--target", "y", "--loss", "logistic", "--one-vs-rest",
        "--backend", "reference", "--optimizer", "gd", "--max-iterations", "100000000",
        "--objective-tolerance", "0", "--tolerance", "0", "--out", model.toString(),
        "--checkpoint", checkpoint.toString()).redirectErrorStream(true).start();
    java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(
        p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
    String first = out.readLine();
    assertTrue(first != null && first.startsWith("data:"), first);
    Thread.sleep(2000);
    Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start();
    assertEquals(0, kill.waitFor());
    assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS),
        "training did not stop after SIGINT");
    String all = String.join("\n", out.lines().toList());
    assertEquals(130, p.exitValue(), all);
    assertTrue(all.contains("checkpoint written to " + checkpoint), all);
    assertTrue(all.lines().filter(l -> l.matches("  class \\d: .*interrupted at iteration.*"))
        .count() == 4, all);
    assertTrue(!Files.exists(model), "no model is written on interruption");
    io.descent.model.ModelFile saved = io.descent.model.ModelFile.read(checkpoint);
    assertTrue(saved.model().isOneVsRest());
    assertEquals("interrupted", saved.training().stopReason());
    assertEquals(4, saved.model().classCount());
  }

  @Test
  void validationFractionStopsEachClassOnItsOwn(@TempDir Path dir) throws Exception {
    String target = Files.readAllLines(Path.of("datasets/wine.csv")).get(0).replaceAll(".*,",
        "");
    Cli r = Cli.run("train", "--loss", "logistic", "--one-vs-rest", "--data",
        "datasets/wine.csv", "--target", target, "--l2", "1e-4", "--backend", "reference",
        "--validation-fraction", "0.3", "--patience", "2", "--verify-every", "3",
        "--max-iterations", "500", "--tolerance", "1e-7", "--json", "--out",
        dir.resolve("ovr.json").toString());
    assertEquals(0, r.code(), r.err());
    JsonNode doc = JSON.readTree(r.out());
    assertTrue(doc.get("result").get("converged").asBoolean(), doc.toString());
    assertEquals(0.3, doc.get("data").get("validationFraction").asDouble(), doc.toString());
    // The model file records every setting, as one model's does.
    JsonNode h = JSON.readTree(dir.resolve("ovr.json").toFile()).get("training")
        .get("hyperparameters");
    assertEquals(0.3, h.get("validationFraction").asDouble(), h.toString());
    assertEquals(2, h.get("patience").asInt(), h.toString());
    assertEquals(3, h.get("verifyEvery").asInt(), h.toString());
    assertEquals(500, h.get("maxIterations").asInt(), h.toString());
    assertEquals(1e-7, h.get("gradientTolerance").asDouble(), h.toString());
    assertEquals("logistic", h.get("loss").asText(), h.toString());
    assertEquals(1e-4, h.get("l2").asDouble(), h.toString());
    assertEquals("-", h.get("layout").asText(), h.toString());
    long early = 0;
    for (JsonNode c : doc.get("result").get("classes")) {
      early += c.get("stopReason").asText().equals("early_stopping") ? 1 : 0;
    }
    assertTrue(early > 0, doc.toString());
    int rows = doc.get("trainingRows").asInt();
    assertTrue(rows > 110 && rows < 140, "178 rows less about 30% held out: " + rows);
  }

  private static void assertRefused(String message, String[] base, String... more) {
    String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base),
        java.util.Arrays.stream(more)).toArray(String[]::new);
    Cli r = Cli.run(args);
    assertEquals(2, r.code(), r.err());
    assertEquals(message, r.err().strip());
    assertEquals("", r.out());
  }
}

package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.descent.Descent;
import io.descent.data.ClassWeights;
import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.loss.Softmax;
import io.descent.model.LinearModel;
import io.descent.model.Metrics;
import io.descent.model.MulticlassMetrics;
import io.descent.train.CrossValidation;
import io.descent.train.FitResult;
import io.descent.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code descent cv} through the real command line, on the shipped datasets. */
class CvCommandTest {
  private static final String CANCER = "datasets/breast_cancer_wisconsin_original.csv";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private static Cli cancer(String... more) {
    String[] base = {"cv", "--data", CANCER, "--target", "malignant", "--loss", "logistic",
        "--backend", "reference"};
    String[] args = new String[base.length + more.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return Cli.run(args);
  }

  @Test
  void theBestSettingIsPrintedSoThatTrainRefitsItExactly() {
    // 0.01 x (1 - 0.3) is the double 0.006999999999999999: six digits would name 0.007.
    double l2 = io.descent.loss.ElasticNet.spark(0.01, 0.3).l2();
    assertEquals("0.007 (0.006999999999999999)", CvCommand.exact(l2));
    assertEquals(l2, Double.parseDouble("0.006999999999999999"));
    assertEquals("0.007", CvCommand.exact(0.007));
    assertEquals("0.0002", CvCommand.exact(0.0002));
  }

  @Test
  void logisticCvPicksTheLowestMeanLossAndWritesItsRefit() throws Exception {
    Path model = dir.resolve("best.json");
    Cli cv = cancer("--folds", "4", "--l2", "1e-4,1e-2,1,10", "--out", model.toString(),
        "--json");
    assertEquals(0, cv.code(), cv.err());
    JsonNode doc = JSON.readTree(cv.out());
    JsonNode c = doc.get("cv");
    assertEquals(4, c.get("folds").asInt());
    assertTrue(c.get("stratified").asBoolean());
    assertEquals(16, c.get("models").asInt());
    assertEquals("accuracy", c.get("metric").asText());
    JsonNode settings = c.get("settings");
    assertEquals(4, settings.size());
    int best = 0;
    for (int s = 0; s < settings.size(); s++) {
      JsonNode setting = settings.get(s);
      assertEquals(4, setting.get("converged").asInt(), setting.toString());
      int rows = 0;
      double sum = 0;
      for (JsonNode fold : setting.get("folds")) {
        rows += fold.get("rows").asInt();
        sum += fold.get("loss").asDouble();
        // Sane figures: a loss below a coin's ln 2, accuracy at least the majority class's
        // share (65%), which a penalty of 10 standardized units hardly beats.
        assertTrue(fold.get("loss").asDouble() > 0 && fold.get("loss").asDouble() < 0.69);
        assertTrue(fold.get("metric").asDouble() > 0.6 && fold.get("metric").asDouble() <= 1,
            fold.toString());
      }
      assertEquals(683, rows);
      assertEquals(sum / 4, setting.get("meanLoss").asDouble(), 1e-15);
      if (setting.get("meanLoss").asDouble() < settings.get(best).get("meanLoss").asDouble()) {
        best = s;
      }
    }
    assertEquals(best, c.get("best").get("index").asInt());
    double bestL2 = settings.get(best).get("l2").asDouble();
    assertTrue(settings.get(best).get("meanMetric").asDouble() > 0.95, settings.toString());
    assertEquals(bestL2, doc.get("refit").get("l2").asDouble());
    // A heavy penalty underfits: l2 = 10 is worse than the best.
    assertTrue(settings.get(3).get("meanLoss").asDouble()
        > settings.get(best).get("meanLoss").asDouble());

    // The model is train's on all rows at the chosen penalty.
    JsonNode written = JSON.readTree(model.toFile());
    assertEquals(bestL2, written.get("training").get("l2").asDouble());
    assertEquals(4, written.get("training").get("hyperparameters").get("cvFolds").asInt());
    Path trained = dir.resolve("train.json");
    Cli train = Cli.run("train", "--data", CANCER, "--target", "malignant", "--loss",
        "logistic", "--backend", "reference", "--l2", String.valueOf(bestL2), "--out",
        trained.toString(), "--quiet");
    assertEquals(0, train.code(), train.err());
    assertEquals(JSON.readTree(trained.toFile()).get("standardizedCoef"),
        written.get("standardizedCoef"));
  }

  @Test
  void linearCvReportsR2AndItsTable() {
    Cli cv = Cli.run("cv", "--data", "datasets/diabetes.csv", "--target", "progression",
        "--loss", "linear", "--backend", "reference", "--l2", "0.01,1,100");
    assertEquals(0, cv.code(), cv.err());
    String out = cv.out();
    assertTrue(out.contains("cv: 5 folds x 3 settings = 15 models in lockstep on reference"),
        out);
    assertTrue(out.contains("r2 (mean, sd)"), out);
    // The table marks the best row; a penalty of 100 standardized units underfits badly.
    String bestLine = out.lines().filter(l -> l.endsWith("<- best")).findFirst().orElseThrow();
    assertTrue(bestLine.startsWith("0.01 ") || bestLine.startsWith("1 "), out);
    assertTrue(out.contains("no model written"), out);
  }

  @Test
  void theSameFiguresEveryRunAndOtherFoldsWithAnotherSeed() throws Exception {
    JsonNode a = cancer("--folds", "3", "--l2", "0.01,0.1", "--json").json();
    JsonNode b = cancer("--folds", "3", "--l2", "0.01,0.1", "--json").json();
    JsonNode c = cancer("--folds", "3", "--l2", "0.01,0.1", "--json", "--seed", "7").json();
    assertEquals(a.get("cv").get("settings"), b.get("cv").get("settings"));
    assertEquals(a.get("refit").get("objective"), b.get("refit").get("objective"));
    assertNotEquals(a.get("cv").get("settings"), c.get("cv").get("settings"));
  }

  @Test
  void miniBatchRulesRunInLockstepToo() throws Exception {
    JsonNode a = cancer("--folds", "3", "--l2", "1e-3,1", "--optimizer", "adam", "--max-epochs",
        "8", "--json").json();
    JsonNode b = cancer("--folds", "3", "--l2", "1e-3,1", "--optimizer", "adam", "--max-epochs",
        "8", "--json").json();
    assertEquals(a.get("cv").get("settings"), b.get("cv").get("settings"));
    JsonNode settings = a.get("cv").get("settings");
    // Close to the L-BFGS figures: a small penalty generalizes better than a large one.
    assertTrue(settings.get(0).get("meanLoss").asDouble() < 0.12, settings.toString());
    assertTrue(settings.get(0).get("meanMetric").asDouble() > 0.95, settings.toString());
    assertEquals(0, a.get("cv").get("best").get("index").asInt());
    assertTrue(a.get("refit").get("message").asText().contains("8 epochs")
        || a.get("refit").get("converged").asBoolean(), a.get("refit").toString());
    Cli wrong = cancer("--batch-size", "10");
    assertEquals(2, wrong.code());
    assertEquals(1, wrong.err().lines().count(), wrong.err());
  }

  /** The cap of the other kind of optimizer is refused, as train refuses it. */
  @Test
  void theOtherKindsCapIsRefused() {
    Cli epochs = cancer("--l2", "0.01", "--max-epochs", "1");
    assertEquals(2, epochs.code(), epochs.err());
    assertEquals(1, epochs.err().lines().count(), epochs.err());
    assertTrue(epochs.err().contains("--max-epochs applies to mini-batch optimizers"),
        epochs.err());
    Cli iterations = cancer("--l2", "0.01", "--optimizer", "adam", "--max-iterations", "5");
    assertEquals(2, iterations.code(), iterations.err());
    assertTrue(iterations.err().contains("--max-iterations applies to full-batch"),
        iterations.err());
  }

  /**
   * A setting whose fits diverged scores NaN and is never the best (its theta is no fit); --json
   * gives the refit's figures.
   */
  @Test
  void divergedFitsScoreNaNAndAreNeverTheBest() throws Exception {
    // At rate 3 the strong penalty's curvature makes SGD diverge; the weak one's fits run.
    String[] args = {"--folds", "3", "--l2", "100,0.01", "--optimizer", "sgd",
        "--learning-rate", "3", "--max-epochs", "20"};
    Cli text = cancer(args);
    assertEquals(0, text.code(), text.err());
    String row = text.out().lines().filter(l -> l.startsWith("100 ")).findFirst().orElseThrow();
    assertTrue(row.contains("NaN, NaN") && !row.contains("best"), text.out());
    assertTrue(text.out().lines().anyMatch(l -> l.startsWith("0.01 ") && l.endsWith("<- best")),
        text.out());
    assertFalse(text.err().matches("(?s).*\\d{20}.*"), "no number of 20 digits: " + text.err());
    String[] json = java.util.Arrays.copyOf(args, args.length + 1);
    json[args.length] = "--json";
    JsonNode doc = cancer(json).json();
    JsonNode first = doc.get("cv").get("settings").get(0).get("meanLoss");
    assertTrue(first.isNull() || Double.isNaN(first.asDouble()), doc.toString());
    assertEquals(1, doc.get("cv").get("best").get("index").asInt());
    JsonNode refit = doc.get("refit");
    for (String key : new String[] {"gradientNorm", "rows", "optimizer", "epochs"}) {
      assertTrue(refit.has(key), key + ": " + refit);
    }
    assertEquals(683, refit.get("rows").asInt());
    // Where every setting diverges: one line, exit 1.
    Cli all = cancer("--folds", "3", "--l2", "100", "--optimizer", "sgd", "--learning-rate",
        "3", "--max-epochs", "20");
    assertEquals(1, all.code(), all.err());
    assertTrue(all.err().contains("no setting has a finite validation loss: every setting has"
        + " a fit that diverged or found the classes separable"), all.err());
  }

  /**
   * An unpenalized multinomial fold whose training rows are separable (iris: setosa from the
   * others) has no finite optimum: it stops as separable, as train does on those rows, and its
   * setting has no score, so a penalized one is chosen (all were "converged", with scores of
   * wherever the fits stopped, and l2 0 could be chosen and then fail its refit).
   */
  @Test
  void separableFoldsHaveNoScoreAndTheirSettingIsNeverChosen() throws Exception {
    Path out = dir.resolve("sep.json");
    Cli cv = multinomial(Path.of("datasets/iris.csv"), "species", "--l2", "0,0.01", "--json",
        "--out", out.toString());
    assertEquals(0, cv.code(), cv.err());
    JsonNode settings = cv.json().get("cv").get("settings");
    for (JsonNode fold : settings.get(0).get("folds")) {
      assertEquals("separable", fold.get("stopReason").asText(), fold.toString());
      assertFalse(fold.get("converged").asBoolean(), fold.toString());
    }
    JsonNode unpenalized = settings.get(0).get("meanLoss");
    assertTrue(unpenalized.isNull() || Double.isNaN(unpenalized.asDouble()), settings.toString());
    assertEquals(1, cv.json().get("cv").get("best").get("index").asInt());
    assertTrue(Files.exists(out));
    // Wine's classes are completely separable: the mean loss falls below ln(2)/n on the way.
    Cli wine = multinomial(Path.of("datasets/wine.csv"), "cultivar", "--l2", "0,0.01",
        "--json", "--out", dir.resolve("wine.json").toString());
    assertEquals(0, wine.code(), wine.err());
    for (JsonNode fold : wine.json().get("cv").get("settings").get(0).get("folds")) {
      assertEquals("separable", fold.get("stopReason").asText(), fold.toString());
    }
    assertEquals(1, wine.json().get("cv").get("best").get("index").asInt());
    // Two well separated classes: the unpenalized setting is never chosen either.
    Path sep = dir.resolve("sep2.csv");
    StringBuilder csv = new StringBuilder("a,b,y\n");
    java.util.Random r = new java.util.Random(7);
    for (int i = 0; i < 60; i++) {
      int y = i % 2;
      csv.append(r.nextGaussian() + 6 * y).append(',').append(r.nextGaussian()).append(',')
          .append(y).append('\n');
    }
    Files.writeString(sep, csv);
    Cli binary = Cli.run("cv", "--data", sep.toString(), "--target", "y", "--loss", "logistic",
        "--l2", "0,0.01", "--json", "--out", dir.resolve("sep2.json").toString());
    assertEquals(0, binary.code(), binary.err());
    assertEquals(1, binary.json().get("cv").get("best").get("index").asInt(), binary.out());
    // A mini-batch optimizer stops short of a separating hyperplane (breast_cancer_wdbc is
    // separable): each fold is probed from its weights, as train judges a fit, where the folds
    // were scored, l2 0 chosen, and its refit failed (exit 1, no model).
    Cli adam = Cli.run("cv", "--data", "datasets/breast_cancer_wdbc.csv", "--target",
        "malignant", "--loss", "logistic", "--folds", "3", "--l2", "0,1", "--optimizer", "adam",
        "--json", "--out", dir.resolve("adam.json").toString());
    assertEquals(0, adam.code(), adam.err());
    for (JsonNode fold : adam.json().get("cv").get("settings").get(0).get("folds")) {
      assertEquals("separable", fold.get("stopReason").asText(), fold.toString());
    }
    assertEquals(1, adam.json().get("cv").get("best").get("index").asInt(), adam.out());
    assertTrue(Files.exists(dir.resolve("adam.json")));
  }

  @Test
  void badFoldsAndPenaltiesExit2WithOneLineAndNoOutput() {
    Path model = dir.resolve("never.json");
    String[][] bad = {{"--folds", "1"}, {"--folds", "two"}, {"--folds", "684"},
        {"--l2", "-1"}, {"--l2", "abc"}, {"--l2", "0.1,,1"}, {"--l2", "NaN"},
        {"--l2", "Infinity"}, {"--l2", "0.1,"}, {"--l1", "0.1,"}, {"--l1", ","},
        {"--reg-param", "1,"}};
    for (String[] args : bad) {
      String[] all = {args[0], args[1], "--out", model.toString()};
      Cli cv = cancer(all);
      assertEquals(2, cv.code(), String.join(" ", args) + ": " + cv.err());
      assertEquals(1, cv.err().lines().count(), cv.err());
      assertTrue(cv.err().contains(args[0]), cv.err());
      assertFalse(Files.exists(model), String.join(" ", args));
    }
  }

  @Test
  void refusesToOverwriteItsInput() throws Exception {
    Path data = dir.resolve("data.csv");
    Files.copy(Path.of(CANCER), data);
    byte[] before = Files.readAllBytes(data);
    Cli cv = Cli.run("cv", "--data", data.toString(), "--target", "malignant", "--loss",
        "logistic", "--backend", "reference", "--out", data.toString());
    assertEquals(2, cv.code());
    assertEquals(1, cv.err().lines().count(), cv.err());
    assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(data)));
  }

  /** The CSV file read as {@code cv --loss multinomial} reads it. */
  private static Dataset classes(Path file, String target, String weightColumn)
      throws Exception {
    CsvReader.Options o = CsvReader.Options.classTarget(target);
    return new CsvReader(weightColumn == null ? o : o.withWeightColumn(weightColumn)).read(file);
  }

  private static Cli multinomial(Path file, String target, String... more) {
    List<String> args = new ArrayList<>(List.of("cv", "--data", file.toString(), "--target",
        target, "--loss", "multinomial", "--backend", "reference"));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  @Test
  void multinomialCvOnIrisAndWineScoresEachFoldAsTrainOnItsRowsWould() throws Exception {
    String[][] sets = {{"datasets/iris.csv", "species"}, {"datasets/wine.csv", "cultivar"}};
    double[] l2 = {1e-3, 0.1, 1};
    for (String[] set : sets) {
      Path file = Path.of(set[0]);
      Path model = dir.resolve("best-" + set[1] + ".json");
      Cli cv = multinomial(file, set[1], "--folds", "3", "--l2", "0.001,0.1,1", "--out",
          model.toString(), "--json");
      assertEquals(0, cv.code(), cv.err());
      JsonNode doc = JSON.readTree(cv.out());
      assertEquals(3, doc.get("data").get("classes").size());
      JsonNode c = doc.get("cv");
      assertEquals("multinomial", c.get("loss").asText());
      assertEquals("accuracy", c.get("metric").asText());
      assertTrue(c.get("stratified").asBoolean());
      assertFalse(c.get("weighted").asBoolean());
      assertEquals(9, c.get("models").asInt());
      Dataset data = classes(file, set[1], null);
      int[] fold = CrossValidation.folds(data, 3, true, Descent.DEFAULT_SEED);
      JsonNode settings = c.get("settings");
      int best = 0;
      for (int s = 0; s < l2.length; s++) {
        JsonNode setting = settings.get(s);
        assertEquals(3, setting.get("converged").asInt(), setting.toString());
        for (int f = 0; f < 3; f++) {
          int k = f;
          int[] train = IntStream.range(0, fold.length).filter(i -> fold[i] != k).toArray();
          int[] held = IntStream.range(0, fold.length).filter(i -> fold[i] == k).toArray();
          FitResult alone = Descent.multinomial().l2(l2[s]).backend("reference")
              .train(data.rows(train), TrainingListener.NONE);
          MulticlassMetrics m = Metrics.multiclass(alone.model(), data.rows(held));
          JsonNode got = setting.get("folds").get(f);
          assertEquals(held.length, got.get("rows").asInt());
          assertEquals(held.length, got.get("weight").asDouble());
          assertEquals(m.meanLogLoss(), got.get("loss").asDouble(), 1e-7 * m.meanLogLoss(),
              set[1] + " l2 " + l2[s] + " fold " + f);
          assertEquals(m.accuracy(), got.get("metric").asDouble(), 1e-12);
        }
        if (setting.get("meanLoss").asDouble() < settings.get(best).get("meanLoss").asDouble()) {
          best = s;
        }
      }
      assertEquals(best, c.get("best").get("index").asInt());
      // A penalty of 1 standardized unit underfits these well-separated classes.
      assertTrue(settings.get(2).get("meanLoss").asDouble()
          > settings.get(best).get("meanLoss").asDouble(), settings.toString());
      assertTrue(settings.get(best).get("meanMetric").asDouble() > 0.9, settings.toString());
      // The refit is train's multinomial model at the best penalty.
      JsonNode written = JSON.readTree(model.toFile());
      assertEquals("multinomial", written.get("loss").asText());
      Path trained = dir.resolve("train-" + set[1] + ".json");
      Cli train = Cli.run("train", "--data", set[0], "--target", set[1], "--loss",
          "multinomial", "--backend", "reference", "--l2", String.valueOf(l2[best]), "--out",
          trained.toString(), "--quiet");
      assertEquals(0, train.code(), train.err());
      assertEquals(JSON.readTree(trained.toFile()).get("standardizedCoef"),
          written.get("standardizedCoef"));
      // Deterministic: the same figures again.
      JsonNode again = multinomial(file, set[1], "--folds", "3", "--l2", "0.001,0.1,1",
          "--json").json();
      assertEquals(c.get("settings"), again.get("cv").get("settings"));
      assertEquals(doc.get("refit").get("objective"), again.get("refit").get("objective"));
    }
  }

  @Test
  void multinomialTableNamesTheClasses() {
    Cli cv = multinomial(Path.of("datasets/iris.csv"), "species", "--folds", "3", "--l2",
        "0.01,1");
    assertEquals(0, cv.code(), cv.err());
    assertTrue(cv.out().contains("classes: 3 (numeric order): 0, 1, 2"), cv.out());
    assertTrue(cv.out().contains("cv: 3 folds (stratified) x 2 settings = 6 models in lockstep"),
        cv.out());
    assertTrue(cv.out().contains("accuracy (mean, sd)"), cv.out());
  }

  @Test
  void weightedCvFitsEachFoldAsWeightedTrainOnItsRows() throws Exception {
    // iris with a weight column: 1, 2, 3, 0.5 in turn.
    Path file = dir.resolve("iris-weighted.csv");
    List<String> lines = Files.readAllLines(Path.of("datasets/iris.csv"));
    List<String> out = new ArrayList<>();
    out.add(lines.get(0) + ",w");
    for (int i = 1; i < lines.size(); i++) {
      out.add(lines.get(i) + "," + new String[] {"1", "2", "3", "0.5"}[(i - 1) % 4]);
    }
    Files.write(file, out);
    Path model = dir.resolve("best.json");
    Cli cv = multinomial(file, "species", "--folds", "3", "--l2", "0.01,1", "--weight-column",
        "w", "--class-weight", "balanced", "--out", model.toString(), "--json");
    assertEquals(0, cv.code(), cv.err());
    JsonNode doc = JSON.readTree(cv.out());
    assertEquals("w", doc.get("data").get("weightColumn").asText());
    assertEquals("balanced", doc.get("data").get("classWeight").asText());
    assertEquals(4, doc.get("data").get("features").asInt());
    assertTrue(doc.get("cv").get("weighted").asBoolean());
    // One lockstep fit, each fold's groups weighing the classes by that fold's counts.
    assertEquals(1, doc.get("cv").get("lockstepFits").asInt());
    Dataset data = classes(file, "species", "w");
    int[] fold = CrossValidation.folds(data, 3, true, Descent.DEFAULT_SEED);
    double[] l2 = {0.01, 1};
    for (int s = 0; s < 2; s++) {
      for (int f = 0; f < 3; f++) {
        int k = f;
        int[] train = IntStream.range(0, fold.length).filter(i -> fold[i] != k).toArray();
        int[] held = IntStream.range(0, fold.length).filter(i -> fold[i] == k).toArray();
        Dataset rows = data.rows(train);
        FitResult alone = Descent.multinomial().l2(l2[s]).backend("reference")
            .classWeights(ClassWeights.balanced()).train(rows, TrainingListener.NONE);
        JsonNode got = doc.get("cv").get("settings").get(s).get("folds").get(f);
        assertEquals(alone.objective(), got.get("objective").asDouble(),
            1e-9 * alone.objective(), "l2 " + l2[s] + " fold " + f);
        // The held-out rows weigh their own weight times the class weight of the fold's
        // training rows.
        Dataset v = data.rows(held);
        double[] cw = ClassWeights.balanced().resolve(rows).rowWeights(v);
        LinearModel m = alone.model();
        double[] margins = m.classMargins(v);
        double total = 0;
        double loss = 0;
        double hit = 0;
        for (int i = 0; i < v.rows(); i++) {
          double w = v.weight(i) * cw[i];
          int y = (int) v.y()[i];
          total += w;
          loss += w * Softmax.loss(margins, i * 3, 3, y);
          hit += Softmax.argmax(margins, i * 3, 3) == y ? w : 0;
        }
        assertEquals(total, got.get("weight").asDouble(), 1e-9 * total);
        assertEquals(loss / total, got.get("loss").asDouble(), 1e-7 * loss / total);
        assertEquals(hit / total, got.get("metric").asDouble(), 1e-9);
      }
    }
    // The refit is the weighted train's, and the model records the weighting.
    JsonNode written = JSON.readTree(model.toFile());
    JsonNode h = written.get("training").get("hyperparameters");
    assertEquals("w", h.get("weightColumn").asText(), h.toString());
    assertEquals("balanced", h.get("classWeights").asText(), h.toString());
    Path trained = dir.resolve("train.json");
    Cli train = Cli.run("train", "--data", file.toString(), "--target", "species", "--loss",
        "multinomial", "--backend", "reference", "--weight-column", "w", "--class-weight",
        "balanced", "--l2", doc.get("refit").get("l2").asText(), "--out", trained.toString(),
        "--quiet");
    assertEquals(0, train.code(), train.err());
    assertEquals(JSON.readTree(trained.toFile()).get("standardizedCoef"),
        written.get("standardizedCoef"));
  }

  @Test
  void badWeightingExits2WithOneLine() {
    Path model = dir.resolve("never.json");
    Cli[] runs = {
        Cli.run("cv", "--data", "datasets/diabetes.csv", "--target", "progression", "--loss",
            "linear", "--class-weight", "balanced", "--out", model.toString()),
        multinomial(Path.of("datasets/iris.csv"), "species", "--class-weight", "7=2", "--out",
            model.toString()),
        multinomial(Path.of("datasets/iris.csv"), "species", "--class-weight", "0=x", "--out",
            model.toString()),
        multinomial(Path.of("datasets/iris.csv"), "species", "--weight-column", "nosuch",
            "--out", model.toString())};
    for (Cli cv : runs) {
      assertEquals(2, cv.code(), cv.err());
      assertEquals(1, cv.err().lines().count(), cv.err());
      // The option named, or (a missing column) the file:line:column train gives too.
      assertTrue(cv.err().contains("--class-weight") || cv.err().contains("--weight-column")
          || cv.err().contains("iris.csv:1:0: no column \"nosuch\" for the weights"), cv.err());
      assertFalse(Files.exists(model));
    }
  }

  @Test
  void multinomialAndWeightedCvGiveTheReferenceFiguresOnNd4j() throws Exception {
    // ND4J evaluates in float32 and finishes in float64: the same optima to the tolerance, so
    // the validation figures agree closely and the same penalty wins.
    for (String[] weighting : new String[][] {{}, {"--class-weight", "balanced"}}) {
      List<String> args = new ArrayList<>(List.of("--folds", "3", "--l2", "0.001,1", "--json"));
      args.addAll(List.of(weighting));
      JsonNode ref = multinomial(Path.of("datasets/wine.csv"), "cultivar",
          args.toArray(String[]::new)).json();
      List<String> nd4j = new ArrayList<>(List.of("cv", "--data", "datasets/wine.csv",
          "--target", "cultivar", "--loss", "multinomial", "--backend", "nd4j"));
      nd4j.addAll(args);
      Cli run = Cli.run(nd4j.toArray(String[]::new));
      assertEquals(0, run.code(), run.err());
      JsonNode got = run.json();
      assertEquals("nd4j", got.get("backend").get("kind").asText());
      for (int s = 0; s < 2; s++) {
        JsonNode a = ref.get("cv").get("settings").get(s);
        JsonNode b = got.get("cv").get("settings").get(s);
        assertEquals(a.get("meanLoss").asDouble(), b.get("meanLoss").asDouble(),
            1e-5 * a.get("meanLoss").asDouble(), String.join(" ", weighting));
        assertEquals(a.get("meanMetric").asDouble(), b.get("meanMetric").asDouble(), 1e-9);
      }
      assertEquals(ref.get("cv").get("best").get("index"), got.get("cv").get("best").get("index"));
    }
  }

  /** The refit leaves out rows of weight 0, and the line that announces it says so. */
  @Test
  void theRefitsRowCountLeavesOutRowsOfWeightZero() throws Exception {
    StringBuilder text = new StringBuilder("a,b,w,y\n");
    java.util.Random r = new java.util.Random(4);
    for (int i = 0; i < 60; i++) {
      text.append(r.nextGaussian()).append(',').append(r.nextGaussian()).append(',')
          .append(i % 4 == 3 ? 0 : 1).append(',').append(i % 2).append('\n');
    }
    Path f = Files.writeString(dir.resolve("zeros.csv"), text.toString());
    Cli cv = Cli.run("cv", "--data", f.toString(), "--target", "y", "--loss", "logistic",
        "--weight-column", "w", "--folds", "3", "--l2", "0.1,1", "--backend", "reference",
        "--out", dir.resolve("zeros.json").toString());
    assertEquals(0, cv.code(), cv.err());
    assertTrue(cv.out().contains("refitting on all 45 rows that weigh more than 0 (of 60)"),
        cv.out());
    assertTrue(cv.out().contains(" 45 rows"), cv.out());
  }

  @Test
  void heldOutRowsThatAllWeighZeroAreRefusedNamingTheFold() throws Exception {
    StringBuilder text = new StringBuilder("a,b,w,y\n");
    for (int i = 0; i < 40; i++) {
      text.append(i % 7).append(',').append(i % 3).append(',').append(i < 3 ? 1 : 0).append(',')
          .append(i % 2).append('\n');
    }
    Path f = Files.writeString(dir.resolve("sparse.csv"), text.toString());
    for (String loss : List.of("logistic", "linear")) {
      Cli r = Cli.run("cv", "--data", f.toString(), "--target", "y", "--loss", loss,
          "--weight-column", "w", "--folds", "5", "--l2", "0.1,1", "--backend", "reference");
      assertEquals(2, r.code(), r.out() + r.err());
      assertTrue(r.err().contains("the held-out rows of fold ")
          && r.err().contains(" all weigh 0, so its validation loss is undefined"), r.err());
    }
  }

  @Test
  void aClassWeightOfZeroIsNamedAsTrainNamesIt() {
    Cli r = cancer("--class-weight", "1=0", "--l2", "0.1");
    assertEquals(2, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("every training row of target \"malignant\" that weighs more"
        + " than 0 is 0: logistic regression needs rows of both classes"), r.err());
  }

  @Test
  void aSmoothOptimizerWithL1IsRefusedWithTheOptionsCvTakes() {
    // lbfgs and gd named with --l1: exit 2 before any work, pointing at owlqn (or the default),
    // not at the mini-batch rules cv refuses with L1.
    for (String name : new String[] {"lbfgs", "gd"}) {
      Cli r = cancer("--folds", "3", "--l1", "0.01", "--optimizer", name);
      assertEquals(2, r.code(), r.out() + r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertTrue(r.err().contains("--optimizer " + name + " assumes a differentiable objective")
          && r.err().contains("leave --optimizer out"), r.err());
      assertFalse(r.err().contains("mini-batch"), r.err());
      assertEquals("", r.out());
    }
    Cli owlqn = cancer("--folds", "3", "--l1", "0.01", "--optimizer", "owlqn");
    assertEquals(0, owlqn.code(), owlqn.err());
  }
}

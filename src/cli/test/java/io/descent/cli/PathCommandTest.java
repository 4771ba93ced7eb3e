package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.descent.Descent;
import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.train.FitResult;
import io.descent.train.RegularizationPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code descent path} through the real command line, on the shipped datasets. */
class PathCommandTest {
  private static final String DIABETES = "datasets/diabetes.csv";
  private static final String WDBC = "datasets/breast_cancer_wdbc.csv";
  private static final String IRIS = "datasets/iris.csv";

  @TempDir
  Path dir;

  private static List<String[]> rows(Path csv) throws Exception {
    return Files.readAllLines(csv).stream().map(l -> l.split(",", -1)).toList();
  }

  private static double tolerance(double objective) {
    return Descent.DEFAULT_TOLERANCE * Math.max(1, Math.abs(objective));
  }

  @Test
  void linearPathCsvJsonAndPlot() throws Exception {
    Path csv = dir.resolve("path.csv");
    Path png = dir.resolve("path.png");
    Cli run = Cli.run("path", "--data", DIABETES, "--target", "progression", "--loss",
        "linear", "--penalties", "12", "--out", csv.toString(), "--plot", png.toString(),
        "--backend", "reference", "--json");
    JsonNode doc = run.json();
    assertEquals(12, doc.get("penalties").asInt());
    assertTrue(doc.get("readSeconds").asDouble() >= 0);
    assertTrue(doc.get("fitSeconds").asDouble() > 0);
    assertEquals("coordinate descent", doc.get("solver").asText());
    assertEquals(doc.get("fitSeconds").asDouble(), doc.get("openSeconds").asDouble()
        + doc.get("solveSeconds").asDouble(), 1e-6, "the phases add up");
    assertTrue(doc.get("passes").asInt() > 12, doc.toString());
    assertTrue(doc.get("backend").asText().startsWith("reference"), doc.toString());
    assertEquals(1e-4, doc.get("minRatio").asDouble());
    assertEquals(12, doc.get("path").size());
    List<String[]> rows = rows(csv);
    assertEquals("penalty,l1,l2,objective,data_term,nonzero,kkt_violation,intercept,age,sex,bmi,"
        + "bp,s1,s2,s3,s4,s5,s6", String.join(",", rows.get(0)));
    assertEquals(13, rows.size());
    for (int k = 1; k < rows.size(); k++) {
      String[] r = rows.get(k);
      JsonNode j = doc.get("path").get(k - 1);
      double penalty = Double.parseDouble(r[0]);
      assertEquals(penalty, j.get("penalty").asDouble());
      assertEquals(penalty, Double.parseDouble(r[1]));
      assertEquals(0, Double.parseDouble(r[2]));
      double objective = Double.parseDouble(r[3]);
      assertTrue(Double.parseDouble(r[6]) <= tolerance(objective), "KKT of row " + k);
      long nonzero = Arrays.stream(r, 8, r.length).filter(v -> Double.parseDouble(v) != 0)
          .count();
      assertEquals(Integer.parseInt(r[5]), nonzero, "nonzero of row " + k);
      assertEquals(nonzero, j.get("nonzero").asInt());
      if (k > 1) {
        assertTrue(penalty < Double.parseDouble(rows.get(k - 1)[0]), "penalties fall");
      }
    }
    assertEquals("0", rows.get(1)[5], "lambda_max zeroes every weight");
    assertTrue(Integer.parseInt(rows.get(2)[5]) > 0, "the next penalty does not");
    byte[] head = Arrays.copyOf(Files.readAllBytes(png), 4);
    assertEquals("\u0089PNG", new String(head, java.nio.charset.StandardCharsets.ISO_8859_1));
    assertEquals("standardized", doc.get("coefficientsOn").asText());
  }

  /** With --no-standardize the summary, the JSON and the plot say the features are raw. */
  @Test
  void aPathOnRawFeaturesSaysSo() throws Exception {
    Path csv = dir.resolve("raw.csv");
    String[] args = {"path", "--data", DIABETES, "--target", "progression", "--loss", "linear",
        "--penalties", "4", "--out", csv.toString(), "--backend", "reference"};
    Cli raw = Cli.run(concat(args, "--no-standardize"));
    assertEquals(0, raw.code(), raw.err());
    assertTrue(raw.out().contains("(coefficients on the raw features)"), raw.out());
    Cli standardized = Cli.run(args);
    assertTrue(standardized.out().contains("(coefficients on the standardized features)"),
        standardized.out());
    assertEquals("raw", Cli.run(concat(args, "--no-standardize", "--json")).json()
        .get("coefficientsOn").asText());
    // --quiet: no summary, the CSV written all the same.
    Files.delete(csv);
    Cli quiet = Cli.run(concat(args, "--quiet"));
    assertEquals(0, quiet.code(), quiet.err());
    assertEquals("", quiet.out());
    assertEquals(5, rows(csv).size());
    // One penalty: no range to speak of.
    Cli one = Cli.run("path", "--data", DIABETES, "--target", "progression", "--loss", "linear",
        "--penalties", "1", "--out", csv.toString(), "--backend", "reference");
    assertTrue(one.out().contains("path: 1 penalty, 45.1600 (lambda_max: every weight 0), l1"
        + " ratio 1,"), one.out());
    for (boolean identity : new boolean[] {true, false}) {
      io.descent.data.Standardization st = identity
          ? io.descent.data.Standardization.identity(1)
          : new io.descent.data.Standardization(new double[] {1}, new double[] {2});
      RegularizationPath.Result r = new RegularizationPath.Result(List.of(), 1, 1e-4, 1, st,
          List.of(), 0, null, 0, List.of(), RegularizationPath.OWL_QN, 0, 0);
      assertEquals(identity ? "coefficient" : "standardized coefficient",
          PathPlot.chart(r, List.of("intercept", "x"), "t").getYAxisTitle());
    }
  }

  private static String[] concat(String[] a, String... more) {
    String[] all = Arrays.copyOf(a, a.length + more.length);
    System.arraycopy(more, 0, all, a.length, more.length);
    return all;
  }

  /** Rows of the path against single train fits of the same l1 and l2. */
  @Test
  void elasticNetRowsAreTrainsFits() throws Exception {
    Path csv = dir.resolve("wdbc.csv");
    Cli run = Cli.run("path", "--data", WDBC, "--target", "malignant", "--loss", "logistic",
        "--l1-ratio", "0.5", "--penalties", "8", "--min-ratio", "0.01", "--out",
        csv.toString(), "--backend", "nd4j");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("penalty") && run.out().contains("nonzero"), run.out());
    List<String[]> rows = rows(csv);
    Dataset data = new CsvReader(CsvReader.Options.binaryTarget("malignant"))
        .read(Path.of(WDBC));
    for (int k : new int[] {2, 8}) {
      String[] r = rows.get(k);
      double l1 = Double.parseDouble(r[1]);
      double l2 = Double.parseDouble(r[2]);
      assertEquals(l1, l2, 1e-15 * l1);
      FitResult alone = Descent.logistic().l1(l1).l2(l2).backend("reference")
          .train(data, null);
      double objective = Double.parseDouble(r[3]);
      assertEquals(alone.objective(), objective, 1e-9 * alone.objective(), "row " + k);
      assertEquals(alone.nonzero(), Integer.parseInt(r[5]), "row " + k);
    }
  }

  @Test
  void multinomialColumnsPerClass() throws Exception {
    Path csv = dir.resolve("iris.csv");
    Cli run = Cli.run("path", "--data", IRIS, "--target", "species", "--loss", "multinomial",
        "--penalties", "5", "--min-ratio", "0.05", "--out", csv.toString(), "--backend",
        "reference");
    assertEquals(0, run.code(), run.err());
    List<String[]> rows = rows(csv);
    assertEquals("penalty,l1,l2,objective,data_term,nonzero,kkt_violation,intercept:0,"
        + "intercept:1,intercept:2,sepal_length:0,sepal_width:0,petal_length:0,petal_width:0,"
        + "sepal_length:1,sepal_width:1,petal_length:1,petal_width:1,sepal_length:2,"
        + "sepal_width:2,petal_length:2,petal_width:2", String.join(",", rows.get(0)));
    assertEquals(6, rows.size());
    assertEquals("0", rows.get(1)[5]);
    assertTrue(Integer.parseInt(rows.get(5)[5]) > 0);
  }

  @Test
  void featuresNamedAsThePathsOwnColumnsGetAPrefix() throws Exception {
    // diabetes with two features renamed "penalty" and "intercept": every header name is one
    // column (a reader by name would have taken the penalty column for the feature), noticed.
    List<String> lines = new java.util.ArrayList<>(Files.readAllLines(Path.of(DIABETES)));
    lines.set(0, lines.get(0).replaceFirst("^age,sex,", "penalty,intercept,"));
    Path data = dir.resolve("renamed.csv");
    Files.write(data, lines);
    Path csv = dir.resolve("p.csv");
    Cli run = Cli.run("path", "--data", data.toString(), "--target", "progression", "--loss",
        "linear", "--penalties", "3", "--out", csv.toString(), "--backend", "reference");
    assertEquals(0, run.code(), run.err());
    List<String> header = List.of(rows(csv).get(0));
    assertEquals("penalty,l1,l2,objective,data_term,nonzero,kkt_violation,intercept,"
        + "feature:penalty,feature:intercept,bmi", String.join(",", header.subList(0, 11)));
    assertEquals(header.size(), new java.util.HashSet<>(header).size(), header.toString());
    assertTrue(run.err().contains("feature penalty is written as feature:penalty"), run.err());

    // A third feature already named "feature:penalty": the renamed one is prefixed again.
    lines.set(0, lines.get(0).replaceFirst("^penalty,intercept,bmi,", "penalty,intercept,"
        + "feature:penalty,"));
    Files.write(data, lines);
    Cli again = Cli.run("path", "--data", data.toString(), "--target", "progression", "--loss",
        "linear", "--penalties", "3", "--out", csv.toString(), "--backend", "reference");
    assertEquals(0, again.code(), again.err());
    header = List.of(rows(csv).get(0));
    assertEquals("intercept,feature:feature:penalty,feature:intercept,feature:penalty",
        String.join(",", header.subList(7, 11)));
    assertEquals(header.size(), new java.util.HashSet<>(header).size(), header.toString());
    assertTrue(again.err().contains("feature penalty is written as feature:feature:penalty"),
        again.err());
  }

  @Test
  void badOptionsExit2WithOneLine() throws Exception {
    String out = dir.resolve("p.csv").toString();
    String[][] bad = {
        {"--l1-ratio", "0"}, {"--l1-ratio", "1.5"}, {"--penalties", "0"},
        {"--penalties", "2147483647"}, {"--min-ratio", "1"}, {"--block", "0"}};
    String[] names = {"--l1-ratio", "--l1-ratio", "--penalties", "--penalties", "--min-ratio",
        "--block"};
    for (int i = 0; i < bad.length; i++) {
      Cli run = Cli.run("path", "--data", DIABETES, "--target", "progression", "--loss",
          "linear", "--out", out, bad[i][0], bad[i][1]);
      assertEquals(2, run.code(), run.err());
      assertEquals(1, run.err().strip().lines().count(), run.err());
      assertTrue(run.err().contains(names[i]), run.err());
    }
    Cli overInput = Cli.run("path", "--data", DIABETES, "--target", "progression", "--loss",
        "linear", "--out", DIABETES);
    assertEquals(2, overInput.code(), overInput.err());
    assertEquals(1, overInput.err().strip().lines().count(), overInput.err());
    Cli noOut = Cli.run("path", "--data", DIABETES, "--target", "progression", "--loss",
        "linear");
    assertEquals(2, noOut.code(), noOut.err());
    assertTrue(noOut.err().contains("--out"), noOut.err());
    assertTrue(Files.notExists(Path.of(out)));
    // A ratio so small that lambda_max overflows: that option named, not another.
    Cli tiny = Cli.run("path", "--data", DIABETES, "--target", "progression", "--loss",
        "linear", "--out", out, "--l1-ratio", "1e-310", "--penalties", "3");
    assertEquals(2, tiny.code(), tiny.err());
    List<String> lines = tiny.err().strip().lines().toList();
    assertTrue(lines.get(lines.size() - 1).startsWith("descent: --l1-ratio: the L1 ratio"
        + " 1.0E-310 is too small"), tiny.err());
    assertEquals(1, lines.stream().filter(l -> l.contains("1.0E-310")).count(), tiny.err());
    assertTrue(Files.notExists(Path.of(out)));
  }

  /**
   * The summary's table shows every few penalties and says so; a tiny ratio reads with an
   * exponent; --block on the normal equations, where penalties go one by one, is named ignored.
   */
  @Test
  void theSummarySaysWhatItShowsAndWhatIsIgnored() throws Exception {
    Path csv = dir.resolve("p.csv");
    Cli run = Cli.run("path", "--data", DIABETES, "--target", "progression", "--loss",
        "linear", "--out", csv.toString(), "--backend", "reference", "--l1-ratio", "1e-300",
        "--block", "5");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("l1 ratio 1E-300,"), run.out());
    assertTrue(run.out().contains("(every penalty; above every 5th and the last; coefficients"),
        run.out());
    assertEquals(11, run.out().lines().filter(l -> l.matches("^[0-9.e+-]+ +.*")).count(),
        run.out());
    assertTrue(run.err().contains("--block does not apply to a linear path on the normal"
        + " equations"), run.err());
    Cli json = Cli.run("path", "--data", DIABETES, "--target", "progression", "--loss",
        "linear", "--out", csv.toString(), "--backend", "reference", "--block", "5", "--json");
    assertEquals(1, json.json().get("block").asInt(), "one penalty after another");
    Cli logistic = Cli.run("path", "--data", WDBC, "--target", "malignant", "--loss",
        "logistic", "--out", csv.toString(), "--backend", "reference", "--penalties", "6",
        "--block", "3", "--json");
    assertEquals(0, logistic.code(), logistic.err());
    assertEquals(3, logistic.json().get("block").asInt());
    assertTrue(!logistic.err().contains("--block"), logistic.err());
    assertEquals("5th", PathCommand.ordinal(5));
    assertEquals("21st", PathCommand.ordinal(21));
    assertEquals("12th", PathCommand.ordinal(12));
    assertEquals("2nd", PathCommand.ordinal(2));
  }

  @Test
  void aConstantTargetWarnsThatEveryPenaltyIsZero() throws Exception {
    Path f = java.nio.file.Files.writeString(dir.resolve("flat.csv"),
        "a,b,y\n1,2,5\n2,1,5\n3,7,5\n4,4,5\n");
    Cli r = Cli.run("path", "--data", f.toString(), "--target", "y", "--loss", "linear",
        "--penalties", "3", "--backend", "reference", "--out", dir.resolve("p.csv").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("warning: lambda_max is 0"), r.err());
  }
}

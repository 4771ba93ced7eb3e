package io.descent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.model.LinearModel;
import io.descent.model.ModelFile;
import io.descent.model.TrainingInfo;
import io.descent.optim.OwlQn;
import io.descent.train.FitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library's L1 settings: defaults, refusals, the multinomial centering, the model file. */
class L1LibraryTest {
  private static Dataset iris() throws Exception {
    return new CsvReader(CsvReader.Options.classTarget("species"))
        .read(Path.of(System.getProperty("descent.datasets", "datasets"), "iris.csv"));
  }

  private static Dataset diabetes() throws Exception {
    return new CsvReader(CsvReader.Options.numericTarget("progression"))
        .read(Path.of(System.getProperty("descent.datasets", "datasets"), "diabetes.csv"));
  }

  @Test
  void owlqnIsTheDefaultWithL1AndSmoothOptimizersAreRefused() {
    assertTrue(Descent.linear().l1(0.01).config().fullBatch() instanceof OwlQn);
    assertEquals("lbfgs", Descent.linear().config().fullBatch().name());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Descent.linear().l1(0.01).optimizer("lbfgs").config());
    assertTrue(e.getMessage().contains("owlqn") && e.getMessage().contains("L1"),
        e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Descent.linear().l1(0.01).optimizer("gd").config());
    assertThrows(IllegalArgumentException.class, () -> Descent.linear().l1(-1).config());
    assertEquals(0.01, Descent.linear().l1(0.01).optimizer("adam").config().l1());
  }

  @Test
  void oneVsRestRefusesL1() throws Exception {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Descent.logistic().oneVsRest().l1(0.01).fit(iris()));
    assertTrue(e.getMessage().contains("l1(...)"), e.getMessage());
  }

  @Test
  void multinomialL1CentersOnlyTheIntercepts() throws Exception {
    FitResult r = Descent.multinomial().l1(0.01).l2(0.01).backend("reference")
        .train(iris(), null);
    assertTrue(r.converged(), r.message());
    LinearModel m = r.model();
    double sum = 0;
    for (double b : m.standardizedIntercepts()) {
      sum += b;
    }
    assertEquals(0, sum, 1e-12, "intercepts centered");
    double[][] w = m.standardizedCoefficients();
    double largestColumnSum = 0;
    int zeros = 0;
    for (int j = 0; j < m.features(); j++) {
      double s = 0;
      for (double[] row : w) {
        s += row[j];
        zeros += row[j] == 0 ? 1 : 0;
      }
      largestColumnSum = Math.max(largestColumnSum, Math.abs(s));
    }
    assertTrue(largestColumnSum > 1e-3, "weights not centered: " + largestColumnSum);
    assertEquals(3, zeros, "iris's optimum has 3 zero weights of 12");
    assertEquals(12 - zeros, r.nonzero());
  }

  @Test
  void modelFileRecordsL1AndReadsFilesWithoutIt(@TempDir Path dir) throws Exception {
    FitResult r = Descent.linear().l1(0.01).backend("reference").train(diabetes(), null);
    Path file = dir.resolve("lasso.json");
    new ModelFile(r.model(), r.trainingInfo()).write(file);
    String json = Files.readString(file);
    assertTrue(json.contains("\"l1\"") && json.contains("\"kktViolation\"")
        && json.contains("\"nonzeroWeights\""), json);
    TrainingInfo t = ModelFile.read(file).training();
    assertEquals(0.01, t.l1());
    assertEquals(r.kktViolation(), t.kktViolation());
    assertEquals(10, t.nonzeroWeights());
    assertTrue(t.kktViolation() <= 1e-8 * r.objective(), "KKT " + t.kktViolation());

    FitResult ridge = Descent.linear().l2(0.01).backend("reference").train(diabetes(), null);
    Path plain = dir.resolve("ridge.json");
    new ModelFile(ridge.model(), ridge.trainingInfo()).write(plain);
    assertTrue(!Files.readString(plain).contains("\"l1\""), "no L1 fields without L1");
    TrainingInfo p = ModelFile.read(plain).training();
    assertEquals(0, p.l1());
    assertTrue(Double.isNaN(p.kktViolation()));
    assertEquals(-1, p.nonzeroWeights());
  }

  @Test
  void aFloat32FitStopsAtItsNoiseFloorAndFinishesInFloat64() throws Exception {
    Dataset wdbc = new CsvReader(CsvReader.Options.binaryTarget("malignant"))
        .read(Path.of(System.getProperty("descent.datasets", "datasets"),
            "breast_cancer_wdbc.csv"));
    FitResult r = Descent.logistic().l1(0.01).backend("nd4j").train(wdbc, null);
    assertEquals("float32", r.backend().precision());
    assertTrue(r.converged(), r.message());
    assertTrue(r.hyperparameters().containsKey("polish"), "finished in float64: "
        + r.hyperparameters());
    assertTrue(r.message().contains("KKT violation"), r.message());
    assertTrue(r.kktViolation() <= Descent.DEFAULT_TOLERANCE, "KKT " + r.kktViolation());
    assertEquals(9, r.nonzero(), "the reference optimum's support size");
  }

  @Test
  void elasticNetThroughTheLibraryReportsFeaturesInUse() throws Exception {
    FitResult r = Descent.linear().l1(30).backend("reference").train(diabetes(), null);
    assertTrue(r.converged(), r.message());
    assertTrue(r.featuresInUse() < 10, "a strong L1 penalty zeroes features: "
        + r.featuresInUse());
    assertEquals(r.nonzero(), r.featuresInUse());
    int zeros = 0;
    for (double c : r.model().coef()) {
      zeros += c == 0 ? 1 : 0;
    }
    assertEquals(10 - r.featuresInUse(), zeros, "raw-space weights are exactly zero too");
  }

  /**
   * A multinomial fit at a tiny L1 penalty: the softmax is flat along each feature's common
   * shift of its class weights, where only the tiny penalty decides; OWL-QN alone crawled there
   * (the 1000-iteration cap on this problem), with the exact shift after each step it converges
   * like the L2-only fit.
   */
  @Test
  void multinomialAtATinyL1ConvergesWithTheExactShift(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("m4.csv");
    try (var w = Files.newBufferedWriter(file)) {
      new io.descent.data.SyntheticData(5000, 8, 4, 42).write(w);
    }
    Dataset data = new CsvReader(CsvReader.Options.classTarget("y")).read(file);
    for (double l2 : new double[] {0, 1.4e-5}) {
      FitResult r = Descent.multinomial().l1(1.4e-5).l2(l2).backend("reference")
          .train(data, null);
      assertTrue(r.converged(), r.message());
      assertTrue(r.iterations() < 200, r.iterations() + " iterations");
      assertTrue(r.kktViolation() <= 1e-8 * Math.max(1, r.objective()), r.message());
    }
  }
}

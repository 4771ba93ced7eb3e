package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Row weights in the data layer: the CSV weight column, the weighted standardization, and class
 * weights.
 */
class WeightsTest {
  private static Dataset read(CsvReader.Options options, String csv) throws IOException {
    return new CsvReader(options).read(new StringReader(csv), "w.csv");
  }

  private static DataFormatException readError(CsvReader.Options options, String csv) {
    return assertThrows(DataFormatException.class, () -> read(options, csv));
  }

  // ---- CsvReader's weight column ----

  @Test
  void theWeightColumnIsReadAsWeightsAndIsNotAFeature() throws IOException {
    Dataset d = read(CsvReader.Options.numericTarget("y").withWeightColumn("w"),
        "a,w,b,y\n1,2,3,4\n5,0,7,8\n9,0.5,11,12\n");
    assertEquals(List.of("a", "b"), d.featureNames());
    assertArrayEquals(new double[] {2, 0, 0.5}, d.weights());
    assertArrayEquals(new float[] {1, 3, 5, 7, 9, 11}, d.x());
    assertArrayEquals(new double[] {4, 8, 12}, d.y());
  }

  @Test
  void aClassTargetKeepsItsWeightColumn() throws IOException {
    // Multinomial and one-vs-rest fits read a class target: its rows keep their weights.
    Dataset d = read(CsvReader.Options.classTarget("y").withWeightColumn("w"),
        "a,w,y\n1,2,cat\n5,0,dog\n9,0.5,cat\n");
    assertEquals(List.of("a"), d.featureNames());
    assertArrayEquals(new double[] {2, 0, 0.5}, d.weights());
    assertEquals(List.of("cat", "dog"), d.classLabels().orElseThrow().labels());
    assertArrayEquals(new double[] {0, 1, 0}, d.y());
  }

  @Test
  void withoutAWeightColumnTheDataIsUnweighted() throws IOException {
    Dataset d = read(CsvReader.Options.numericTarget("y"), "a,w,y\n1,2,3\n");
    assertNull(d.weights());
    assertEquals(List.of("a", "w"), d.featureNames());
  }

  @Test
  void theWeightColumnIsReadOnTheChunkedPathToo() throws IOException {
    StringBuilder csv = new StringBuilder("a,w,y\n");
    for (int i = 0; i < 1000; i++) {
      csv.append(i).append(',').append(i % 3).append(',').append(i % 2).append('\n');
    }
    Dataset d = new CsvReader(CsvReader.Options.binaryTarget("y").withWeightColumn("w"), 7)
        .read(new StringReader(csv.toString()), "w.csv");
    assertEquals(1000, d.rows());
    for (int i = 0; i < 1000; i++) {
      assertEquals(i % 3, d.weight(i), 0.0);
      assertEquals(i, d.get(i, 0), 0.0f);
    }
  }

  @Test
  void aNegativeWeightIsAnErrorAtItsLineAndColumn() {
    DataFormatException e = readError(CsvReader.Options.numericTarget("y")
        .withWeightColumn("w"), "a,w,y\n1,1,1\n2,-0.5,2\n");
    assertEquals(3, e.line());
    assertEquals(2, e.column());
    assertTrue(e.getMessage().contains("weight \"-0.5\" in column \"w\" is negative"),
        e.getMessage());
  }

  @Test
  void aWeightThatIsNotAFiniteNumberIsAnErrorAtItsLineAndColumn() {
    for (String bad : new String[] {"NaN", "inf", "abc", "", "1e999"}) {
      DataFormatException e = readError(CsvReader.Options.numericTarget("y")
          .withWeightColumn("w"), "a,w,y\n1,1,1\n2,2,2\n3," + bad + ",3\n");
      assertEquals(4, e.line(), bad);
      assertEquals(2, e.column(), bad);
      assertTrue(e.getMessage().contains("\"w\""), e.getMessage());
    }
  }

  @Test
  void weightsThatAreAllZeroAreAnErrorAtTheHeader() {
    DataFormatException e = readError(CsvReader.Options.numericTarget("y")
        .withWeightColumn("w"), "a,w,y\n1,0,1\n2,-0,2\n");
    assertEquals(1, e.line());
    assertEquals(2, e.column());
    assertTrue(e.getMessage().contains("every weight in column \"w\" is 0"), e.getMessage());
  }

  @Test
  void anUnknownWeightColumnIsAnErrorListingTheHeader() {
    DataFormatException e = readError(CsvReader.Options.numericTarget("y")
        .withWeightColumn("weight"), "a,w,y\n1,1,1\n");
    assertTrue(e.getMessage().contains("no column \"weight\" for the weights"), e.getMessage());
    assertTrue(e.getMessage().contains("\"w\""), e.getMessage());
  }

  @Test
  void theWeightColumnCannotBeTheTargetOrAFeature() {
    IllegalArgumentException target = assertThrows(IllegalArgumentException.class,
        () -> CsvReader.Options.numericTarget("y").withWeightColumn("y"));
    assertTrue(target.getMessage().contains("both the target and the weights"));
    IllegalArgumentException feature = assertThrows(IllegalArgumentException.class,
        () -> CsvReader.Options.numericTarget("y").withFeatures(List.of("a", "w"))
            .withWeightColumn("w"));
    assertTrue(feature.getMessage().contains("both a feature and the weights"));
    // The target by index, the weight column by name: the same column.
    DataFormatException e = readError(CsvReader.Options.numericTarget("1")
        .withWeightColumn("w"), "a,w,y\n1,1,1\n");
    assertTrue(e.getMessage().contains("both the target and the weights"), e.getMessage());
  }

  // ---- weighted standardization ----

  @Test
  void integerWeightsStandardizeAsTheRowsRepeated() {
    Random random = new Random(7);
    int n = 200;
    int d = 5;
    double[][] x = new double[n][d];
    double[] y = new double[n];
    double[] w = new double[n];
    List<double[]> repeatedX = new ArrayList<>();
    List<Double> repeatedY = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        x[i][j] = 100 * j + random.nextGaussian() * (j + 1);
      }
      y[i] = random.nextGaussian();
      w[i] = random.nextInt(4);
      for (int k = 0; k < w[i]; k++) {
        repeatedX.add(x[i]);
        repeatedY.add(y[i]);
      }
    }
    Standardization weighted = Standardization.fit(Dataset.of(x, y).withWeights(w));
    Standardization repeated = Standardization.fit(Dataset.of(
        repeatedX.toArray(new double[0][]),
        repeatedY.stream().mapToDouble(Double::doubleValue).toArray()));
    for (int j = 0; j < d; j++) {
      assertEquals(repeated.mean(j), weighted.mean(j), 1e-12 * Math.abs(repeated.mean(j)));
      assertEquals(repeated.scale(j), weighted.scale(j), 1e-10 * repeated.scale(j));
    }
  }

  @Test
  void unitWeightsStandardizeBitForBitAsNone() {
    double[][] x = {{1, 10}, {2, 30}, {4, 20}};
    double[] y = {0, 1, 2};
    assertEquals(Standardization.fit(Dataset.of(x, y)),
        Standardization.fit(Dataset.of(x, y).withWeights(new double[] {1, 1, 1})));
  }

  @Test
  void rowsOfWeightZeroTakeNoPartAndAColumnConstantOnTheRestHasScaleOne() {
    double[][] x = {{1, 5}, {3, 5}, {1000, -1000}};
    Standardization s = Standardization.fit(Dataset.of(x, new double[3])
        .withWeights(new double[] {1, 1, 0}));
    assertEquals(2, s.mean(0), 0.0);
    assertEquals(1, s.scale(0), 0.0);
    assertEquals(5, s.mean(1), 0.0);
    assertEquals(1, s.scale(1), 0.0);
  }

  @Test
  void theWeightedMeanAndPopulationStdFollowTheReadmeFormulas() {
    double[][] x = {{0}, {1}, {3}};
    double[] w = {1, 2, 3};
    Standardization s = Standardization.fitWeighted(Dataset.of(x, new double[3]), w);
    double mean = (0 * 1 + 1 * 2 + 3 * 3) / 6.0;
    double var = (1 * mean * mean + 2 * (1 - mean) * (1 - mean) + 3 * (3 - mean) * (3 - mean))
        / 6;
    assertEquals(mean, s.mean(0), 1e-15);
    assertEquals(Math.sqrt(var), s.scale(0), 1e-15);
  }

  // ---- class weights ----

  private static Dataset labelled(String... labels) throws IOException {
    StringBuilder csv = new StringBuilder("a,y\n");
    for (int i = 0; i < labels.length; i++) {
      csv.append(i).append(',').append(labels[i]).append('\n');
    }
    return read(CsvReader.Options.binaryTarget("y", "spam"), csv.toString());
  }

  @Test
  void balancedWeighsARowOfClassCByNOverKTimesNc() throws IOException {
    Dataset d = labelled("ham", "spam", "ham", "ham");
    double[] w = ClassWeights.balanced().rowWeights(d);
    assertArrayEquals(new double[] {4 / 6.0, 4 / 2.0, 4 / 6.0, 4 / 6.0}, w, 1e-15);
    double total = 0;
    for (double s : w) {
      total += s;
    }
    assertEquals(4, total, 1e-12);
  }

  /**
   * Rows of weight 0 are as rows absent: they count in no class (they did, so that relabelling
   * a weight-0 row changed the fit).
   */
  @Test
  void balancedCountsOnlyTheRowsThatWeigh() throws IOException {
    Dataset d = labelled("ham", "spam", "ham", "ham", "spam").withWeights(
        new double[] {1, 1, 1, 0, 0});
    // 3 rows weigh: 2 ham, 1 spam; n / (K n_c) = 3/4 and 3/2.
    assertArrayEquals(new double[] {3 / 4.0, 3 / 2.0, 3 / 4.0, 3 / 4.0, 3 / 2.0},
        ClassWeights.balanced().rowWeights(d), 1e-15);
    assertArrayEquals(new double[] {3 / 4.0, 3 / 2.0},
        ClassWeights.balanced().perClass(d, new int[] {0, 1, 2, 3, 4}), 1e-15);
    Dataset relabelled = labelled("ham", "spam", "ham", "spam", "ham").withWeights(
        new double[] {1, 1, 1, 0, 0});
    assertArrayEquals(new double[] {3 / 4.0, 3 / 2.0, 3 / 4.0, 3 / 2.0, 3 / 4.0},
        ClassWeights.balanced().rowWeights(relabelled), 1e-15);
  }

  @Test
  void labelWeightsAreMatchedAsWrittenAndClassesNotNamedWeighOne() throws IOException {
    Dataset d = labelled("ham", "spam", "ham");
    assertArrayEquals(new double[] {1, 3, 1}, ClassWeights.parse("spam=3").rowWeights(d));
    assertArrayEquals(new double[] {0.5, 3, 0.5},
        ClassWeights.parse(" ham = 0.5 , spam=3").rowWeights(d));
  }

  @Test
  void numericLabelsMatchInCanonicalForm() throws IOException {
    Dataset d = read(CsvReader.Options.binaryTarget("y"), "a,y\n1,0\n2,1.0\n3,1\n");
    assertArrayEquals(new double[] {1, 2, 2}, ClassWeights.parse("1.0=2").rowWeights(d));
    assertArrayEquals(new double[] {5, 1, 1}, ClassWeights.parse("0=5").rowWeights(d));
    Dataset b = read(CsvReader.Options.binaryTarget("y"), "a,y\n1,TRUE\n2,false\n");
    assertArrayEquals(new double[] {4, 1}, ClassWeights.parse("True=4").rowWeights(b));
  }

  @Test
  void anUnknownLabelIsNamedWithTheTargetsLabels() throws IOException {
    Dataset d = labelled("ham", "spam");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClassWeights.parse("eggs=2").rowWeights(d));
    assertEquals("class weights name the label \"eggs\", which target \"y\" does not have: its"
        + " labels are \"ham\", \"spam\"", e.getMessage());
  }

  @Test
  void classWeightsNeedAClassificationTarget() {
    Dataset d = Dataset.of(new double[][] {{1}, {2}}, new double[] {0.5, 1.5});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClassWeights.balanced().rowWeights(d));
    assertTrue(e.getMessage().contains("need a classification target"), e.getMessage());
  }

  @Test
  void badTextIsRefusedSayingWhy() {
    Map<String, String> cases = Map.of(
        "spam", "LABEL=WEIGHT pairs",
        "spam=x", "not a number",
        "spam=-1", "finite and >= 0",
        "spam=NaN", "finite and >= 0",
        "=2", "names no label",
        "spam=1,spam=2", "weighted twice",
        "spam=1,", "LABEL=WEIGHT pairs");
    cases.forEach((text, expected) -> {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ClassWeights.parse(text), text);
      assertTrue(e.getMessage().contains(expected), text + ": " + e.getMessage());
    });
  }

  @Test
  void twoSpellingsOfOneClassAreWeightedTwice() throws IOException {
    Dataset d = read(CsvReader.Options.classTarget("y"), "a,y\n1,1\n2,2\n3,1\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClassWeights.parse("1=2,1.0=3").rowWeights(d));
    assertEquals("class \"1\" is weighted twice (as \"1\" and as \"1.0\")", e.getMessage());
    assertArrayEquals(new double[] {2, 1, 2}, ClassWeights.parse("1e0=2").rowWeights(d));
  }

  @Test
  void classWeightsMultiplyTheRowsOwnWeights() throws IOException {
    Dataset d = labelled("ham", "spam", "ham").withWeights(new double[] {2, 3, 0});
    Dataset weighted = ClassWeights.parse("spam=10,ham=0.5").applyTo(d);
    assertArrayEquals(new double[] {1, 30, 0}, weighted.weights());
    // Every row weighing 0 is refused as Dataset.withWeights refuses it.
    assertThrows(IllegalArgumentException.class,
        () -> ClassWeights.parse("spam=0,ham=0").applyTo(d));
  }

  @Test
  void resolvedBalancedWeightsAreTheTrainingCountsOnes() throws IOException {
    Dataset d = labelled("ham", "spam", "ham", "ham");
    ClassWeights resolved = ClassWeights.balanced().resolve(d);
    assertEquals(Map.of("ham", 4 / 6.0, "spam", 2.0), resolved.byLabel());
    assertEquals("balanced", ClassWeights.parse("BALANCED").toString());
    assertEquals(ClassWeights.parse(resolved.toString()), resolved);
  }
}

package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Class targets: the stable order of their labels, how CsvReader codes them, its errors. */
class ClassLabelsTest {
  @TempDir
  Path dir;

  /** At most MAX_CLASSES classes, however the labels come (arrays as a CSV file). */
  @Test
  void moreClassesThanTheCapAreRefused() {
    int n = ClassLabels.MAX_CLASSES + 1;
    double[][] x = new double[n][1];
    String[] labels = new String[n];
    for (int i = 0; i < n; i++) {
      x[i][0] = i;
      labels[i] = "c" + i;
    }
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> Dataset.ofClasses(x, labels));
    assertTrue(e.getMessage().contains("at most " + ClassLabels.MAX_CLASSES), e.getMessage());
    assertEquals(ClassLabels.MAX_CLASSES, Dataset.ofClasses(java.util.Arrays.copyOf(x, n - 1),
        java.util.Arrays.copyOf(labels, n - 1)).classLabels().get().size());
  }

  /** Labels from memory make the classes the same labels in a CSV file make. */
  @Test
  void labelsFromArraysFollowTheReadersRules() throws Exception {
    double[][] x = {{1}, {2}, {3}, {4}, {5}, {6}};
    Dataset d = Dataset.ofClasses(x, new String[] {"1", "1.0", " 2", "1e0", "x ", "x"});
    assertEquals(List.of("1", "2", "x"), d.classLabels().get().labels());
    Dataset csv = new CsvReader(CsvReader.Options.classTarget("y")).read(new StringReader(
        "a,y\n1,1\n2,1.0\n3, 2\n4,1e0\n5,x \n6,x\n"), "same.csv");
    assertEquals(csv.classLabels().get(), d.classLabels().get());
    assertArrayEquals(csv.y(), d.y());
    assertEquals(List.of("0", "1"), Dataset.ofClasses(x, new String[] {"-0", "0", "1", "1",
        "0", "1"}).classLabels().get().labels());
    for (String bad : new String[] {"NaN", "Infinity", "-inf", "1e400"}) {
      assertThrows(IllegalArgumentException.class, () -> Dataset.ofClasses(x,
          new String[] {"1", "2", bad, "1", "2", "1"}), bad);
    }
  }

  @Test
  void numbersInNumericOrderTextInTextOrder() {
    assertEquals(List.of("-1", "1.5", "2", "10"),
        ClassLabels.of(List.of("10", "2", "1.5", "-1")).labels());
    assertTrue(ClassLabels.of(List.of("10", "2")).numeric());
    // One label that is not a number puts them all in text order.
    assertEquals(List.of("10", "2", "a"), ClassLabels.of(List.of("2", "a", "10")).labels());
    assertFalse(ClassLabels.of(List.of("2", "a")).numeric());
    assertEquals(List.of("Setosa", "setosa"), ClassLabels.of(List.of("setosa", "Setosa"))
        .labels());
    assertThrows(IllegalArgumentException.class, () -> new ClassLabels(List.of("b", "a")));
    assertThrows(IllegalArgumentException.class, () -> ClassLabels.of(List.of("a")));
    assertThrows(IllegalArgumentException.class, () -> ClassLabels.of(List.of("a", "a")));
  }

  @Test
  void csvReaderCodesTextClassesInTextOrder() throws Exception {
    Dataset d = new CsvReader(CsvReader.Options.classTarget("kind")).read(new StringReader(
        "x,kind\n1,dog\n2,cat\n3, bird \n4,cat\n"), "pets.csv");
    assertEquals(List.of("bird", "cat", "dog"), d.classLabels().orElseThrow().labels());
    assertArrayEquals(new double[] {2, 1, 0, 1}, d.y());
    assertTrue(d.labels().isEmpty());
    // The rows keep the classes.
    assertEquals(d.classLabels(), d.rows(new int[] {1}).classLabels());
  }

  @Test
  void csvReaderCodesNumberClassesInNumericOrderOneSpellingEach() throws Exception {
    Dataset d = new CsvReader(CsvReader.Options.classTarget("y")).read(new StringReader(
        "x,y\n1,10\n2,2\n3,1e1\n4,7.0\n5,2\n"), "codes.csv");
    assertEquals(List.of("2", "7", "10"), d.classLabels().orElseThrow().labels());
    assertArrayEquals(new double[] {2, 0, 2, 1, 0}, d.y());
  }

  @Test
  void wholeNumbersBeyondDoublePrecisionStayApartAndInDigits() throws Exception {
    // 2^53 and 2^53 + 1 are one double; as labels (IDs, codes) they are two classes.
    Dataset d = new CsvReader(CsvReader.Options.classTarget("y")).read(new StringReader(
        "x,y\n1,9007199254740993\n2,12\n3,9007199254740992\n4,9.007199254740993e15\n"
        + "5,123456789012345678901234567\n"), "ids.csv");
    assertEquals(List.of("12", "9007199254740992", "9007199254740993",
        "123456789012345678901234567"), d.classLabels().orElseThrow().labels());
    assertArrayEquals(new double[] {2, 0, 1, 2, 3}, d.y());
    // Past 30 digits too: two IDs one double apart stay two; one number written two ways is one.
    Dataset big = new CsvReader(CsvReader.Options.classTarget("y")).read(new StringReader(
        "x,y\n1,1000000000000000000000000000001\n2,5\n3,1000000000000000000000000000002\n"
        + "4,1e40\n5,10000000000000000000000000000000000000000\n"
        + "6,1000000000000000000000000000001.0\n"),
        "big.csv");
    assertEquals(List.of("5", "1000000000000000000000000000001",
        "1000000000000000000000000000002", "1E+40"), big.classLabels().orElseThrow().labels());
    assertArrayEquals(new double[] {1, 0, 2, 3, 3, 1}, big.y());
  }

  @Test
  void oneLabelIsAnErrorAtItsLineAndColumn() throws Exception {
    Path f = dir.resolve("one.csv");
    Files.writeString(f, "x,kind\n1,dog\n2,dog\n");
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> new CsvReader(CsvReader.Options.classTarget("kind")).read(f));
    assertEquals(f + ":2:2: target \"kind\" has only one label, \"dog\": classification needs"
        + " at least two classes", e.getMessage());
  }

  @Test
  void knownClassesCodeASubsetAndRefuseOthers() throws Exception {
    ClassLabels known = ClassLabels.of(List.of("bird", "cat", "dog"));
    CsvReader reader = new CsvReader(CsvReader.Options.classTarget("kind")).withClasses(known);
    Dataset d = reader.read(new StringReader("x,kind\n1,dog\n2,dog\n"), "some.csv");
    assertEquals(known, d.classLabels().orElseThrow());
    assertArrayEquals(new double[] {2, 2}, d.y());
    Path f = dir.resolve("other.csv");
    Files.writeString(f, "x,kind\n1,dog\n2,\"fish\"\n");
    DataFormatException e = assertThrows(DataFormatException.class, () -> reader.read(f));
    assertEquals(f + ":3:2: target \"kind\" has label \"fish\", which is not one of the classes"
        + " [bird, cat, dog]", e.getMessage());
  }

  /**
   * A label that is not one of the known classes is named at its own line, before any later
   * line's error (an empty target, a bad feature), read sequentially or in slices.
   */
  @Test
  void anUnknownClassIsNamedBeforeALaterLinesError() throws Exception {
    ClassLabels known = ClassLabels.of(List.of("bird", "cat", "dog"));
    StringBuilder text = new StringBuilder("x,kind\n1,dog\n2,fish\n3,\n4,cat\nfive,dog\n");
    for (int i = 0; i < 20_000; i++) {
      text.append(i).append(",cat\n");
    }
    Path f = dir.resolve("later.csv");
    Files.writeString(f, text);
    for (int sliceBytes : new int[] {0, 1 << 12}) {
      CsvReader reader = new CsvReader(CsvReader.Options.classTarget("kind"))
          .withSliceBytes(sliceBytes).withThreads(2).withClasses(known);
      DataFormatException e = assertThrows(DataFormatException.class, () -> reader.read(f));
      assertEquals(f + ":3:2: target \"kind\" has label \"fish\", which is not one of the"
          + " classes [bird, cat, dog]", e.getMessage(), "slices of " + sliceBytes + " bytes");
    }
  }

  @Test
  void datasetsFromArraysAndRecoding() {
    double[][] x = {{1}, {2}, {3}};
    Dataset d = Dataset.ofClasses(x, new String[] {"b", "a", "c"});
    assertEquals(List.of("a", "b", "c"), d.classLabels().orElseThrow().labels());
    assertArrayEquals(new double[] {1, 0, 2}, d.y());
    Dataset n = Dataset.ofClasses(x, new int[] {10, 2, 10});
    assertEquals(List.of("2", "10"), n.classLabels().orElseThrow().labels());
    assertArrayEquals(new double[] {1, 0, 1}, n.y());
    // A numeric target taken as classes.
    Dataset numeric = Dataset.of(x, new double[] {5, 3, 5}).asClasses();
    assertEquals(List.of("3", "5"), numeric.classLabels().orElseThrow().labels());
    assertArrayEquals(new double[] {1, 0, 1}, numeric.y());
    // Recoded by another set of classes.
    Dataset recoded = numeric.withClassLabels(ClassLabels.of(List.of("1", "3", "5")));
    assertArrayEquals(new double[] {2, 1, 2}, recoded.y());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> numeric.withClassLabels(ClassLabels.of(List.of("1", "5"))));
    assertEquals("arrays: row 1 has class \"3\", which is not one of [1, 5]", e.getMessage());
  }
}

package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.CsvReader.Options;
import io.descent.data.CsvReader.TargetKind;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the shipped datasets, every option, and the accepted variations of the format. */
class CsvReaderTest {
  @TempDir
  Path dir;

  /** A file of the shipped {@code datasets/} folder. */
  static Path dataset(String name) {
    return Path.of(System.getProperty("descent.datasets", "datasets")).resolve(name);
  }

  private Path write(String name, String text) throws IOException {
    return write(name, text.getBytes(StandardCharsets.UTF_8));
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path file = dir.resolve(name);
    Files.write(file, bytes);
    return file;
  }

  private static Dataset read(Path file, Options options) throws IOException {
    return new CsvReader(options).read(file);
  }

  // --- the shipped datasets ---

  @Test
  void spambaseShapeAndKnownValues() throws IOException {
    Dataset d = read(dataset("spambase.csv"), Options.binaryTarget("spam"));
    assertEquals(4601, d.rows());
    assertEquals(57, d.features());
    assertEquals("spam", d.targetName());
    assertEquals("make", d.featureNames().get(0));
    assertEquals("capitalTotal", d.featureNames().get(56));
    assertEquals(Optional.of(BinaryLabels.zeroOne()), d.labels());
    // First row: 0,0.64,0.64,0,0.32,...,0.778,0,0,3.756,61,278,1
    assertEquals(0f, d.get(0, 0));
    assertEquals(0.64f, d.get(0, 1));
    assertEquals(0.32f, d.get(0, 4));
    assertEquals(0.778f, d.get(0, 51));
    assertEquals(3.756f, d.get(0, 54));
    assertEquals(61f, d.get(0, 55));
    assertEquals(278f, d.get(0, 56));
    assertEquals(1.0, d.y()[0]);
    // Last row: ...,0.125,0,0,1.25,5,40,0
    assertEquals(0.65f, d.get(4600, 2));
    assertEquals(4.6f, d.get(4600, 18));
    assertEquals(1.25f, d.get(4600, 54));
    assertEquals(40f, d.get(4600, 56));
    assertEquals(0.0, d.y()[4600]);
    double spam = 0;
    for (double v : d.y()) {
      assertTrue(v == 0 || v == 1);
      spam += v;
    }
    assertEquals(1813, spam);
  }

  @Test
  void diabetesAsRegression() throws IOException {
    Dataset d = read(dataset("diabetes.csv"), Options.numericTarget("progression"));
    assertEquals(442, d.rows());
    assertEquals(List.of("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"),
        d.featureNames());
    assertTrue(d.labels().isEmpty());
    // 59,2,32.1,101,157,93.2,38,4,4.8598,87,151
    assertArrayEquals(new float[] {59, 2, 32.1f, 101, 157, 93.2f, 38, 4, 4.8598f, 87},
        java.util.Arrays.copyOf(d.x(), 10));
    assertEquals(151.0, d.y()[0]);
    assertEquals(57.0, d.y()[441]);
    assertEquals(67243.0, java.util.Arrays.stream(d.y()).sum());
  }

  @Test
  void everyShippedDatasetReadsWithItsLastColumnAsTarget() throws IOException {
    Object[][] cases = {
      {"breast_cancer_wisconsin_original.csv", "malignant", TargetKind.BINARY, 683, 9},
      {"breast_cancer_wdbc.csv", "malignant", TargetKind.BINARY, 569, 30},
      {"spambase.csv", "spam", TargetKind.BINARY, 4601, 57},
      {"diabetes.csv", "progression", TargetKind.NUMERIC, 442, 10},
      {"mtcars.csv", "mpg", TargetKind.NUMERIC, 32, 10},
    };
    for (Object[] c : cases) {
      Options options = new Options((String) c[1], null, ',', (TargetKind) c[2], null);
      Dataset d = read(dataset((String) c[0]), options);
      assertEquals(c[3], d.rows(), (String) c[0]);
      assertEquals(c[4], d.features(), (String) c[0]);
      assertEquals(c[1], d.targetName());
    }
  }

  @Test
  void targetByIndexIsTheSameAsByName() throws IOException {
    Dataset byName = read(dataset("mtcars.csv"), Options.numericTarget("mpg"));
    Dataset byIndex = read(dataset("mtcars.csv"), Options.numericTarget("10"));
    assertEquals("mpg", byIndex.targetName());
    assertEquals(byName.featureNames(), byIndex.featureNames());
    assertArrayEquals(byName.x(), byIndex.x());
    assertArrayEquals(byName.y(), byIndex.y());
    assertEquals(21.4, byName.y()[31]);
    Dataset first = read(dataset("mtcars.csv"), Options.numericTarget("0"));
    assertEquals("cyl", first.targetName());
    assertEquals("disp", first.featureNames().get(0));
    assertEquals(6.0, first.y()[0]);
  }

  @Test
  void aHeaderNameMadeOfDigitsWinsOverTheIndex() throws IOException {
    Path file = write("digits.csv", "2,1,0\n10,11,12\n");
    Dataset d = read(file, Options.numericTarget("0"));
    assertEquals("0", d.targetName());
    assertEquals(12.0, d.y()[0]);
    assertEquals(List.of("2", "1"), d.featureNames());
  }

  @Test
  void withoutTargetYIsNaNAndEveryColumnIsAFeature() throws IOException {
    Dataset d = read(dataset("mtcars.csv"), Options.noTarget());
    assertEquals(11, d.features());
    assertNull(d.targetName());
    assertTrue(d.labels().isEmpty());
    assertEquals("mpg", d.featureNames().get(10));
    assertEquals(21f, d.get(0, 10));
    for (double v : d.y()) {
      assertTrue(Double.isNaN(v));
    }
  }

  @Test
  void featuresByNameInAnotherOrder() throws IOException {
    Dataset d = read(dataset("diabetes.csv"),
        Options.numericTarget("progression").withFeatures(List.of("bmi", "s5", "age")));
    assertEquals(List.of("bmi", "s5", "age"), d.featureNames());
    assertEquals(3, d.features());
    assertArrayEquals(new float[] {32.1f, 4.8598f, 59f}, java.util.Arrays.copyOf(d.x(), 3));
    assertArrayEquals(new float[] {19.6f, 4.5951f, 36f},
        java.util.Arrays.copyOfRange(d.x(), 441 * 3, 442 * 3));
    assertEquals(151.0, d.y()[0]);
  }

  @Test
  void predictionInputMatchesColumnsByName() throws IOException {
    // The model was trained on (a, b); the new file has them in another order, plus an id.
    Path file = write("new.csv", "id,b,extra,a\nx-1,2,9,1\nx-2,4,9,3\n");
    Dataset d = read(file, Options.noTarget().withFeatures(List.of("a", "b")));
    assertEquals(List.of("a", "b"), d.featureNames());
    assertArrayEquals(new float[] {1, 2, 3, 4}, d.x());
    assertNull(d.targetName());
    assertTrue(Double.isNaN(d.y()[1]));
  }

  @Test
  void namedColumnsAreFoundWithoutTheSpacesAroundTheirNames() throws IOException {
    // The header's names lose the spaces and tabs around them, and so do the names a caller
    // asks for: " y" and "a, b" (as --target ' y' --features 'a, b' give them) were refused.
    Path file = write("spaced.csv", " a ,b,\ty\n1,2,3\n4,5,6\n");
    Dataset d = read(file, Options.numericTarget(" y ").withFeatures(List.of("a", " b")));
    assertEquals(List.of("a", "b"), d.featureNames());
    assertEquals("y", d.targetName());
    assertArrayEquals(new float[] {1, 2, 4, 5}, d.x());
    assertArrayEquals(new double[] {3, 6}, d.y());
    // A target given by index too (' 2' was "no column").
    Dataset byIndex = read(file, Options.numericTarget(" 2 "));
    assertEquals("y", byIndex.targetName());
    assertArrayEquals(new double[] {3, 6}, byIndex.y());
  }

  @Test
  void unusedColumnsAreNotParsed() throws IOException {
    Path file = write("names.csv", "name,x,y\n\"Mazda RX4\",1.5,21\n\"Datsun 710\",2.5,22.8\n");
    Dataset d = read(file, Options.numericTarget("y").withFeatures(List.of("x")));
    assertArrayEquals(new float[] {1.5f, 2.5f}, d.x());
    assertArrayEquals(new double[] {21, 22.8}, d.y());
  }

  @Test
  void unnamedRowNameColumnCanBeSkippedByListingFeatures() throws IOException {
    Dataset d = read(CsvReaderErrorsTest.bad("unnamed_column.csv"),
        Options.numericTarget("y").withFeatures(List.of("a")));
    assertArrayEquals(new float[] {1, 3}, d.x());
    assertArrayEquals(new double[] {2, 4}, d.y());
  }

  @Test
  void zeroFeatures() throws IOException {
    Path file = write("only_target.csv", "y\n1\n2\n");
    Dataset d = read(file, Options.numericTarget("y"));
    assertEquals(0, d.features());
    assertEquals(2, d.rows());
    assertArrayEquals(new double[] {1, 2}, d.y());
  }

  // --- delimiters ---

  @Test
  void semicolonAndTabDelimiters() throws IOException {
    for (char delimiter : new char[] {';', '\t'}) {
      String text = "a;b;y\n1,5;2;3\n".replace(';', delimiter);
      Path file = write("delimited.csv", text.replace("1,5", "1.5"));
      Dataset d = read(file, Options.numericTarget("y").withDelimiter(delimiter));
      assertEquals(List.of("a", "b"), d.featureNames());
      assertArrayEquals(new float[] {1.5f, 2}, d.x());
      assertArrayEquals(new double[] {3}, d.y());
      // With ';' or tab, a decimal comma stays in one field, and is not a number.
      Path comma = write("comma.csv", text);
      DataFormatException e = assertThrows(DataFormatException.class,
          () -> read(comma, Options.numericTarget("y").withDelimiter(delimiter)));
      assertEquals(comma + ":2:1: \"1,5\" is not a number in column \"a\"", e.getMessage());
    }
  }

  @Test
  void aLineBreakInAQuotedValueShowsInItsErrorOnOneLine() throws IOException {
    // Spaces and tabs around a number are trimmed; a line break is not, and shows as \n.
    for (String field : new String[] {"\"2\n\"", "\"x\r\ny\""}) {
      Path file = write("quoted.csv", "a,b,y\n1," + field + ",3\n4,5,6\n");
      DataFormatException e = assertThrows(DataFormatException.class,
          () -> read(file, Options.numericTarget("y")));
      String shown = field.replace("\r", "\\r").replace("\n", "\\n");
      assertEquals(file + ":2:2: " + shown + " is not a number in column \"b\"",
          e.getMessage());
      assertEquals(1, e.getMessage().lines().count());
    }
  }

  @Test
  void delimitersThatCannotWork() {
    for (char c : new char[] {'"', ' ', '\n', '\r', 'a', '7', '.', '-', '+', '\u00a7', '\0'}) {
      assertThrows(IllegalArgumentException.class, () -> Options.noTarget().withDelimiter(c),
          "delimiter U+" + Integer.toHexString(c));
    }
  }

  // --- binary targets ---

  @Test
  void binaryZeroOneWrittenAsDecimals() throws IOException {
    Path file = write("b.csv", "x,y\n1,0.0\n2,1.0\n3,1\n4,0\n5, 1e0 \n");
    Dataset d = read(file, Options.binaryTarget("y"));
    assertArrayEquals(new double[] {0, 1, 1, 0, 1}, d.y());
    assertEquals(Optional.of(BinaryLabels.zeroOne()), d.labels());
  }

  @Test
  void binaryTrueFalseInAnyCase() throws IOException {
    Path file = write("b.csv", "x,y\n1,TRUE\n2,false\n3,True\n4,FALSE\n");
    Dataset d = read(file, Options.binaryTarget("y"));
    assertArrayEquals(new double[] {1, 0, 1, 0}, d.y());
    assertEquals(Optional.of(new BinaryLabels("false", "true")), d.labels());
  }

  @Test
  void binaryStringsWithPositiveLabel() throws IOException {
    Path file = write("b.csv", "x,species\n1,setosa\n2,virginica\n3,setosa\n");
    Dataset d = read(file, Options.binaryTarget("species", "virginica"));
    assertArrayEquals(new double[] {0, 1, 0}, d.y());
    assertEquals(Optional.of(new BinaryLabels("setosa", "virginica")), d.labels());
    Dataset flipped = read(file, Options.binaryTarget("species", "setosa"));
    assertArrayEquals(new double[] {1, 0, 1}, flipped.y());
    assertEquals(Optional.of(new BinaryLabels("virginica", "setosa")), flipped.labels());
  }

  @Test
  void binaryNumericCodesWithPositiveLabel() throws IOException {
    // The UCI breast cancer coding: 2 benign, 4 malignant.
    Path file = write("b.csv", "x,class\n1,2\n2,4\n3,4.0\n");
    Dataset d = read(file, Options.binaryTarget("class", "4"));
    assertArrayEquals(new double[] {0, 1, 1}, d.y());
    assertEquals(Optional.of(new BinaryLabels("2", "4")), d.labels());
  }

  @Test
  void positiveLabelZeroFlipsAZeroOneTarget() throws IOException {
    Path file = write("b.csv", "x,y\n1,0\n2,1\n");
    Dataset d = read(file, Options.binaryTarget("y", "0"));
    assertArrayEquals(new double[] {1, 0}, d.y());
    assertEquals(Optional.of(new BinaryLabels("1", "0")), d.labels());
  }

  @Test
  void aSingleRecognisableClassIsFine() throws IOException {
    Dataset ones = read(write("ones.csv", "x,y\n1,1\n2,1\n"), Options.binaryTarget("y"));
    assertArrayEquals(new double[] {1, 1}, ones.y());
    assertEquals(Optional.of(BinaryLabels.zeroOne()), ones.labels());
    Dataset falses = read(write("f.csv", "x,y\n1,false\n2,False\n"), Options.binaryTarget("y"));
    assertArrayEquals(new double[] {0, 0}, falses.y());
    assertEquals(Optional.of(new BinaryLabels("false", "true")), falses.labels());
    Dataset zeros = read(write("z.csv", "x,y\n1,0\n"), Options.binaryTarget("y", "1"));
    assertArrayEquals(new double[] {0}, zeros.y());
  }

  @Test
  void threeNumericClasses() throws IOException {
    Path file = write("b.csv", "x,y\n1,0\n2,1\n3,1.0\n4,2\n");
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> read(file, Options.binaryTarget("y")));
    assertEquals(file + ":5:2: target \"y\" has more than two labels: \"0\", \"1\", \"2\""
        + ": logistic regression fits two classes; fit every class with multinomial(), or one"
        + " logistic model per class with oneVsRest()", e.getMessage());
  }

  @Test
  void numericTargetKeepsFloat64Digits() throws IOException {
    Path file = write("n.csv", "x,y\n0.1,0.1\n1,123456789.123456789\n");
    Dataset d = read(file, Options.numericTarget("y"));
    assertEquals(0.1, d.y()[0]);
    assertEquals(123456789.123456789, d.y()[1]);
    assertEquals(0.1f, d.x()[0]);
  }

  // --- format variations ---

  @Test
  void quotedFieldsWithDelimitersQuotesAndLineBreaks() throws IOException {
    String text = "\"name, full\",\"say \"\"hi\"\"\",y\n"
        + "\"1.5\",  \"2\"  ,3\n"
        + "4,5,6\n";
    Dataset d = read(write("q.csv", text), Options.numericTarget("y"));
    assertEquals(List.of("name, full", "say \"hi\""), d.featureNames());
    assertArrayEquals(new float[] {1.5f, 2, 4, 5}, d.x());
    assertArrayEquals(new double[] {3, 6}, d.y());
  }

  @Test
  void aQuoteInsideAnUnquotedFieldIsText() throws IOException {
    // Only a quote at the start of a field opens quoting; the row count must agree.
    Path file = write("q.csv", "id,x,y\n5\" tall,1,2\nsay \"\"hi,3,4\n");
    Dataset d = read(file, Options.numericTarget("y").withFeatures(List.of("x")));
    assertArrayEquals(new float[] {1, 3}, d.x());
  }

  @Test
  void lineBreaksInsideQuotesAdvanceTheLineNumber() throws IOException {
    String text = "note,x,y\n"
        + "\"two\nlines\",1,2\n"
        + "\"crlf\r\ninside\",3,4\n"
        + "plain,5,6\n";
    Path file = write("notes.csv", text);
    Dataset d = read(file, Options.numericTarget("y").withFeatures(List.of("x")));
    assertArrayEquals(new float[] {1, 3, 5}, d.x());
    assertArrayEquals(new double[] {2, 4, 6}, d.y());
    // The bad value is on physical line 8: the quoted field before it starts on line 7.
    Path bad = write("notes_bad.csv", text + "\"a\nb\",x7,8\n");
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> read(bad, Options.numericTarget("y").withFeatures(List.of("x"))));
    assertEquals(bad + ":8:2: \"x7\" is not a number in column \"x\"", e.getMessage());
  }

  @Test
  void crlfBomSpacesAndNoFinalNewline() throws IOException {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    byte[] text = "a,b,y\r\n 1 , 2.5\t,3\r\n-4,+5,6".getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[bom.length + text.length];
    System.arraycopy(bom, 0, bytes, 0, 3);
    System.arraycopy(text, 0, bytes, 3, text.length);
    Dataset d = read(write("crlf.csv", bytes), Options.numericTarget("y"));
    assertEquals(List.of("a", "b"), d.featureNames());
    assertArrayEquals(new float[] {1, 2.5f, -4, 5}, d.x());
    assertArrayEquals(new double[] {3, 6}, d.y());
  }

  @Test
  void quotedFirstHeaderNameAfterBom() throws IOException {
    byte[] text = "\uFEFF\"a\",y\n1,2\n".getBytes(StandardCharsets.UTF_8);
    Dataset d = read(write("bomq.csv", text), Options.numericTarget("y"));
    assertEquals(List.of("a"), d.featureNames());
  }

  @Test
  void loneCarriageReturnsEndLines() throws IOException {
    Dataset d = read(write("cr.csv", "a,y\r1,2\r3,4\r"), Options.numericTarget("y"));
    assertArrayEquals(new float[] {1, 3}, d.x());
  }

  @Test
  void emptyLinesAtTheEndAreIgnored() throws IOException {
    Dataset d = read(write("e.csv", "a,y\n1,2\n\n\r\n\n"), Options.numericTarget("y"));
    assertEquals(1, d.rows());
  }

  @Test
  void headerNamesAreStripped() throws IOException {
    Dataset d = read(write("s.csv", " a , b ,y\n1,2,3\n"),
        Options.numericTarget("y").withFeatures(List.of("b", "a")));
    assertArrayEquals(new float[] {2, 1}, d.x());
  }

  @Test
  void numbersRoundAsFloatParseFloat() throws IOException {
    String[] values = {"0", "-0", "+5", ".5", "5.", "1E3", "1e-3", "1.0000001", "3.4028235e38",
        "1e-46", "0.1", "16777217", "123456789012345678901234567890", "2.5e-10", "-7.25E+2"};
    StringBuilder text = new StringBuilder("x,y\n");
    for (String v : values) {
      text.append(v).append(",").append(v).append('\n');
    }
    Dataset d = read(write("nums.csv", text.toString()), Options.numericTarget("y"));
    for (int i = 0; i < values.length; i++) {
      assertEquals(Float.parseFloat(values[i]), d.x()[i], values[i]);
      assertEquals(Double.parseDouble(values[i]), d.y()[i], values[i]);
    }
    assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(d.x()[1]));
  }

  // --- the Reader path ---

  @Test
  void readerInChunksGivesTheSameDatasetAsTheFile() throws IOException {
    Path file = dataset("spambase.csv");
    Dataset fromFile = read(file, Options.binaryTarget("spam"));
    // 1000 floats a chunk: 17 rows of 57 features, so about 270 chunks.
    try (Reader in = Files.newBufferedReader(file)) {
      Dataset fromReader = new CsvReader(Options.binaryTarget("spam"), 1000).read(in, "spam");
      assertEquals("spam", fromReader.source());
      assertEquals(fromFile.featureNames(), fromReader.featureNames());
      assertArrayEquals(fromFile.x(), fromReader.x());
      assertArrayEquals(fromFile.y(), fromReader.y());
      assertEquals(fromFile.labels(), fromReader.labels());
    }
  }

  /** A pipe cannot be counted first: the heap is checked as each chunk of rows is added. */
  @Test
  void aReadInOnePassChecksTheHeapAsItGrows() throws IOException {
    HeapNeed huge = new HeapNeed("a buffer larger than any heap", 0, 0, 1L << 50);
    try (Reader in = new java.io.StringReader("a,y\n1,2\n")) {
      InsufficientMemoryException e = assertThrows(InsufficientMemoryException.class,
          () -> new CsvReader(Options.numericTarget("y")).withHeapNeeds(List.of(huge))
              .read(in, "<pipe>"));
      assertTrue(e.getMessage().startsWith("<pipe>: "), e.getMessage());
      assertTrue(e.getMessage().contains("the next chunk of rows"), e.getMessage());
    }
  }

  @Test
  void readerPathReportsErrorsWithTheSourceName() throws IOException {
    try (Reader in = Files.newBufferedReader(CsvReaderErrorsTest.bad("not_a_number.csv"))) {
      DataFormatException e = assertThrows(DataFormatException.class,
          () -> new CsvReader(Options.numericTarget("y")).read(in, "<stdin>"));
      assertEquals("<stdin>:3:2: \"abc\" is not a number in column \"bmi\"", e.getMessage());
    }
  }

  // --- options ---

  @Test
  void optionsCheckTheirValues() {
    assertThrows(IllegalArgumentException.class,
        () -> Options.numericTarget("y").withFeatures(List.of("a", "a")));
    assertThrows(IllegalArgumentException.class, () -> Options.numericTarget(" "));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Options.numericTarget("y").withPositiveLabel("yes"));
    assertEquals("positiveLabel \"yes\" needs a BINARY target, got NUMERIC", e.getMessage());
    Options o = Options.binaryTarget("y", "yes").withDelimiter(';').withFeatures(List.of("a"));
    assertEquals(new Options("y", List.of("a"), ';', TargetKind.BINARY, "yes"), o);
    assertNull(o.withoutTarget().target());
    assertNull(o.withFeatures(null).features());
  }
}

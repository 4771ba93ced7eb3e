package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.CsvReader.Options;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per kind of bad input, each on its file in {@code src/core/test/resources/bad}, asserting the
 * whole message and the exception's fields.
 */
class CsvReaderErrorsTest {
  private static final Options NUMERIC_Y = Options.numericTarget("y");
  private static final Options BINARY_SPECIES = Options.binaryTarget("species");

  static Path bad(String name) {
    try {
      return Path.of(CsvReaderErrorsTest.class.getResource("/bad/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  /** Reads the file, expects a DataFormatException, checks its message and its fields. */
  private static void assertError(String name, Options options, int line, int column,
      String detail) {
    Path file = bad(name);
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> new CsvReader(options).read(file));
    assertEquals(file + ":" + line + ":" + column + ": " + detail, e.getMessage());
    assertEquals(file.toString(), e.file());
    assertEquals(line, e.line());
    assertEquals(column, e.column());
    assertEquals(detail, e.detail());
  }

  @Test
  void shortRowIsPlacedAtItsFirstMissingColumn() {
    assertError("ragged.csv", NUMERIC_Y, 3, 3, "expected 3 fields as in the header, found 2");
  }

  @Test
  void localeCommaMakesALongRowPlacedAtItsFirstExtraColumn() {
    assertError("locale_comma.csv", NUMERIC_Y, 3, 4,
        "expected 3 fields as in the header, found 4");
  }

  @Test
  void raggedRowsSpanningLinesArePlacedWhereTheyGoWrong() {
    Options onlyA = NUMERIC_Y.withFeatures(List.of("a"));
    // Short: the row starts on line 2 and ends on line 3, where column 3 would begin.
    DataFormatException shortRow = assertThrows(DataFormatException.class, () -> new CsvReader(
        onlyA).read(new StringReader("a,b,y\n1,\"x\ny\"\n4,5,6\n"), "f.csv"));
    assertEquals("f.csv:3:3: expected 3 fields as in the header, found 2",
        shortRow.getMessage());
    // Long: the extra field starts on line 3, after a quoted field that spans lines 2 and 3.
    DataFormatException longRow = assertThrows(DataFormatException.class, () -> new CsvReader(
        onlyA).read(new StringReader("a,b,y\n1,\"x\ny\",3,7,8\r\n"), "f.csv"));
    assertEquals("f.csv:3:4: expected 3 fields as in the header, found 5",
        longRow.getMessage());
    // The last row, without a line break at the end of the file.
    DataFormatException last = assertThrows(DataFormatException.class, () -> new CsvReader(
        NUMERIC_Y).read(new StringReader("a,b,y\n1,2,3\n4"), "f.csv"));
    assertEquals("f.csv:3:2: expected 3 fields as in the header, found 1", last.getMessage());
  }

  @Test
  void nonNumericValue() {
    assertError("not_a_number.csv", NUMERIC_Y, 3, 2, "\"abc\" is not a number in column \"bmi\"");
  }

  @Test
  void hexadecimalIsNotANumber() {
    assertError("hex.csv", NUMERIC_Y, 3, 2, "\"0x10\" is not a number in column \"b\"");
  }

  @Test
  void missingValue() {
    assertError("missing_value.csv", NUMERIC_Y, 3, 2, "missing value in column \"bmi\"");
  }

  @Test
  void emptyFile() {
    assertError("empty.csv", NUMERIC_Y, 1, 0, "the file is empty; expected a header row");
  }

  @Test
  void emptyFirstLine() {
    assertError("empty_header.csv", NUMERIC_Y, 1, 0,
        "the first line is empty; expected a header row");
  }

  @Test
  void headerOnly() {
    assertError("header_only.csv", NUMERIC_Y, 1, 0, "the file has a header but no data rows");
  }

  @Test
  void emptyLineBeforeMoreData() {
    assertError("empty_line.csv", NUMERIC_Y, 3, 0,
        "empty line; expected 3 fields as in the header");
  }

  @Test
  void unknownTargetListsTheColumns() {
    assertError("unknown_column.csv", Options.numericTarget("nope"), 1, 0,
        "no column \"nope\" for the target; the columns are \"a\", \"b\", \"y\"");
  }

  @Test
  void unknownFeatureListsTheColumns() {
    assertError("unknown_column.csv", NUMERIC_Y.withFeatures(List.of("a", "c")), 1, 0,
        "no column \"c\" for a feature; the columns are \"a\", \"b\", \"y\"");
  }

  @Test
  void unknownColumnListIsTruncatedWhenLong() throws Exception {
    Path spambase = CsvReaderTest.dataset("spambase.csv");
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> new CsvReader(Options.binaryTarget("spamm")).read(spambase));
    assertEquals(spambase + ":1:0: no column \"spamm\" for the target; the columns are"
        + " \"make\", \"address\", \"all\", \"num3d\", \"our\", \"over\", \"remove\","
        + " \"internet\", \"order\", \"mail\", ... (58 in all)", e.getMessage());
  }

  @Test
  void targetIndexOutOfRange() {
    assertError("unknown_column.csv", Options.numericTarget("7"), 1, 0,
        "target column index 7 is out of range: the header has 3 columns (0 to 2)");
  }

  @Test
  void targetListedAmongFeatures() {
    assertError("unknown_column.csv", NUMERIC_Y.withFeatures(List.of("a", "y")), 1, 3,
        "column \"y\" is both the target and a feature");
  }

  @Test
  void duplicateColumnName() {
    assertError("duplicate_column.csv", NUMERIC_Y, 1, 3,
        "column name \"a\" appears twice in the header, in columns 1 and 3");
  }

  @Test
  void unnamedColumnUsedAsFeature() {
    assertError("unnamed_column.csv", NUMERIC_Y, 1, 1,
        "column 1 has no name in the header: name it, or list the features to use");
  }

  @Test
  void moreThanTwoLabelsListsTheFirstThree() {
    assertError("three_labels.csv", BINARY_SPECIES, 4, 3,
        "target \"species\" has more than two labels: \"setosa\", \"versicolor\", \"virginica\""
        + ": logistic regression fits two classes; fit every class with multinomial(), or one"
        + " logistic model per class with oneVsRest()");
  }

  @Test
  void moreThanTwoLabelsWithAPositiveLabel() {
    assertError("three_labels.csv", Options.binaryTarget("species", "setosa"), 4, 3,
        "target \"species\" has more than two labels: \"setosa\", \"versicolor\", \"virginica\""
        + ": logistic regression fits two classes; fit every class with multinomial(), or one"
        + " logistic model per class with oneVsRest()");
  }

  @Test
  void twoNumericLabelsOtherThanZeroOne() {
    assertError("unknown_column.csv", Options.binaryTarget("a"), 3, 1,
        "target \"a\" has two labels \"1\" and \"4\": say which is positive with"
            + " withPositiveLabel(...)");
  }

  @Test
  void twoStringLabelsWithoutPositiveLabel() {
    assertError("two_labels.csv", BINARY_SPECIES, 3, 3, "target \"species\" has two labels"
        + " \"setosa\" and \"virginica\": say which is positive with withPositiveLabel(...)");
  }

  @Test
  void positiveLabelNotAmongTheLabels() {
    assertError("two_labels.csv", Options.binaryTarget("species", "versicolor"), 1, 3,
        "positive label \"versicolor\" is not among the labels of target \"species\":"
            + " \"setosa\" and \"virginica\"");
  }

  @Test
  void singleUnrecognisableLabel() {
    assertError("one_label.csv", BINARY_SPECIES, 2, 3, "target \"species\" has only one label,"
        + " \"setosa\", which is neither 0/1 nor true/false");
  }

  @Test
  void singleLabelThatIsThePositiveOne() {
    assertError("one_label.csv", Options.binaryTarget("species", "setosa"), 2, 3,
        "target \"species\" has only one label, \"setosa\": both classes are needed");
  }

  @Test
  void nanText() {
    assertError("nan.csv", NUMERIC_Y, 3, 2, "\"NaN\" is not a finite number in column \"b\"");
  }

  @Test
  void infinityText() {
    assertError("infinity.csv", NUMERIC_Y, 3, 3,
        "\"-Infinity\" is not a finite number in column \"y\"");
  }

  @Test
  void featureBeyondFloat32() {
    assertError("overflow.csv", NUMERIC_Y, 3, 2,
        "\"1e39\" is out of range for float32 (largest 3.4028235e38) in column \"b\"");
  }

  @Test
  void targetBeyondFloat64() {
    assertError("overflow_target.csv", NUMERIC_Y, 3, 3, "\"1e400\" is out of range for float64"
        + " (largest 1.7976931348623157e308) in column \"y\"");
  }

  @Test
  void unterminatedQuotePointsAtItsStart() {
    assertError("unterminated_quote.csv", NUMERIC_Y, 2, 2,
        "unterminated quote: the quoted field that starts here runs to the end of the file");
  }

  @Test
  void textAfterClosingQuote() {
    assertError("after_quote.csv", NUMERIC_Y, 2, 2, "unexpected 'x' after the closing quote"
        + " (a quote inside a quoted field is written \"\")");
  }

  @Test
  void notUtf8() {
    assertError("not_utf8.csv", NUMERIC_Y, 1, 1, "the file is not UTF-8 text: byte 0xE9 here"
        + " cannot be read as text (save the file as UTF-8)");
  }

  /** Writes a file of numbered rows {@code i,i+1,i+2} with {@code bad} in place of one value. */
  private static Path rowsWithBadBytes(Path dir, int rows, int badRow, int badColumn,
      byte[] bad) throws IOException {
    Path file = dir.resolve("bad-bytes.csv");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      out.write("a,b,y\n".getBytes(StandardCharsets.US_ASCII));
      for (int i = 1; i <= rows; i++) {
        for (int c = 1; c <= 3; c++) {
          if (c > 1) {
            out.write(',');
          }
          out.write(Integer.toString(i + c).getBytes(StandardCharsets.US_ASCII));
          if (i == badRow && c == badColumn) {
            out.write(bad);
          }
        }
        out.write('\n');
      }
    }
    return file;
  }

  @Test
  void badBytesAreReportedAtTheirExactLineAndColumn(@TempDir Path dir) throws IOException {
    // Line 61 (data row 60), and line 100001, far past the decoder's first blocks: an
    // InputStreamReader reported these at 1:0 and 97224:0.
    for (int[] c : new int[][] {{60, 2, 61}, {100000, 3, 100001}, {1, 1, 2}, {120000, 1,
        120001}}) {
      Path file = rowsWithBadBytes(dir, 120000, c[0], c[1], new byte[] {(byte) 0xC3, '('});
      DataFormatException e = assertThrows(DataFormatException.class,
          () -> new CsvReader(NUMERIC_Y).read(file));
      assertEquals(file + ":" + c[2] + ":" + c[1] + ": the file is not UTF-8 text: byte 0xC3"
          + " here cannot be read as text (save the file as UTF-8)", e.getMessage());
      assertEquals(c[2], e.line());
      assertEquals(c[1], e.column());
    }
  }

  @Test
  void badBytesInsideQuotesAfterLineBreaksAndAtTheEndArePlaced(@TempDir Path dir)
      throws IOException {
    String[][] cases = {
        // A quoted field spanning lines 2 and 3: line 3, still column 2.
        {"a,b,y\n1,\"2\n\u0001\",3\n", "3:2"},
        // Right after a CR line end, where an LF may follow: the next line's first field.
        {"a,b,y\r1,2,3\r\u0001,5,6\r", "3:1"},
        // A header field.
        {"a,\u0001,y\n1,2,3\n", "1:2"},
        // A sequence cut short by the end of the file.
        {"a,b,y\n1,2,3\u0002", "2:3"}};
    for (String[] c : cases) {
      // \u0001 stands for a lone continuation byte, \u0002 for the first byte of a 3-byte one.
      byte[] bytes = c[0].replace('\u0001', '\u00ff').replace('\u0002', '\u00fe')
          .getBytes(StandardCharsets.ISO_8859_1);
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = bytes[i] == (byte) 0xff ? (byte) 0x80 : bytes[i] == (byte) 0xfe ? (byte) 0xE2
            : bytes[i];
      }
      Path file = dir.resolve("case.csv");
      Files.write(file, bytes);
      DataFormatException e = assertThrows(DataFormatException.class,
          () -> new CsvReader(NUMERIC_Y).read(file));
      assertEquals(c[1], e.line() + ":" + e.column(), e.getMessage());
    }
  }

  @Test
  void badBytesFromAReaderAreReportedAtTheLineReachedWithColumn0() {
    // A Reader decodes by itself and ahead of what it returns: the place is approximate.
    byte[] bytes = "a,b,y\n1,2,3\n4,5,\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    DataFormatException e = assertThrows(DataFormatException.class, () -> new CsvReader(
        NUMERIC_Y).read(new InputStreamReader(new ByteArrayInputStream(bytes),
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)),
            "f.csv"));
    assertEquals(0, e.column(), e.getMessage());
    assertTrue(e.line() >= 1 && e.line() <= 3, e.getMessage());
    assertEquals("the reader could not decode the text (bad bytes on this line or after it)",
        e.detail());
  }

  @Test
  void valuesTooSmallForTheTypeRoundToSignedZero() throws IOException {
    // Ordinary rounding, not an error (unlike 1e400): below the smallest subnormal is zero.
    Dataset d = new CsvReader(NUMERIC_Y).read(new StringReader(
        "a,b,y\n-1e-400,1e-46,-1e-400\n1e-50,-1e-46,1e-400\n"), "f.csv");
    assertEquals(-0.0f, d.x()[0]);
    assertEquals(0x80000000, Float.floatToRawIntBits(d.x()[0]), "negative zero");
    assertEquals(0, Float.floatToRawIntBits(d.x()[1]), "positive zero");
    assertEquals(0, Float.floatToRawIntBits(d.x()[2]), "positive zero");
    assertEquals(0x80000000, Float.floatToRawIntBits(d.x()[3]), "negative zero");
    assertEquals(Long.MIN_VALUE, Double.doubleToRawLongBits(d.y()[0]), "negative zero");
    assertEquals(0L, Double.doubleToRawLongBits(d.y()[1]), "positive zero");
  }

  @Test
  void lineBreaksInAValueOrColumnNameAreEscapedToKeepTheMessageOneLine() {
    assertError("line_break_in_value.csv", NUMERIC_Y, 3, 1,
        "\"1\\r\\n2\" is not a number in column \"a\\nb\"");
  }

  @Test
  void nulAndTabInAValueAreEscaped() {
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> new CsvReader(NUMERIC_Y).read(new StringReader("a,y\n1\u0000\t2,3\n"), "nul.csv"));
    assertEquals("nul.csv:2:1: \"1\\u0000\\t2\" is not a number in column \"a\"", e.getMessage());
    // A file name with a line break: the message stays one line.
    DataFormatException named = assertThrows(DataFormatException.class,
        () -> new CsvReader(NUMERIC_Y).read(new StringReader("a,y\nx,3\n"), "new\nline.csv"));
    assertEquals("new\\nline.csv:2:1: \"x\" is not a number in column \"a\"",
        named.getMessage());
  }

  @Test
  void invisibleCharactersAreEscapedSoTheMessageExplainsItself() {
    // A byte-order mark inside the file, a no-break space: "1" is not a number would baffle.
    for (String[] c : new String[][] {{"\uFEFF1", "\\ufeff1"}, {"\u00a01", "\\u00a01"},
        {"1\u200b", "1\\u200b"}}) {
      DataFormatException e = assertThrows(DataFormatException.class, () -> new CsvReader(
          NUMERIC_Y).read(new StringReader("a,y\n" + c[0] + ",3\n"), "f.csv"));
      assertEquals("f.csv:2:1: \"" + c[1] + "\" is not a number in column \"a\"", e.getMessage());
    }
  }

  @Test
  void aLongValueIsCutBetweenCharactersNotInsideOne() {
    String value = "x".repeat(39) + "\uD83D\uDE00" + "yy";
    DataFormatException e = assertThrows(DataFormatException.class, () -> new CsvReader(
        NUMERIC_Y).read(new StringReader("a,y\n" + value + ",3\n"), "f.csv"));
    assertEquals("f.csv:2:1: \"" + "x".repeat(39) + "...\" is not a number in column \"a\"",
        e.getMessage());
  }
}

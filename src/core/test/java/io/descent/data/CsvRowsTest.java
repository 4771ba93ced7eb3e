package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Rows read one at a time give what {@link CsvReader} gives for the whole file: the same float32
 * features bit for bit, and the same error, at the same place, for every bad file.
 */
class CsvRowsTest {
  private static CsvRows rows(String text) throws IOException {
    return new CsvRows(new StringReader(text), "f.csv", ',');
  }

  @Test
  void featuresAreTheReadersBitForBitInAnyOrder() throws IOException {
    for (String name : List.of("spambase.csv", "diabetes.csv", "breast_cancer_wdbc.csv",
        "mtcars.csv")) {
      Path file = CsvReaderTest.dataset(name);
      Dataset data = new CsvReader(CsvReader.Options.noTarget()).read(file);
      List<String> reversed = new ArrayList<>(data.featureNames());
      java.util.Collections.reverse(reversed);
      int d = reversed.size();
      try (CsvRows rows = CsvRows.open(file, ',')) {
        assertEquals(data.featureNames(), rows.header());
        rows.selectFeatures(reversed);
        float[] x = new float[d];
        int i = 0;
        while (rows.next(x)) {
          for (int j = 0; j < d; j++) {
            assertEquals(Float.floatToRawIntBits(data.get(i, d - 1 - j)),
                Float.floatToRawIntBits(x[j]), name + " row " + i + " feature " + reversed.get(j));
          }
          i++;
        }
        assertEquals(data.rows(), i, name);
        assertEquals(data.rows(), rows.rowsRead());
        assertFalse(rows.next(x), "the end stays the end");
      }
    }
  }

  /** Everything but an unnamed column, which only a reader of all columns must refuse. */
  @Test
  void everyBadFileFailsAsTheReaderDoes() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(CsvReaderErrorsTest.bad("ragged.csv").getParent())) {
      files = s.filter(f -> f.toString().endsWith(".csv")).sorted().toList();
    }
    assertTrue(files.size() > 20, files.toString());
    for (Path file : files) {
      if (file.getFileName().toString().equals("unnamed_column.csv")) {
        continue;
      }
      String expected = outcome(() -> {
        Dataset data = new CsvReader(CsvReader.Options.noTarget()).read(file);
        return data.rows() + " rows";
      });
      String streamed = outcome(() -> {
        try (CsvRows rows = CsvRows.open(file, ',')) {
          rows.selectFeatures(rows.header());
          float[] x = new float[rows.header().size()];
          while (rows.next(x)) {
            // Read to the end.
          }
          return rows.rowsRead() + " rows";
        }
      });
      assertEquals(expected, streamed, file.toString());
    }
  }

  private interface Reading {
    String read() throws IOException;
  }

  private static String outcome(Reading reading) throws IOException {
    try {
      return reading.read();
    } catch (DataFormatException e) {
      return e.getMessage();
    }
  }

  @Test
  void textIsTheFieldAsWrittenWithoutItsQuotes() throws IOException {
    try (CsvRows rows = rows("id,x,note\n  \"a, \"\"b\"\"\" ,1,\"two\nlines\"\n"
        + "plain text ,2.5,\n")) {
      rows.selectFeatures(List.of("x"));
      float[] x = new float[1];
      assertTrue(rows.next(x));
      assertEquals("a, \"b\"", rows.text(0));
      assertEquals("1", rows.text(1));
      assertEquals("two\nlines", rows.text(2));
      assertEquals(1f, x[0]);
      assertEquals(2, rows.line());
      assertTrue(rows.next(x));
      assertEquals("plain text ", rows.text(0));
      assertEquals("", rows.text(2));
      assertEquals(2.5f, x[0]);
      assertEquals(4, rows.line(), "after a field over two lines");
      assertFalse(rows.next(x));
    }
  }

  @Test
  void onlySelectedColumnsAreParsed() throws IOException {
    try (CsvRows rows = rows("id,x\nabc,1\n")) {
      rows.selectFeatures(List.of("x"));
      assertTrue(rows.next(new float[1]));
    }
    try (CsvRows rows = rows("id,x\nabc,1\n")) {
      rows.selectFeatures(List.of("id"));
      DataFormatException e = assertThrows(DataFormatException.class,
          () -> rows.next(new float[1]));
      assertEquals("f.csv:2:1: \"abc\" is not a number in column \"id\"", e.getMessage());
    }
  }

  /** A bad value is reported before the missing fields after it: the first problem in the file. */
  @Test
  void aBadValueComesBeforeTheRowsMissingFields() throws IOException {
    try (CsvRows rows = rows("a,b,c\n1,2,3\nx,1\n")) {
      rows.selectFeatures(List.of("a"));
      float[] x = new float[1];
      assertTrue(rows.next(x));
      DataFormatException e = assertThrows(DataFormatException.class, () -> rows.next(x));
      assertEquals("f.csv:3:1: \"x\" is not a number in column \"a\"", e.getMessage());
    }
  }

  /**
   * A file with no line end (NUL bytes, as a crash leaves a preallocated file) fails at its
   * first field once that passes 16 Mi characters, not after reading it whole; a long name in a
   * message is cut as a value is.
   */
  @Test
  void aFileWithNoLineEndFailsAtItsFirstFieldsLimit() throws IOException {
    char[] zeros = new char[CsvTokenizer.MAX_FIELD_CHARS + 10];
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> rows(new String(zeros)));
    assertEquals("f.csv:1:1: a field of more than " + CsvTokenizer.MAX_FIELD_CHARS
        + " characters of NUL bytes: this is no text file (a file of zeros, as a crash leaves a"
        + " preallocated one?)", e.getMessage());
    try (CsvRows rows = rows("a".repeat(100) + ",b\n1,2\n")) {
      assertEquals("the columns are \"" + "a".repeat(40) + "...\", \"b\"", rows.columnList());
    }
    // A quote never closed, more than 16 Mi characters before the end: named as what it is.
    String open = "a,b\n1,\"2\n" + "3,4\n".repeat(CsvTokenizer.MAX_FIELD_CHARS / 4 + 10);
    DataFormatException q = assertThrows(DataFormatException.class,
        () -> new CsvReader(CsvReader.Options.numericTarget("b")).read(
            new java.io.StringReader(open), "f.csv"));
    assertTrue(q.getMessage().startsWith("f.csv:2:2: unterminated quote: the quoted field that"
        + " starts here runs on for more than"), q.getMessage());
  }

  /** A header of one column that holds another separator asks whether that is the delimiter. */
  @Test
  void aOneColumnHeaderHoldingASeparatorSuggestsIt() throws IOException {
    try (CsvRows rows = rows("x1;x2;y\n1;2;3\n")) {
      assertEquals("the columns are \"x1;x2;y\" (one column, whose name holds ';': is that the"
          + " file's delimiter?)", rows.columnList());
    }
    try (CsvRows rows = rows("a\tb\n1\t2\n")) {
      assertTrue(rows.columnList().endsWith("holds a tab: is that the file's delimiter?)"),
          rows.columnList());
    }
    try (CsvRows rows = rows("a b\n1\n")) {
      assertEquals("the columns are \"a b\"", rows.columnList());
    }
  }

  @Test
  void columnsAreFoundByName() throws IOException {
    try (CsvRows rows = rows(" a ,b\n1,2\n")) {
      assertEquals(List.of("a", "b"), rows.header());
      assertEquals(0, rows.columnOf("a"));
      assertEquals(-1, rows.columnOf("c"));
      assertEquals("the columns are \"a\", \"b\"", rows.columnList());
      DataFormatException e = assertThrows(DataFormatException.class,
          () -> rows.selectFeatures(List.of("b", "c")));
      assertEquals("f.csv:1:0: no column \"c\" for a feature; the columns are \"a\", \"b\"",
          e.getMessage());
    }
  }

  @Test
  void misuseIsRefused() throws IOException {
    try (CsvRows rows = rows("a,b\n1,2\n3,4\n")) {
      assertThrows(IllegalArgumentException.class, () -> rows.selectFeatures(List.of("a", "a")));
      assertThrows(IllegalStateException.class, () -> rows.text(0));
      rows.selectFeatures(List.of("b"));
      assertThrows(IllegalArgumentException.class, () -> rows.next(new float[2]));
      assertTrue(rows.next(new float[1]));
      assertThrows(IllegalStateException.class, () -> rows.selectFeatures(List.of("a")));
      assertThrows(IndexOutOfBoundsException.class, () -> rows.text(2));
    }
    assertThrows(IllegalArgumentException.class,
        () -> new CsvRows(new StringReader("a\n1\n"), "f.csv", '"'));
  }

  @Test
  void aDirectoryIsNotACsvFile() {
    Path dir = CsvReaderErrorsTest.bad("ragged.csv").getParent();
    java.nio.file.FileSystemException e = assertThrows(java.nio.file.FileSystemException.class,
        () -> CsvRows.open(dir, ','));
    assertEquals(dir + ": is a directory, not a CSV file", e.getMessage());
  }
}

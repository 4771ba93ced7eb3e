package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitTest {
  @TempDir
  Path dir;

  private static Path splits(String name) {
    return CsvReaderTest.dataset("splits").resolve(name);
  }

  private static void assertSorted(int[] a) {
    for (int k = 1; k < a.length; k++) {
      if (a[k - 1] >= a[k]) {
        throw new AssertionError("not strictly increasing at " + k);
      }
    }
  }

  @Test
  void shuffledSplitCoversEveryRowOnce() {
    Split s = Split.shuffled(1000, 0.2, 5);
    assertEquals(800, s.train().length);
    assertEquals(200, s.test().length);
    assertSorted(s.train());
    assertSorted(s.test());
    BitSet all = new BitSet();
    for (int r : s.train()) {
      all.set(r);
    }
    for (int r : s.test()) {
      all.set(r);
    }
    assertEquals(1000, all.cardinality());
    assertEquals(999, all.length() - 1);
  }

  @Test
  void shuffledSplitIsSeeded() {
    assertEquals(Split.shuffled(300, 0.25, 1), Split.shuffled(300, 0.25, 1));
    assertNotEquals(Split.shuffled(300, 0.25, 1), Split.shuffled(300, 0.25, 2));
  }

  @Test
  void heldOutCountRoundsUpAsScikitLearn() {
    assertEquals(7, Split.shuffled(32, 0.2, 0).test().length); // ceil(6.4)
    assertEquals(7, Split.shuffled(100, 0.07, 0).test().length); // 0.07 * 100 is 7.000000000000001
    assertEquals(0, Split.shuffled(10, 0.0, 0).test().length);
    assertEquals(1, Split.shuffled(2, 0.5, 0).test().length);
  }

  @Test
  void shuffledSplitChecksItsArguments() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Split.shuffled(1, 0.5, 0));
    assertEquals("testFraction 0.5 of 1 rows leaves no training rows", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Split.shuffled(10, 1.0, 0));
    assertThrows(IllegalArgumentException.class, () -> Split.shuffled(10, -0.1, 0));
    assertThrows(IllegalArgumentException.class, () -> Split.shuffled(10, Double.NaN, 0));
  }

  @Test
  void constructorSortsAndChecks() {
    Split s = new Split(new int[] {5, 1, 3}, new int[] {4, 0});
    assertArrayEquals(new int[] {1, 3, 5}, s.train());
    assertArrayEquals(new int[] {0, 4}, s.test());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Split(new int[] {1, 2}, new int[] {2}));
    assertEquals("row 2 is in both train and test", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Split(new int[] {1, 1}, new int[0]));
    assertThrows(IllegalArgumentException.class, () -> new Split(new int[] {-1}, new int[0]));
  }

  @Test
  void accessorsReturnCopies() {
    Split s = new Split(new int[] {1, 2}, new int[] {0});
    s.train()[0] = 99;
    assertArrayEquals(new int[] {1, 2}, s.train());
  }

  @Test
  void shippedSpambaseSplit() throws IOException {
    int[] train = Split.readIndices(splits("spambase.train.idx"));
    assertEquals(3680, train.length);
    Split s = Split.read(splits("spambase.train.idx"), splits("spambase.test.idx"), 4601);
    assertEquals(3680, s.train().length);
    assertEquals(921, s.test().length);
    assertArrayEquals(train, s.train());
    assertEquals(4601, s.train().length + s.test().length);
  }

  @Test
  void shippedMtcarsSplitStartsAsTheFileDoes() throws IOException {
    int[] test = Split.readIndices(splits("mtcars.test.idx"), 32);
    assertArrayEquals(new int[] {1, 2, 4, 8, 13}, java.util.Arrays.copyOf(test, 5));
    assertEquals(7, test.length);
  }

  @Test
  void crlfBomSpacesAndTrailingEmptyLines() throws IOException {
    Path file = dir.resolve("i.idx");
    Files.write(file, "\uFEFF3\r\n 1 \r\n2\r\n\r\n\n".getBytes(StandardCharsets.UTF_8));
    assertArrayEquals(new int[] {3, 1, 2}, Split.readIndices(file));
  }

  private static void assertError(Path file, int rows, String expected) {
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> Split.readIndices(file, rows));
    assertEquals(file + ":" + expected, e.getMessage());
  }

  @Test
  void notAnIndex() {
    assertError(CsvReaderErrorsTest.bad("splits/not_an_index.idx"), 10,
        "3:1: \"x2\" is not a row index (a 0-based integer)");
  }

  @Test
  void negativeIndex() {
    assertError(CsvReaderErrorsTest.bad("splits/negative.idx"), 10,
        "2:1: row index -3 is negative");
  }

  @Test
  void duplicateIndex() {
    assertError(CsvReaderErrorsTest.bad("splits/duplicate.idx"), 10,
        "4:1: row 4 is listed twice, on lines 2 and 4");
  }

  @Test
  void indexOutOfRange() {
    assertError(CsvReaderErrorsTest.bad("splits/out_of_range.idx"), 5,
        "3:1: row 7 is out of range: the data has 5 rows (0 to 4)");
  }

  @Test
  void emptyLineInTheMiddle() {
    assertError(CsvReaderErrorsTest.bad("splits/empty_line.idx"), 10,
        "2:0: empty line; expected a row index");
  }

  @Test
  void emptyIndexFile() throws IOException {
    Path file = Files.write(dir.resolve("none.idx"), new byte[0]);
    assertError(file, 10, "1:0: the file has no row indices");
  }

  @Test
  void hugeIndex() throws IOException {
    Path file = Files.writeString(dir.resolve("big.idx"), "0\n99999999999999999999\n");
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> Split.readIndices(file));
    assertEquals(file + ":2:1: row 99999999999999999999 is out of range: the largest index is "
        + (Integer.MAX_VALUE - 1), e.getMessage());
  }

  @Test
  void testRowsThatAreAlsoTrainingRows() {
    Path train = CsvReaderErrorsTest.bad("splits/train.idx");
    Path test = CsvReaderErrorsTest.bad("splits/overlap.idx");
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> Split.read(train, test, 10));
    assertEquals(test + ":2:1: row 2 is also a training row (in " + train + ")", e.getMessage());
  }

  @Test
  void aTestSplitIsSeededAndApartFromTheValidationSplit() {
    Split test = Split.forTest(1000, 0.2, 42);
    assertEquals(test, Split.forTest(1000, 0.2, 42));
    assertEquals(200, test.test().length);
    assertEquals(800, test.train().length);
    assertNotEquals(Split.shuffled(1000, 0.2, 42), test, "a stream of its own");
    BitSet held = new BitSet();
    for (int row : test.test()) {
      held.set(row);
    }
    int shared = 0;
    for (int row : Split.shuffled(1000, 0.2, 42).test()) {
      shared += held.get(row) ? 1 : 0;
    }
    // Independent picks share about 0.2 x 200 = 40 rows; the same stream would share 200.
    assertEquals(40, shared, 20);
    for (double bad : new double[] {0, 1, -0.5, 1.5, Double.NaN}) {
      assertThrows(IllegalArgumentException.class, () -> Split.forTest(10, bad, 1));
    }
    assertThrows(IllegalArgumentException.class, () -> Split.forTest(3, 0.9, 1),
        "no row left to train on");
  }
}

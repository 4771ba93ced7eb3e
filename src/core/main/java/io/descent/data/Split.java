package io.descent.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.SplittableRandom;

/**
 * A division of a dataset's rows into training rows and held-out (test or validation) rows.
 *
 * <p>Both arrays hold 0-based row indices, sorted ascending, without duplicates, and no row is in
 * both; the constructor copies and sorts what it is given and checks the rest. Use the rows with
 * {@link Dataset#rows(int[])}.
 *
 * @param train the training rows
 * @param test the held-out rows
 */
public record Split(int[] train, int[] test) {
  /**
   * Copies and sorts both arrays.
   *
   * @throws IllegalArgumentException for a negative index, a row listed twice in one array, or a
   *     row in both
   */
  public Split {
    train = sortedCopy(train, "train");
    test = sortedCopy(test, "test");
    for (int i = 0, j = 0; i < train.length && j < test.length; ) {
      if (train[i] == test[j]) {
        throw new IllegalArgumentException("row " + train[i] + " is in both train and test");
      } else if (train[i] < test[j]) {
        i++;
      } else {
        j++;
      }
    }
  }

  /**
   * A seeded random split: {@code ceil(rows * testFraction)} rows are held out (as
   * scikit-learn's {@code train_test_split} counts them), the rest train. The held-out rows are
   * the first ones of {@link Shuffle#permutation(int, long) Shuffle.permutation(rows, seed)}.
   *
   * @param rows the number of rows n; the split covers {@code 0..n-1}
   * @param testFraction the fraction held out, in [0, 1)
   * @param seed the random seed; the same seed gives the same split
   * @throws IllegalArgumentException if the fraction is outside [0, 1) or leaves no training row
   */
  public static Split shuffled(int rows, double testFraction, long seed) {
    if (rows < 0) {
      throw new IllegalArgumentException("rows must be >= 0, got " + rows);
    }
    if (!(testFraction >= 0 && testFraction < 1)) {
      throw new IllegalArgumentException("testFraction must be in [0, 1), got " + testFraction);
    }
    // The tolerance keeps 0.07 * 100 = 7.000000000000001 from rounding up to 8.
    int held = (int) Math.ceil(rows * testFraction - 1e-9);
    if (rows > 0 && held >= rows) {
      throw new IllegalArgumentException("testFraction " + testFraction + " of " + rows
          + " rows leaves no training rows");
    }
    int[] order = Shuffle.permutation(rows, seed);
    return new Split(Arrays.copyOfRange(order, held, rows), Arrays.copyOfRange(order, 0, held));
  }

  /**
   * A seeded random split into rows to train on and test rows set aside before training, as
   * {@link #shuffled(int, double, long)} with a random stream of its own: a trainer's validation
   * split of the remaining rows, drawn with the same seed, then picks rows independently of the
   * test rows rather than the rows at the same places of the same permutation.
   *
   * @param rows the number of rows n; the split covers {@code 0..n-1}
   * @param testFraction the fraction set aside, in (0, 1)
   * @param seed the random seed; the same seed gives the same split
   * @throws IllegalArgumentException if the fraction is outside (0, 1) or leaves no row to train
   *     on
   */
  public static Split forTest(int rows, double testFraction, long seed) {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("testFraction must be in (0, 1), got " + testFraction);
    }
    int held = (int) Math.ceil(rows * testFraction - 1e-9);
    if (rows > 0 && held >= rows) {
      throw new IllegalArgumentException("testFraction must leave a row to train on: "
          + testFraction + " of " + rows + " rows leaves none");
    }
    // split() draws a child generator with its own gamma: a stream apart from the seed's own.
    return shuffled(rows, testFraction, new SplittableRandom(seed).split().nextLong());
  }

  /**
   * Reads row indices, one 0-based integer per line, in file order (as in
   * {@code datasets/splits/*.idx}). Spaces around a number, CRLF line ends, a UTF-8 byte-order
   * mark and empty lines at the end are accepted.
   *
   * @throws DataFormatException for a line that is not a non-negative integer, a row listed
   *     twice, an empty line before the end, or a file with no indices
   * @throws IOException when the file cannot be read
   */
  public static int[] readIndices(Path file) throws IOException {
    return readIndices(file, Integer.MAX_VALUE);
  }

  /**
   * Reads row indices as {@link #readIndices(Path)} does, and checks each is below {@code rows}.
   *
   * @throws DataFormatException also for an index {@code >= rows}
   * @throws IOException when the file cannot be read
   */
  public static int[] readIndices(Path file, int rows) throws IOException {
    String name = file.toString();
    int[] indices = new int[1024];
    int count = 0;
    BitSet seen = new BitSet();
    long emptyLine = 0;
    long lineNumber = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNumber++;
        if (lineNumber == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1);
        }
        String text = line.strip();
        if (text.isEmpty()) {
          if (emptyLine == 0) {
            emptyLine = lineNumber;
          }
          continue;
        }
        if (emptyLine != 0) {
          throw new DataFormatException(name, emptyLine, 0, "empty line; expected a row index");
        }
        int row = parseIndex(text, name, lineNumber, rows);
        if (seen.get(row)) {
          int first = 0;
          while (indices[first] != row) {
            first++;
          }
          // Empty lines only occur at the end, so index k is on line k + 1.
          throw new DataFormatException(name, lineNumber, 1, "row " + row
              + " is listed twice, on lines " + (first + 1) + " and " + lineNumber);
        }
        seen.set(row);
        if (count == indices.length) {
          indices = Arrays.copyOf(indices, count * 2);
        }
        indices[count++] = row;
      }
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new DataFormatException(name, lineNumber + 1, 0, "the file is not UTF-8 text");
    }
    if (count == 0) {
      throw new DataFormatException(name, 1, 0, "the file has no row indices");
    }
    return Arrays.copyOf(indices, count);
  }

  /**
   * Reads a split from two index files (as {@link #readIndices(Path, int)} does) and checks that
   * no row is in both.
   *
   * @throws DataFormatException for a bad line in either file, or a test row that is also a
   *     training row (reported at its line in the test file)
   * @throws IOException when a file cannot be read
   */
  public static Split read(Path trainFile, Path testFile, int rows) throws IOException {
    int[] train = readIndices(trainFile, rows);
    int[] test = readIndices(testFile, rows);
    BitSet inTrain = new BitSet();
    for (int row : train) {
      inTrain.set(row);
    }
    for (int k = 0; k < test.length; k++) {
      if (inTrain.get(test[k])) {
        throw new DataFormatException(testFile.toString(), k + 1, 1, "row " + test[k]
            + " is also a training row (in " + trainFile + ")");
      }
    }
    return new Split(train, test);
  }

  private static int parseIndex(String text, String file, long line, int rows) {
    boolean negative = text.startsWith("-");
    String digits = negative ? text.substring(1) : text;
    if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new DataFormatException(file, line, 1, "\"" + text
          + "\" is not a row index (a 0-based integer)");
    }
    if (negative) {
      throw new DataFormatException(file, line, 1, "row index " + text + " is negative");
    }
    long value = digits.length() > 10 ? Long.MAX_VALUE : Long.parseLong(digits);
    if (value >= rows) {
      throw new DataFormatException(file, line, 1, "row " + text + " is out of range: "
          + (rows == Integer.MAX_VALUE ? "the largest index is " + (Integer.MAX_VALUE - 1)
              : "the data has " + rows + " rows (0 to " + (rows - 1) + ")"));
    }
    return (int) value;
  }

  private static int[] sortedCopy(int[] rows, String name) {
    int[] copy = rows.clone();
    Arrays.sort(copy);
    for (int k = 0; k < copy.length; k++) {
      if (copy[k] < 0) {
        throw new IllegalArgumentException(name + " holds a negative row, " + copy[k]);
      }
      if (k > 0 && copy[k] == copy[k - 1]) {
        throw new IllegalArgumentException(name + " holds row " + copy[k] + " twice");
      }
    }
    return copy;
  }

  /** The training rows, sorted (a copy). */
  @Override
  public int[] train() {
    return train.clone();
  }

  /** The held-out rows, sorted (a copy). */
  @Override
  public int[] test() {
    return test.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Split s && Arrays.equals(train, s.train) && Arrays.equals(test, s.test);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(train) + Arrays.hashCode(test);
  }

  @Override
  public String toString() {
    return "Split[" + train.length + " train, " + test.length + " test]";
  }
}

package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.loss.Loss;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator's number formatting (7 significant digits, correctly rounded in practice), and its
 * in-memory dataset, which equals what the reader makes of the written file.
 */
class SyntheticDataTest {
  @Test
  void multinomialClassWeightsAreTheOnesTheClassesAreDrawnFrom() {
    int classes = 4;
    int d = 5;
    int n = 40_000;
    SyntheticData generator = new SyntheticData(n, d, classes, 11);
    double[][] w = generator.classWeights();
    double[] b = generator.classIntercepts();
    assertEquals(classes, w.length);
    assertEquals(classes, b.length);
    assertArrayEquals(generator.weights(), w[0], "class 0's are weights()");
    assertEquals(SyntheticData.INTERCEPT, b[0]);
    for (int c = 1; c < classes; c++) {
      assertEquals(d, w[c].length);
      assertEquals(0.0, b[c]);
    }
    // The mean softmax probability of each class under these margins matches its share of the
    // drawn rows (within 4 standard errors); with one class's weights swapped for another's it
    // does not.
    Dataset data = generator.dataset();
    double[] predicted = meanSoftmax(data, w, b);
    double[][] swapped = w.clone();
    swapped[1] = w[2];
    swapped[2] = w[1];
    double[] wrong = meanSoftmax(data, swapped, b);
    boolean wrongFits = true;
    for (int c = 0; c < classes; c++) {
      double share = 0;
      for (double y : data.y()) {
        share += y == c ? 1.0 / n : 0;
      }
      double tolerance = 4 * Math.sqrt(share * (1 - share) / n);
      assertEquals(share, predicted[c], tolerance, "class " + c);
      wrongFits &= Math.abs(share - wrong[c]) <= tolerance;
    }
    assertTrue(!wrongFits, "swapped class weights fit the draws as well");
    assertEquals(1, new SyntheticData(10, 3, Loss.LOGISTIC, 1, 0).classWeights().length);
  }

  /** The mean over rows of softmax(b + W u), u the standardized features. */
  private static double[] meanSoftmax(Dataset data, double[][] w, double[] b) {
    int d = data.features();
    double[] mean = new double[w.length];
    double[] m = new double[w.length];
    for (int i = 0; i < data.rows(); i++) {
      double top = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < w.length; c++) {
        m[c] = b[c];
        for (int j = 0; j < d; j++) {
          double u = (data.x()[i * d + j] - SyntheticData.offset(j)) / SyntheticData.scale(j);
          m[c] += w[c][j] * u;
        }
        top = Math.max(top, m[c]);
      }
      double total = 0;
      for (int c = 0; c < w.length; c++) {
        m[c] = Math.exp(m[c] - top);
        total += m[c];
      }
      for (int c = 0; c < w.length; c++) {
        mean[c] += m[c] / total / data.rows();
      }
    }
    return mean;
  }

  @TempDir
  Path dir;

  @Test
  void decimalsHaveSevenSignificantDigitsAndAgreeWithPrintf() {
    SplittableRandom r = new SplittableRandom(1);
    int differ = 0;
    for (int i = 0; i < 100_000; i++) {
      double v = r.nextGaussian() * Math.pow(10, r.nextInt(-12, 12));
      StringBuilder b = new StringBuilder();
      SyntheticData.appendDecimal(b, v);
      double back = Double.parseDouble(b.toString());
      assertTrue(Math.abs(back - v) <= 5.000001e-7 * Math.abs(v), b + " for " + v);
      double printf = Double.parseDouble(String.format(Locale.ROOT, "%.7g", v));
      if (back != printf) {
        differ++; // only at exact decimal ties, where scaling rounds differently
      }
    }
    assertTrue(differ < 50, differ + " of 100000 differ from %.7g");
  }

  @Test
  void datasetIsBitForBitWhatTheCsvReaderReadsFromTheWrittenFile() throws Exception {
    // 23 features: column 0 has scale 1e-3 and offset 0, so some values are below 1e-4 and take
    // the reader's slower paths.
    for (Loss loss : new Loss[] {Loss.LINEAR, Loss.LOGISTIC}) {
      SyntheticData generator = new SyntheticData(3000, 23, loss, 17);
      StringWriter text = new StringWriter();
      generator.write(text);
      Path file = dir.resolve(loss.label() + ".csv");
      Files.writeString(file, text.toString());
      CsvReader.Options options = loss == Loss.LINEAR ? CsvReader.Options.numericTarget("y")
          : CsvReader.Options.binaryTarget("y");
      Dataset read = new CsvReader(options).read(file);
      Dataset made = generator.dataset();
      assertEquals(read.featureNames(), made.featureNames());
      assertEquals(read.targetName(), made.targetName());
      assertEquals(read.labels(), made.labels());
      assertEquals(read.rows(), made.rows());
      assertArrayEquals(read.x(), made.x(), loss.label());
      assertArrayEquals(read.y(), made.y(), loss.label());
    }
    // The same arguments give the same data.
    assertArrayEquals(new SyntheticData(50, 4, Loss.LINEAR, 3).dataset().x(),
        new SyntheticData(50, 4, Loss.LINEAR, 3).dataset().x());
  }

  @Test
  void featuresAreCorrelatedNeighboursOnMixedScales() {
    // What the README and the class comment promise: neighbouring features correlate at 0.6
    // (k apart at 0.6^k), feature j has standard deviation 10^((j mod 7) - 3) and mean
    // 3 scale_j (j mod 3). 20000 rows: a correlation's standard error is about 0.005, a standard
    // deviation's 0.5%, a mean's 0.7% of the scale.
    int n = 20_000;
    int d = 10;
    for (Loss loss : new Loss[] {Loss.LINEAR, Loss.LOGISTIC}) {
      Dataset data = new SyntheticData(n, d, loss, 3).dataset();
      float[] x = data.x();
      double[] mean = new double[d];
      double[] sd = new double[d];
      for (int j = 0; j < d; j++) {
        for (int i = 0; i < n; i++) {
          mean[j] += x[i * d + j];
        }
        mean[j] /= n;
        for (int i = 0; i < n; i++) {
          double c = x[i * d + j] - mean[j];
          sd[j] += c * c;
        }
        sd[j] = Math.sqrt(sd[j] / n);
        double scale = SyntheticData.scale(j);
        assertEquals(Math.pow(10, (j % 7) - 3), scale, 1e-12 * scale);
        assertEquals(1.0, sd[j] / scale, 0.05, "standard deviation of x" + j);
        assertEquals(SyntheticData.offset(j), mean[j], 0.05 * scale, "mean of x" + j);
      }
      double smallest = Arrays.stream(sd).min().getAsDouble();
      double largest = Arrays.stream(sd).max().getAsDouble();
      assertTrue(largest / smallest > 0.5e6, "scales span 1e-3 to 1e3: " + smallest + " to "
          + largest);
      for (int lag = 1; lag <= 2; lag++) {
        for (int j = 0; j + lag < d; j++) {
          double c = 0;
          for (int i = 0; i < n; i++) {
            c += (x[i * d + j] - mean[j]) * (x[i * d + j + lag] - mean[j + lag]);
          }
          double r = c / n / (sd[j] * sd[j + lag]);
          assertEquals(Math.pow(SyntheticData.CORRELATION, lag), r, 0.03,
              loss.label() + ": correlation of x" + j + " and x" + (j + lag));
        }
      }
    }
    assertEquals(0.6, SyntheticData.CORRELATION);
  }

  @Test
  void datasetTooLargeForOneArrayIsRefusedBeforeAllocating() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SyntheticData(1L << 31, 1, Loss.LINEAR, 1).dataset());
    assertTrue(e.getMessage().contains("does not fit one float array"), e.getMessage());
  }

  @Test
  void specialShapes() {
    assertEquals("0", format(0.0));
    assertEquals("1.000000", format(1.0));
    assertEquals("-123.4568", format(-123.45678));
    assertEquals("0.00001234568", format(1.2345678e-5));
    assertEquals("1.234568E-6", format(1.2345678e-6));
    assertEquals("1234568.", format(1234567.8));
    assertEquals("1.234568E7", format(12345678));
    assertEquals("9.999999", format(9.9999994));
    assertEquals("10.00000", format(9.99999996));
  }

  private static String format(double v) {
    StringBuilder b = new StringBuilder();
    SyntheticData.appendDecimal(b, v);
    return b.toString();
  }

  /**
   * The estimate of the written size: exact up to {@link SyntheticData#ESTIMATE_ROWS} rows (it
   * measures them), within 1% beyond; saturated, not wrapped, where the rows' bytes pass a long.
   */
  @Test
  void theEstimatedSizeIsTheWrittenOne() throws Exception {
    for (long rows : new long[] {1, 7, SyntheticData.ESTIMATE_ROWS, 5000}) {
      SyntheticData data = new SyntheticData(rows, 5, Loss.LOGISTIC, 3);
      StringWriter text = new StringWriter();
      data.write(text);
      long written = text.toString().length();
      if (rows <= SyntheticData.ESTIMATE_ROWS) {
        assertEquals(written, data.estimatedBytes(), "rows " + rows);
      } else {
        assertEquals(written, data.estimatedBytes(), 0.01 * written, "rows " + rows);
      }
    }
    assertEquals(Long.MAX_VALUE, new SyntheticData(Long.MAX_VALUE / 2, 40, Loss.LINEAR, 1)
        .estimatedBytes());
  }
}

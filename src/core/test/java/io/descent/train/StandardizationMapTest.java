package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.Columns;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import java.io.IOException;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A model standardized on its own rows, evaluated by a backend standardized on all rows through
 * the map, gets the loss and gradient a backend opened with its own standardization computes.
 */
class StandardizationMapTest {
  private static Dataset diabetes() throws IOException {
    return new CsvReader(CsvReader.Options.numericTarget("progression"))
        .read(ReferenceProblems.datasets().resolve("diabetes.csv"));
  }

  @Test
  void mappedEvaluationEqualsTheOwnStandardizationsEvaluation() throws IOException {
    Dataset data = diabetes();
    // The fold's own rows: every third row left out; its standardization differs from all rows'.
    int[] rows = IntStream.range(0, data.rows()).filter(i -> i % 3 != 0).toArray();
    Standardization own = Standardization.fit(data.rows(rows));
    Standardization base = Standardization.fit(data);
    int[] fold = new int[data.rows()];
    for (int i = 0; i < fold.length; i++) {
      fold[i] = i % 3 == 0 ? 1 : 0;
    }
    StandardizationMap map = new StandardizationMap(own, base);
    assertTrue(!map.isIdentity());
    int p = data.features() + 1;
    Random r = new Random(7);
    for (Loss loss : new Loss[] {Loss.LINEAR, Loss.LOGISTIC}) {
      Dataset d = loss == Loss.LINEAR ? data : binary(data);
      Columns columns = Columns.of(loss, 1).withFolds(fold, new int[] {1});
      ReferenceBackend ownBackend = new ReferenceBackend(d, own, columns);
      ReferenceBackend baseBackend = new ReferenceBackend(d, base, columns);
      for (int trial = 0; trial < 5; trial++) {
        double[] theta = new double[p];
        for (int j = 0; j < p; j++) {
          theta[j] = (loss == Loss.LINEAR ? 30 : 0.5) * r.nextGaussian();
        }
        BatchedEvaluation expected = ownBackend.evaluateColumns(theta, Batch.all(d.rows()));
        BatchedEvaluation mapped = baseBackend.evaluateColumns(map.toBase(theta),
            Batch.all(d.rows()));
        assertEquals(expected.loss()[0], mapped.loss()[0],
            1e-12 * Math.abs(expected.loss()[0]), loss + " loss");
        double[] g = map.gradientToOwn(mapped.gradient(), 0, p);
        double scale = 0;
        for (double v : expected.gradient()) {
          scale = Math.max(scale, Math.abs(v));
        }
        assertArrayEquals(expected.gradient(), g, 1e-11 * scale, loss + " gradient");
        assertEquals(expected.weight()[0], rows.length, 0.0);
      }
    }
  }

  @Test
  void theSameStandardizationIsTheIdentityAndColumnsMapAlike() throws IOException {
    Dataset data = diabetes();
    Standardization s = Standardization.fit(data);
    assertTrue(new StandardizationMap(s, s).isIdentity());
    Standardization own = Standardization.fit(data.rows(IntStream.range(0, 200).toArray()));
    StandardizationMap map = new StandardizationMap(own, s);
    int p = data.features() + 1;
    double[] two = new double[2 * p];
    for (int j = 0; j < two.length; j++) {
      two[j] = j - 7.5;
    }
    double[] mapped = map.toBase(two);
    assertArrayEquals(map.toBase(java.util.Arrays.copyOfRange(two, p, 2 * p)),
        java.util.Arrays.copyOfRange(mapped, p, 2 * p), 0.0);
  }

  private static Dataset binary(Dataset data) {
    double[] y = data.y().clone();
    double median = java.util.Arrays.stream(y).sorted().toArray()[y.length / 2];
    for (int i = 0; i < y.length; i++) {
      y[i] = y[i] > median ? 1 : 0;
    }
    return new Dataset(data.source(), data.featureNames(), "high", data.x(), y, null);
  }
}

package io.descent.gradient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.data.SyntheticData;
import io.descent.loss.Loss;
import org.junit.jupiter.api.Test;

/**
 * The reference's evaluation of a large batch in blocks ({@link ReferenceBackend#BLOCK_ROWS}
 * rows each, on the common pool): the same as its parts evaluated one by one (each small enough
 * to be summed in one sweep) and combined, to rounding; and the same bits on every run.
 */
class ReferenceBlocksTest {
  @Test
  void aLargeBatchIsItsPartsCombined() {
    int rows = 2 * ReferenceBackend.BLOCK_ROWS + 1234;
    Dataset data = new SyntheticData(rows, 6, Loss.LOGISTIC, 7).dataset();
    ReferenceBackend reference = new ReferenceBackend(data, Standardization.fit(data),
        Loss.LOGISTIC);
    double[] theta = {0.3, -0.2, 0.5, 0.1, -0.7, 0.05, 0.2};
    BatchedEvaluation all = reference.evaluateColumns(theta, Batch.all(rows));
    // Three parts below the blocked size, weighted by their rows.
    int[] cuts = {0, 20000, 45000, rows};
    double loss = 0;
    double[] gradient = new double[theta.length];
    for (int k = 0; k + 1 < cuts.length; k++) {
      BatchedEvaluation part = reference.evaluateColumns(theta,
          new Batch(null, cuts[k], cuts[k + 1]));
      double share = (cuts[k + 1] - cuts[k]) / (double) rows;
      loss += part.loss()[0] * share;
      for (int j = 0; j < gradient.length; j++) {
        gradient[j] += part.gradient()[j] * share;
      }
    }
    assertEquals(loss, all.loss()[0], 1e-15 * Math.abs(loss));
    for (int j = 0; j < gradient.length; j++) {
      assertEquals(gradient[j], all.gradient()[j], 1e-14 * Math.abs(all.loss()[0]), "entry " + j);
    }
    assertEquals(rows, all.weight()[0]);
    // Deterministic: the blocks are fixed and added in order, whatever the threads.
    for (int run = 0; run < 3; run++) {
      BatchedEvaluation again = reference.evaluateColumns(theta, Batch.all(rows));
      assertEquals(all.loss()[0], again.loss()[0]);
      assertArrayEquals(all.gradient(), again.gradient());
    }
    ReferenceBackend.Scaled scaled = reference.evaluateScaled(theta, Batch.all(rows));
    assertEquals(all.loss()[0], scaled.evaluation().loss());
    assertArrayEquals(all.gradient(), scaled.evaluation().gradient());
  }
}

package io.descent.gradient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.loss.Loss;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link GradientBackend} meets, checked against {@link ReferenceBackend}:
 * subclass it once per implementation and implement {@link #open}.
 */
public abstract class GradientBackendContractTest {

  /** Opens the backend under test on the data. */
  protected abstract GradientBackend open(Dataset data, Standardization standardization,
      Loss loss);

  /** Random features on mixed scales: column j has scale 10^(j mod 7 - 3) and a mean offset. */
  public static Dataset randomData(int n, int d, Loss loss, long seed) {
    Random rnd = new Random(seed);
    float[] x = new float[n * d];
    double[] y = new double[n];
    double[] w = new double[d];
    for (int j = 0; j < d; j++) {
      w[j] = rnd.nextGaussian();
    }
    for (int i = 0; i < n; i++) {
      double m = 0;
      for (int j = 0; j < d; j++) {
        double scale = Math.pow(10, (j % 7) - 3);
        double z = rnd.nextGaussian();
        x[i * d + j] = (float) (scale * (z + 0.5 * (j % 3)));
        m += w[j] * z;
      }
      y[i] = loss == Loss.LOGISTIC ? (rnd.nextDouble() < Loss.sigmoid(m) ? 1 : 0)
          : 3.0 + m + 0.5 * rnd.nextGaussian();
    }
    List<String> names = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      names.add("x" + j);
    }
    return new Dataset("random", names, "y", x, y, null);
  }

  /** Random theta of length d + 1 with entries of size about 1/sqrt(d + 1). */
  public static double[] randomTheta(int d, long seed) {
    Random rnd = new Random(seed);
    double[] t = new double[d + 1];
    for (int j = 0; j <= d; j++) {
      t[j] = rnd.nextGaussian() / Math.sqrt(d + 1.0);
    }
    return t;
  }

  /** ||a - b|| / ||b||. */
  public static double relativeError(double[] a, double[] b) {
    double num = 0;
    double den = 0;
    for (int j = 0; j < a.length; j++) {
      num += (a[j] - b[j]) * (a[j] - b[j]);
      den += b[j] * b[j];
    }
    return Math.sqrt(num) / Math.max(Math.sqrt(den), Double.MIN_NORMAL);
  }

  private void assertAgrees(Dataset data, Standardization s, Loss loss, double[] theta,
      Batch batch) {
    ReferenceBackend ref = new ReferenceBackend(data, s, loss);
    try (GradientBackend b = open(data, s, loss)) {
      Evaluation e = b.evaluate(theta, batch);
      Evaluation r = ref.evaluate(theta, batch);
      double gradErr = relativeError(e.gradient(), r.gradient());
      double lossErr = Math.abs(e.loss() - r.loss()) / Math.max(Math.abs(r.loss()), 1e-300);
      String where = b.info().summary() + " " + loss + " n=" + data.rows() + " d="
          + data.features() + " batch=" + batch.from() + ".." + batch.to();
      assertTrue(gradErr <= b.tolerance(),
          where + ": gradient relative error " + gradErr + " > " + b.tolerance());
      assertTrue(lossErr <= b.tolerance(),
          where + ": loss relative error " + lossErr + " > " + b.tolerance());
    }
  }

  @ParameterizedTest
  @EnumSource(value = Loss.class, names = {"LINEAR", "LOGISTIC"})
  void agreesWithReferenceOnFullData(Loss loss) {
    Dataset data = randomData(1001, 13, loss, 1);
    assertAgrees(data, Standardization.fit(data), loss, randomTheta(13, 2), Batch.all(1001));
  }

  @ParameterizedTest
  @EnumSource(value = Loss.class, names = {"LINEAR", "LOGISTIC"})
  void agreesWithoutStandardization(Loss loss) {
    Dataset data = randomData(257, 5, loss, 3);
    assertAgrees(data, Standardization.identity(5), loss, randomTheta(5, 4), Batch.all(257));
  }

  @ParameterizedTest
  @EnumSource(value = Loss.class, names = {"LINEAR", "LOGISTIC"})
  void agreesOnOneRowAndOneFeature(Loss loss) {
    Dataset one = randomData(1, 4, loss, 5);
    assertAgrees(one, Standardization.identity(4), loss, randomTheta(4, 6), Batch.all(1));
    Dataset narrow = randomData(333, 1, loss, 7);
    assertAgrees(narrow, Standardization.fit(narrow), loss, randomTheta(1, 8), Batch.all(333));
  }

  @ParameterizedTest
  @EnumSource(value = Loss.class, names = {"LINEAR", "LOGISTIC"})
  void agreesOnWideData(Loss loss) {
    Dataset data = randomData(300, 1000, loss, 9);
    assertAgrees(data, Standardization.fit(data), loss, randomTheta(1000, 10), Batch.all(300));
  }

  @ParameterizedTest
  @EnumSource(value = Loss.class, names = {"LINEAR", "LOGISTIC"})
  void agreesOnMiniBatches(Loss loss) {
    Dataset data = randomData(500, 7, loss, 11);
    Standardization s = Standardization.fit(data);
    double[] theta = randomTheta(7, 12);
    assertAgrees(data, s, loss, theta, new Batch(null, 100, 233));
    int[] order = new int[500];
    Random rnd = new Random(13);
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int i = order.length - 1; i > 0; i--) {
      int k = rnd.nextInt(i + 1);
      int t = order[i];
      order[i] = order[k];
      order[k] = t;
    }
    assertAgrees(data, s, loss, theta, new Batch(order, 0, 64));
    assertAgrees(data, s, loss, theta, new Batch(order, 448, 500));
  }

  @Test
  void largeMarginsStayFinite() {
    Dataset data = randomData(200, 3, Loss.LOGISTIC, 14);
    double[] theta = {40, 300, -200, 100};
    assertAgrees(data, Standardization.fit(data), Loss.LOGISTIC, theta, Batch.all(200));
  }

  @Test
  void repeatedEvaluationsAreBitIdentical() {
    Dataset data = randomData(2049, 17, Loss.LOGISTIC, 15);
    Standardization s = Standardization.fit(data);
    double[] theta = randomTheta(17, 16);
    try (GradientBackend b = open(data, s, Loss.LOGISTIC)) {
      Evaluation first = b.evaluate(theta, Batch.all(2049));
      for (int k = 0; k < 5; k++) {
        Evaluation again = b.evaluate(theta, Batch.all(2049));
        assertEquals(first.loss(), again.loss(), 0.0);
        assertArrayEquals(first.gradient(), again.gradient(), 0.0);
      }
    }
  }

  @Test
  void closeIsIdempotent() {
    Dataset data = randomData(10, 2, Loss.LINEAR, 17);
    GradientBackend b = open(data, Standardization.fit(data), Loss.LINEAR);
    b.close();
    b.close();
  }
}

package io.descent.gradient.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.BackendKind;
import io.descent.gradient.Batch;
import io.descent.gradient.Evaluation;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.GradientBackendContractTest;
import io.descent.gradient.OpenClOptions;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The OpenCL backend against the reference: the whole backend contract plus what is particular
 * to OpenCL (row counts around the work-group and block sizes, feature counts around the vector
 * width and the narrow/wide switch, values over many orders of magnitude, shuffled batches from
 * a device-side index, the real spambase data). Subclassed once per configuration: both layouts,
 * both precisions, and data forced into many small chunks.
 */
abstract class OpenClBackendTest extends GradientBackendContractTest {

  /** The device, layout and precision under test. */
  abstract OpenClOptions options();

  /** Kernel and chunking knobs; the defaults unless a subclass forces something. */
  Tuning tuning() {
    return Tuning.defaults();
  }

  @BeforeEach
  void requireOpenCl() {
    OpenClAvailability.require();
  }

  @Override
  protected OpenClBackend open(Dataset data, Standardization standardization, Loss loss) {
    return OpenClBackend.open(data, standardization, loss, options(), tuning());
  }

  /** Asserts the backend's evaluation is within its tolerance of the reference's. */
  static void assertClose(GradientBackend backend, ReferenceBackend ref, double[] theta,
      Batch batch, String where) {
    Evaluation e = backend.evaluate(theta, batch);
    Evaluation r = ref.evaluate(theta, batch);
    double gradErr = relativeError(e.gradient(), r.gradient());
    double lossErr = Math.abs(e.loss() - r.loss()) / Math.max(Math.abs(r.loss()), 1e-300);
    String what = backend.info().summary() + " " + where;
    assertTrue(gradErr <= backend.tolerance(),
        what + ": gradient relative error " + gradErr + " > " + backend.tolerance());
    assertTrue(lossErr <= backend.tolerance(),
        what + ": loss relative error " + lossErr + " > " + backend.tolerance());
  }

  private void check(Dataset data, Standardization s, Loss loss, long seed) {
    ReferenceBackend ref = new ReferenceBackend(data, s, loss);
    try (OpenClBackend b = open(data, s, loss)) {
      assertClose(b, ref, randomTheta(data.features(), seed), Batch.all(data.rows()),
          loss + " n=" + data.rows() + " d=" + data.features());
    }
  }

  @Test
  void logisticTargetsMustBeZeroOrOne() {
    // The kernels form the logistic residual by sign and side, exact for targets 0 and 1 only.
    Dataset data = randomData(50, 3, Loss.LINEAR, 32);
    int live = OpenClBackend.liveObjects();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> open(data, Standardization.fit(data), Loss.LOGISTIC).close());
    assertTrue(e.getMessage().contains("logistic targets must be 0 or 1"), e.getMessage());
    assertEquals(live, OpenClBackend.liveObjects());
  }

  @Test
  void rowsFarFromTheOriginAreCentredOnTheDevice() {
    // Columns whose means float32 rounds by up to 0.03 (about 1e6) next to unit and tiny ones:
    // one unweighted column in float32, as in float64, keeps the raw rows on the device and
    // centres them in the kernel; the host takes the rounding of the means back out of the
    // intercept and the gradient, so both agree with the reference within float32's tolerance.
    int n = 3000;
    double[][] x = new double[n][3];
    double[] y = new double[n];
    java.util.Random r = new java.util.Random(33);
    for (int i = 0; i < n; i++) {
      x[i][0] = 1_000_003.7 + 40 * r.nextGaussian();
      x[i][1] = r.nextGaussian();
      x[i][2] = 3.1e-3 + 2e-6 * r.nextGaussian();
      y[i] = x[i][0] - 1_000_003.7 + 30 * x[i][1] + r.nextGaussian() * 20 > 0 ? 1 : 0;
    }
    for (Loss loss : new Loss[] {Loss.LOGISTIC, Loss.LINEAR}) {
      Dataset data = Dataset.of(x, loss == Loss.LINEAR ? column(x, 0) : y);
      Standardization s = Standardization.fit(data);
      ReferenceBackend ref = new ReferenceBackend(data, s, loss);
      try (OpenClBackend b = open(data, s, loss)) {
        assertTrue(b.buildOptions().contains("-DCENTER=1"), b.buildOptions());
        for (long seed = 34; seed < 37; seed++) {
          assertClose(b, ref, randomTheta(3, seed), Batch.all(n), loss + " seed " + seed);
        }
      }
    }
  }

  @Test
  void aFloat64BackendReadsTheFloat32BackendsRows() {
    // The float64 finish of a float32 fit opens on the float32 backend's own copy of the rows:
    // the same bits as a float64 backend with a copy of its own; the float32 backend (which
    // owns the rows) still evaluates after it closed, and releases everything when it closes.
    // A float64 backend offers no such backend.
    Dataset data = randomData(2500, 13, Loss.LOGISTIC, 80);
    Standardization s = Standardization.fit(data);
    ReferenceBackend ref = new ReferenceBackend(data, s, Loss.LOGISTIC);
    double[] theta = randomTheta(13, 81);
    int live = OpenClBackend.liveObjects();
    if (options().precision().equals("double")) {
      try (OpenClBackend f64 = open(data, s, Loss.LOGISTIC)) {
        assertFalse(f64.sharesRowsWithFloat64(), "a float64 backend is the finish already");
        assertThrows(IllegalStateException.class, f64::float64OnTheSameRows);
      }
      assertEquals(live, OpenClBackend.liveObjects());
      return;
    }
    try (OpenClBackend f32 = open(data, s, Loss.LOGISTIC)) {
      assertTrue(f32.sharesRowsWithFloat64());
      try (OpenClBackend own = OpenClBackend.open(data, s, Loss.LOGISTIC,
          options().withPrecision("double"), tuning());
          OpenClBackend twin = f32.float64OnTheSameRows()) {
        assertEquals("float64", twin.info().precision());
        assertFalse(twin.sharesRowsWithFloat64());
        for (Batch batch : new Batch[] {Batch.all(2500), new Batch(shuffle(2500, 82), 0, 700)}) {
          Evaluation a = own.evaluate(theta, batch);
          Evaluation b = twin.evaluate(theta, batch);
          assertEquals(a.loss(), b.loss());
          assertArrayEquals(a.gradient(), b.gradient());
        }
      }
      assertClose(f32, ref, theta, Batch.all(2500), "after the float64 backend closed");
    }
    assertEquals(live, OpenClBackend.liveObjects());
  }

  private static double[] column(double[][] x, int j) {
    double[] c = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      c[i] = x[i][j] / 1000;
    }
    return c;
  }

  @Test
  void infoNamesTheDeviceLayoutAndPrecision() {
    Dataset data = randomData(10, 3, Loss.LINEAR, 30);
    try (OpenClBackend b = open(data, Standardization.fit(data), Loss.LINEAR)) {
      assertEquals(BackendKind.OPENCL, b.info().kind());
      assertEquals(options().precision().equals("double") ? "float64" : "float32",
          b.info().precision());
      assertEquals(options().layout(), b.info().layout());
      assertTrue(OpenClBackend.devices().stream()
          .anyMatch(d -> d.name().equals(b.info().device())), b.info().device());
      assertEquals(10, b.rows());
      assertEquals(3, b.features());
    }
  }

  @Test
  void theKernelBuildIsMeasuredAsPartOfTheOpen() {
    Dataset data = randomData(100, 6, Loss.LOGISTIC, 31);
    Standardization s = Standardization.fit(data);
    long start = System.nanoTime();
    try (OpenClBackend b = open(data, s, Loss.LOGISTIC)) {
      double open = (System.nanoTime() - start) / 1e9;
      assertTrue(b.buildSeconds() > 0 && b.buildSeconds() <= open,
          "build " + b.buildSeconds() + " s of an open of " + open + " s");
    }
    assertEquals(0.0, new ReferenceBackend(data, s, Loss.LOGISTIC).buildSeconds(),
        "the reference builds nothing");
  }

  @ParameterizedTest
  @EnumSource(value = Loss.class, names = {"LINEAR", "LOGISTIC"})
  void agreesForRowCountsAroundBlockAndGroupSizes(Loss loss) {
    for (int n : new int[] {1, 2, 7, 8, 9, 127, 128, 129, 1000, 4099}) {
      Dataset data = randomData(n, 3, loss, 31 + n);
      check(data, n == 1 ? Standardization.identity(3) : Standardization.fit(data), loss, 32);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Loss.class, names = {"LINEAR", "LOGISTIC"})
  void agreesForFeatureCountsAroundVectorWidthAndKernelSwitch(Loss loss) {
    for (int d : new int[] {1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 34, 63, 64, 65, 129}) {
      Dataset data = randomData(211, d, loss, 40 + d);
      check(data, Standardization.fit(data), loss, 41);
    }
  }

  /** Columns from 1e-12 to 1e12 with offsets of several spreads: standardization must hold. */
  @ParameterizedTest
  @EnumSource(value = Loss.class, names = {"LINEAR", "LOGISTIC"})
  void agreesOnValuesOverManyOrdersOfMagnitude(Loss loss) {
    int n = 777;
    int d = 25;
    Random rnd = new Random(50);
    float[] x = new float[n * d];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double m = 0;
      for (int j = 0; j < d; j++) {
        double scale = Math.pow(10, j - 12);
        double z = rnd.nextGaussian();
        x[i * d + j] = (float) (scale * (z + 3 * (j % 4)));
        m += z * ((j % 3) - 1);
      }
      y[i] = loss == Loss.LOGISTIC ? (rnd.nextDouble() < Loss.sigmoid(m) ? 1 : 0) : m + 1e5;
    }
    List<String> names = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      names.add("c" + j);
    }
    Dataset data = new Dataset("magnitudes", names, "y", x, y, null);
    check(data, Standardization.fit(data), loss, 51);
  }

  @Test
  void shuffledBatchesFollowTheOrderAndItsReplacement() {
    int n = 1500;
    Dataset data = randomData(n, 9, Loss.LOGISTIC, 60);
    Standardization s = Standardization.fit(data);
    ReferenceBackend ref = new ReferenceBackend(data, s, Loss.LOGISTIC);
    double[] theta = randomTheta(9, 61);
    try (OpenClBackend b = open(data, s, Loss.LOGISTIC)) {
      int[] first = shuffle(n, 62);
      int[] second = shuffle(n, 63);
      for (int[] order : new int[][] {first, second, first}) {
        for (int from = 0; from < n; from += 256) {
          Batch batch = new Batch(order, from, Math.min(n, from + 256));
          assertClose(b, ref, theta, batch, "batch " + from);
        }
      }
      Evaluation a = b.evaluate(theta, new Batch(first, 0, 100));
      Evaluation c = b.evaluate(theta, new Batch(second, 0, 100));
      assertNotEquals(a.loss(), c.loss());
      Evaluation again = b.evaluate(theta, new Batch(first, 0, 100));
      assertEquals(a.loss(), again.loss(), 0.0);
      assertArrayEquals(a.gradient(), again.gradient(), 0.0);
    }
  }

  @Test
  void anOrderMayCoverOnlySomeRows() {
    Dataset data = randomData(400, 6, Loss.LINEAR, 70);
    Standardization s = Standardization.fit(data);
    int[] subset = new int[150];
    for (int k = 0; k < subset.length; k++) {
      subset[k] = (k * 37 + 11) % 400;
    }
    try (OpenClBackend b = open(data, s, Loss.LINEAR)) {
      assertClose(b, new ReferenceBackend(data, s, Loss.LINEAR), randomTheta(6, 71),
          new Batch(subset, 20, 150), "subset order");
    }
  }

  @Test
  void shuffledAndContiguousFullPassesAgree() {
    int n = 3001;
    Dataset data = randomData(n, 12, Loss.LOGISTIC, 72);
    Standardization s = Standardization.fit(data);
    double[] theta = randomTheta(12, 73);
    try (OpenClBackend b = open(data, s, Loss.LOGISTIC)) {
      Evaluation natural = b.evaluate(theta, Batch.all(n));
      Evaluation shuffled = b.evaluate(theta, new Batch(shuffle(n, 74), 0, n));
      assertTrue(relativeError(shuffled.gradient(), natural.gradient()) <= b.tolerance());
      assertEquals(natural.loss(), shuffled.loss(), b.tolerance() * natural.loss());
    }
  }

  @Test
  void aReopenedBackendGivesTheSameBits() {
    Dataset data = randomData(5000, 20, Loss.LOGISTIC, 75);
    Standardization s = Standardization.fit(data);
    double[] theta = randomTheta(20, 76);
    int[] order = shuffle(5000, 77);
    Evaluation first;
    Evaluation firstShuffled;
    try (OpenClBackend b = open(data, s, Loss.LOGISTIC)) {
      first = b.evaluate(theta, Batch.all(5000));
      firstShuffled = b.evaluate(theta, new Batch(order, 1000, 3000));
    }
    try (OpenClBackend b = open(data, s, Loss.LOGISTIC)) {
      Evaluation again = b.evaluate(theta, Batch.all(5000));
      assertEquals(first.loss(), again.loss(), 0.0);
      assertArrayEquals(first.gradient(), again.gradient(), 0.0);
      Evaluation againShuffled = b.evaluate(theta, new Batch(order.clone(), 1000, 3000));
      assertEquals(firstShuffled.loss(), againShuffled.loss(), 0.0);
      assertArrayEquals(firstShuffled.gradient(), againShuffled.gradient(), 0.0);
    }
  }

  @Test
  void badArgumentsAreRejectedAndClosedBackendsRefuse() {
    Dataset data = randomData(50, 4, Loss.LINEAR, 80);
    OpenClBackend b = open(data, Standardization.fit(data), Loss.LINEAR);
    double[] theta = randomTheta(4, 81);
    assertThrows(IllegalArgumentException.class, () -> b.evaluate(new double[4], Batch.all(50)));
    assertThrows(IllegalArgumentException.class, () -> b.evaluate(theta, Batch.all(51)));
    assertThrows(IllegalArgumentException.class,
        () -> b.evaluate(theta, new Batch(new int[] {0, 50}, 0, 2)));
    b.close();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> b.evaluate(theta, Batch.all(50)));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    b.close();
  }

  @Test
  void spambaseLogisticGradientAgreesWithTheReference() throws IOException {
    Dataset data = TestCsv.read("spambase.csv", "spam");
    assertEquals(4601, data.rows());
    assertEquals(57, data.features());
    Standardization s = Standardization.fit(data);
    ReferenceBackend ref = new ReferenceBackend(data, s, Loss.LOGISTIC);
    try (OpenClBackend b = open(data, s, Loss.LOGISTIC)) {
      assertClose(b, ref, new double[58], Batch.all(data.rows()), "spambase at 0");
      assertClose(b, ref, randomTheta(57, 90), Batch.all(data.rows()), "spambase random");
      assertClose(b, ref, randomTheta(57, 91), new Batch(shuffle(4601, 92), 0, 512),
          "spambase batch");
    }
  }

  static int[] shuffle(int n, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Random rnd = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int k = rnd.nextInt(i + 1);
      int t = order[i];
      order[i] = order[k];
      order[k] = t;
    }
    return order;
  }
}

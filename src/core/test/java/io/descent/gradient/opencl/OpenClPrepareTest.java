package io.descent.gradient.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.Descent;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.data.SyntheticData;
import io.descent.gradient.BackgroundOpen;
import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.NoSuchDeviceException;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import io.descent.train.FitResult;
import org.junit.jupiter.api.Test;

/**
 * Opening ahead ({@link OpenClBackend#prepare}, {@link BackgroundOpen}): a backend opened on a
 * prepared context evaluates exactly as one opened without; what no backend takes is released;
 * a failure ahead leaves nothing behind and fails again, as always, when the backend opens.
 */
class OpenClPrepareTest {
  private static final double[] THETA = {0.1, -0.4, 0.3, 0.2, -0.1, 0.6};

  private static Dataset data() {
    return new SyntheticData(5000, 5, Loss.LOGISTIC, 3).dataset();
  }

  private static BatchedEvaluation evaluate(Dataset data, String precision) {
    try (OpenClBackend b = OpenClBackend.open(data, Standardization.fit(data), Loss.LOGISTIC,
        new OpenClOptions(null, "auto", precision))) {
      return b.evaluateColumns(THETA, Batch.all(data.rows()));
    }
  }

  @Test
  void aPreparedContextEvaluatesAsANewOne() {
    OpenClAvailability.require();
    Dataset data = data();
    BatchedEvaluation fresh = evaluate(data, "float");
    BatchedEvaluation fresh64 = evaluate(data, "double");
    int live = OpenClBackend.liveObjects();
    OpenClBackend.prepare(Loss.LOGISTIC, OpenClOptions.defaults());
    assertTrue(OpenClBackend.liveObjects() > live, "contexts made ahead");
    BatchedEvaluation prepared = evaluate(data, "float");
    BatchedEvaluation prepared64 = evaluate(data, "double");
    assertEquals(live, OpenClBackend.liveObjects(), "both taken and closed with their backends");
    assertEquals(0, OpenClBackend.releasePrepared(), "nothing left to release");
    assertEquals(fresh.loss()[0], prepared.loss()[0]);
    assertArrayEquals(fresh.gradient(), prepared.gradient());
    assertEquals(fresh64.loss()[0], prepared64.loss()[0]);
    assertArrayEquals(fresh64.gradient(), prepared64.gradient());
  }

  @Test
  void whatNoBackendTakesIsReleased() {
    OpenClAvailability.require();
    int live = OpenClBackend.liveObjects();
    try (BackgroundOpen opening = BackgroundOpen.start("auto", OpenClOptions.defaults(),
        Loss.LINEAR)) {
      assertEquals(null, opening.failure());
    }
    assertEquals(live, OpenClBackend.liveObjects());
  }

  @Test
  void aFailureAheadFailsAgainWhenTheBackendOpens() {
    OpenClAvailability.require();
    int live = OpenClBackend.liveObjects();
    Dataset data = data();
    OpenClOptions nowhere = new OpenClOptions("no such device", "auto", "float");
    try (BackgroundOpen opening = BackgroundOpen.start("opencl", nowhere, Loss.LOGISTIC)) {
      // The open waits for the preparation, then fails as it always has.
      NoSuchDeviceException e = assertThrows(NoSuchDeviceException.class,
          () -> Descent.logistic().backend("opencl").openCl(nowhere).train(data, null));
      assertTrue(e.getMessage().contains("no OpenCL device matches"), e.getMessage());
      opening.close();
      assertInstanceOf(NoSuchDeviceException.class, opening.failure());
    }
    assertEquals(live, OpenClBackend.liveObjects());
  }

  @Test
  void aTrainingRunWithABackgroundOpenFitsAsWithout() {
    OpenClAvailability.require();
    Dataset data = data();
    FitResult plain = Descent.logistic().l2(0.01).backend("opencl").train(data, null);
    int live = OpenClBackend.liveObjects();
    FitResult ahead;
    try (BackgroundOpen opening = BackgroundOpen.start("opencl", OpenClOptions.defaults(),
        Loss.LOGISTIC)) {
      ahead = Descent.logistic().l2(0.01).backend("opencl").train(data, null);
    }
    assertEquals(live, OpenClBackend.liveObjects());
    assertEquals(plain.objective(), ahead.objective());
    assertEquals(plain.iterations(), ahead.iterations());
    assertArrayEquals(plain.model().theta(), ahead.model().theta());
  }
}

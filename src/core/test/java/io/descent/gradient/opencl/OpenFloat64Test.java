package io.descent.gradient.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.data.SyntheticData;
import io.descent.gradient.BackendKind;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.Backends;
import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.Columns;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.OpenClOptions;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Backends#openFloat64}, the one place that decides where a float32 fit's float64 finish
 * runs (the trainer's, cross-validation's and the Spark executors'): the same OpenCL device in
 * double precision, agreeing with the reference to its float64 tolerance; the reference after
 * any other backend, or when OpenCL's float64 cannot open (with a notice).
 */
class OpenFloat64Test {
  private static final Dataset DATA = new SyntheticData(3000, 7, Loss.LOGISTIC, 5).dataset();
  private static final Standardization STD = Standardization.fit(DATA);
  private static final Columns COLUMNS = Columns.of(Loss.LOGISTIC, 2);

  @Test
  void anOpenClFitFinishesOnTheSameDeviceInDoublePrecision() {
    OpenClAvailability.require();
    List<String> notices = new ArrayList<>();
    OpenClOptions trained = OpenClOptions.defaults();
    try (GradientBackend b = Backends.openFloat64(BackendKind.OPENCL, null, DATA, STD, COLUMNS,
        trained, Backends::open, notices::add)) {
      assertEquals(BackendKind.OPENCL, b.info().kind());
      assertEquals("float64", b.info().precision());
      assertEquals(List.of(), notices);
      double[] w = new double[2 * 8];
      Random r = new Random(3);
      for (int i = 0; i < w.length; i++) {
        w[i] = r.nextGaussian();
      }
      BatchedEvaluation e = b.evaluateColumns(w, Batch.all(DATA.rows()));
      BatchedEvaluation ref = new ReferenceBackend(DATA, STD, COLUMNS)
          .evaluateColumns(w, Batch.all(DATA.rows()));
      for (int g = 0; g < 2; g++) {
        assertEquals(ref.loss()[g], e.loss()[g], b.tolerance() * Math.abs(ref.loss()[g]));
      }
      for (int j = 0; j < w.length; j++) {
        assertEquals(ref.gradient()[j], e.gradient()[j], 1e-12 * DATA.rows());
      }
    }
  }

  @Test
  void anyOtherBackendFinishesOnTheReference() {
    for (BackendKind kind : List.of(BackendKind.ND4J, BackendKind.REFERENCE)) {
      List<String> notices = new ArrayList<>();
      try (GradientBackend b = Backends.openFloat64(kind, null, DATA, STD, COLUMNS, null,
          (k, d, s, c, o) -> {
            throw new AssertionError("nothing but the reference opens after " + kind);
          }, notices::add)) {
        assertTrue(b instanceof ReferenceBackend, b.info().summary());
        assertEquals(List.of(), notices);
      }
    }
  }

  @Test
  void anOpenClDeviceWithoutFloat64FinishesOnTheReferenceWithANotice() {
    List<String> notices = new ArrayList<>();
    List<OpenClOptions> asked = new ArrayList<>();
    try (GradientBackend b = Backends.openFloat64(BackendKind.OPENCL, "gpu", DATA, STD, COLUMNS,
        OpenClOptions.defaults(), (k, d, s, c, o) -> {
          asked.add(o);
          throw new BackendUnavailableException("device X has no cl_khr_fp64");
        }, notices::add)) {
      assertTrue(b instanceof ReferenceBackend, b.info().summary());
    }
    assertEquals(1, asked.size());
    assertEquals("double", asked.get(0).precision());
    assertEquals("gpu", asked.get(0).layout());
    assertEquals(1, notices.size());
    assertTrue(notices.get(0).contains("no cl_khr_fp64"), notices.get(0));
  }
}

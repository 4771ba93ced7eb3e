package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.Descent;
import io.descent.data.Dataset;
import io.descent.gradient.BackendInfo;
import io.descent.gradient.BackendKind;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.Backends;
import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.Columns;
import io.descent.gradient.Evaluation;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.opencl.OpenClBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A backend that fails mid-run (a device that disappears): with auto, training falls back to the
 * next backend, logs it, and verifies the result; with an explicit backend, a clear error.
 */
class BackendFaultTest {
  /** A real backend that throws from its fourth evaluation on, like a device that went away. */
  static final class Disappearing implements GradientBackend {
    private final GradientBackend real;
    private final AtomicInteger calls = new AtomicInteger();

    Disappearing(GradientBackend real) {
      this.real = real;
    }

    @Override
    public BackendInfo info() {
      return real.info();
    }

    @Override
    public int rows() {
      return real.rows();
    }

    @Override
    public int features() {
      return real.features();
    }

    @Override
    public Columns columns() {
      return real.columns();
    }

    @Override
    public BatchedEvaluation evaluateColumns(double[] w, Batch batch) {
      if (calls.incrementAndGet() > 3) {
        throw new IllegalStateException("device lost");
      }
      return real.evaluateColumns(w, batch);
    }

    @Override
    public double tolerance() {
      return real.tolerance();
    }

    @Override
    public void close() {
      real.close();
    }
  }

  private static Dataset spambase() {
    for (ReferenceProblems.Problem p : ReferenceProblems.all()) {
      if (p.dataset().equals("spambase") && p.split().equals("full")) {
        return p.load();
      }
    }
    throw new AssertionError();
  }

  /** Makes the first backend that opens disappear; later ones are real. */
  private static Trainer.BackendOpener firstDisappears(List<BackendKind> failed) {
    return (kind, data, s, loss, openCl) -> {
      GradientBackend real = Backends.open(kind, data, s, loss, openCl);
      if (failed.isEmpty()) {
        failed.add(kind);
        return new Disappearing(real);
      }
      return real;
    };
  }

  @Test
  void autoFallsBackAndVerifies() {
    int live = OpenClBackend.liveObjects();
    Dataset data = spambase();
    List<BackendKind> failed = new ArrayList<>();
    List<String> messages = new ArrayList<>();
    TrainingConfig config = Descent.logistic().l2(0.01).config(data);
    FitResult r = new Trainer(firstDisappears(failed)).fit(data, config, new TrainingListener() {
      @Override
      public void message(String line) {
        messages.add(line);
      }
    });
    assertEquals(1, failed.size());
    assertNotEquals(failed.get(0), r.backend().kind());
    assertTrue(messages.stream().anyMatch(m -> m.startsWith(failed.get(0).label()
        + " failed during training (device lost); falling back to")), messages.toString());
    assertTrue(r.converged(), r.message());
    assertTrue(r.verification() <= 1e-5, "verified: " + r.verification());
    if (r.backend().precision().equals("float32")) {
      // The check ran on the fallback itself, not on the float64 finish (which would give 0).
      assertTrue(r.verification() > 0, "verified: " + r.verification());
    }
    assertEquals(0.2714181486331423, r.objective(), 0.2714181486331423 * 1e-6);
    assertEquals(live, OpenClBackend.liveObjects(), "the failed backend was closed");
  }

  @Test
  void anExplicitBackendFailsClearly() {
    Dataset data = spambase();
    TrainingConfig config = Descent.logistic().l2(0.01).backend("nd4j").config(data);
    BackendFailureException e = assertThrows(BackendFailureException.class,
        () -> new Trainer(firstDisappears(new ArrayList<>())).fit(data, config,
            TrainingListener.NONE));
    assertTrue(e.getMessage().startsWith("nd4j ("), e.getMessage());
    assertTrue(e.getMessage().endsWith("failed during training: device lost"), e.getMessage());
  }

  /** Refuses the n-th open of the given kind, as a device refusing an allocation does. */
  private static Trainer.BackendOpener refusesOpen(BackendKind refused, int n) {
    AtomicInteger opens = new AtomicInteger();
    return (kind, data, s, loss, openCl) -> {
      if (kind == refused && opens.incrementAndGet() == n) {
        throw new BackendUnavailableException("CL_MEM_OBJECT_ALLOCATION_FAILURE: the device"
            + " refused a buffer of " + data.rows() * data.features() * 4L + " bytes");
      }
      return Backends.open(kind, data, s, loss, openCl);
    };
  }

  @Test
  void aRefusedValidationBackendFallsBackWithAutoAndLeaksNothing() {
    // The training backend opens; the one for the validation rows is refused.
    int live = OpenClBackend.liveObjects();
    Dataset data = spambase();
    BackendKind first = Backends.candidates("auto").get(0);
    List<String> messages = new ArrayList<>();
    TrainingConfig config = Descent.logistic().l2(0.01).validationFraction(0.2)
        .config(data);
    FitResult r = new Trainer(refusesOpen(first, 2)).fit(data, config, new TrainingListener() {
      @Override
      public void message(String line) {
        messages.add(line);
      }
    });
    assertNotEquals(first, r.backend().kind());
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("skipped " + first.label()
        + ": CL_MEM_OBJECT_ALLOCATION_FAILURE")), messages.toString());
    assertTrue(r.converged(), r.message());
    assertEquals(live, OpenClBackend.liveObjects(), "the training backend was closed");
  }

  @Test
  void aRefusedBackendNamedExplicitlyIsAnError() {
    Dataset data = spambase();
    for (int n : new int[] {1, 2}) {
      TrainingConfig config = Descent.logistic().l2(0.01).backend("nd4j")
          .validationFraction(0.2).config(data);
      BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
          () -> new Trainer(refusesOpen(BackendKind.ND4J, n)).fit(data, config,
              TrainingListener.NONE));
      assertTrue(e.getMessage().contains("refused a buffer"), e.getMessage());
    }
  }
}

package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.descent.Descent;
import io.descent.data.Dataset;
import io.descent.gradient.opencl.OpenClAvailability;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two fits in parallel threads of one JVM, each with its own Descent and backend, give
 * bit-identical results to the same fits run alone.
 */
class ConcurrencyTest {
  private static Dataset load(String name) {
    for (ReferenceProblems.Problem p : ReferenceProblems.all()) {
      if (p.dataset().equals(name) && p.split().equals("full")) {
        return p.load();
      }
    }
    throw new AssertionError(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"reference", "nd4j", "opencl"})
  void parallelFitsEqualFitsAlone(String backend) throws Exception {
    if (backend.equals("opencl")) {
      OpenClAvailability.require();
    }
    Dataset spam = load("spambase");
    Dataset diabetes = load("diabetes");
    FitResult spamAlone = Descent.logistic().l2(0.01).backend(backend).train(spam, null);
    FitResult diabetesAlone = Descent.linear().backend(backend).optimizer("adam").maxEpochs(20)
        .train(diabetes, null);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 3; round++) {
        Future<FitResult> a = pool.submit(() -> Descent.logistic().l2(0.01).backend(backend)
            .train(spam, null));
        Future<FitResult> b = pool.submit(() -> Descent.linear().backend(backend)
            .optimizer("adam").maxEpochs(20).train(diabetes, null));
        assertSame(spamAlone, a.get());
        assertSame(diabetesAlone, b.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void assertSame(FitResult alone, FitResult parallel) {
    assertEquals(alone.backend(), parallel.backend());
    assertEquals(alone.iterations(), parallel.iterations());
    assertArrayEquals(alone.model().theta(), parallel.model().theta(), 0.0);
    assertEquals(alone.objective(), parallel.objective(), 0.0);
    assertEquals(List.of(alone.stopReason()), List.of(parallel.stopReason()));
  }
}

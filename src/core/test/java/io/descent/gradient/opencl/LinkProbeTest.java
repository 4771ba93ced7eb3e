package io.descent.gradient.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.gradient.ModelsTiming;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The link probe of {@code descent bench --models} ({@link KernelBenchmark.LinkProbe}, kernel
 * {@code link_peak}) computes the real residuals and losses of its margins (so its rate is that
 * of the loss's arithmetic, nothing optimized away), and the bench charges it.
 */
class LinkProbeTest {
  @BeforeEach
  void requireOpenCl() {
    OpenClAvailability.require();
  }

  @ParameterizedTest(name = "{0} x {1}")
  @CsvSource({"LINEAR, 2", "LOGISTIC, 2", "LOGISTIC, 16", "MULTINOMIAL, 3", "MULTINOMIAL, 10"})
  void theProbeSumsTheLinksOfItsMargins(Loss loss, int columns) {
    ClDevice device = OpenClBackend.select(Cl.devices(), null);
    Tuning tuning = Tuning.defaults();
    try (KernelBenchmark.LinkProbe probe = new KernelBenchmark.LinkProbe(device, loss, columns,
        64, tuning, 50_000)) {
      probe.run();
      float[] got = probe.partials();
      int vw = CpuShape.lanes(device, false);
      int classes = KernelBenchmark.LinkProbe.classes(loss, columns);
      int groups = KernelBenchmark.LinkProbe.groups(loss, columns);
      assertEquals(probe.values, (double) got.length * probe.iterations() * groups * classes
          * vw);
      for (int item = 0; item < got.length; item++) {
        double[] want = expected(loss, item, vw, groups, classes, probe.iterations());
        assertEquals(want[0], got[item], 1e-4 * want[1], loss + " item " + item);
      }
    }
  }

  /** Work-item {@code item}'s sum of residuals and losses, and the sum of their magnitudes. */
  private static double[] expected(Loss loss, int item, int vw, int groups, int classes,
      int iterations) {
    double sum = 0;
    double magnitude = 0;
    for (int q = 0; q < vw; q++) {
      float base = (float) q * 0.37f - 1.3f + (float) item * 0.01f;
      double y = q & 1;
      float[] m = new float[groups * classes];
      for (int v = 0; v < m.length; v++) {
        m[v] = base + (float) v * 0.11f;
      }
      for (int i = 0; i < iterations; i++) {
        for (int g = 0; g < groups; g++) {
          if (loss == Loss.MULTINOMIAL) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
              max = Math.max(max, m[g * classes + c]);
            }
            double total = 0;
            for (int c = 0; c < classes; c++) {
              total += Math.exp(m[g * classes + c] - max);
            }
            double l = (max - m[g * classes]) + Math.log(total);
            sum += l + 1; // the residuals e_c / total sum to 1
            magnitude += Math.abs(l) + 1;
          } else {
            double mv = m[g];
            double r;
            double l;
            if (loss == Loss.LOGISTIC) {
              r = 1 / (1 + Math.exp(-mv)) - y;
              l = Math.max(mv, 0) - y * mv + Math.log1p(Math.exp(-Math.abs(mv)));
            } else {
              r = mv - y;
              l = 0.5 * r * r;
            }
            sum += r + l;
            magnitude += Math.abs(r) + Math.abs(l);
          }
        }
        for (int v = 0; v < m.length; v++) {
          m[v] += KernelBenchmark.LinkProbe.STEP;
        }
      }
    }
    return new double[] {sum, magnitude};
  }

  @Test
  void theBenchChargesTheLinkBesideTheMultiplyAdds() {
    List<ModelsTiming> rows = KernelBenchmark.models(OpenClOptions.defaults(), Loss.LOGISTIC,
        4_000, 8, new int[] {1, 2}, 0, 1);
    for (ModelsTiming m : rows) {
      assertTrue(m.linkSeconds() > 0 && m.multiplyAddSeconds() > 0, m.toString());
      assertEquals(m.multiplyAddSeconds() + m.linkSeconds(), m.arithmeticSeconds(), 1e-15);
    }
  }

  /**
   * Both arithmetic probes run work-groups of one work-item on a CPU, as the cpu kernels do:
   * PoCL runs a work-group on one thread, so one group of all the items measured one core.
   */
  @Test
  void theProbesUseEveryCoreOfACpu() {
    ClDevice device = OpenClBackend.select(Cl.devices(), null);
    try (KernelBenchmark.FmaProbe fma = new KernelBenchmark.FmaProbe(device, Tuning.defaults())) {
      if (device.description().type() == io.descent.gradient.DeviceDescription.Type.CPU) {
        assertArrayEquals(new long[] {1}, fma.local);
      }
      assertTrue(fma.run() > 0 && fma.operations > 0);
    }
    assertArrayEquals(new long[] {1}, KernelBenchmark.CPU_PROBE_GROUP);
  }
}

package io.descent.gradient.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.descent.data.Dataset;
import io.descent.gradient.Moments;
import io.descent.gradient.MomentsFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Every instance on a device uses the device's one context, which no close releases (JOCL's
 * {@code clReleaseContext} reads memory it has just freed): an instance opened after another
 * closed computes on it as before, and instances opened on several threads at once get the same
 * context (each with its own queue) and compute the same bits.
 */
class SharedContextTest {
  @Test
  void instancesShareTheDevicesContextAndCloseOnlyTheirOwnObjects() throws Exception {
    OpenClAvailability.require();
    ClDevice device = OpenClBackend.select(Cl.devices(), null);
    boolean cpu = device.description().type() == io.descent.gradient.DeviceDescription.Type.CPU;
    Dataset data = MomentsFixtures.generated(1200, 7, true, 5);
    double[] shift = Moments.shiftOf(data);
    int live = OpenClBackend.liveObjects();
    long context;
    Moments[] first;
    try (ClContext held = new ClContext(device)) {
      context = held.context.getNativePointer();
      first = OpenClMoments.compute(held, data, shift, null, 1, OpenClMoments.CPU_SLAB_BYTES,
          cpu, device, OpenClBackend.BINARIES);
      // While it is open, four threads open instances at once: the same context, the same bits.
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<Object[]>> runs = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          runs.add(pool.submit(() -> {
            try (ClContext cl = new ClContext(device)) {
              Moments[] m = OpenClMoments.compute(cl, data, shift, null, 1,
                  OpenClMoments.CPU_SLAB_BYTES, cpu, device, OpenClBackend.BINARIES);
              return new Object[] {cl.context.getNativePointer(), m};
            }
          }));
        }
        for (Future<Object[]> run : runs) {
          Object[] r = run.get();
          assertEquals(context, (long) (Long) r[0], "the device's one context");
          assertArrayEquals(first[0].packed(), ((Moments[]) r[1])[0].packed(), 0.0,
              "the same bits on the shared context");
        }
      } finally {
        pool.shutdownNow();
      }
    }
    assertEquals(live, OpenClBackend.liveObjects(), "the queues and all else released");
    // After every instance closed, the context is still the device's, and computes.
    try (ClContext again = new ClContext(device)) {
      assertEquals(context, again.context.getNativePointer(), "never released");
      assertArrayEquals(first[0].packed(), OpenClMoments.compute(again, data, shift, null, 1,
          OpenClMoments.CPU_SLAB_BYTES, cpu, device, OpenClBackend.BINARIES)[0].packed(), 0.0);
    }
    assertEquals(live, OpenClBackend.liveObjects(), "every instance released its own objects");
  }
}

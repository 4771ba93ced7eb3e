package io.descent.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.gradient.ReadBandwidth;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The host's read-and-sum: it reads every value once, whatever the split. */
class HostReadBandwidthTest {
  @Test
  void sumsEveryValueIncludingTheTail() {
    float[] data = new float[1037];
    for (int i = 0; i < data.length; i++) {
      data[i] = i % 7; // small integers: float sums are exact
    }
    double expected = 0;
    for (float v : data) {
      expected += v;
    }
    assertEquals(expected, HostReadBandwidth.sum(data, 0, data.length));
    assertEquals(expected - data[0] - data[1036],
        HostReadBandwidth.sum(data, 1, data.length - 1));
    assertEquals(0.0, HostReadBandwidth.sum(data, 5, 5));
  }

  @Test
  void measuresTheWholeArrayWithEveryThreadCount() {
    float[] data = new float[64 * 1024];
    Arrays.fill(data, 1f);
    for (int threads : new int[] {1, 2, 3}) {
      ReadBandwidth b = HostReadBandwidth.measure(data, 1, 3, "test CPU", threads);
      assertEquals(data.length * 4L, b.bytes());
      assertEquals("host", b.layout());
      assertEquals(3, b.repeats());
      assertEquals("test CPU (" + threads + (threads == 1 ? " thread)" : " threads)"),
          b.device());
      assertTrue(b.medianSeconds() > 0 && Double.isFinite(b.gigabytesPerSecond()), b.toString());
    }
  }

  @Test
  void aSmallArrayIsReadByOneThread() {
    ReadBandwidth b = HostReadBandwidth.measure(new float[100], 0, 1, "cpu", 8);
    assertEquals("cpu (1 thread)", b.device());
  }

  @Test
  void badArgumentsNameTheRule() {
    float[] data = new float[8];
    assertEquals("repeats must be >= 1, got 0", assertThrows(IllegalArgumentException.class,
        () -> HostReadBandwidth.measure(data, 0, 0, "cpu")).getMessage());
    assertEquals("warmup must be >= 0, got -1", assertThrows(IllegalArgumentException.class,
        () -> HostReadBandwidth.measure(data, -1, 1, "cpu")).getMessage());
    assertEquals("threads must be >= 1, got 0", assertThrows(IllegalArgumentException.class,
        () -> HostReadBandwidth.measure(data, 0, 1, "cpu", 0)).getMessage());
  }
}

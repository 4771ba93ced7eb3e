package io.descent.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.descent.gradient.DeviceDescription;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bench --device} picks devices by the same rule as {@code train --device}. */
class BenchTargetTest {
  private static DeviceDescription device(int index, String name) {
    return new DeviceDescription(index, "Test Platform", name, DeviceDescription.Type.GPU, 8,
        1L << 33, 1L << 31, true);
  }

  private static final List<DeviceDescription> DEVICES = List.of(
      device(0, "pthread-skylake"), device(1, "NVIDIA GeForce RTX 4090"),
      device(2, "NVIDIA GeForce RTX 3090"));

  private static List<Integer> indices(String choice) {
    return BenchTarget.choose(DEVICES, choice).stream().map(DeviceDescription::index).toList();
  }

  @Test
  void aValidIndexPicksThatDeviceAlone() {
    // "0" is also in "4090" and "3090": as an index it picks device 0 only.
    assertEquals(List.of(0), indices("0"));
    assertEquals(List.of(2), indices(" 2 "));
  }

  @Test
  void aNumberThatIsNoIndexAndAnyTextMatchNames() {
    assertEquals(List.of(1), indices("4090"));
    assertEquals(List.of(1, 2), indices("geforce"));
    assertEquals(List.of(), indices("7"));
    assertEquals(List.of(0, 1, 2), indices(null));
  }
}

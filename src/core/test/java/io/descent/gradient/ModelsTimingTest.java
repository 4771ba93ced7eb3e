package io.descent.gradient;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The bounds of one {@link ModelsTiming}: the arithmetic is the multiply-adds plus the link. */
class ModelsTimingTest {
  @Test
  void theLinkCountsTowardsTheArithmeticBound() {
    // Multiply-adds alone (8 ms) would leave the read (10 ms) binding; with the link, 13 ms.
    ModelsTiming t = new ModelsTiming("cpu", 4, "k", 0.026, 0.010, 0.008, 0.005);
    assertEquals(0.013, t.arithmeticSeconds(), 1e-15);
    assertEquals("arithmetic", t.binding());
    assertEquals(0.5, t.share(), 1e-12);
    ModelsTiming read = new ModelsTiming("cpu", 4, "k", 0.020, 0.010, 0.008, 0.0);
    assertEquals("read", read.binding());
    assertEquals(0.5, read.share(), 1e-12);
  }
}

package io.descent.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Plain SGD against the update-rule contract. */
class SgdTest extends UpdateRuleContractTest {
  @Override
  protected UpdateRule newRule() {
    return new Sgd();
  }

  @Override
  protected double afterTwoUpdates(double g1, double g2, double lr1, double lr2) {
    return -lr1 * g1 - lr2 * g2;
  }

  @Test
  void defaults() {
    assertEquals(0.1, new Sgd().defaultLearningRate());
    assertEquals("Sgd[]", new Sgd().toString());
  }
}

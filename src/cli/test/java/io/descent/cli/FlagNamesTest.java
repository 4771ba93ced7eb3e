package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Library messages name builder methods; the CLI shows its flags instead. */
class FlagNamesTest {
  @Test
  void builderCallsBecomeFlagsAndOtherParenthesesStay() {
    assertEquals("add a penalty with --l2, e.g. --l2 0.01",
        FlagNames.of("add a penalty with l2(...), e.g. l2(0.01)"));
    assertEquals("raise --max-epochs, or train full batch with --optimizer lbfgs",
        FlagNames.of("raise maxEpochs(...), or train full batch with optimizer(\"lbfgs\")"));
    assertEquals("tolerance 1.0e-08 (1.00e-08 x max(1, |objective|))",
        FlagNames.of("tolerance 1.0e-08 (1.00e-08 x max(1, |objective|))"));
  }

  @Test
  void callsWithoutArgumentsBecomeTheFlagAlone() {
    assertEquals("fit every class with --loss multinomial, or one logistic model per class with"
        + " --one-vs-rest", FlagNames.of("fit every class with multinomial(), or one logistic"
        + " model per class with oneVsRest()"));
  }
}

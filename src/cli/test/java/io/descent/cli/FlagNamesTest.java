package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Library messages name builder methods; the CLI shows its flags instead. */
class FlagNamesTest {
  @Test
  void builderCallsBecomeFlagsAndOtherParenthesesStay() {
    assertEquals("add a penalty with --l2, e.g. --l2 0.01",
        FlagNames.of("add a penalty with l2(...), e.g. l2(0.01)"));
    // standardize(true) has no flag of its own: the command line turns it off.
    assertEquals("or standardize the features (without --no-standardize)",
        FlagNames.of("or standardize the features (standardize(true))"));
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

  @Test
  void settingsThatAreTheSubjectBecomeFlags() {
    assertEquals("--decay must be in (0, 1], got 0.0",
        FlagNames.of("decay must be in (0, 1], got 0.0"));
    assertEquals("--decay-interval must be >= 1, got 0",
        FlagNames.of("decayInterval must be >= 1, got 0"));
    assertEquals("--decay-interval does not apply to schedule exponential",
        FlagNames.of("decayInterval does not apply to schedule exponential"));
    assertEquals("--learning-rate must be finite and > 0, got Infinity",
        FlagNames.of("initialStep must be finite and > 0, got Infinity"));
    assertEquals("--memory does not apply to adam", FlagNames.of("memory does not apply to adam"));
    assertEquals("--c2 does not apply to owlqn (it takes --memory, --c1, --line-search)",
        FlagNames.of("c2 does not apply to owlqn (it takes memory, c1, lineSearch)"));
    // Only a message's subject: the same words later in a sentence stay.
    assertEquals("the decay factor must be small", FlagNames.of("the decay factor must be small"));
  }
}

package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** --tuning and $DESCENT_TUNING: the option wins, and a bad value names where it came from. */
class TuningOptionTest {
  private static TuningOption given(String value) {
    TuningOption o = new TuningOption();
    o.tuning = value;
    return o;
  }

  @Test
  void theOptionThenTheEnvironmentThenTheDefault() {
    assertEquals("measure", given("measure").checked("device"));
    assertEquals("device", given(null).checked("device"));
    assertEquals("auto", given(null).checked(null));
    assertEquals("auto", given(null).checked(""));
  }

  @Test
  void aBadValueNamesWhereItCameFrom() {
    Main.UsageException env = assertThrows(Main.UsageException.class,
        () -> given(null).checked("bogus"));
    assertEquals("$DESCENT_TUNING must be one of auto, measure, device, got bogus",
        env.getMessage());
    Main.UsageException option = assertThrows(Main.UsageException.class,
        () -> given("bogus").checked("auto"));
    assertEquals("--tuning must be one of auto, measure, device, got bogus",
        option.getMessage());
  }
}

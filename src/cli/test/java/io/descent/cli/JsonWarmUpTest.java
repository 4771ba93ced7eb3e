package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JsonWarmUpTest {
  @Test
  void theWarmUpWritesWithoutFailing() {
    assertTrue(JsonWarmUp.run());
  }

  @Test
  void theWarmUpRunsToItsEndAndIsWaitedFor() {
    Thread t = JsonWarmUp.start();
    assertTrue(t.isDaemon());
    JsonWarmUp.finish(t);
    assertFalse(t.isAlive());
  }

  @Test
  void waitingKeepsAnInterruptionForTheCaller() {
    Thread t = JsonWarmUp.start();
    Thread.currentThread().interrupt();
    JsonWarmUp.finish(t);
    assertFalse(t.isAlive());
    assertTrue(Thread.interrupted());
  }

  @Test
  void theReportTextIsWhatPrintPrints() throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode o = JsonReport.object();
    o.put("a", Double.NaN);
    o.put("b", 1.5);
    java.io.StringWriter s = new java.io.StringWriter();
    JsonReport.print(new java.io.PrintWriter(s), o);
    assertTrue(s.toString().startsWith(JsonReport.text(o)), s.toString());
    assertTrue(JsonReport.text(o).contains("\"a\" : null"), JsonReport.text(o));
  }
}

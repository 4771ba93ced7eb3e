package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.gradient.BackendInfo;
import io.descent.gradient.BackendKind;
import io.descent.train.Progress;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The progress line: redrawn in place, never leaving old characters behind. */
class ProgressListenerTest {
  private static final BackendInfo BACKEND = new BackendInfo(BackendKind.REFERENCE,
      "Java (host CPU)", "float64", "-");

  @Test
  void everyDrawReplacesTheWholeLineAndShowsTimeRateAndBackend() throws Exception {
    StringWriter text = new StringWriter();
    ProgressListener l = new ProgressListener(new PrintWriter(text), true, null);
    l.started(BACKEND, "lbfgs", 1000);
    l.progress(new Progress(1, 0, 4.14e-2, 0.5, 1, 0.1, Double.NaN));
    Thread.sleep(120);
    l.progress(new Progress(2, 0, 0.1, 0.25, 1, 0.2, Double.NaN));
    l.finished(null);
    String out = text.toString();
    String[] draws = out.split("\r", -1);
    for (int k = 1; k < draws.length; k++) {
      assertTrue(draws[k].endsWith(ProgressListener.ERASE_TO_END), "draw " + k + ": " + draws[k]);
    }
    assertTrue(out.contains("starting on reference (Java (host CPU), float64)"), out);
    assertTrue(out.contains("iteration 2 (cap 1000)"), out);
    assertTrue(out.matches("(?s).* s, [0-9.e+]+ iterations/s, reference .*"), out);
    assertTrue(out.endsWith("\r" + ProgressListener.ERASE_TO_END), "cleared at the end");
  }

  @Test
  void aMiniBatchEpochShowsHowFarThroughItIsAndTheValidationLoss() throws Exception {
    StringWriter text = new StringWriter();
    ProgressListener l = new ProgressListener(new PrintWriter(text), true, null);
    l.started(BACKEND, "sgd", 100);
    l.step(0, 500, 1000);
    Thread.sleep(120);
    l.progress(new Progress(32, 1, 0.7, 0.3, 0.1, 0.5, 0.75));
    Thread.sleep(120);
    l.step(1, 250, 1000);
    String out = text.toString();
    assertTrue(out.contains("epoch 1 of at most 100 [" + "#".repeat(15)), out);
    assertTrue(out.contains("500/1000 rows"), out);
    assertTrue(out.contains("validation 0.75"), out);
    assertTrue(out.contains("epoch 2 of at most 100") && out.contains("objective 0.7"), out);
  }

  @Test
  void withoutATerminalNothingIsDrawn() {
    StringWriter text = new StringWriter();
    ProgressListener l = new ProgressListener(new PrintWriter(text), false, null);
    l.started(BACKEND, "lbfgs", 10);
    l.step(0, 1, 2);
    l.progress(new Progress(1, 0, 1, 1, 1, 0.1, Double.NaN));
    l.finished(null);
    assertEquals("", text.toString());
  }
}

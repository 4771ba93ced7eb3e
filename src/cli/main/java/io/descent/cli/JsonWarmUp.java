package io.descent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.descent.data.Standardization;
import io.descent.loss.Loss;
import io.descent.model.LinearModel;
import io.descent.model.ModelFile;
import java.util.List;
import java.util.Map;

/**
 * Loads the JSON writing (Jackson's classes, the model file's and the report's mappers) on a
 * thread of its own while {@code train} reads its data, by writing a one-feature model and a
 * small report to strings that are thrown away. A cold JVM otherwise loads and verifies some
 * hundreds of classes on the main thread after the fit, before the model file is written.
 *
 * <p>The caller {@linkplain #finish(Thread) waits for it} before anything opens OpenCL: no PoCL
 * kernel build may overlap Java work on other threads (see DESIGN.md). Whatever fails here is
 * ignored: the real writes do the same work again and report their own failures.
 */
final class JsonWarmUp {
  private JsonWarmUp() {}

  /** Starts the warm-up on a daemon thread. */
  static Thread start() {
    Thread t = new Thread(() -> run(), "descent-json-warm-up");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Waits for the warm-up to end (keeping an interruption for the caller to see). */
  static void finish(Thread warmUp) {
    boolean interrupted = false;
    while (warmUp.isAlive()) {
      try {
        warmUp.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** The warm-up itself: a model file and a report, written to strings; false if it failed. */
  static boolean run() {
    try {
      LinearModel model = LinearModel.of(Loss.LINEAR, List.of("x"), "y", null,
          Standardization.identity(1), new double[] {0.5, 1.5});
      new ModelFile(model, null).toJson();
      ObjectNode report = JsonReport.object();
      report.put("seconds", 1.25);
      report.set("optimizer", new ObjectMapper().valueToTree(Map.of("name", "lbfgs",
          "memory", 10)));
      return !JsonReport.text(report).isEmpty();
    } catch (RuntimeException | LinkageError e) {
      // Only a warm-up: the real writes report their own failures.
      return false;
    }
  }
}

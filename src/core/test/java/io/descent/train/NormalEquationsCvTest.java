package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import io.descent.gradient.MomentsFixtures;
import io.descent.loss.Loss;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cross-validation on the normal equations: one pass computes every fold's moments, each model
 * evaluates the total less its held-out fold, and every fold's score is the one the passes give.
 */
class NormalEquationsCvTest {
  private static CrossValidation.Result run(String backend, Solver solver, Dataset data) {
    CrossValidation.Options o = new CrossValidation.Options(Loss.LINEAR, List.of(1e-3, 0.1, 1.0),
        4, 42, backend, null, CrossValidation.Options.defaultSettings());
    return new CrossValidation(o).solver(solver).run(data, line -> { });
  }

  @Test
  void foldScoresMatchThePasses() {
    Dataset diabetes = MomentsFixtures.diabetes();
    CrossValidation.Result passes = run("reference", Solver.PASSES, diabetes);
    assertFalse(passes.fit().backend().device().contains("normal equations"));
    for (String backend : new String[] {"reference", "nd4j"}) {
      CrossValidation.Result normal = run(backend, Solver.NORMAL, diabetes);
      assertTrue(normal.fit().backend().device().startsWith("normal equations"),
          normal.fit().backend().summary());
      for (int s = 0; s < 3; s++) {
        CrossValidation.SettingScore a = passes.settings().get(s);
        CrossValidation.SettingScore b = normal.settings().get(s);
        assertEquals(a.folds().size(), b.folds().size());
        for (int f = 0; f < a.folds().size(); f++) {
          assertTrue(b.folds().get(f).fit().converged(), b.folds().get(f).fit().message());
          assertEquals(a.folds().get(f).loss(), b.folds().get(f).loss(),
              1e-7 * a.folds().get(f).loss(), backend + " setting " + s + " fold " + f);
        }
      }
      assertEquals(passes.best(), normal.best());
    }
  }

  @Test
  void autoTakesItAndNormalIsRefusedForOtherLosses() {
    CrossValidation.Result auto = run("reference", Solver.AUTO, MomentsFixtures.mtcars());
    assertTrue(auto.fit().backend().device().startsWith("normal equations"));
    CrossValidation.Options logistic = new CrossValidation.Options(Loss.LOGISTIC, List.of(0.1),
        3, 42, "reference", null, CrossValidation.Options.defaultSettings());
    assertThrows(IllegalArgumentException.class,
        () -> new CrossValidation(logistic).solver(Solver.NORMAL));
  }
}

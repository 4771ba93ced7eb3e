package io.descent.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.Descent;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.Columns;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import io.descent.optim.LearningRateSchedule;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Mini-batch rules in lockstep: each model gets the trainer's bits; folds run; same bits. */
class LockstepMiniBatchTest {
  private static final double RATE = 0.01;
  private static final int EPOCHS = 6;

  private static Descent builder(Loss loss, String optimizer, double l2) {
    return (loss == Loss.LOGISTIC ? Descent.logistic() : Descent.linear()).optimizer(optimizer)
        .learningRate(RATE).maxEpochs(EPOCHS).l2(l2).backend("reference").seed(5);
  }

  private static LockstepMiniBatch.Settings settings(Loss loss, String optimizer) {
    TrainingConfig c = builder(loss, optimizer, 0).config();
    return new LockstepMiniBatch.Settings(() -> builder(loss, optimizer, 0).config()
        .updateRule(), c.schedule(), RATE, c.batchSize(), EPOCHS, c.gradientTolerance(),
        c.objectiveTolerance(), 5);
  }

  private static void assertTheTrainersBits(Dataset data, Loss loss, String optimizer) {
    double[] l2 = {1e-3, 1e-1, 1};
    Standardization base = Standardization.fit(data);
    List<LockstepFit.Model> models = new ArrayList<>();
    for (double v : l2) {
      double[] start = new double[data.features() + 1];
      start[0] = Trainer.initialIntercept(loss, data.y());
      models.add(new LockstepFit.Model(v, null, start));
    }
    LockstepFit.Result r = new LockstepMiniBatch(settings(loss, optimizer)).fit(data,
        c -> new ReferenceBackend(data, base, c), Columns.of(loss, l2.length), base, models);
    for (int g = 0; g < l2.length; g++) {
      FitResult alone = builder(loss, optimizer, l2[g]).train(data, TrainingListener.NONE);
      LockstepFit.ModelResult m = r.models().get(g);
      String what = loss + " " + optimizer + " l2 " + l2[g] + ": " + m.message();
      assertArrayEquals(alone.model().theta(), m.theta(), 0.0, what);
      assertSame(alone.stopReason(), m.stopReason(), what + " / " + alone.message());
      assertEquals(alone.iterations(), m.iterations(), what);
      assertEquals(alone.objective(), m.objective(), 0.0, what);
    }
  }

  @Test
  void linearAdamModelsAreTheTrainersBitForBit() throws IOException {
    assertTheTrainersBits(LockstepFitTest.diabetes(), Loss.LINEAR, "adam");
  }

  @Test
  void logisticMomentumModelsAreTheTrainersBitForBit() throws IOException {
    assertTheTrainersBits(LockstepFitTest.breastCancer(), Loss.LOGISTIC, "momentum");
  }

  @Test
  void foldModelsRunTogetherWithTheSameBitsEveryRun() throws IOException {
    Dataset data = LockstepFitTest.breastCancer();
    int[] rowFold = CrossValidation.folds(data, 3, true, 1);
    Standardization base = Standardization.fit(data);
    List<LockstepFit.Model> models = new ArrayList<>();
    int[] heldOut = new int[6];
    for (int g = 0; g < 6; g++) {
      int fold = g % 3;
      heldOut[g] = fold;
      Dataset rows = data.rows(java.util.stream.IntStream.range(0, data.rows())
          .filter(i -> rowFold[i] != fold).toArray());
      double[] start = new double[data.features() + 1];
      start[0] = Trainer.initialIntercept(Loss.LOGISTIC, rows.y());
      models.add(new LockstepFit.Model(g < 3 ? 1e-3 : 1, Standardization.fit(rows), start));
    }
    Columns columns = Columns.of(Loss.LOGISTIC, 6).withFolds(rowFold, heldOut);
    LockstepFit.Result a = new LockstepMiniBatch(settings(Loss.LOGISTIC, "adam")).fit(data,
        c -> new ReferenceBackend(data, base, c), columns, base, models);
    LockstepFit.Result b = new LockstepMiniBatch(settings(Loss.LOGISTIC, "adam")).fit(data,
        c -> new ReferenceBackend(data, base, c), columns, base, models);
    for (int g = 0; g < 6; g++) {
      LockstepFit.ModelResult m = a.models().get(g);
      assertArrayEquals(m.theta(), b.models().get(g).theta(), 0.0);
      // Each fitted: far below the constant model's loss on this set (about 0.65).
      assertTrue(m.objective() < (g < 3 ? 0.2 : 0.6), g + ": " + m.objective() + ", " + m.message());
    }
  }

  @Test
  void aScheduleAndSettingsAreChecked() {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new LockstepMiniBatch.Settings(() -> null, new LearningRateSchedule.Constant(),
            0, 32, 5, 0, 0, 1));
  }
}

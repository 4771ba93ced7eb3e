package io.descent.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command-line names and factories of optimizers and schedules. */
class OptimizerKindTest {
  @Test
  void labelsAndBatchKinds() {
    assertEquals(List.of("lbfgs", "gd", "owlqn", "sgd", "momentum", "nesterov", "adagrad", "rmsprop",
        "adam"), Arrays.stream(OptimizerKind.values()).map(OptimizerKind::label).toList());
    assertTrue(OptimizerKind.LBFGS.isFullBatch());
    assertTrue(OptimizerKind.GD.isFullBatch());
    assertTrue(OptimizerKind.OWLQN.isFullBatch());
    assertEquals(3, Arrays.stream(OptimizerKind.values()).filter(OptimizerKind::isFullBatch)
        .count());
    assertEquals(OptimizerKind.RMSPROP, OptimizerKind.fromLabel(" RMSProp "));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OptimizerKind.fromLabel("adamw"));
    assertEquals("unknown optimizer \"adamw\", expected one of lbfgs, gd, owlqn, sgd, momentum,"
        + " nesterov, adagrad, rmsprop, adam", e.getMessage());
  }

  @Test
  void everyKindBuildsItsOptimizerWithDefaults() {
    Hyperparameters none = Hyperparameters.defaults();
    assertInstanceOf(Lbfgs.class, OptimizerKind.LBFGS.fullBatch(none));
    assertInstanceOf(GradientDescent.class, OptimizerKind.GD.fullBatch(none));
    assertInstanceOf(Sgd.class, OptimizerKind.SGD.updateRule(none));
    assertInstanceOf(Momentum.class, OptimizerKind.MOMENTUM.updateRule(none));
    assertInstanceOf(Nesterov.class, OptimizerKind.NESTEROV.updateRule(none));
    assertInstanceOf(AdaGrad.class, OptimizerKind.ADAGRAD.updateRule(none));
    assertInstanceOf(RmsProp.class, OptimizerKind.RMSPROP.updateRule(none));
    assertInstanceOf(Adam.class, OptimizerKind.ADAM.updateRule(none));
    for (OptimizerKind k : OptimizerKind.values()) {
      String name = k.isFullBatch() ? k.fullBatch(none).name() : k.updateRule(none).name();
      assertEquals(k.label(), name);
    }
    assertEquals(new Lbfgs().toString(), OptimizerKind.LBFGS.fullBatch(none).toString());
    assertEquals(new Adam().toString(), OptimizerKind.ADAM.updateRule(none).toString());
  }

  @Test
  void givenHyperparametersReachTheOptimizer() {
    Hyperparameters h = Hyperparameters.defaults();
    assertEquals(4, ((Lbfgs) OptimizerKind.LBFGS.fullBatch(h.withMemory(4))).memory());
    assertEquals(0.2, ((GradientDescent) OptimizerKind.GD.fullBatch(h.withInitialStep(0.2)))
        .initialStep());
    assertEquals(0.5, ((Momentum) OptimizerKind.MOMENTUM.updateRule(h.withMomentum(0.5)))
        .momentum());
    assertEquals(0.7, ((Nesterov) OptimizerKind.NESTEROV.updateRule(h.withMomentum(0.7)))
        .momentum());
    assertEquals(1e-6, ((AdaGrad) OptimizerKind.ADAGRAD.updateRule(h.withEpsilon(1e-6)))
        .epsilon());
    RmsProp rms = (RmsProp) OptimizerKind.RMSPROP.updateRule(h.withRho(0.5).withEpsilon(1e-4));
    assertEquals(0.5, rms.rho());
    assertEquals(1e-4, rms.epsilon());
    Adam adam = (Adam) OptimizerKind.ADAM.updateRule(h.withBeta1(0.8).withBeta2(0.99));
    assertEquals(0.8, adam.beta1());
    assertEquals(0.99, adam.beta2());
    assertEquals(Adam.DEFAULT_EPSILON, adam.epsilon());
  }

  @Test
  void lineSearchHyperparametersReachTheFullBatchOptimizers() {
    Hyperparameters h = Hyperparameters.defaults().withC1(1e-3).withLineSearch(7);
    Lbfgs lbfgs = (Lbfgs) OptimizerKind.LBFGS.fullBatch(h.withC2(0.1));
    assertEquals(1e-3, lbfgs.c1());
    assertEquals(0.1, lbfgs.c2());
    assertEquals(7, lbfgs.maxLineSearchEvaluations());
    assertTrue(lbfgs.toString().contains("c2=0.1"), lbfgs.toString());
    GradientDescent gd = (GradientDescent) OptimizerKind.GD.fullBatch(h);
    assertEquals(1e-3, gd.c1());
    // Seven evaluations: the first trial and six halvings.
    assertEquals(6, gd.maxHalvings());
    assertThrows(IllegalArgumentException.class, () -> OptimizerKind.GD.fullBatch(h.withC2(0.5)));
    assertThrows(IllegalArgumentException.class,
        () -> OptimizerKind.SGD.updateRule(Hyperparameters.defaults().withC1(0.1)));
    assertThrows(IllegalArgumentException.class,
        () -> OptimizerKind.LBFGS.fullBatch(h.withLineSearch(0)));
    assertThrows(IllegalArgumentException.class,
        () -> OptimizerKind.LBFGS.fullBatch(h.withC2(1e-4)));
  }

  @Test
  void aLineSearchBudgetBoundsTheEvaluationsOfAnIteration() {
    // On (3/2)(x - 1)^2 from 0, gd's first trial step 1 overshoots; with a budget of one
    // evaluation the iteration gives up instead of halving.
    DifferentiableFunction f = x -> new Point(x, 1.5 * (x[0] - 1) * (x[0] - 1),
        new double[] {3 * (x[0] - 1)});
    Hyperparameters one = Hyperparameters.defaults().withLineSearch(1);
    Iteration it = OptimizerKind.GD.fullBatch(one).start(f, new double[1]).iterate();
    assertTrue(it.lineSearchFailed());
    assertEquals(1, it.evaluations());
    Iteration two = OptimizerKind.GD.fullBatch(one.withLineSearch(2)).start(f, new double[1])
        .iterate();
    assertEquals(0.5, two.stepSize());
    assertEquals(2, two.evaluations());
  }

  @Test
  void hyperparametersThatDoNotApplyAreRejected() {
    Hyperparameters h = Hyperparameters.defaults();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OptimizerKind.ADAM.updateRule(h.withMomentum(0.9)));
    assertEquals("momentum does not apply to adam (it takes beta1, beta2, epsilon)",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> OptimizerKind.SGD.updateRule(h.withEpsilon(1e-8)));
    assertEquals("epsilon does not apply to sgd (it has no hyperparameters of its own, only the"
        + " learning rate, batch size and schedule of every mini-batch rule)", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> OptimizerKind.GD.fullBatch(h.withMemory(3)));
    // Values out of range are the constructors' to reject.
    e = assertThrows(IllegalArgumentException.class,
        () -> OptimizerKind.MOMENTUM.updateRule(h.withMomentum(1.5)));
    assertEquals("momentum must be in [0, 1), got 1.5", e.getMessage());
  }

  @Test
  void askingForTheWrongFamilyFails() {
    assertThrows(IllegalStateException.class,
        () -> OptimizerKind.ADAM.fullBatch(Hyperparameters.defaults()));
    assertThrows(IllegalStateException.class,
        () -> OptimizerKind.LBFGS.updateRule(Hyperparameters.defaults()));
  }

  @Test
  void scheduleKinds() {
    assertEquals(List.of("constant", "step", "exponential", "invsqrt"),
        Arrays.stream(ScheduleKind.values()).map(ScheduleKind::label).toList());
    assertEquals(ScheduleKind.INVSQRT, ScheduleKind.fromLabel("InvSqrt"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ScheduleKind.fromLabel("cosine"));
    assertEquals("unknown schedule \"cosine\", expected one of constant, step, exponential,"
        + " invsqrt", e.getMessage());
    assertEquals(LearningRateSchedule.constant(), ScheduleKind.CONSTANT.create(null, null));
    assertEquals(LearningRateSchedule.step(10, 0.5), ScheduleKind.STEP.create(null, null));
    assertEquals(LearningRateSchedule.step(3, 0.1), ScheduleKind.STEP.create(0.1, 3));
    assertEquals(LearningRateSchedule.exponential(0.95),
        ScheduleKind.EXPONENTIAL.create(null, null));
    assertEquals(LearningRateSchedule.exponential(0.9), ScheduleKind.EXPONENTIAL.create(0.9, null));
    assertEquals(LearningRateSchedule.inverseSqrt(1000), ScheduleKind.INVSQRT.create(null, null));
    assertEquals(LearningRateSchedule.inverseSqrt(50), ScheduleKind.INVSQRT.create(null, 50));
    for (ScheduleKind k : ScheduleKind.values()) {
      assertEquals(k.label(), k.create(null, null).name());
    }
    e = assertThrows(IllegalArgumentException.class,
        () -> ScheduleKind.INVSQRT.create(0.5, null));
    assertEquals("decay does not apply to schedule invsqrt", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ScheduleKind.CONSTANT.create(null, 3));
    assertThrows(IllegalArgumentException.class, () -> ScheduleKind.EXPONENTIAL.create(0.9, 3));
    assertThrows(IllegalArgumentException.class, () -> ScheduleKind.STEP.create(2.0, 3));
  }
}

package io.descent.train;

import io.descent.data.ClassLabels;
import io.descent.data.ClassWeights;
import io.descent.data.Dataset;
import io.descent.data.Split;
import io.descent.data.Standardization;
import io.descent.gradient.Columns;
import io.descent.gradient.OpenClOptions;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import io.descent.model.LinearModel;
import io.descent.model.TrainingInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * One-vs-rest classification over C classes: C binary logistic models, model c fitted on the
 * target {@code y == c}, all in the same passes over the rows ({@link Columns#positives}, fitted
 * in lockstep by {@link LockstepFit}). A row's class is the one whose model gives it the highest
 * probability (the highest margin, the sigmoid being increasing).
 *
 * <p>The target holds class indices 0..C-1 (with the dataset's {@link Dataset#classLabels()}
 * when it has them). Every model is standardized on all rows (weighted as it weighs them),
 * penalized alike, and starts where the trainer starts (the intercept of the constant model, or
 * a warm start's weights), so model c is the binary logistic model {@code train} fits on
 * {@code y == c} with the same weights, to the optimizer's tolerance (see {@link #fit(Dataset,
 * double, boolean, String, OpenClOptions, LockstepFit.Settings, Consumer, Consumer,
 * ClassWeights, LinearModel)} for row and class weights). With two classes the
 * two models mirror each other ({@code theta_0 = -theta_1}), each the binary model.
 *
 * <p>{@link #model()} holds the C models as one {@link LinearModel#oneVsRest one-vs-rest model}.
 */
public final class OneVsRest {
  private final List<LinearModel> models;
  private final LinearModel model;
  private final LockstepFit.Result fit;
  private final int rows;
  private final ClassWeights classWeights;
  private final double[] table;
  private final List<List<Progress>> histories;
  private final double verification;
  private final int[] validationRows;
  /** Whether the rows had weights of their own, and whether the fit started from a model. */
  private final boolean weighted;
  private final boolean warmStart;

  private OneVsRest(List<LinearModel> models, LinearModel model, LockstepFit.Result fit,
      int rows, ClassWeights classWeights, double[] table, List<List<Progress>> histories,
      double verification, int[] validationRows, boolean weighted, boolean warmStart) {
    this.weighted = weighted;
    this.warmStart = warmStart;
    this.validationRows = validationRows;
    this.histories = histories;
    this.verification = verification;
    this.models = List.copyOf(models);
    this.model = model;
    this.fit = fit;
    this.rows = rows;
    this.classWeights = classWeights;
    this.table = table;
  }

  /**
   * Fits the C models.
   *
   * @param data rows whose target is a class index 0..C-1, C &gt;= 2
   * @param l2 the penalty of every model
   * @param backend {@code auto}, {@code opencl}, {@code nd4j} or {@code reference}
   * @param openCl the OpenCL options (null for the defaults)
   * @param settings the optimizer and stopping rules
   * @param messages one line per skipped backend
   * @throws IllegalArgumentException when a target is not a class index, a class has no row, or
   *     there are fewer than 2 classes
   */
  public static OneVsRest fit(Dataset data, double l2, String backend, OpenClOptions openCl,
      LockstepFit.Settings settings, Consumer<String> messages) {
    return fit(data, l2, true, backend, openCl, settings, messages, null);
  }

  /**
   * Fits the C models, on standardized features or not.
   *
   * @param standardize false to fit on the raw features (fitted centred, reported raw)
   * @param running told of the fit before it starts, so that another thread can {@link
   *     LockstepFit#requestStop stop} it; null for none
   * @see #fit(Dataset, double, String, OpenClOptions, LockstepFit.Settings, Consumer)
   */
  public static OneVsRest fit(Dataset data, double l2, boolean standardize, String backend,
      OpenClOptions openCl, LockstepFit.Settings settings, Consumer<String> messages,
      Consumer<LockstepFit> running) {
    return fit(data, l2, standardize, backend, openCl, settings, messages, running, null,
        null);
  }

  /**
   * Fits the C models on weighted rows, from a one-vs-rest model's weights or not.
   *
   * <p>Row weights ({@link Dataset#weights()}) are shared by the C models. Class weights given
   * per label ({@link ClassWeights#of}) weigh the rows of each multiclass label in every model
   * alike, multiplying the row weights (scikit-learn's {@code LogisticRegression(multi_class=
   * 'ovr')} with a dict). {@link ClassWeights#balanced() Balanced} weights balance each model's
   * own two classes, as scikit-learn's one-vs-rest does: in model c a row of class c weighs
   * {@code n / (2 n_c)} and any other row {@code n / (2 (n - n_c))}, with n rows and n_c rows
   * of class c counted as {@link ClassWeights} counts them (rows, not their weights), times its
   * row weight. Each model is then the binary model {@code train} fits on {@code y == c} with
   * those weights: standardized on its own weighted rows (when standardizing), starting from
   * its own weighted intercept; the C models still share every pass ({@link
   * Columns#withClassWeights}).
   *
   * @param classWeights weights per class; null for none
   * @param init a one-vs-rest model of the same features and classes to start from ({@link
   *     WarmStart#checkOneVsRest}); null to start from the constant models
   * @throws IllegalArgumentException as {@link #fit(Dataset, double, String, OpenClOptions,
   *     LockstepFit.Settings, Consumer)}, or when class weights name a label the target lacks,
   *     or {@code init} does not fit the data
   */
  public static OneVsRest fit(Dataset data, double l2, boolean standardize, String backend,
      OpenClOptions openCl, LockstepFit.Settings settings, Consumer<String> messages,
      Consumer<LockstepFit> running, ClassWeights classWeights, LinearModel init) {
    return fit(data, l2, standardize, backend, openCl, settings, messages, running,
        classWeights, init, null);
  }

  /**
   * Early stopping of every class's model on its own validation loss.
   *
   * @param fraction the share of rows held out ({@link Split#shuffled}, as the trainer splits)
   * @param patience iterations without a better validation loss before a model stops
   * @param seed the split's seed
   */
  public record EarlyStopping(double fraction, int patience, long seed) {
    /** Checks the values. */
    public EarlyStopping {
      if (!(fraction > 0 && fraction < 1)) {
        throw new IllegalArgumentException("validation fraction must be in (0, 1), got "
            + fraction);
      }
      if (patience < 1) {
        throw new IllegalArgumentException("patience must be >= 1, got " + patience);
      }
    }
  }

  /**
   * As {@link #fit(Dataset, double, boolean, String, OpenClOptions, LockstepFit.Settings,
   * Consumer, Consumer, ClassWeights, LinearModel)}, holding out a validation share of the rows
   * when {@code early} is given: the rows are split as the trainer splits them ({@link
   * Split#shuffled} by the seed, after class weights are counted on all rows, as {@code
   * train} counts them), the C models are fitted on the training rows, and each stops on its
   * own validation loss (the mean logistic loss of {@code y == c} on the validation rows,
   * weighted as the model weighs them; {@link LockstepFit#withEarlyStopping}): model c is then
   * the binary fit {@code train --validation-fraction} makes of {@code y == c}.
   */
  public static OneVsRest fit(Dataset data, double l2, boolean standardize, String backend,
      OpenClOptions openCl, LockstepFit.Settings settings, Consumer<String> messages,
      Consumer<LockstepFit> running, ClassWeights classWeights, LinearModel init,
      EarlyStopping early) {
    return fit(data, l2, standardize, backend, openCl, settings, null, messages,
        running == null ? null : fit -> running.accept((LockstepFit) fit), classWeights, init,
        early);
  }

  /**
   * As {@link #fit(Dataset, double, boolean, String, OpenClOptions, LockstepFit.Settings,
   * Consumer, Consumer, ClassWeights, LinearModel, EarlyStopping)}, with a mini-batch update
   * rule when {@code miniBatch} is given: the C models then run in {@link LockstepMiniBatch}
   * (the same shuffled batches for all, one batched evaluation per batch), each the trainer's
   * mini-batch fit of {@code y == c} with the same seed. Early stopping, verification and
   * histories are for full-batch fits only.
   *
   * @param miniBatch the mini-batch rule and its stopping rules; null for {@code settings}'
   *     full-batch optimizer
   * @param running told, before the fit starts, of the {@link LockstepFit} (full batch) or
   *     {@link LockstepMiniBatch} (mini-batch) that runs, so that another thread can stop it;
   *     null for none
   * @throws IllegalArgumentException also for a mini-batch fit with early stopping or
   *     verification
   */
  public static OneVsRest fit(Dataset data, double l2, boolean standardize, String backend,
      OpenClOptions openCl, LockstepFit.Settings settings, LockstepMiniBatch.Settings miniBatch,
      Consumer<String> messages, Consumer<Object> running, ClassWeights classWeights,
      LinearModel init, EarlyStopping early) {
    data.requireTarget();
    if (miniBatch != null && (early != null || settings.verifyEvery() > 0)) {
      throw new IllegalArgumentException("a one-vs-rest fit with a mini-batch optimizer"
          + " neither stops early on validation rows nor verifies yet");
    }
    int classes = classes(data);
    if (init != null) {
      WarmStart.checkOneVsRest(init, data);
    }
    boolean balanced = classWeights != null && classWeights.isBalanced();
    Dataset weighted = classWeights == null || balanced ? data : classWeights.applyTo(data);
    Dataset rows = weighted;
    Dataset validation = null;
    int[] heldOut = new int[0];
    if (early != null) {
      Split split = Split.shuffled(data.rows(), early.fraction(), early.seed());
      if (split.train().length == 0 || split.test().length == 0) {
        throw new IllegalArgumentException("validation fraction " + early.fraction()
            + " leaves an empty training or validation set on " + data.rows() + " rows");
      }
      rows = weighted.rows(split.train());
      validation = weighted.rows(split.test());
      heldOut = split.test().clone();
      java.util.Arrays.sort(heldOut);
    }
    int[] positives = new int[classes];
    for (int c = 0; c < classes; c++) {
      positives[c] = c;
    }
    Columns columns = Columns.positives(positives);
    double[] table = balanced ? balancedTable(data, classes) : null;
    if (table != null) {
      columns = columns.withClassWeights(classes, table);
    }
    // Raw features run centred, as train's (Trainer.centred), and are reported raw.
    Standardization base = standardize ? Standardization.fit(rows) : Trainer.centred(rows);
    Standardization reported = standardize ? base : Standardization.identity(data.features());
    List<LockstepFit.Model> starts = new ArrayList<>();
    Standardization[] own = new Standardization[classes];
    double[] binary = new double[rows.rows()];
    int p = data.features() + 1;
    for (int c = 0; c < classes; c++) {
      for (int i = 0; i < binary.length; i++) {
        binary[i] = columns.target(c, rows.y()[i]);
      }
      double[] weights = table == null ? rows.weights() : modelWeights(rows, columns, c);
      try {
        requireBothSides(rows, binary, weights, labels(data, classes), c);
      } catch (MissingClassException e) {
        // The held-out rows were drawn at random: say so, as a single model's fit does.
        throw heldOut.length == 0 ? e : e.setAside("validationFraction(" + early.fraction()
            + ") held out " + heldOut.length);
      }
      own[c] = table != null && standardize
          ? Standardization.fitWeighted(rows, weights) : base;
      double[] start = new double[p];
      if (init != null) {
        System.arraycopy(WarmStart.theta(init, own[c]), c * p, start, 0, p);
      } else {
        start[0] = Trainer.initialIntercept(Loss.LOGISTIC, binary, weights);
      }
      starts.add(new LockstepFit.Model(l2, own[c], start));
    }
    LockstepFit.Result result;
    LockstepFit lockstep = null;
    // Every class's reported objective and gradient: the float64 reference's, at its final
    // weights, whatever backend trained (README "Training options").
    Dataset fitted = rows;
    LockstepFit.Opener reference = c -> new ReferenceBackend(fitted, base, c);
    List<List<Progress>> histories;
    try (ChosenBackend chosen = new ChosenBackend(backend, rows, base, columns, openCl,
        messages)) {
      if (miniBatch != null) {
        // Each class judged by the float64 reference, as the trainer judges one model.
        LockstepMiniBatch mini = new LockstepMiniBatch(miniBatch).judgeWith(reference);
        if (running != null) {
          running.accept(mini);
        }
        result = mini.fit(rows, chosen.opener(), columns, base, starts);
        histories = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
          histories.add(List.of());
        }
      } else {
        lockstep = new LockstepFit(settings);
        History history = new History(classes);
        lockstep.onIteration(history);
        if (validation != null) {
          lockstep.withEarlyStopping(validationLoss(validation, columns, own),
              early.patience());
        }
        if (running != null) {
          running.accept(lockstep);
        }
        result = LockstepFit.recomputed(lockstep.fit(rows, chosen.opener(), chosen.float64(),
            columns, base, starts), reference, columns, base, starts);
        histories = history.perClass;
      }
    }
    if (l2 == 0) {
      result = separations(result, rows, columns, own, table != null,
          miniBatch != null ? miniBatch.gradientTolerance() : settings.gradientTolerance());
    }
    ClassLabels labels = labels(data, classes);
    List<LinearModel> models = new ArrayList<>();
    double[] all = new double[p * classes];
    for (int c = 0; c < classes; c++) {
      double[] theta = result.models().get(c).theta();
      if (result.models().get(c).stopReason() == StopReason.INTERRUPTED
          && !java.util.Arrays.stream(theta).allMatch(Double::isFinite)) {
        theta = starts.get(c).start();
      }
      if (!java.util.Arrays.stream(theta).allMatch(Double::isFinite)) {
        throw new IllegalStateException("the model of class " + labels.label(c) + " diverged: "
            + result.models().get(c).message());
      }
      double[] shared = new StandardizationMap(own[c], reported).toBase(theta);
      models.add(LinearModel.of(Loss.LOGISTIC, data.featureNames(), data.targetName() + " == "
          + labels.label(c), null, standardize ? own[c] : reported, standardize ? theta : shared));
      // The one-vs-rest model keeps every class in the shared space (exact up to rounding).
      System.arraycopy(shared, 0, all, c * p, p);
    }
    LinearModel model = LinearModel.oneVsRest(data.featureNames(), data.targetName(), labels,
        reported, all);
    return new OneVsRest(models, model, result, rows.rows(), classWeights,
        table == null ? null : table.clone(), histories,
        lockstep == null ? Double.NaN : lockstep.largestVerificationError(), heldOut,
        weighted.weights() != null || table != null, init != null);
  }

  /**
   * {@code result} with every unpenalized class model whose own binary rows its parameters prove
   * separable stopped as {@link StopReason#SEPARABLE}, as {@code train} judges a fit ({@link
   * Separation#proof}: theta itself, or for a model that did not converge what an L-BFGS probe
   * from it finds). The lockstep's own test, a mean loss below ln(2)/n, holds only near complete
   * separation, which a mini-batch fit may never reach: on iris, whose class 0 is separable from
   * the others, sgd and adam wrote a model with exit 0.
   *
   * @param weighted whether each class's rows weigh its class weights (else the rows' own)
   */
  private static LockstepFit.Result separations(LockstepFit.Result result, Dataset rows,
      Columns columns, Standardization[] own, boolean weighted, double tolerance) {
    List<LockstepFit.ModelResult> models = new ArrayList<>(result.models());
    boolean changed = false;
    for (int c = 0; c < models.size(); c++) {
      LockstepFit.ModelResult r = models.get(c);
      if (r.stopReason() == StopReason.DIVERGED || r.stopReason() == StopReason.SEPARABLE
          || r.stopReason() == StopReason.INTERRUPTED
          || !java.util.Arrays.stream(r.theta()).allMatch(Double::isFinite)) {
        continue;
      }
      double[] binary = new double[rows.rows()];
      for (int i = 0; i < binary.length; i++) {
        binary[i] = columns.target(c, rows.y()[i]);
      }
      Dataset mine = new Dataset(rows.source(), rows.featureNames(), rows.targetName(),
          rows.x(), binary, null);
      double[] weights = weighted ? modelWeights(rows, columns, c) : rows.weights();
      Separation separation = new Separation(weights == null ? mine : mine.withWeights(weights),
          own[c]);
      double[] proof = separation.proof(r.theta(), r.converged(), tolerance);
      if (proof != null) {
        models.set(c, r.separable(proof, "no finite optimum: the classes are separable (every"
            + " training row is on its own class's side, so the loss keeps falling towards 0 as"
            + " the weights grow); add a penalty with l2(...), e.g. l2(0.01)"));
        changed = true;
      }
    }
    return changed ? result.withModels(models) : result;
  }

  /**
   * The rows of the data held out for early stopping (indices, ascending; empty without it): the
   * models were fitted on the others ({@link #trainingRows()} of them).
   */
  public int[] validationRows() {
    return validationRows.clone();
  }

  /**
   * The balanced class-weight table of one-vs-rest over C classes ({@code C x C}, model c's row
   * first): model c weighs its positive class {@code n / (2 n_c)} and every other class {@code
   * n / (2 (n - n_c))}, n and n_c counted in rows (those that weigh more than 0: a row of weight
   * 0 is as a row absent), as scikit-learn's one-vs-rest balances each binary problem ({@code
   * compute_class_weight('balanced')} on {@code y == c}).
   *
   * @param data rows whose target is a class index 0..C-1, every class with a row
   */
  public static double[] balancedTable(Dataset data, int classes) {
    long[] counts = new long[classes];
    long n = 0;
    double[] y = data.y();
    for (int i = 0; i < y.length; i++) {
      if (data.weight(i) > 0) {
        counts[(int) y[i]]++;
        n++;
      }
    }
    double[] table = new double[classes * classes];
    for (int c = 0; c < classes; c++) {
      double positive = (double) n / (2.0 * counts[c]);
      double rest = (double) n / (2.0 * (n - counts[c]));
      for (int l = 0; l < classes; l++) {
        table[c * classes + l] = l == c ? positive : rest;
      }
    }
    return table;
  }

  /**
   * Model c's validation loss: the weighted mean over the validation rows of the logistic loss
   * of {@code y == c}, each row weighing its own weight times c's class weight of its label.
   */
  private static LockstepFit.Validation validationLoss(Dataset validation, Columns columns,
      Standardization[] own) {
    int d = validation.features();
    float[] x = validation.x();
    double[] y = validation.y();
    return (c, theta) -> {
      Standardization s = own[c];
      io.descent.data.CompensatedSum loss = new io.descent.data.CompensatedSum();
      io.descent.data.CompensatedSum total = new io.descent.data.CompensatedSum();
      for (int i = 0; i < y.length; i++) {
        double weight = validation.weight(i) * columns.classWeight(c, y[i]);
        if (weight == 0) {
          continue;
        }
        double m = theta[0];
        for (int j = 0; j < d; j++) {
          m += theta[j + 1] * ((x[i * d + j] - s.mean(j)) / s.scale(j));
        }
        loss.add(weight * Loss.LOGISTIC.value(m, columns.target(c, y[i])));
        total.add(weight);
      }
      return loss.value() / total.value();
    };
  }

  /** The data's class labels, or "0" .. "C-1" for a target coded as class indices. */
  private static ClassLabels labels(Dataset data, int classes) {
    return data.classLabels().orElse(ClassLabels.indices(classes));
  }

  /**
   * Model {@code c} needs training rows of its class and of the others that weigh more than 0
   * (as a binary logistic fit does): with one side only its loss has no minimum.
   */
  private static void requireBothSides(Dataset rows, double[] binary, double[] weights,
      ClassLabels labels, int c) {
    boolean positive = false;
    boolean negative = false;
    for (int i = 0; i < binary.length; i++) {
      if (weights == null || weights[i] > 0) {
        positive |= binary[i] > 0.5;
        negative |= binary[i] <= 0.5;
      }
    }
    if (positive && negative) {
      return;
    }
    String which = (weights == null ? "" : " that weighs more than 0")
        + (positive ? " is not of class \"" : " is of class \"") + labels.label(c) + "\"";
    throw new MissingClassException(rows.source() + ": no training row of target \""
        + rows.targetName() + "\"" + which + ": the one-vs-rest model of class \""
        + labels.label(c) + "\" needs rows of its class and of the others");
  }

  /** Each row's weight in model c: its own weight times c's class weight of its label. */
  private static double[] modelWeights(Dataset rows, Columns columns, int c) {
    double[] w = new double[rows.rows()];
    double[] y = rows.y();
    for (int i = 0; i < w.length; i++) {
      w[i] = rows.weight(i) * columns.classWeight(c, y[i]);
    }
    return w;
  }

  /** C, checking that every target is a class index and every class has a row. */
  private static int classes(Dataset data) {
    int most = -1;
    for (int i = 0; i < data.rows(); i++) {
      double y = data.y()[i];
      if (!(y >= 0 && y == Math.rint(y) && y < Integer.MAX_VALUE)) {
        throw new IllegalArgumentException(data.source() + ": row " + i + " has class " + y
            + ", not a class index 0, 1, 2, ...");
      }
      most = Math.max(most, (int) y);
    }
    int classes = Math.max(most + 1, data.classLabels().map(ClassLabels::size).orElse(0));
    if (classes < 2) {
      throw new IllegalArgumentException(data.source() + ": one-vs-rest needs 2 or more classes,"
          + " got " + classes);
    }
    boolean[] seen = new boolean[classes];
    for (double y : data.y()) {
      seen[(int) y] = true;
    }
    for (int c = 0; c < classes; c++) {
      if (!seen[c]) {
        String label = labels(data, classes).label(c);
        throw new MissingClassException(data.source() + ": no training row of target \""
            + data.targetName() + "\" is of class \"" + label + "\": the one-vs-rest model of"
            + " class \"" + label + "\" needs rows of its class and of the others");
      }
    }
    return classes;
  }

  /** The rows the models were fitted on (without the validation rows of early stopping). */
  public int trainingRows() {
    return rows;
  }

  /** The number of classes C. */
  public int classes() {
    return models.size();
  }

  /** Model c: the probability that a row is of class c rather than another. */
  public LinearModel model(int c) {
    return models.get(c);
  }

  /** The C models as one one-vs-rest model, with the classes' labels. */
  public LinearModel model() {
    return model;
  }

  /** Whether every class's model converged. */
  public boolean converged() {
    return fit.models().stream().allMatch(LockstepFit.ModelResult::converged);
  }

  /**
   * The class result whose stop reason the model file records for the whole fit: an interrupted
   * one (Ctrl-C stops every class still running, so the checkpoint says interrupted whatever the
   * classes that had stopped before said: separable, capped), else the first that did not
   * converge, else the first.
   */
  static LockstepFit.ModelResult reported(List<LockstepFit.ModelResult> classes) {
    return classes.stream().filter(m -> m.stopReason() == StopReason.INTERRUPTED).findFirst()
        .orElse(classes.stream().filter(m -> !m.converged()).findFirst()
            .orElse(classes.get(0)));
  }

  /**
   * The fit as a model file records it: the sum of the classes' objectives, the stop reason of
   * an interrupted class (the fit was interrupted), else of the first class that did not
   * converge (else of the first class), the most iterations of any
   * class, the backend that ran; and per class (by label) in the hyperparameters its stop reason,
   * objective and iterations, with the passes over the data the models shared; with class
   * weights, those asked for ({@code classWeights}) and, balanced, each class's positive and
   * rest weights ({@code classWeight[label]}, {@code restWeight[label]}).
   *
   * @param config the settings of the fit (penalty, optimizer, seed)
   */
  public TrainingInfo trainingInfo(TrainingConfig config) {
    LockstepFit.ModelResult report = reported(fit.models());
    double objective = 0;
    double gradient = 0;
    long iterations = 0;
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("oneVsRest", true);
    h.put("loss", Loss.LOGISTIC.label());
    h.put("l2", config.l2());
    h.put("layout", fit.backend().layout());
    if (config.l1() > 0) {
      h.put("l1", config.l1());
    }
    h.putAll(config.runSettings());
    if (weighted) {
      h.put("weighted", true);
    }
    if (warmStart) {
      h.put("warmStart", true);
    }
    h.put("passes", (long) fit.passes());
    for (int c = 0; c < models.size(); c++) {
      LockstepFit.ModelResult m = fit.models().get(c);
      objective += m.objective();
      gradient += m.gradientNorm() * m.gradientNorm();
      iterations = Math.max(iterations, m.iterations());
      String label = model.label(c);
      h.put("stopReason[" + label + "]", m.stopReason().label());
      h.put("objective[" + label + "]", Double.isFinite(m.objective()) ? m.objective() : null);
      h.put("iterations[" + label + "]", (long) m.iterations());
      if (m.float64Iterations() > 0) {
        h.put("polishIterations[" + label + "]", (long) m.float64Iterations());
      }
      if (table != null) {
        h.put("classWeight[" + label + "]", table[c * models.size() + c]);
        h.put("restWeight[" + label + "]", table[c * models.size() + (c == 0 ? 1 : 0)]);
      }
    }
    if (classWeights != null) {
      h.put("classWeights", classWeights.toString());
    }
    h.values().removeIf(Objects::isNull);
    return new TrainingInfo(objective, report.stopReason().label(), iterations, fit.epochs(),
        fit.backend().kind().label(), fit.backend().device(), fit.backend().precision(),
        config.optimizerDescription(), config.l2(), config.standardize(), config.seed(),
        fit.seconds(), verification, rows, h, Math.sqrt(gradient), config.optimizerSettings());
  }

  /**
   * The largest error the verification found ({@link LockstepFit.Settings#verifyEvery}: the
   * larger of each check's scaled gradient and loss errors), NaN when nothing was verified.
   */
  public double verification() {
    return verification;
  }

  /**
   * Class c's history: its objective and gradient norm at its start (iteration 0) and after
   * each of its iterations, with the seconds since the fit began (epoch 0, step size and
   * validation loss NaN).
   */
  public List<Progress> history(int c) {
    return histories.get(c);
  }

  /**
   * The history of the whole fit, one row per iteration up to the longest class's: the sum of
   * the C objectives (each class held at its last value once it stopped), as {@link
   * #trainingInfo} sums them, and the norm of the C gradients together; the seconds of the
   * latest class to reach that iteration.
   */
  public List<Progress> history() {
    int longest = 0;
    for (List<Progress> h : histories) {
      longest = Math.max(longest, h.size());
    }
    List<Progress> out = new ArrayList<>();
    for (int t = 0; t < longest; t++) {
      double objective = 0;
      double squares = 0;
      double seconds = 0;
      for (List<Progress> h : histories) {
        if (h.isEmpty()) {
          continue;
        }
        Progress p = h.get(Math.min(t, h.size() - 1));
        objective += p.objective();
        squares += p.gradientNorm() * p.gradientNorm();
        if (t < h.size()) {
          seconds = Math.max(seconds, p.elapsedSeconds());
        }
      }
      out.add(new Progress(t, 0, objective, Math.sqrt(squares), Double.NaN, seconds,
          Double.NaN));
    }
    return out;
  }

  /** Collects each class's progress from the lockstep fit. */
  private static final class History implements LockstepFit.IterationListener {
    private final List<List<Progress>> perClass = new ArrayList<>();

    History(int classes) {
      for (int c = 0; c < classes; c++) {
        perClass.add(new ArrayList<>());
      }
    }

    @Override
    public void iteration(int model, int iteration, double objective, double gradientNorm,
        double elapsedSeconds) {
      perClass.get(model).add(new Progress(iteration, 0, objective, gradientNorm, Double.NaN,
          elapsedSeconds, Double.NaN));
    }
  }

  /** How each model's fit ended, and the passes they shared. */
  public LockstepFit.Result fit() {
    return fit;
  }

  /** Each row's class: the one whose model gives the highest probability (first of equals). */
  public int[] classify(Dataset data) {
    Objects.requireNonNull(data, "data");
    double[][] margins = new double[models.size()][];
    for (int c = 0; c < models.size(); c++) {
      margins[c] = models.get(c).margins(data);
    }
    int[] out = new int[data.rows()];
    for (int i = 0; i < out.length; i++) {
      int best = 0;
      for (int c = 1; c < margins.length; c++) {
        if (margins[c][i] > margins[best][i]) {
          best = c;
        }
      }
      out[i] = best;
    }
    return out;
  }
}

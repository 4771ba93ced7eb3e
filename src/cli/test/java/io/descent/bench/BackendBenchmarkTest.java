package io.descent.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.Descent;
import io.descent.data.SyntheticData;
import io.descent.gradient.BackendKind;
import io.descent.gradient.ReadBandwidth;
import io.descent.loss.Loss;
import io.descent.train.FitResult;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bench's measurements on the host backends, at tiny sizes (fast, so only plausible). */
class BackendBenchmarkTest {
  private static final List<Integer> ROWS = List.of(300, 1000);
  private static final List<Integer> FEATURES = List.of(5);
  private static final int REPEATS = 2;
  /** A problem whose default ND4J fit ends near float32's resolution (seed 7). */
  private static final FitProblem FIT = new FitProblem(2000, 8, Loss.LOGISTIC);
  private static final long SEED = 7;

  private static BenchReport report;
  private static final List<String> progress = new ArrayList<>();

  @BeforeAll
  static void run() {
    BenchConfig config = new BenchConfig(ROWS, FEATURES, List.of(Loss.LINEAR, Loss.LOGISTIC),
        EnumSet.of(BackendKind.ND4J, BackendKind.REFERENCE), null, 1, REPEATS, SEED,
        FIT);
    report = BackendBenchmark.run(config, progress::add);
  }

  @Test
  void everySizeLossAndBackendHasARowInOrder() {
    List<String> seen = new ArrayList<>();
    for (EvaluationRow r : report.evaluations()) {
      seen.add(r.rows() + "x" + r.features() + " " + r.loss().label() + " " + r.target());
    }
    List<String> expected = new ArrayList<>();
    for (int n : ROWS) {
      for (Loss loss : List.of(Loss.LINEAR, Loss.LOGISTIC)) {
        expected.add(n + "x5 " + loss.label() + " nd4j");
        expected.add(n + "x5 " + loss.label() + " reference");
      }
    }
    assertEquals(expected, seen);
  }

  @Test
  void everyRowNamesWhatRanAndWasMeasured() {
    for (EvaluationRow r : report.evaluations()) {
      assertTrue(r.ok(), r.toString());
      assertEquals(r.target(), r.backend().kind().label());
      assertFalse(r.backend().device().isBlank() || r.backend().device().equals("-"),
          r.toString());
      assertEquals(r.backend().kind() == BackendKind.REFERENCE ? "float64" : "float32",
          r.backend().precision());
      assertEquals("-", r.backend().layout(), "host backends have no kernel layout");
      assertTrue(r.openSeconds() >= 0, r.toString());
      assertEquals(0.0, r.buildSeconds(), "host backends build no kernels");
    }
  }

  @Test
  void mediansLieBetweenMinAndMaxOfTheRepeats() {
    for (EvaluationRow r : report.evaluations()) {
      TimeStats s = r.seconds();
      assertEquals(REPEATS, s.count());
      assertTrue(s.min() > 0 && s.min() <= s.median() && s.median() <= s.max(), s.toString());
    }
  }

  @Test
  void bandwidthFollowsFromBytesAndTime() {
    for (EvaluationRow r : report.evaluations()) {
      long bytes = (long) r.rows() * r.features() * 4;
      assertEquals(bytes, r.bytes());
      assertEquals(bytes / r.seconds().median() / 1e9, r.gigabytesPerSecond(),
          1e-12 * r.gigabytesPerSecond());
      ReadBandwidth read = r.readBandwidth();
      assertNotNull(read, r.toString());
      assertEquals("host", read.layout());
      assertEquals(bytes, read.bytes(), "the ceiling is measured on the same size");
      assertEquals(100 * r.gigabytesPerSecond() / read.gigabytesPerSecond(),
          r.percentOfReadBandwidth(), 1e-9 * r.percentOfReadBandwidth());
    }
  }

  @Test
  void speedupIsNd4jsMedianOverEachRowsMedian() {
    for (int k = 0; k < report.evaluations().size(); k += 2) {
      EvaluationRow nd4j = report.evaluations().get(k);
      EvaluationRow reference = report.evaluations().get(k + 1);
      assertEquals(BackendKind.ND4J, nd4j.backend().kind());
      assertEquals(1.0, nd4j.speedupOverNd4j());
      assertEquals(nd4j.seconds().median() / reference.seconds().median(),
          reference.speedupOverNd4j(), 1e-12);
    }
  }

  @Test
  void gradientsAreCheckedAgainstTheReference() {
    for (EvaluationRow r : report.evaluations()) {
      if (r.backend().kind() == BackendKind.REFERENCE) {
        assertEquals(0.0, r.gradientError(), "the reference is deterministic");
        assertEquals(0.0, r.tolerance());
      } else {
        assertTrue(r.gradientError() > 0 && r.gradientError() <= r.tolerance(), r.toString());
      }
    }
  }

  @Test
  void backendsAreInitializedOnceBeforeTheSweep() {
    assertEquals(List.of("nd4j", "reference"),
        List.copyOf(report.initializationSeconds().keySet()));
    report.initializationSeconds().values().forEach(s -> assertTrue(s >= 0));
    assertTrue(progress.stream().anyMatch(l -> l.startsWith("nd4j: initialized in")), progress
        .toString());
  }

  @Test
  void endToEndFitsAgreeAcrossBackends() {
    assertEquals(2, report.fits().size());
    FitRow nd4j = report.fits().get(0);
    FitRow reference = report.fits().get(1);
    for (FitRow r : report.fits()) {
      assertTrue(r.ok(), r.toString());
      assertEquals(r.target(), r.backend().kind().label());
      assertTrue(r.wallSeconds() > 0 && r.iterations() > 0 && r.evaluations() >= r.iterations(),
          r.toString());
      assertNotNull(r.stopReason());
    }
    // The objective is recomputed by the float64 reference whatever trained.
    assertEquals(reference.objective(), nd4j.objective(), 1e-6 * reference.objective());
    assertEquals(1.0, nd4j.speedupOverNd4j());
    assertEquals(nd4j.wallSeconds() / reference.wallSeconds(), reference.speedupOverNd4j(),
        1e-12);
  }

  @Test
  void endToEndLinesReadTheGeneratedCsvFileAndFitWhatWasRead() throws Exception {
    // The file is what 'descent generate' writes for the problem and seed, byte for byte.
    java.io.StringWriter text = new java.io.StringWriter();
    new io.descent.data.SyntheticData(FIT.rows(), FIT.features(), FIT.loss(), SEED).write(text);
    long bytes = text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    // What the reader returns is the generator's in-memory dataset, bit for bit, so the fit on
    // it reaches the objective a fit on that dataset does.
    io.descent.data.Dataset memory = new io.descent.data.SyntheticData(FIT.rows(),
        FIT.features(), FIT.loss(), SEED).dataset();
    double expected = io.descent.Descent.logistic().backend("reference").seed(SEED)
        .train(memory, io.descent.train.TrainingListener.NONE).objective();
    for (FitRow r : report.fits()) {
      assertEquals(bytes, r.fileBytes(), r.toString());
      assertTrue(r.readSeconds() > 0, r.toString());
      assertEquals(bytes / 1e6 / r.readSeconds(), r.ingestMegabytesPerSecond(), 1e-9);
      assertEquals(r.readSeconds() + r.wallSeconds(), r.endToEndSeconds(), 1e-12);
      assertEquals(expected, r.objective(), 1e-6 * expected, r.toString());
    }
    assertTrue(progress.stream().anyMatch(l -> l.contains("MB/s), fit ")), progress.toString());
  }

  @Test
  void aFloat32FitSaysInItsPrecisionWhetherAndWhereItFinishedInFloat64() {
    FitRow nd4j = report.fits().get(0);
    assertEquals("float32", nd4j.backend().precision());
    // The trainer's own account of the same fit. Near float32's resolution it either converges
    // in float32 (its slopes carry it to the tolerance) or runs its last iterations in float64,
    // ND4J having no float64 of its own, on the reference (the host CPU); which one depends on
    // the CPU's rounding. BenchOutputsTest formats a finish whatever this machine does.
    FitResult r = Descent.logistic().backend("nd4j").seed(7)
        .train(new SyntheticData(FIT.rows(), FIT.features(), FIT.loss(), 7).dataset(), null);
    assertEquals(r.hyperparameters().get("polish"), nd4j.finish(), nd4j.toString());
    if (nd4j.finish() == null) {
      assertEquals(0, nd4j.finishIterations(), nd4j.toString());
      assertEquals("float32", nd4j.precision());
      assertFalse(r.message().contains("float64"), r.message());
    } else {
      assertTrue(r.message().contains("ran in float64 on reference"), r.message());
      assertEquals(r.hyperparameters().get("polishIterations"), nd4j.finishIterations());
      assertTrue(nd4j.finishIterations() > 0, nd4j.toString());
      assertEquals("float32 + float64 finish (" + nd4j.finishIterations()
          + " iterations) on reference (Java (host CPU), float64)", nd4j.precision());
    }
    assertTrue(BenchTable.format(report).contains(nd4j.precision()));
    // The reference is float64 throughout: nothing to finish.
    assertNull(report.fits().get(1).finish());
    assertEquals("float64", report.fits().get(1).precision());
    report.fits().forEach(f -> assertEquals(0.0, f.buildSeconds(), f.toString()));
    assertTrue(report.kernelBuilds().isEmpty(), "no OpenCL target, no kernel built");
  }

  @Test
  void theMachineAndLoadAreRecorded() {
    MachineInfo m = report.machine();
    assertTrue(m.cores() >= 1);
    assertFalse(m.cpu().isBlank());
    assertTrue(report.seconds() > 0);
    assertNotNull(m.started());
  }

  @Test
  void anUnavailableBackendGetsAReasonRowAndTheRunGoesOn() {
    // No OpenCL device is named "no such device": whether or not this machine has OpenCL, the
    // OpenCL target cannot run, and ND4J and the reference are measured all the same.
    BenchConfig config = new BenchConfig(List.of(200), List.of(3), List.of(Loss.LOGISTIC),
        EnumSet.allOf(BackendKind.class), "no such device", 0, 1, 1,
        new FitProblem(300, 3, Loss.LOGISTIC));
    List<String> lines = new ArrayList<>();
    BenchReport r = BackendBenchmark.run(config, lines::add);
    assertEquals(3, r.evaluations().size());
    EvaluationRow opencl = r.evaluations().get(0);
    assertEquals(BackendKind.OPENCL, opencl.backend().kind());
    assertFalse(opencl.ok());
    assertTrue(opencl.failure().startsWith("unavailable: "), opencl.failure());
    assertNull(opencl.seconds());
    assertTrue(Double.isNaN(opencl.speedupOverNd4j()));
    assertTrue(r.evaluations().get(1).ok() && r.evaluations().get(2).ok());
    assertEquals(3, r.fits().size());
    assertEquals(opencl.failure(), r.fits().get(0).failure());
    assertTrue(r.fits().get(1).ok() && r.fits().get(2).ok());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("skipped opencl: ")), lines.toString());
    assertFalse(r.initializationSeconds().containsKey("opencl"));
  }

  @Test
  void dataTooLargeForOneArrayFailsItsSizeOnlyAndTheRunGoesOn() {
    // 2^31 x 1 values cannot be one Java array: the generator refuses before allocating.
    BenchConfig config = new BenchConfig(List.of(Integer.MAX_VALUE, 100), List.of(1),
        List.of(Loss.LINEAR), EnumSet.of(BackendKind.REFERENCE), null, 0, 1, 1, null);
    BenchReport r = BackendBenchmark.run(config, line -> { });
    assertEquals(2, r.evaluations().size());
    EvaluationRow huge = r.evaluations().get(0);
    assertFalse(huge.ok());
    assertTrue(huge.failure().startsWith("failed: could not generate the data: "),
        huge.failure());
    assertTrue(r.evaluations().get(1).ok());
    assertTrue(r.fits().isEmpty());
  }

  @Test
  void theEvaluationPointIsSeededAndAwayFromZero() {
    double[] a = BackendBenchmark.evaluationPoint(6, 3);
    assertEquals(7, a.length);
    assertEquals(List.of(a[0], a[6]), List.of(BackendBenchmark.evaluationPoint(6, 3)[0],
        BackendBenchmark.evaluationPoint(6, 3)[6]));
    assertNotEquals(a[0], BackendBenchmark.evaluationPoint(6, 4)[0]);
  }

  @Test
  void relativeErrorIsTheNormOfTheDifferenceOverTheNorm() {
    assertEquals(1.5 / Math.sqrt(45), BackendBenchmark.relativeError(new double[] {3, 4.5},
        new double[] {3, 6}), 1e-15);
    assertEquals(0.0, BackendBenchmark.relativeError(new double[] {1, 2}, new double[] {1, 2}));
    assertEquals(5.0, BackendBenchmark.relativeError(new double[] {3, 4}, new double[] {0, 0}));
  }
}

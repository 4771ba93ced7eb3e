package io.descent.benchmarks;

import io.descent.bench.BackendBenchmark;
import io.descent.bench.BenchConfig;
import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.data.SyntheticData;
import io.descent.gradient.BackendKind;
import io.descent.gradient.Backends;
import io.descent.gradient.Batch;
import io.descent.gradient.Evaluation;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One loss-and-gradient evaluation over all rows, per backend: the operation {@code descent
 * bench} times, on the same data (generated with the bench's default seed) at the same point
 * ({@link BackendBenchmark#evaluationPoint}), so the two can be checked against each other.
 *
 * <p>The dataset is generated and the backend opened (the upload) once per trial, outside the
 * measurement. Each call returns the {@link Evaluation}, so the JIT cannot drop the work; every
 * backend returns only after its result is on the host (the OpenCL backend reads its partial
 * sums back), so the kernel is timed, not its enqueueing.
 *
 * <p>A backend that cannot run here fails its trial in setup, with the reason, and JMH goes on
 * to the next parameter set.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class EvaluationBenchmark {
  /** Rows of the generated dataset. */
  @Param({"10000", "100000", "1000000"})
  public int rows;

  /** Features of the generated dataset. */
  @Param({"64"})
  public int features;

  /** linear or logistic. */
  @Param({"linear", "logistic"})
  public String loss;

  /** opencl, nd4j or reference. */
  @Param({"opencl", "nd4j", "reference"})
  public String backend;

  /** OpenCL device: an index from {@code descent devices}, a name substring, or "auto". */
  @Param({"auto"})
  public String device;

  private GradientBackend gradient;
  private double[] theta;
  private Batch all;

  /** Generates the data and opens the backend on it: the upload is not measured. */
  @Setup(Level.Trial)
  public void open() {
    Loss l = Loss.valueOf(loss.toUpperCase(Locale.ROOT));
    Dataset data = new SyntheticData(rows, features, l, BenchConfig.DEFAULT_SEED).dataset();
    OpenClOptions openCl = new OpenClOptions(device.equals("auto") ? null : device, "auto",
        "float");
    gradient = Backends.open(BackendKind.valueOf(backend.toUpperCase(Locale.ROOT)), data,
        Standardization.fit(data), l, openCl);
    theta = BackendBenchmark.evaluationPoint(features, BenchConfig.DEFAULT_SEED);
    all = Batch.all(rows);
  }

  /** One evaluation of the loss and its gradient over every row. */
  @Benchmark
  public Evaluation evaluate() {
    return gradient.evaluate(theta, all);
  }

  /** Says what ran (backend, device, precision, layout) and releases its native memory. */
  @TearDown(Level.Trial)
  public void close() {
    if (gradient != null) {
      System.out.println("# Backend: " + gradient.info().summary());
      gradient.close();
    }
  }
}

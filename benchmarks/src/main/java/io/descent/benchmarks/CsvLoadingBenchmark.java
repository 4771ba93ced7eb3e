package io.descent.benchmarks;

import io.descent.bench.BenchConfig;
import io.descent.data.CsvReader;
import io.descent.data.Dataset;
import io.descent.data.SyntheticData;
import io.descent.loss.Loss;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Reading a CSV file into a {@link Dataset} with {@link CsvReader} (a regular file: counted and
 * parsed in slices on {@code threads} threads), on a file that {@code descent generate} would
 * write (7 significant digits per value), or on the file given as {@code -p file=...}. After the
 * first read the file is in the page cache, so this measures parsing, not the disk. The teardown
 * prints the file's size: MB/s is its size over the time per read, e.g. for the file of the
 * README's figure, {@code java -jar target/benchmarks.jar CsvLoadingBenchmark -p
 * file=/tmp/x.csv -p loss=LOGISTIC}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class CsvLoadingBenchmark {
  /** Rows of the generated file. */
  @Param({"10000", "100000"})
  public int rows;

  /** Feature columns of the generated file (plus the target y). */
  @Param({"64"})
  public int features;

  /** The target: LINEAR reads a numeric y, LOGISTIC a binary one. */
  @Param({"LINEAR"})
  public String loss;

  /** Threads that parse (0: one per processor, the reader's default). */
  @Param({"0"})
  public int threads;

  /** A CSV file to read instead of generating one (with a target y); empty to generate. */
  @Param({""})
  public String file;

  private Path path;
  private boolean generated;
  private CsvReader reader;

  /** Writes the file once per trial, in the system's temporary directory. */
  @Setup(Level.Trial)
  public void write() throws IOException {
    Loss target = Loss.valueOf(loss);
    generated = file.isEmpty();
    if (generated) {
      path = Files.createTempFile("descent-csv-benchmark-", ".csv");
      try (Writer out = new BufferedWriter(Files.newBufferedWriter(path, StandardCharsets.UTF_8),
          1 << 16)) {
        new SyntheticData(rows, features, target, BenchConfig.DEFAULT_SEED).write(out);
      }
    } else {
      path = Path.of(file);
    }
    reader = new CsvReader(target == Loss.LOGISTIC ? CsvReader.Options.binaryTarget("y")
        : CsvReader.Options.numericTarget("y")).withThreads(threads);
  }

  /** Reads the whole file. */
  @Benchmark
  public Dataset read() throws IOException {
    return reader.read(path);
  }

  /** Says how big the file was (for MB/s) and deletes it if it was generated. */
  @TearDown(Level.Trial)
  public void delete() throws IOException {
    System.out.println("# File: " + path + ", " + Files.size(path) + " bytes, " + reader.threads()
        + " threads");
    if (generated) {
      Files.deleteIfExists(path);
    }
  }
}

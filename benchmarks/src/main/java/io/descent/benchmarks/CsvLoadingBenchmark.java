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
 * Reading a CSV file into a {@link Dataset} with {@link CsvReader}: both passes (counting rows,
 * then parsing into one float array), on a file that {@code descent generate} would write
 * (linear target, 7 significant digits per value). After the first read the file is in the page
 * cache, so this measures parsing, not the disk.
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

  private Path file;
  private CsvReader reader;

  /** Writes the file once per trial, in the system's temporary directory. */
  @Setup(Level.Trial)
  public void write() throws IOException {
    file = Files.createTempFile("descent-csv-benchmark-", ".csv");
    try (Writer out = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8),
        1 << 16)) {
      new SyntheticData(rows, features, Loss.LINEAR, BenchConfig.DEFAULT_SEED).write(out);
    }
    reader = new CsvReader(CsvReader.Options.numericTarget("y"));
  }

  /** Reads the whole file. */
  @Benchmark
  public Dataset read() throws IOException {
    return reader.read(file);
  }

  /** Says how big the file was (for MB/s) and deletes it. */
  @TearDown(Level.Trial)
  public void delete() throws IOException {
    System.out.println("# File: " + rows + " x " + features + ", " + Files.size(file) + " bytes");
    Files.deleteIfExists(file);
  }
}

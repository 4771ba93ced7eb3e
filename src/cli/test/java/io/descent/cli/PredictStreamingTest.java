package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code predict} streams: each row is predicted and written as it is read, so a file far larger
 * than the heap is scored, and {@code --id} columns are copied through to join the predictions
 * back to their rows.
 */
class PredictStreamingTest {
  @TempDir
  Path dir;
  private Path model;

  @BeforeEach
  void train() {
    model = dir.resolve("mtcars.json");
    Cli r = Cli.run("train", "--data", "datasets/mtcars.csv", "--target", "mpg", "--loss",
        "linear", "--features", "wt,hp", "--backend", "reference", "--quiet", "--out",
        model.toString());
    assertEquals(0, r.code(), r.err());
  }

  private List<String> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void idColumnsComeFirstAsWritten() throws IOException {
    Path cars = dir.resolve("cars.csv");
    Files.writeString(cars, "name,hp,wt,date\n"
        + "\"Mazda RX4, \"\"Wag\"\"\",110,2.875,2024-01-02\n"
        + "Datsun 710,93,2.32,2024-01-03\n");
    Cli plain = Cli.run("predict", "--model", model.toString(), "--data", cars.toString());
    assertEquals(0, plain.code(), plain.err());
    List<String> predictions = plain.out().lines().toList();
    assertEquals("prediction", predictions.get(0));

    Path out = dir.resolve("p.csv");
    Cli r = Cli.run("predict", "--model", model.toString(), "--data", cars.toString(), "--id",
        "name", "--id", "wt", "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("name,wt,prediction",
        "\"Mazda RX4, \"\"Wag\"\"\",2.875," + predictions.get(1),
        "Datsun 710,2.32," + predictions.get(2)), Files.readAllLines(out));
  }

  @Test
  void anUnknownIdIsAUsageErrorListingTheHeader() throws IOException {
    Path out = dir.resolve("p.csv");
    Cli r = Cli.run("predict", "--model", model.toString(), "--data", "datasets/mtcars.csv",
        "--id", "model", "--out", out.toString());
    assertEquals(2, r.code(), r.err());
    assertEquals("descent: --id model: datasets/mtcars.csv has no column \"model\"; the columns"
        + " are \"cyl\", \"disp\", \"hp\", \"drat\", \"wt\", \"qsec\", \"vs\", \"am\", \"gear\","
        + " \"carb\", ... (11 in all)", r.err().strip());
    assertEquals(List.of("mtcars.json"), files());
  }

  /** Rows before the bad one were predicted, but the output never appears. */
  @Test
  void aBadRowPartWayIsPlacedAndLeavesTheOutputAsItWas() throws IOException {
    Path cars = dir.resolve("cars.csv");
    Files.writeString(cars, "hp,wt\n110,2.62\n93,2.32\n95,NaN\n");
    Path out = dir.resolve("p.csv");
    Files.writeString(out, "old\n");
    Cli r = Cli.run("predict", "--model", model.toString(), "--data", cars.toString(), "--out",
        out.toString());
    assertEquals(2, r.code(), r.err());
    assertEquals(cars + ":4:2: \"NaN\" is not a finite number in column \"wt\"", r.err().strip());
    assertEquals("old\n", Files.readString(out));
    assertEquals(List.of("cars.csv", "mtcars.json", "p.csv"), files());
  }

  /**
   * 2,000,000 rows x 8 features are 64 MB as float32 and 91 MB as text: more than the whole
   * heap of the JVM that predicts them, which reads one row at a time.
   */
  @Test
  void aFileLargerThanTheHeapIsPredictedInConstantMemory() throws Exception {
    int rows = 2_000_000;
    int features = 8;
    Path small = dir.resolve("small.csv");
    assertEquals(0, Cli.run("generate", "--rows", "200", "--features", "" + features, "--loss",
        "linear", "--seed", "1", "--out", small.toString()).code());
    Path wide = dir.resolve("x8.json");
    Cli train = Cli.run("train", "--data", small.toString(), "--target", "y", "--loss",
        "linear", "--backend", "reference", "--quiet", "--out", wide.toString());
    assertEquals(0, train.code(), train.err());

    Path big = dir.resolve("big.csv");
    String[] values = new String[1000];
    for (int v = 0; v < values.length; v++) {
      values[v] = Double.toString((v - 500) / 100.0);
    }
    try (BufferedWriter w = Files.newBufferedWriter(big)) {
      w.write("id,x0,x1,x2,x3,x4,x5,x6,x7\n");
      for (int i = 0; i < rows; i++) {
        w.write(Integer.toString(i));
        for (int j = 0; j < features; j++) {
          w.write(',');
          w.write(values[(i * 31 + j * 17) % values.length]);
        }
        w.write('\n');
      }
    }
    Path out = dir.resolve("p.csv");
    Cli r = LargeInputTest.java("-Xmx48m", "predict", "--model", wide.toString(), "--data",
        big.toString(), "--id", "id", "--out", out.toString());
    assertEquals(0, r.code(), r.out());
    try (Stream<String> lines = Files.lines(out)) {
      assertEquals(rows + 1L, lines.count());
    }
    try (Stream<String> lines = Files.lines(out)) {
      List<String> last = lines.skip(rows).toList();
      assertTrue(last.get(0).startsWith((rows - 1) + ","), last.toString());
    }
  }
}

package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.CsvReader.Options;
import io.descent.data.CsvReader.TargetKind;
import io.descent.loss.Loss;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A regular file read in slices on several threads gives bit for bit the sequential reader's
 * dataset, or its error with the same message: on many generated files (any slice size, down to
 * one line per slice and more slices than lines; LF, CRLF or CR; a byte-order mark; a final line
 * break or not; trailing empty lines; text, numeric and class targets; weights; skipped columns;
 * errors anywhere, several at once) and on the shipped datasets; in one pass and with the count
 * pass before the slices.
 */
class CsvReaderSlicesTest {
  private static final String BAD_BYTES = "\u0001BAD\u0001";

  @TempDir
  Path dir;

  /** What a reading gives: the dataset, or the error's message. */
  private record Outcome(Dataset data, String error) {}

  private static Outcome read(CsvReader reader, Path file) throws IOException {
    try {
      return new Outcome(reader.read(file), null);
    } catch (DataFormatException e) {
      return new Outcome(null, e.getMessage());
    }
  }

  private static void assertSame(Outcome want, Outcome got, String what) {
    assertEquals(want.error(), got.error(), what);
    if (want.error() != null) {
      return;
    }
    Dataset a = want.data();
    Dataset b = got.data();
    assertEquals(a.featureNames(), b.featureNames(), what);
    assertEquals(a.targetName(), b.targetName(), what);
    assertEquals(a.rows(), b.rows(), what);
    assertEquals(a.labels(), b.labels(), what);
    assertEquals(a.classLabels(), b.classLabels(), what);
    float[] ax = a.x();
    float[] bx = b.x();
    assertEquals(ax.length, bx.length, what);
    for (int i = 0; i < ax.length; i++) {
      if (Float.floatToRawIntBits(ax[i]) != Float.floatToRawIntBits(bx[i])) {
        throw new AssertionError(what + ": x[" + i + "] " + ax[i] + " != " + bx[i]);
      }
    }
    assertArrayEquals(bits(a.y()), bits(b.y()), what);
    assertEquals(a.weights() == null, b.weights() == null, what);
    if (a.weights() != null) {
      assertArrayEquals(bits(a.weights()), bits(b.weights()), what);
    }
  }

  private static long[] bits(double[] v) {
    return Arrays.stream(v).mapToLong(Double::doubleToRawLongBits).toArray();
  }

  /** A random CSV file's text and the options to read it with. */
  private static final class Generated {
    final StringBuilder text = new StringBuilder();
    Options options;
    boolean mutated;
  }

  private static String featureValue(SplittableRandom r) {
    return switch (r.nextInt(12)) {
      case 0 -> ByteDecimalParserTest.randomDecimal(r);
      case 1 -> {
        List<String> edge = ByteDecimalParserTest.edgeInputs(r, 1);
        yield edge.get(edge.size() - 1 - r.nextInt(4));
      }
      case 2 -> " " + r.nextInt(-100, 100) + "\t";
      case 3 -> r.nextInt(-5, 5) + "e" + r.nextInt(-40, 40);
      default -> String.format(java.util.Locale.ROOT, "%.7g", r.nextGaussian()
          * Math.pow(10, r.nextInt(-6, 6))).replace("e+", "e");
    };
  }

  private static Generated generate(SplittableRandom r, boolean mutate) {
    Generated g = new Generated();
    int features = r.nextInt(1, 6);
    TargetKind kind = TargetKind.values()[r.nextInt(3)];
    boolean target = r.nextInt(5) > 0;
    boolean weights = r.nextInt(3) == 0;
    boolean note = r.nextInt(3) == 0;
    String[][] labelSets = {{"0", "1"}, {"true", "FALSE"}, {"yes", "no"}, {"1.0", "0"},
        {"a", "b", "c", "d"}, {"1", "2.0", "3e0", " 4 "}, {"café", "naïve", "x"}};
    String[] labels = kind == TargetKind.BINARY ? labelSets[r.nextInt(4)]
        : labelSets[r.nextInt(labelSets.length)];
    List<String> columns = new ArrayList<>();
    for (int j = 0; j < features; j++) {
      columns.add("f" + j);
    }
    if (target) {
      columns.add("y");
    }
    if (weights) {
      columns.add("w");
    }
    if (note) {
      columns.add("note");
    }
    Collections.shuffle(columns, new java.util.Random(r.nextLong()));
    String eol = new String[] {"\n", "\r\n", "\r"}[r.nextInt(3)];
    if (r.nextInt(4) == 0) {
      g.text.append('\uFEFF');
    }
    g.text.append(String.join(",", columns)).append(eol);
    int rows = r.nextInt(1, 40);
    for (int i = 0; i < rows; i++) {
      List<String> fields = new ArrayList<>();
      for (String c : columns) {
        fields.add(switch (c) {
          case "y" -> kind == TargetKind.NUMERIC ? featureValue(r)
              : labels[i < labels.length ? i : r.nextInt(labels.length)];
          case "w" -> i == 0 ? "1" : Double.toString(Math.abs(r.nextGaussian()));
          case "note" -> r.nextBoolean() ? "plain text " + i : "é" + i + " ü";
          default -> featureValue(r);
        });
      }
      if (mutate && r.nextInt(rows) < 3) {
        g.mutated = true;
        int c = r.nextInt(fields.size());
        switch (r.nextInt(10)) {
          case 0 -> fields.set(c, "1x");
          case 1 -> fields.set(c, "");
          case 2 -> fields.set(c, "nan");
          case 3 -> fields.remove(c);
          case 4 -> fields.add("7");
          case 5 -> g.text.append(eol);
          case 6 -> fields.set(c, "-" + (1 + r.nextInt(9)));
          case 7 -> fields.set(c, "1" + BAD_BYTES);
          case 8 -> fields.set(c, "\"" + fields.get(c) + "\"");
          default -> fields.set(c, "maybe");
        }
      }
      g.text.append(String.join(",", fields));
      if (i < rows - 1 || r.nextInt(3) > 0) {
        g.text.append(eol);
      }
    }
    if (r.nextInt(4) == 0) {
      g.text.append(eol.repeat(r.nextInt(1, 3)));
    }
    Options o = target ? new Options("y", null, ',', kind, kind == TargetKind.BINARY
        && labels[0].equals("yes") ? "yes" : null) : Options.noTarget();
    if (weights) {
      o = o.withWeightColumn("w");
    }
    if (note || r.nextInt(4) == 0) {
      List<String> chosen = new ArrayList<>();
      for (int j = 0; j < features; j++) {
        chosen.add("f" + j);
      }
      Collections.shuffle(chosen, new java.util.Random(r.nextLong()));
      o = o.withFeatures(chosen.subList(0, r.nextInt(1, features + 1)));
    }
    g.options = o;
    return g;
  }

  private Path write(String text, String name) throws IOException {
    byte[] bad = {(byte) 0xC3, (byte) 0x28};
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    byte[] marker = BAD_BYTES.getBytes(StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < utf8.length; i++) {
      if (i + marker.length <= utf8.length
          && Arrays.equals(utf8, i, i + marker.length, marker, 0, marker.length)) {
        out.write(bad, 0, bad.length);
        i += marker.length - 1;
      } else {
        out.write(utf8[i]);
      }
    }
    Path file = dir.resolve(name);
    Files.write(file, out.toByteArray());
    return file;
  }

  private void compareOnRandomFiles(long seed, boolean mutate, int files) throws IOException {
    SplittableRandom r = new SplittableRandom(seed);
    int sliced = 0;
    for (int f = 0; f < files; f++) {
      Generated g = generate(r, mutate);
      Path file = write(g.text.toString(), "f" + f + ".csv");
      CsvReader sequential = new CsvReader(g.options).withSliceBytes(0);
      Outcome want = read(sequential, file);
      int size = (int) Files.size(file);
      for (int t = 0; t < 3; t++) {
        int slice = t == 0 ? 1 : r.nextInt(1, size + 1);
        CsvReader sliced1 = new CsvReader(g.options).withSliceBytes(slice)
            .withThreads(r.nextInt(1, 5));
        String what = "file " + f + " (seed " + seed + "), slices of " + slice + " bytes, "
            + g.options + ":\n" + g.text;
        assertSame(want, read(sliced1, file), what);
        assertSame(want, read(sliced1.withCountPass(), file), "count pass, " + what);
        if (want.error() == null && !g.text.toString().contains("\"")) {
          assertNotNull(sliced1.readInSlices(file), "read in slices: " + what);
          assertNotNull(sliced1.withCountPass().readInSlices(file), "counted: " + what);
          sliced++;
        }
      }
    }
    assertTrue(mutate || sliced > files, "files read in slices: " + sliced);
  }

  @Test
  void randomFilesReadAsTheSequentialReaderReadsThem() throws IOException {
    compareOnRandomFiles(14, false, 300);
  }

  @Test
  void errorsAnywhereAreTheSequentialReadersFirstError() throws IOException {
    compareOnRandomFiles(41, true, 400);
  }

  /** Writes what {@code descent generate} writes for a logistic problem; returns the text. */
  private static String writeLogistic(Path file, int rows, int features, long seed)
      throws IOException {
    StringWriter text = new StringWriter();
    new SyntheticData(rows, features, Loss.LOGISTIC, seed).write(text);
    Files.writeString(file, text.toString());
    return text.toString();
  }

  @Test
  void aGeneratedLogisticFileInManySlicesIsBitForBitTheSequentialRead() throws IOException {
    Path file = dir.resolve("logistic.csv");
    String text = writeLogistic(file, 20_000, 16, 7);
    Options o = Options.binaryTarget("y");
    CsvReader sliced = new CsvReader(o).withSliceBytes(1 << 16).withThreads(3);
    assertNotNull(sliced.readInSlices(file));
    assertSame(read(new CsvReader(o).withSliceBytes(0), file), read(sliced, file), "logistic");
    Files.writeString(file, text.replace("\n", "\r\n"));
    assertSame(read(new CsvReader(o).withSliceBytes(0), file), read(sliced, file), "CRLF");
  }

  @Test
  void theShippedDatasetsReadAsTheSequentialReaderReadsThem() throws IOException {
    try (var files = Files.list(Path.of(System.getProperty("descent.datasets", "datasets")))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".csv")).sorted().toList()) {
        String header = Files.readAllLines(file).get(0);
        String last = Integer.toString(header.split(",").length - 1);
        for (TargetKind kind : TargetKind.values()) {
          Options o = new Options(last, null, ',', kind, null);
          Outcome want = read(new CsvReader(o).withSliceBytes(0), file);
          CsvReader sliced = new CsvReader(o).withSliceBytes(4096).withThreads(2);
          assertSame(want, read(sliced, file), file + " " + kind);
          if (want.error() == null) {
            assertNotNull(sliced.readInSlices(file), file + " " + kind);
          }
        }
      }
    }
  }

  /**
   * Numbers that end a slice: the fast path reads digits eight bytes at a time past a slice's end
   * into the parser's padding. Slices of every size, read on one thread so that each reuses the
   * buffer of a longer one before it (its bytes after the end are stale digits), with the last
   * column a feature of up to 17 digits and no line break after the last row; and a buffer with
   * no room for the padding is refused.
   */
  @Test
  void numbersAtTheEndOfASliceStopThere() throws IOException {
    StringBuilder text = new StringBuilder("y,a,b\n");
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < 40; i++) {
      String digits = Long.toString(r.nextLong(1, Long.MAX_VALUE)).substring(0, 1 + i % 17);
      String b = i % 3 == 0 ? digits : i % 3 == 1 ? "-" + digits + ".5" : "0." + digits;
      text.append(i % 2).append(',').append(9 - i % 10).append(',').append(b).append('\n');
    }
    text.setLength(text.length() - 1);
    Path file = write(text.toString(), "ends.csv");
    Options o = Options.binaryTarget("y");
    Outcome want = read(new CsvReader(o).withSliceBytes(0), file);
    for (int slice = 1; slice <= text.length(); slice++) {
      CsvReader sliced = new CsvReader(o).withSliceBytes(slice).withThreads(1);
      assertNotNull(sliced.readInSlices(file), "slices of " + slice);
      assertSame(want, read(sliced, file), "slices of " + slice);
    }
    CsvChunkParser parser = new CsvChunkParser(new CsvChunkParser.Layout("f", ',',
        List.of("y", "a", "b"), new byte[] {CsvChunkParser.LABEL, CsvChunkParser.FEATURE,
            CsvChunkParser.FEATURE}, new int[] {-1, 0, 1}, 2, 2), FloatBuffer.wrap(new float[2]),
        new double[1], null, 0, 1, 2);
    byte[] row = "1,2,3\n".getBytes(StandardCharsets.US_ASCII);
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> parser.parse(row, row.length));
  }

  /**
   * With four slices or more, the first two are read (into a scratch array of their rows) while
   * the feature array is allocated; with fewer, none are. Lines of 4 bytes in slices of 8 bytes
   * make slices of 3 rows (each cut at the end of the line after its 8 bytes).
   */
  @Test
  void theFirstTwoOfFourOrMoreSlicesAreReadWhileTheArrayIsAllocated() throws IOException {
    for (int n : new int[] {9, 10, 30}) {
      StringBuilder text = new StringBuilder("y,a\n");
      for (int i = 0; i < n; i++) {
        text.append(i % 2).append(',').append(i % 10).append('\n');
      }
      Path file = write(text.toString(), "rows" + n + ".csv");
      try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file)) {
        java.util.concurrent.ExecutorService pool =
            java.util.concurrent.Executors.newFixedThreadPool(2);
        CsvChunks chunks;
        try {
          chunks = counted(channel, 8, pool);
        } finally {
          pool.shutdownNow();
        }
        assertEquals((n + 2) / 3, chunks.slices(), n + " rows");
        assertEquals(n >= 10 ? CsvChunks.EARLY_SLICES : 0, chunks.earlySlices(), n + " rows");
        assertEquals(n >= 10 ? 6 : 0, chunks.earlyRows(), n + " rows");
      }
      Options o = Options.binaryTarget("y");
      assertSame(read(new CsvReader(o).withSliceBytes(0), file),
          read(new CsvReader(o).withSliceBytes(8).withCountPass(), file), n + " rows");
    }
  }

  /** The passes a reading reports, in order, each once. */
  private static List<String> passes(CsvReader reader, Path file) throws IOException {
    List<String> passes = Collections.synchronizedList(new ArrayList<>());
    reader.withProgress((pass, bytes, total) -> {
      if (passes.isEmpty() || !passes.get(passes.size() - 1).equals(pass)) {
        passes.add(pass);
      }
    }).read(file);
    return passes;
  }

  /**
   * A file read in slices is read in one pass, with no count pass before it, unless asked for
   * one; either way the same dataset.
   */
  @Test
  void slicesAreReadInOnePass() throws IOException {
    Path file = dir.resolve("logistic.csv");
    writeLogistic(file, 5_000, 8, 3);
    CsvReader sliced = new CsvReader(Options.binaryTarget("y")).withSliceBytes(4096)
        .withThreads(2);
    assertEquals(List.of("reading"), passes(sliced, file));
    assertEquals(List.of("counting rows", "reading"), passes(sliced.withCountPass(), file));
    assertSame(read(sliced.withCountPass(), file), read(sliced, file), "one pass");
  }

  /**
   * A label that first appears in a later slice is reported at its line in the file: an error
   * after a read in one pass (two labels, neither said positive) names the sequential reader's
   * line.
   */
  @Test
  void aLabelFirstSeenInALaterSliceIsReportedAtItsLine() throws IOException {
    StringBuilder text = new StringBuilder("a,y\n");
    for (int i = 0; i < 600; i++) {
      text.append(i).append(',').append(i < 457 ? "no" : i % 2 == 0 ? "yes" : "no").append('\n');
    }
    Path file = write(text.toString(), "late-label.csv");
    Outcome want = read(new CsvReader(Options.binaryTarget("y")).withSliceBytes(0), file);
    assertTrue(want.error() != null && want.error().startsWith(file + ":460:"), want.error());
    for (int slice : new int[] {64, 500, 2000}) {
      CsvReader sliced = new CsvReader(Options.binaryTarget("y")).withSliceBytes(slice)
          .withThreads(2);
      assertSame(want, read(sliced, file), "slices of " + slice);
      assertSame(want, read(sliced.withCountPass(), file), "counted, slices of " + slice);
    }
  }

  /**
   * A heap too small for the estimate is reported as the count pass reports it: with the file's
   * own row count, before any row is read.
   */
  @Test
  void aHeapTooSmallIsReportedWithTheExactRowCount() throws IOException {
    StringBuilder text = new StringBuilder("y,a,b\n");
    for (int i = 0; i < 3000; i++) {
      // Rows of 6 bytes, then of 14: the first slice's estimate is well above the count.
      text.append(i % 2).append(',').append(i < 300 ? "1,2" : "1.23456,2.5").append('\n');
    }
    Path file = write(text.toString(), "heap.csv");
    HeapNeed huge = new HeapNeed("a buffer larger than any heap", 0, 0, 1L << 50);
    CsvReader sliced = new CsvReader(Options.binaryTarget("y")).withSliceBytes(1024)
        .withThreads(2).withHeapNeeds(List.of(huge));
    InsufficientMemoryException e = org.junit.jupiter.api.Assertions.assertThrows(
        InsufficientMemoryException.class, () -> sliced.read(file));
    assertTrue(e.getMessage().contains(": 3000 rows x 2 features need "), e.getMessage());
  }

  /**
   * In one pass the features' array is sized by the first slice's rows per byte. Rows much
   * shorter after it outgrow both that array (it grows, the rows copied so far copied again) and
   * each later slice's own arrays (read again into larger ones); rows much longer leave most of
   * it unused. The rows are the sequential reader's either way, with weights and class labels
   * that first appear late.
   */
  @Test
  void rowsOfAnyLengthAfterTheFirstSliceReadAsTheSequentialReaderReadsThem() throws IOException {
    Options o = Options.classTarget("y").withWeightColumn("w");
    for (boolean longFirst : new boolean[] {true, false}) {
      StringBuilder text = new StringBuilder("y,a,w,b\n");
      for (int i = 0; i < 3000; i++) {
        boolean longRow = longFirst == i < 200;
        String label = i < 2500 ? "c" + i % 2 : "late" + i % 3;
        text.append(label).append(',').append(longRow ? "12345.678901234," : (i % 10) + ",")
            .append(longRow ? "0.00012345678" : "1").append(',')
            .append(longRow ? "-98765.4321012" : (i % 7)).append('\n');
      }
      Path file = write(text.toString(), "lengths" + longFirst + ".csv");
      Outcome want = read(new CsvReader(o).withSliceBytes(0), file);
      for (int slice : new int[] {256, 1000, 4096}) {
        CsvReader sliced = new CsvReader(o).withSliceBytes(slice).withThreads(2);
        assertNotNull(sliced.readInSlices(file), "slices of " + slice);
        assertSame(want, read(sliced, file), "long rows first " + longFirst + ", slices of "
            + slice);
      }
    }
  }

  /**
   * What the count pass found before the slices, one pass finds in them: a quoted line break in
   * a later slice (the file is then read sequentially, the break inside its field), and a row
   * after an empty line that ends an earlier slice (the sequential reader's error).
   */
  @Test
  void quotesAndEmptyLinesInLaterSlicesAreFoundInOnePass() throws IOException {
    Options o = Options.numericTarget("y").withFeatures(List.of("a"));
    StringBuilder quoted = new StringBuilder("a,note,y\n");
    StringBuilder empty = new StringBuilder("a,note,y\n");
    for (int i = 0; i < 400; i++) {
      quoted.append(i).append(i == 300 ? ",\"two\nlines\"," : ",plain,").append(i % 5)
          .append('\n');
      empty.append(i).append(",plain,").append(i % 5).append(i == 300 ? "\n\n" : "\n");
    }
    Path q = write(quoted.toString(), "quoted-late.csv");
    Path e = write(empty.toString(), "empty-late.csv");
    for (int slice : new int[] {64, 512, 3000}) {
      CsvReader sliced = new CsvReader(o).withSliceBytes(slice).withThreads(2);
      assertNull(sliced.readInSlices(q), "quote, slices of " + slice);
      Dataset d = sliced.read(q);
      assertEquals(400, d.rows());
      assertEquals(0.0, d.y()[300]);
      assertEquals(301f, d.get(301, 0));
      assertNull(sliced.readInSlices(e), "empty line, slices of " + slice);
      Outcome want = read(new CsvReader(o).withSliceBytes(0), e);
      assertNotNull(want.error());
      assertSame(want, read(sliced, e), "empty line, slices of " + slice);
    }
  }

  /**
   * The early slices' scratch array is a direct buffer or a heap one as the caller expects the
   * features to be (so that the parser meets one buffer class); either way, and whichever the
   * features then are, the rows are the sequential reader's, bit for bit.
   */
  @Test
  void theEarlySlicesScratchOfEitherKindGivesTheSameRows() throws IOException {
    StringBuilder text = new StringBuilder("y,a,b\n");
    java.util.Random rnd = new java.util.Random(5);
    for (int i = 0; i < 40; i++) {
      text.append(i % 2).append(',').append(rnd.nextGaussian()).append(',')
          .append(rnd.nextInt(1000) / 8.0).append('\n');
    }
    Path file = write(text.toString(), "scratch.csv");
    float[] want = new CsvReader(Options.binaryTarget("y")).withSliceBytes(0).read(file).x();
    CsvChunkParser.Layout layout = new CsvChunkParser.Layout("scratch.csv", ',',
        List.of("y", "a", "b"), new byte[] {CsvChunkParser.LABEL, CsvChunkParser.FEATURE,
            CsvChunkParser.FEATURE}, new int[] {-1, 0, 1}, 2, 2);
    for (boolean scratchOffHeap : new boolean[] {false, true}) {
      for (boolean featuresOffHeap : new boolean[] {false, true}) {
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file)) {
          java.util.concurrent.ExecutorService pool =
              java.util.concurrent.Executors.newFixedThreadPool(2);
          try {
            CsvChunks chunks = counted(channel, 64, pool);
            assertTrue(chunks.earlySlices() > 0, "early slices");
            int n = Math.toIntExact(chunks.rows());
            FloatBuffer x = featuresOffHeap ? FeatureRows.allocateOffHeap(2L * n)
                : FloatBuffer.wrap(new float[2 * n]);
            chunks.parse(pool, layout, () -> x, scratchOffHeap, new double[n], null,
                ReadProgress.NONE);
            float[] got = new float[2 * n];
            x.get(0, got);
            assertArrayEquals(want, got,
                "scratch off the heap " + scratchOffHeap + ", features " + featuresOffHeap);
          } finally {
            pool.shutdownNow();
          }
        }
      }
    }
  }

  /** The file cut into slices of about {@code sliceBytes} bytes, counted on {@code pool}. */
  private static CsvChunks counted(java.nio.channels.FileChannel channel, int sliceBytes,
      java.util.concurrent.ExecutorService pool) throws IOException {
    CsvChunks chunks = CsvChunks.plan(channel, channel.size(), sliceBytes);
    assertTrue(chunks.count(pool, ReadProgress.NONE));
    return chunks;
  }

  @Test
  void quotesAndPipesAreReadSequentially() throws IOException {
    Path file = dir.resolve("quoted.csv");
    Files.writeString(file, "a,note,y\n1,\"x\ny\",2\n3,z,4\n");
    CsvReader reader = new CsvReader(Options.numericTarget("y").withFeatures(List.of("a")))
        .withSliceBytes(1);
    assertNull(reader.readInSlices(file));
    Dataset d = reader.read(file);
    assertEquals(2, d.rows());
    assertEquals(3f, d.get(1, 0));
  }

  @Test
  void threadsDefaultToTheProcessors() {
    CsvReader reader = new CsvReader(Options.noTarget());
    assertEquals(Runtime.getRuntime().availableProcessors(), reader.threads());
    assertEquals(3, reader.withThreads(3).threads());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> reader.withThreads(-1));
  }
}

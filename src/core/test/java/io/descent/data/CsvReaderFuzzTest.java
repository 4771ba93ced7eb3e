package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.descent.data.CsvReader.Options;
import io.descent.fuzz.Escape;
import io.descent.fuzz.Guard;
import io.descent.fuzz.Mutation;
import java.io.ByteArrayInputStream;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Fuzz tests of {@link CsvReader} (issue 5): whatever the bytes, reading gives either a dataset
 * whose every value is what {@link Float#parseFloat} or {@link Double#parseDouble} make of its
 * field, or exactly one {@link DataFormatException} whose message starts {@code FILE:LINE:COLUMN: }
 * with a line and column inside the file, and stays on one line. Never another exception, never
 * a hang (each case runs under a time limit).
 *
 * <p>Every case is read twice, from the file (which counts rows with a byte scan first) and from
 * a reader that returns short, random-length reads into small row chunks; the two must give the
 * same dataset or the same message. Each is also compared with {@link CsvOracle}, a plain
 * second reading of the format, which predicts the values or the exact line and column of the
 * error.
 *
 * <p>The inputs: valid CSV in random shapes and styles, which must read back exactly; the same
 * with random byte edits (bits, quotes, line breaks, NUL, invalid UTF-8, BOMs, number spellings
 * such as {@code 1e400}, {@code 0x10}, {@code 1,5}, {@code NaN}); random soups of awkward fields;
 * and megabyte fields. jqwik prints the number of tries of each property.
 */
class CsvReaderFuzzTest {
  private static final Duration LIMIT = Duration.ofSeconds(20);

  private static Path dir;
  private static Guard guard;

  @BeforeContainer
  static void start() throws IOException {
    dir = Files.createTempDirectory("csv-fuzz");
    guard = new Guard(LIMIT);
  }

  @AfterContainer
  static void stop() throws IOException {
    guard.close();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.delete(p);
      }
    }
    Files.delete(dir);
  }

  // ---- the properties ----

  /** Valid files in random shapes and styles read back exactly, by both paths. */
  @Property(tries = 1500)
  void validCsvReadsBackExactly(@ForAll("validCsvs") ValidCsv csv) {
    Dataset d = check(csv.bytes(), csv.options(), csv.seed());
    String where = csv.describe();
    assertTrue(d != null, "a valid file was rejected: " + where);
    assertEquals(csv.names(), d.featureNames(), where);
    assertEquals(csv.y().length, d.rows(), where);
    assertArrayEquals(csv.x(), d.x(), where);
    assertArrayEquals(csv.y(), d.y(), where);
    Statistics.label("rows").collect(d.rows() > 1000 ? "over 1000 (buffers crossed)" : "up to 30");
  }

  /** Valid files with random byte edits: the reader agrees with the oracle, or fails cleanly. */
  @Property(tries = 3000)
  void mutatedCsvIsReadAsTheOracleSaysOrRejectedWithItsPlace(
      @ForAll("mutatedCsvs") MutatedCsv csv) {
    Dataset d = check(csv.bytes(), csv.options(), csv.seed());
    Statistics.label("outcome").collect(d != null ? "parsed" : "rejected");
  }

  /**
   * Cases the properties once found, kept: a header ended by a carriage return alone, then bytes
   * that are not UTF-8, is judged as a header (no target column, an empty first line) before the
   * next line is read, as with a line feed.
   */
  @Example
  void casesFoundBefore() {
    for (String header : new String[] {"\u0000\r", "\u0000\n", "a\r", "a\r\n", "\r", "\n"}) {
      byte[] text = header.getBytes(StandardCharsets.UTF_8);
      byte[] bytes = java.util.Arrays.copyOf(text, text.length + 1);
      bytes[text.length] = (byte) 0xFF;
      check(bytes, Options.numericTarget("y"), 1);
    }
  }

  /** Lines of awkward fields (number spellings, quotes, blanks, odd delimiters). */
  @Property(tries = 3000)
  void soupOfAwkwardFieldsIsReadAsTheOracleSays(@ForAll("soups") Soup soup) {
    Dataset d = check(soup.bytes(), soup.options(), soup.seed());
    Statistics.label("outcome").collect(d != null ? "parsed" : "rejected");
  }

  /**
   * A binary target (labels, not numbers, so not modelled by the oracle): a dataset with 0/1
   * targets, or a clean error, the same from the file and from a reader.
   */
  @Property(tries = 1500)
  void binaryTargetIsZeroOneOrRejectedCleanly(@ForAll("labelSoups") Soup soup) {
    Dataset d = check(soup.bytes(), soup.options(), soup.seed());
    if (d != null) {
      for (double y : d.y()) {
        assertTrue(y == 0 || y == 1, "target " + y + " in " + soup.describe());
      }
      assertTrue(d.labels().isPresent(), soup.describe());
    }
    Statistics.label("outcome").collect(d != null ? "parsed" : "rejected");
  }

  /**
   * Megabyte fields and lines: a 1 MB number (overflowing, underflowing, or with a huge exponent
   * that its zeros cancel), a 1 MB word, blanks or quoted text, in a feature, the target or the
   * header, or in a row of 100,000 columns: each in each place, exhaustively.
   */
  @Property(generation = GenerationMode.EXHAUSTIVE)
  void megabyteFieldsAndLines(@ForAll("hugeCsvs") Soup csv) {
    Dataset d = check(csv.bytes(), csv.options(), csv.seed());
    Statistics.label("outcome").collect(d != null ? "parsed" : "rejected");
  }

  // ---- the check every case goes through ----

  /**
   * Reads {@code bytes} from a file and through a reader; checks both against each other and
   * against the oracle, and any error's place and form. Returns the dataset, or null when the
   * input was rejected.
   */
  private static Dataset check(byte[] bytes, Options options, long seed) {
    Path file = dir.resolve("case.csv");
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    String name = file.toString();
    String input = Escape.bytes(bytes) + " with " + options;
    Guard.Result<Dataset> fromFile = guard.run(() -> new CsvReader(options).read(file),
        "the file " + input);
    SplittableRandom r = new SplittableRandom(seed);
    int chunk = 1 + r.nextInt(64);
    Guard.Result<Dataset> fromReader = guard.run(() -> {
      try (Reader in = new ShortReads(new InputStreamReader(new ByteArrayInputStream(bytes),
          StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)), r.split())) {
        return new CsvReader(options, chunk).read(in, name);
      }
    }, "the reader " + input);

    DataFormatException error = thrownIsClean(fromFile.thrown(), bytes, options, name, input);
    DataFormatException readerError =
        thrownIsClean(fromReader.thrown(), bytes, options, name, input);
    boolean binary = options.targetKind() == CsvReader.TargetKind.BINARY;
    CsvOracle.Outcome expected = binary ? null : CsvOracle.read(bytes, options);
    if (!validUtf8(bytes)) {
      // Not UTF-8 somewhere: the file reports the first problem, the bad bytes or one before
      // them, at its place (checked below against the oracle); a Reader decodes ahead in
      // blocks, so it may meet the bad bytes before an earlier problem: it fails, with the
      // file's message or its own.
      assertTrue(error != null && readerError != null, "bytes that are not UTF-8 were read: "
          + input);
      if (!readerError.detail().startsWith("the reader could not decode the text")) {
        assertEquals(error.getMessage(), readerError.getMessage(),
            "file and reader disagree on " + input);
      }
    } else if (error != null || readerError != null) {
      assertEquals(error == null ? "a dataset" : error.getMessage(),
          readerError == null ? "a dataset" : readerError.getMessage(),
          "file and reader disagree on " + input);
    } else {
      sameDataset(fromFile.value(), fromReader.value(), input);
    }

    if (expected != null) {
      if (expected.ok()) {
        if (error != null) {
          fail("rejected, but the oracle reads " + expected + ": " + error.getMessage()
              + "\n  input: " + input);
        }
        Dataset d = fromFile.value();
        assertEquals(expected.features(), d.featureNames(), input);
        assertEquals(expected.rows(), d.rows(), input);
        assertArrayEquals(expected.x(), d.x(), input);
        assertArrayEquals(expected.y(), d.y(), input);
      } else if (error == null) {
        fail("read as a table of " + fromFile.value().rows() + " rows, but the oracle says "
            + expected + "\n  input: " + input);
      } else {
        assertEquals(expected.line() + ":" + expected.column(),
            error.line() + ":" + error.column(), "the error's place (the oracle says "
            + expected + "): " + error.getMessage() + "\n  input: " + input);
        assertEquals(expected.notUtf8(), error.detail().startsWith("the file is not UTF-8 text"),
            "the oracle says " + expected + ": " + error.getMessage() + "\n  input: " + input);
      }
    }
    if (error != null) {
      // The kind of error, for jqwik's report of which ones the cases reached.
      String detail = error.detail();
      int cut = detail.indexOf('"') == 0 ? detail.indexOf(" is ") : -1;
      String kind = (cut > 0 ? "VALUE" + detail.substring(cut) : detail)
          .replaceAll("\"[^\"]*\"", "\"…\"").replaceAll("(the columns are|labels:) .*", "$1 …")
          .replaceAll("'.*'", "'…'").replaceAll("0x[0-9A-F]{2}", "0x…")
          .replaceAll("[0-9]+", "N");
      Statistics.label("error").collect(kind);
    }
    return error == null ? fromFile.value() : null;
  }

  /**
   * Fails unless {@code thrown} is null or one DataFormatException with a sane place and a
   * one-line message {@code FILE:LINE:COLUMN: detail}; returns it.
   */
  private static DataFormatException thrownIsClean(Throwable thrown, byte[] bytes,
      Options options, String name, String input) {
    if (thrown == null) {
      return null;
    }
    if (!(thrown instanceof DataFormatException e)) {
      throw new AssertionError("not a DataFormatException: " + thrown + "\n  input: " + input,
          thrown);
    }
    String message = e.getMessage();
    assertEquals(name, e.file(), message);
    String prefix = name + ":" + e.line() + ":" + e.column() + ": ";
    assertTrue(message.startsWith(prefix) && message.length() > prefix.length(),
        "message not FILE:LINE:COLUMN: detail: " + message);
    assertEquals(message, prefix + e.detail());
    long lines = physicalLines(bytes);
    assertTrue(e.line() >= 1 && e.line() <= lines + 1,
        "line " + e.line() + " outside 1.." + (lines + 1) + ": " + message + "\n  input: " + input);
    long fields = delimiters(bytes, options.delimiter()) + 1;
    assertTrue(e.column() >= 0 && e.column() <= fields + 1,
        "column " + e.column() + " outside 0.." + (fields + 1) + ": " + message
            + "\n  input: " + input);
    assertTrue(Escape.visibleLine(message), "message not one line of visible characters: "
        + Escape.text(message));
    assertEquals(0, e.getSuppressed().length, message);
    assertEquals(null, e.getCause(), message);
    return e;
  }

  private static void sameDataset(Dataset a, Dataset b, String input) {
    assertEquals(a.featureNames(), b.featureNames(), input);
    assertEquals(a.targetName(), b.targetName(), input);
    assertEquals(a.labels(), b.labels(), input);
    assertArrayEquals(a.x(), b.x(), "file and reader disagree on " + input);
    assertArrayEquals(a.y(), b.y(), "file and reader disagree on " + input);
  }

  private static boolean validUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /** Lines as the reader counts them: LF, CRLF and lone CR each end one. */
  private static long physicalLines(byte[] b) {
    long n = 1;
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '\n' || (b[i] == '\r' && (i + 1 == b.length || b[i + 1] != '\n'))) {
        n++;
      }
    }
    return n;
  }

  private static long delimiters(byte[] b, char delimiter) {
    long n = 0;
    for (byte x : b) {
      if (x == delimiter) {
        n++;
      }
    }
    return n;
  }

  /** A reader returning 1 to 8192 characters a call, as a pipe may: buffer edges anywhere. */
  private static final class ShortReads extends FilterReader {
    private final SplittableRandom random;

    ShortReads(Reader in, SplittableRandom random) {
      super(in);
      this.random = random;
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
      int most = random.nextBoolean() ? 1 + random.nextInt(16) : 1 + random.nextInt(8192);
      return super.read(cbuf, off, Math.min(len, most));
    }
  }

  // ---- valid files ----

  /**
   * A valid CSV and what it holds.
   *
   * @param text the file
   * @param options how to read it
   * @param names the feature names the dataset should have
   * @param x the features, as {@link Float#parseFloat} reads each written field
   * @param y the targets, as {@link Double#parseDouble} reads them (NaN without a target)
   * @param seed for the reader path's read sizes and chunk size
   */
  record ValidCsv(String text, Options options, List<String> names, float[] x, double[] y,
      long seed) {
    byte[] bytes() {
      return text.getBytes(StandardCharsets.UTF_8);
    }

    String describe() {
      return Escape.text(text) + " with " + options;
    }

    @Override
    public String toString() {
      return describe();
    }
  }

  private static final String[] LINE_ENDS = {"\n", "\r\n", "\r"};

  @Provide
  Arbitrary<ValidCsv> validCsvs() {
    return validCsvs(true);
  }

  /**
   * Valid files of up to 30 rows, and one in 40 (when {@code big}, else one in 200) of 1500 to
   * 2500 rows, which crosses the 64K buffers of both reading passes.
   */
  private static Arbitrary<ValidCsv> validCsvs(boolean big) {
    Arbitrary<Integer> small = Arbitraries.integers().between(1, 30);
    Arbitrary<Integer> rows = Arbitraries.frequencyOf(Tuple.of(big ? 39 : 199, small),
        Tuple.of(1, Arbitraries.integers().between(1500, 2500)));
    Arbitrary<Integer> features = Arbitraries.integers().between(0, 6);
    Arbitrary<Character> delimiter = Arbitraries.of(',', ',', ';', '\t', '|', ':');
    Arbitrary<Integer> lineEnds = Arbitraries.integers().between(0, 3);
    Arbitrary<Boolean> bom = Arbitraries.of(false, true);
    Arbitrary<Integer> mode = Arbitraries.integers().between(0, 2);
    Arbitrary<Integer> ending = Arbitraries.integers().between(0, 2);
    Arbitrary<Long> seed = Arbitraries.longs();
    return Combinators.combine(rows, features, delimiter, lineEnds, bom, mode, ending, seed)
        .as(CsvReaderFuzzTest::validCsv);
  }

  /**
   * Builds a valid file.
   *
   * @param lineEnds 0 to 2: every line ends with LF, CRLF or CR; 3: each line its own
   * @param mode 0: a target y, every other column a feature; 1: y, the features listed by name
   *     in a shuffled order, and a text column; 2: no target, features listed, a text column
   * @param ending 0: no line break after the last row; 1: one; 2: a few empty lines
   */
  private static ValidCsv validCsv(int rows, int features, char delimiter, int lineEnds,
      boolean bom, int mode, int ending, long seed) {
    if (mode != 0 && features == 0) {
      features = 1; // a list of features names one at least (an empty list is refused)
    }
    SplittableRandom r = new SplittableRandom(seed);
    List<String> rawNames = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int j = 0; j < features; j++) {
      String raw = headerName(r, j);
      rawNames.add(raw);
      names.add(raw.strip());
    }
    // Columns: feature j is j, the target is -1, the text column -2.
    List<Integer> columns = new ArrayList<>();
    for (int j = 0; j < features; j++) {
      columns.add(j);
    }
    if (mode != 2) {
      columns.add(-1);
    }
    if (mode != 0) {
      columns.add(-2);
    }
    Collections.shuffle(columns, new Random(r.nextLong()));
    Options options;
    List<String> order = new ArrayList<>(names);
    if (mode == 0) {
      // Every column but the target, in file order.
      order.clear();
      for (int c : columns) {
        if (c >= 0) {
          order.add(names.get(c));
        }
      }
      options = Options.numericTarget("y");
    } else {
      Collections.shuffle(order, new Random(r.nextLong()));
      options = (mode == 1 ? Options.numericTarget("y") : Options.noTarget()).withFeatures(order);
    }
    options = options.withDelimiter(delimiter);

    StringBuilder sb = new StringBuilder(bom ? "\uFEFF" : "");
    for (int k = 0; k < columns.size(); k++) {
      int c = columns.get(k);
      sb.append(k > 0 ? String.valueOf(delimiter) : "");
      String raw = c >= 0 ? rawNames.get(c) : c == -1 ? (r.nextBoolean() ? "y" : " y ")
          : "note";
      sb.append(field(raw, delimiter, r));
    }
    float[] x = new float[rows * features];
    double[] y = new double[rows];
    for (int i = 0; i < rows; i++) {
      sb.append(lineEnds < 3 ? LINE_ENDS[lineEnds] : LINE_ENDS[r.nextInt(3)]);
      y[i] = Double.NaN;
      for (int k = 0; k < columns.size(); k++) {
        int c = columns.get(k);
        sb.append(k > 0 ? String.valueOf(delimiter) : "");
        if (c == -2) {
          sb.append(quoted(text(r)));
        } else if (c == -1) {
          String written = doubleText(randomDouble(r), r);
          y[i] = Double.parseDouble(written);
          sb.append(pad(written, delimiter, r));
        } else {
          String written = floatText(randomFloat(r), r);
          x[i * features + order.indexOf(names.get(c))] = Float.parseFloat(written);
          sb.append(pad(written, delimiter, r));
        }
      }
    }
    if (ending >= 1) {
      sb.append(LINE_ENDS[r.nextInt(3)]);
    }
    if (ending == 2) {
      for (int k = r.nextInt(4); k >= 0; k--) {
        sb.append(LINE_ENDS[r.nextInt(3)]);
      }
    }
    return new ValidCsv(sb.toString(), options, order, x, y, r.nextLong());
  }

  private static final String[] NAME_STYLES = {"f", "x_", "caf\u00e9 ", "\u540d\u524d",
      "with space ", "comma, ", "quote\" ", "line\nbreak ", "  padded ", "tab\tin ",
      "\"quoted\" ", "BMI (kg/m\u00b2) "};

  /** A feature's header name as written (the reader strips the spaces around it). */
  private static String headerName(SplittableRandom r, int j) {
    String name = NAME_STYLES[r.nextInt(NAME_STYLES.length)] + j;
    return r.nextInt(5) == 0 ? name + "  " : name;
  }

  /** A header name or text as one field: quoted when it must be, sometimes when it need not. */
  private static String field(String s, char delimiter, SplittableRandom r) {
    boolean must = s.indexOf(delimiter) >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0
        || s.indexOf('\r') >= 0 || s.isEmpty();
    return must || r.nextBoolean() ? quoted(s) : s;
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  private static String text(SplittableRandom r) {
    String alphabet = "ab ,;|:\t\"\n\r\u00e9\u4e2d1.-e\u0000\uFEFF";
    StringBuilder sb = new StringBuilder();
    for (int n = r.nextInt(8); n > 0; n--) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /** A number as a field: bare, padded with blanks, quoted, or both. */
  private static String pad(String number, char delimiter, SplittableRandom r) {
    String blanks = delimiter == '\t' ? " " : " \t";
    return switch (r.nextInt(8)) {
      case 0 -> quoted(number);
      case 1 -> blanks.charAt(r.nextInt(blanks.length())) + number + " ";
      case 2 -> "  " + quoted(number) + blanks.charAt(r.nextInt(blanks.length()));
      case 3 -> quoted(" " + number + blanks.charAt(r.nextInt(blanks.length())));
      default -> number;
    };
  }

  private static final float[] SPECIAL_FLOATS = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE,
      Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f, 0.1f, 1f / 3, 16777217f,
      Math.nextDown(Float.MIN_NORMAL), 1e-10f, 1e10f};

  private static float randomFloat(SplittableRandom r) {
    switch (r.nextInt(6)) {
      case 0: {
        float f;
        do {
          f = Float.intBitsToFloat(r.nextInt());
        } while (!Float.isFinite(f));
        return f;
      }
      case 1:
        return r.nextInt(-100_000, 100_000) / 100f;
      case 2:
        return r.nextInt(-1_000_000, 1_000_000);
      case 3:
        return SPECIAL_FLOATS[r.nextInt(SPECIAL_FLOATS.length)];
      default:
        return (float) (r.nextDouble(-1, 1) * Math.pow(10, r.nextInt(-12, 13)));
    }
  }

  private static final double[] SPECIAL_DOUBLES = {0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE,
      -Double.MAX_VALUE, Double.MIN_NORMAL, 1e300, 1e-300, 0.1, 1.0 / 3, 9007199254740993.0,
      1e22, 1e23, 3.4028235677973366e38};

  private static double randomDouble(SplittableRandom r) {
    switch (r.nextInt(6)) {
      case 0: {
        double d;
        do {
          d = Double.longBitsToDouble(r.nextLong());
        } while (!Double.isFinite(d));
        return d;
      }
      case 1:
        return r.nextInt(-100_000, 100_000) / 100.0;
      case 2:
        return r.nextLong(-10_000_000_000L, 10_000_000_000L);
      case 3:
        return SPECIAL_DOUBLES[r.nextInt(SPECIAL_DOUBLES.length)];
      default:
        return r.nextDouble(-1, 1) * Math.pow(10, r.nextInt(-30, 31));
    }
  }

  /**
   * A decimal for {@code f} in one of many notations: shortest, exact, scientific with e or E,
   * rounded to a few digits, a leading + or a bare point ({@code +.5}, {@code .5e-3},
   * {@code 5.}), a scaled integer mantissa, or a point exactly halfway to the next float.
   * Falls back to the shortest form where a notation would overflow float32.
   */
  private static String floatText(float f, SplittableRandom r) {
    String s = numberText(new BigDecimal(f), Float.toString(f), r);
    if (r.nextInt(12) == 0 && Float.isFinite(Math.nextUp(Math.abs(f)))) {
      // Halfway between two floats (ties to even), or just beside it.
      BigDecimal a = new BigDecimal(Math.abs(f));
      BigDecimal half = a.add(new BigDecimal(Math.nextUp(Math.abs(f))))
          .divide(BigDecimal.valueOf(2));
      s = (f < 0 ? "-" : "") + (r.nextBoolean() ? half
          : half.add(half.ulp().multiply(BigDecimal.valueOf(r.nextInt(-3, 4))))).toString();
    }
    return Float.isInfinite(Float.parseFloat(s)) ? Float.toString(f) : s;
  }

  private static String doubleText(double d, SplittableRandom r) {
    String s = numberText(new BigDecimal(d), Double.toString(d), r);
    return Double.isInfinite(Double.parseDouble(s)) ? Double.toString(d) : s;
  }

  private static String numberText(BigDecimal exact, String shortest, SplittableRandom r) {
    BigDecimal shortDecimal = new BigDecimal(shortest);
    switch (r.nextInt(11)) {
      case 0:
        return shortest;
      case 1:
        return exact.toPlainString();
      case 2:
        return exact.toString();
      case 3:
        return String.format(Locale.ROOT, "%." + r.nextInt(13) + (r.nextBoolean() ? "e" : "E"),
            exact);
      case 4:
        return exact.round(new MathContext(1 + r.nextInt(25))).toString();
      case 5: {
        // +.5, -.5e-3: no digit before the point.
        String e = shortDecimal.unscaledValue().abs().toString();
        int exp = -shortDecimal.scale() + e.length();
        return (shortDecimal.signum() < 0 ? "-" : r.nextBoolean() ? "+" : "") + "." + e
            + (exp == 0 && r.nextBoolean() ? "" : "e" + exp);
      }
      case 6: {
        // 5. : a point with no digits after it.
        String plain = shortDecimal.stripTrailingZeros().toPlainString();
        return plain.indexOf('.') < 0 ? plain + "." : plain;
      }
      case 7: {
        // A scaled integer mantissa, with leading zeros and an exponent with a sign or zeros.
        String m = shortDecimal.unscaledValue().toString();
        String digits = m.startsWith("-") ? m.substring(1) : m;
        int exp = -shortDecimal.scale();
        return (m.startsWith("-") ? "-" : "") + "0".repeat(r.nextInt(3)) + digits
            + (r.nextBoolean() ? "E" : "e") + (exp < 0 ? "-" : r.nextBoolean() ? "+" : "")
            + "0".repeat(r.nextInt(3)) + Math.abs(exp);
      }
      case 8:
        return exact.round(new MathContext(17 + r.nextInt(40))).toPlainString();
      case 9:
        return exact.signum() == 0 ? (r.nextBoolean() ? "-0" : "0.000e-7") : shortest;
      default:
        return shortest.toLowerCase(Locale.ROOT);
    }
  }

  // ---- mutated files ----

  /** Things a byte edit may insert: the format's own characters and awkward number spellings. */
  static final List<String> CSV_SNIPPETS = List.of("\"", "\"\"", ",", ";", "\t", " ", "\n", "\r",
      "\r\n", "\u0000", "\uFEFF", "NaN", "-Infinity", "Infinity", "inf", "1e400", "-1e400",
      "1e39", "3.4028236e38", "1e-46", "4.9e-324", "1e-400", "-0", "0x10", "0x1p3", "1,5", "1_000",
      "+.5", ".5e-3", "5.", ".", "e", "E+", "e-", "-", "+", "--1", "1f", "1d", "\u0661",
      "\uFF11", "\u00e9", "\u2028", "y", "\"y\"", "a\"b", "\"x\"y", "00001", "1e0000000000",
      "9".repeat(40), "0." + "0".repeat(60) + "1");

  /** A valid file with byte edits. */
  record MutatedCsv(ValidCsv original, List<Mutation> mutations) {
    byte[] bytes() {
      return Mutation.applyAll(original.bytes(), mutations);
    }

    Options options() {
      return original.options();
    }

    long seed() {
      return original.seed();
    }

    @Override
    public String toString() {
      return original + " edited by " + mutations + ": " + Escape.bytes(bytes());
    }
  }

  @Provide
  Arbitrary<MutatedCsv> mutatedCsvs() {
    return Combinators.combine(validCsvs(false),
        Mutation.arbitrary(CSV_SNIPPETS).list().ofMinSize(1).ofMaxSize(4))
        .as(MutatedCsv::new);
  }

  // ---- soups of awkward fields ----

  /** A text and how to read it. */
  record Soup(String text, Options options, long seed) {
    byte[] bytes() {
      return text.getBytes(StandardCharsets.UTF_8);
    }

    String describe() {
      return Escape.text(text) + " with " + options;
    }

    @Override
    public String toString() {
      return describe();
    }
  }

  private static final List<String> AWKWARD = List.of("1", "-2.5", "0", "-0", "+0", "1e400",
      "-1e400", "1e39", "-1e39", "1e-46", "1e-400", "3.4028235e38", "3.4028236e38",
      "1.7976931348623157e308", "1.8e308", "4.9e-324", "0x10", "NaN", "nan", "Infinity",
      "-Infinity", "inf", "1,5", "1_000", "+.5", ".5e-3", "5.", ".", "-", "+", "e5", "1e", "1e+",
      "1e5.5", "--1", "+-1", "1f", "1d", "1.5F", "\u0661\u0662", "\uFF11", "", " ", "\t", "\"\"",
      "\"1\"", "\" 2 \"", "\"3\" ", " \"4\"", "\"5\"x", "\"6", "7\"", "a\"b", "\"a,b\"",
      "\"line\nbreak\"", "\"cr\rlf\r\n\"", "\u0000", "1\u0000", "\uFEFF1", "1\u00a0", "\u00a01",
      "\u2003", "true", "FALSE", "yes", "y", "a", "b", "0.1e-1", "00", "1e0000000001", "1E+2",
      "9".repeat(30), "0." + "0".repeat(50) + "1", "1" + "0".repeat(38), "12345678901234567890");

  private static final List<String> HEADERS = List.of("a,b,y", "y", "a,y", "y,a", "\"a\",\" b \",y",
      "a;b;y", "a\tb\ty", "a|b|y", "y,a,,b", "a,a,y", "", " ", "\"\"", "\uFEFFa,y", "a,b,y,",
      "a,\"b\nc\",y", "\"y\" ,a", "0,1,2", "a,b", "\"a\"x,y");

  private static final List<Options> SOUP_OPTIONS = List.of(Options.numericTarget("y"),
      Options.noTarget(), Options.numericTarget("y").withFeatures(List.of("a", "b")),
      Options.numericTarget("y").withDelimiter(';'), Options.numericTarget("y").withDelimiter('\t'),
      Options.numericTarget("y").withDelimiter('|'), Options.numericTarget("0"),
      Options.numericTarget("2"), Options.noTarget().withFeatures(List.of("b")));

  @Provide
  Arbitrary<Soup> soups() {
    return soups(Arbitraries.of(SOUP_OPTIONS), null);
  }

  @Provide
  Arbitrary<Soup> labelSoups() {
    Arbitrary<String> labels = Arbitraries.of("0", "1", "1.0", "0e0", "-0", "true", "FALSE",
        "True", "yes", "no", "\"1\"", " 0 ", "NaN", "1e400", "", "2", "spam", "ham", "\"a,b\"");
    // Mostly label sets a reader can take (alone or with the right positive label).
    Arbitrary<List<String>> sets = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of(List.of("0", "1"), List.of("1.0", "0e0"), List.of("-0", "1"),
            List.of("true", "FALSE"), List.of("True"), List.of("yes", "no"),
            List.of("spam", "ham"), List.of("\"1\"", " 0 "), List.of("1"))),
        Tuple.of(1, labels.list().ofMinSize(1).ofMaxSize(3)));
    Arbitrary<Options> options = Arbitraries.of(Options.binaryTarget("y"),
        Options.binaryTarget("y"), Options.binaryTarget("y", "yes"),
        Options.binaryTarget("y", "1"), Options.binaryTarget("y", "spam"),
        Options.binaryTarget("y", "true"));
    return soups(options, sets);
  }

  /** A number any reader should take, in one of the many notations of {@link #floatText}. */
  private static Arbitrary<String> goodNumbers() {
    return Arbitraries.randomValue(random -> {
      SplittableRandom r = new SplittableRandom(random.nextLong());
      return floatText(randomFloat(r), r);
    });
  }

  /**
   * Files made of a header from {@link #HEADERS} and rows of fields, most of them good numbers,
   * most rows as wide as the header, with awkward fields, odd separators and line ends mixed
   * in. With {@code labels}, the field under a column "y" is one of a few labels.
   */
  private static Arbitrary<Soup> soups(Arbitrary<Options> options,
      Arbitrary<List<String>> labels) {
    Arbitrary<String> field = Arbitraries.frequencyOf(Tuple.of(30, goodNumbers()),
        Tuple.of(2, Arbitraries.of(AWKWARD)), Tuple.of(1, Arbitraries.strings().ofMaxLength(4)));
    Arbitrary<List<String>> fields = field.list().ofMaxSize(6);
    Arbitrary<Integer> width = Arbitraries.frequencyOf(Tuple.of(10, Arbitraries.just(-1)),
        Tuple.of(1, Arbitraries.integers().between(0, 5)));
    Arbitrary<String> separator = Arbitraries.frequencyOf(Tuple.of(30, Arbitraries.just("")),
        Tuple.of(1, Arbitraries.of(",", ";", "\t", " ", "|")));
    Arbitrary<String> lineEnd = Arbitraries.frequencyOf(
        Tuple.of(20, Arbitraries.of("\n", "\r\n", "\r")),
        Tuple.of(1, Arbitraries.of("", "\n\n", "\r\r\n", "\n\r")));
    Arbitrary<Row> row = Combinators.combine(fields, width, separator, lineEnd,
        Arbitraries.integers().between(0, 2)).as(Row::new);
    Arbitrary<String> header = Arbitraries.frequencyOf(Tuple.of(10, Arbitraries.just("a,b,y")),
        Tuple.of(10, Arbitraries.of(HEADERS)));
    Arbitrary<String> headerEnd = Arbitraries.frequencyOf(
        Tuple.of(10, Arbitraries.of("\n", "\r\n", "\r")), Tuple.of(1, Arbitraries.just("")));
    Arbitrary<List<String>> labelSet = labels == null ? Arbitraries.just(List.of()) : labels;
    return Combinators.combine(header, headerEnd, row.list().ofMinSize(1).ofMaxSize(8), options,
        labelSet,
        Arbitraries.longs()).as((h, end, rows, o, ls, seed) -> {
          String d = String.valueOf(o.delimiter());
          List<String> columns = List.of(h.split(",", -1));
          int target = columns.indexOf("y");
          StringBuilder sb = new StringBuilder(String.join(d, columns)).append(end);
          for (Row r : rows) {
            List<String> cells = new ArrayList<>(r.fields());
            int n = r.width() < 0 ? columns.size() : r.width();
            while (cells.size() < n) {
              cells.add("1");
            }
            cells = cells.subList(0, n);
            if (!ls.isEmpty() && target >= 0 && target < n) {
              cells.set(target, ls.get(r.label() % ls.size()));
            }
            sb.append(String.join(r.separator().isEmpty() ? d : r.separator(), cells))
                .append(r.lineEnd());
          }
          return new Soup(sb.toString(), o, seed);
        });
  }

  /**
   * A row of a soup.
   *
   * @param fields its fields (padded with 1s or cut to the width)
   * @param width how many fields; -1 for as many as the header has
   * @param separator between fields; empty for the delimiter
   * @param lineEnd after the row
   * @param label which of the soup's labels goes under "y"
   */
  private record Row(List<String> fields, int width, String separator, String lineEnd,
      int label) {}

  // ---- megabyte fields ----

  private static final int MB = 1 << 20;

  @Provide
  Arbitrary<Soup> hugeCsvs() {
    Arbitrary<String> huge = Arbitraries.of(
        "1" + "0".repeat(MB),
        "0." + "0".repeat(MB) + "1",
        "0." + "0".repeat(MB) + "1e" + (MB + 5),
        "1" + "0".repeat(MB) + "e-" + (MB + 3),
        "1." + "3".repeat(MB),
        "x".repeat(MB),
        " ".repeat(MB),
        "\"" + "a\n,\"\"".repeat(MB / 6) + "\"",
        "1".repeat(MB) + "e-" + MB,
        "-" + "9".repeat(MB) + "e-" + (MB - 30));
    Arbitrary<Integer> where = Arbitraries.integers().between(0, 3);
    // Every field in every place (40 cases), each with its own read sizes.
    return Combinators.combine(huge, where).as((h, w) -> {
      long seed = 31L * h.hashCode() + w;
      String text = switch (w) {
        case 0 -> "a,b,y\n" + h + ",2,3\n4,5,6\n";
        case 1 -> "a,b,y\n1,2," + h + "\n";
        case 2 -> "a,\"" + h.replace("\"", "\"\"") + "\",y\n1,2,3\n";
        default -> {
          // 100,000 columns.
          StringBuilder header = new StringBuilder("y");
          StringBuilder row = new StringBuilder(h);
          for (int j = 0; j < 100_000; j++) {
            header.append(",c").append(j);
            row.append(",1");
          }
          yield header + "\n" + row + "\n";
        }
      };
      return new Soup(text, Options.numericTarget("y"), seed);
    });
  }
}

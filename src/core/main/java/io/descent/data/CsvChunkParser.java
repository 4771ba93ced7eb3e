package io.descent.data;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the rows of one slice of a CSV file (whole lines, no header) into their place in the
 * dataset's arrays: the worker of the parallel reader ({@link CsvChunks}).
 *
 * <p>Two paths. The fast one works on the slice's bytes: it finds each field's end, parses
 * numbers with {@link ByteDecimalParser} and stores them, with no characters decoded and nothing
 * allocated per row. It handles the common row (as many fields as the header, the features
 * numbers, the bytes of other columns ASCII). At the first row it cannot handle it hands the
 * rest of the slice to the exact path, which is {@link CsvRows} on the slice's text, the
 * sequential reader's own tokenizer and number parser, starting at that row's line.
 *
 * <p>A slice never reports an error itself: any problem (a bad value, a ragged row, bytes that
 * are not UTF-8, a row count that differs from the counting pass, too many labels) makes it fail
 * with {@link Fallback}, and the file is then read by the sequential reader, which reports the
 * first problem in file order with its exact message.
 *
 * <p>Counted or not. A parser made with the counting pass's figures ({@link
 * #CsvChunkParser(Layout, FloatBuffer, double[], double[], int, int, long)}) writes its rows at
 * their place in the dataset's arrays. One made by {@link #uncounted} reads a slice whose rows
 * nobody counted into arrays of its own, from row 0, counting them as it goes ({@link #rows()},
 * {@link #lines()}); {@link CsvOnePass} then copies them into place and tells it where they went
 * ({@link #place}). Such a slice also checks what the count pass would have: no quote anywhere
 * (else {@link Fallback}), no row after an empty line, and more rows than its arrays hold fail
 * with {@link Overflow}.
 *
 * <p>Labels of a class target are coded in the slice's own order of appearance; the merge
 * ({@code CsvReader}) maps them to the file's order.
 */
final class CsvChunkParser implements CsvRows.RowHandler {
  /** A column that is read for nothing (only checked to be ASCII on the fast path). */
  static final byte SKIP = 0;
  /** A feature column. */
  static final byte FEATURE = 1;
  /** A numeric target. */
  static final byte NUMBER = 2;
  /** A class target (binary or multinomial). */
  static final byte LABEL = 3;
  /** The weight column. */
  static final byte WEIGHT = 4;

  /**
   * Bytes after a slice's end that {@link #parse} overwrites with line breaks: {@value}, a word
   * of {@link AsciiWords}. The fast path then reads digits a word at a time up to the slice's end
   * and one byte past it with no test for the end: the bytes there are not digits, nor a point.
   * A test for the end that was false only at a slice's last byte was a branch the JIT left out
   * of its first compilation of the row method; the first slice's end then sent both threads back
   * to slower code while the method was compiled again (a fresh JVM's first read).
   */
  static final int PADDING = 8;
  /** The most digits the fast path's inline number parse collects (a long holds them). */
  private static final int MAX_DIGITS = 18;
  /** Raw spellings of labels remembered by the fast path. */
  private static final int RAW_SPELLINGS = 16;
  /** Spellings of labels remembered by the exact path (as the sequential reader's cache). */
  private static final int SPELLINGS = 64;

  /**
   * How a row's columns are read, the same for every slice.
   *
   * @param source the file's name for messages
   * @param delimiter the field separator
   * @param header the header's names
   * @param kinds what each column is: {@link #SKIP}, {@link #FEATURE}, ...
   * @param featureOf the feature index of each column, -1 for none
   * @param features the features per row
   * @param labelLimit the most labels a class target may have (further ones fail the slice)
   */
  record Layout(String source, char delimiter, List<String> header, byte[] kinds,
      int[] featureOf, int features, int labelLimit) {}

  /** The slice cannot be read here: the file goes to the sequential reader. */
  static final class Fallback extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Fallback() {
      super("read by the sequential reader", null, false, false);
    }
  }

  private static final Fallback FALLBACK = new Fallback();

  /** An uncounted slice has more rows than its arrays hold: read it again into larger ones. */
  static final class Overflow extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Overflow() {
      super("more rows than the slice's arrays hold", null, false, false);
    }
  }

  private static final Overflow OVERFLOW = new Overflow();

  private final Layout layout;
  private final FloatBuffer x;
  private final double[] y;
  private final double[] w;
  private int firstRow;
  /** Counted: the slice's rows. Uncounted: the most its arrays hold. */
  private final int rowsWanted;
  /** Whether {@link #rowsWanted} came from the counting pass. */
  private final boolean counted;
  // Uncounted: the slice's rows and line breaks once parsed, whether it ends with empty lines,
  // and the line of its first byte once placed (its lines are counted from 0 until then).
  private int rowsRead;
  private long linesRead;
  private boolean endsEmpty;
  private long firstLine;
  private final ByteDecimalParser bytes = new ByteDecimalParser();
  private final DecimalParser numbers = new DecimalParser();

  // Where the fast path got to: the start of the next row, its line, the rows done.
  private int pos;
  private long line;
  private int rowsDone;

  // The slice's labels in order of appearance, where each first appeared, the spellings seen.
  private final List<String> labels = new ArrayList<>(2);
  private long[] labelLines = new long[2];
  private final Map<String, Integer> spellings = new HashMap<>();
  private final byte[][] rawSpellings = new byte[RAW_SPELLINGS][];
  private final int[] rawIndex = new int[RAW_SPELLINGS];
  private int rawCount;

  // The exact path's state.
  private CsvRows csv;
  private int row;

  /**
   * A parser for a slice whose rows go to rows {@code firstRow ..} of the arrays.
   *
   * @param rowsWanted the slice's rows by the counting pass
   * @param firstLine the line of the slice's first byte
   */
  CsvChunkParser(Layout layout, FloatBuffer x, double[] y, double[] w, int firstRow,
      int rowsWanted, long firstLine) {
    this(layout, x, y, w, firstRow, rowsWanted, firstLine, true);
  }

  private CsvChunkParser(Layout layout, FloatBuffer x, double[] y, double[] w, int firstRow,
      int rowsWanted, long firstLine, boolean counted) {
    this.layout = layout;
    this.x = x;
    this.y = y;
    this.w = w;
    this.firstRow = firstRow;
    this.rowsWanted = rowsWanted;
    this.line = firstLine;
    this.firstLine = firstLine;
    this.counted = counted;
  }

  /**
   * A parser for a slice whose rows were not counted, into arrays of its own: its rows go to rows
   * {@code 0 ..} of {@code x}, {@code y} and {@code w} (null without weights), at most {@code
   * capacity} of them.
   */
  static CsvChunkParser uncounted(Layout layout, FloatBuffer x, double[] y, double[] w,
      int capacity) {
    return new CsvChunkParser(layout, x, y, w, 0, capacity, 0, false);
  }

  /**
   * Where an uncounted slice's rows went once copied into the dataset's arrays: its first row,
   * and the line of its first byte. The lines of its {@link #labels()} count from there on.
   */
  void place(int row, long line) {
    if (counted) {
      throw new IllegalStateException("a counted slice is in place already");
    }
    firstRow = row;
    firstLine = line;
  }

  /** The line breaks of an uncounted slice, once parsed: how many lines it spans. */
  long lines() {
    return linesRead;
  }

  /** Whether an uncounted slice, once parsed, ends with an empty line (or several). */
  boolean endsEmpty() {
    return endsEmpty;
  }

  /** The slice's class labels, in order of appearance. */
  List<String> labels() {
    return labels;
  }

  /** The line where each of {@link #labels()} first appeared. */
  long[] labelLines() {
    if (counted) {
      return labelLines;
    }
    long[] lines = new long[labels.size()];
    for (int k = 0; k < lines.length; k++) {
      lines[k] = labelLines[k] + firstLine;
    }
    return lines;
  }

  /** The first row of the arrays this slice fills. */
  int firstRow() {
    return firstRow;
  }

  /** The rows this slice fills (uncounted: once parsed). */
  int rows() {
    return counted ? rowsWanted : rowsRead;
  }

  /**
   * Reads the slice {@code b[0, length)} into the arrays; {@code b} has room for {@link
   * #PADDING} more bytes, which it overwrites.
   *
   * @throws Fallback when the sequential reader must read the file
   * @throws Overflow when an uncounted slice has more rows than its arrays hold
   */
  void parse(byte[] b, int length) throws IOException {
    if (b.length < length + PADDING) {
      throw new IllegalArgumentException("a slice of " + length + " bytes needs " + PADDING
          + " bytes of room after it, got " + (b.length - length));
    }
    Arrays.fill(b, length, length + PADDING, (byte) '\n');
    try {
      fastRows(b, length);
      if (!counted) {
        uncountedRest(b, length);
      } else if (rowsDone < rowsWanted) {
        exactRows(b, length);
      }
    } catch (DataFormatException e) {
      throw FALLBACK;
    }
  }

  /**
   * The fast path, from the start of the slice to its end or the first row it cannot read. Each
   * row is read by {@link #fastRow}, a method of its own: the JIT compiles it whole within the
   * first few thousand rows, where the rows' loop with the row inside was compiled by on-stack
   * replacements, thrown away and compiled again while the slices ran on slower code (a fresh
   * JVM's first read of a 1M x 64 file parsed for 0.88-0.95 s, the next reads for 0.59 s).
   */
  private void fastRows(byte[] b, int end) {
    while (rowsDone < rowsWanted) {
      int p = fastRow(b, pos, end, firstRow + rowsDone);
      if (p < 0) {
        break;
      }
      pos = p;
      rowsDone++;
      line++;
    }
  }

  /**
   * Reads the row at {@code b[p]} into row {@code rowIndex} of the arrays; returns where the next
   * row starts, or -1 where the fast path cannot read it (the exact path then reads it again,
   * from {@code p}, and replaces whatever this wrote).
   */
  private int fastRow(byte[] b, int p, int end, int rowIndex) {
    final byte[] kinds = layout.kinds();
    final int[] featureOf = layout.featureOf();
    final int d = layout.features();
    final int last = kinds.length - 1;
    final byte delimiter = (byte) layout.delimiter();
    final ByteDecimalParser numbers = bytes;
    final FloatBuffer x = this.x;
    if (p >= end || b[p] == '\n' || b[p] == '\r') {
      return -1; // an empty line: the exact path knows what it means
    }
    int base = rowIndex * d;
    for (int c = 0; c <= last; c++) {
      int f = p;
      if (kinds[c] == FEATURE) {
        // The common field, parsed as it is scanned: [-+]digits[.digits], at most 18 digits,
        // then the field's end. Its digits and power of ten are those DecimalParser collects.
        boolean negative = false;
        if (p < end && (b[p] == '-' || b[p] == '+')) {
          negative = b[p] == '-';
          p++;
        }
        int digitsFrom = p;
        long m = digits(b, p, 0);
        p = digitsEnd;
        int digits = p - digitsFrom;
        int fraction = 0;
        if (b[p] == '.') { // b[end] is padding, a line break
          int fractionFrom = ++p;
          m = digits(b, p, m);
          p = digitsEnd;
          fraction = p - fractionFrom;
          digits += fraction;
        }
        byte t = b[p]; // a line break at the slice's end (the padding)
        if (digits > 0 && digits <= MAX_DIGITS && (t == delimiter || t == '\n' || t == '\r')) {
          float v;
          if (m == 0) {
            v = 0f;
          } else if (DecimalParser.isExactFloat(m, -fraction)) {
            v = DecimalParser.exactFloat(m, -fraction);
          } else if (fraction <= 22
              && !DecimalParser.nearFloatMidpoint(DecimalParser.viaDouble(m, -fraction))) {
            v = (float) DecimalParser.viaDouble(m, -fraction);
          } else {
            v = Float.NaN;
          }
          if (v == v) {
            if (c < last ? t != delimiter : t == delimiter) {
              return -1;
            }
            x.put(base + featureOf[c], negative ? -v : v);
            if (p < end) {
              p++; // the delimiter or line break
            }
            continue;
          }
        }
        p = f; // anything else: the general scan and parser below
      }
      while (p < end) {
        byte ch = b[p];
        if (ch == delimiter || ch == '\n' || ch == '\r') {
          break;
        }
        p++;
      }
      // The field must end as the header says: a delimiter before the last column, a line
      // break (or the end of the file) after it.
      if (c < last ? p >= end || b[p] != delimiter : p < end && b[p] == delimiter) {
        return -1;
      }
      switch (kinds[c]) {
        case FEATURE -> {
          if (numbers.parseFloat(b, f, p) != DecimalParser.OK) {
            return -1;
          }
          x.put(base + featureOf[c], numbers.floatValue());
        }
        case NUMBER -> {
          if (numbers.parseDouble(b, f, p) != DecimalParser.OK) {
            return -1;
          }
          y[rowIndex] = numbers.doubleValue();
        }
        case WEIGHT -> {
          if (numbers.parseDouble(b, f, p) != DecimalParser.OK
              || numbers.doubleValue() < 0) {
            return -1;
          }
          w[rowIndex] = numbers.doubleValue() + 0.0;
        }
        case LABEL -> {
          int label = fastLabel(b, f, p);
          if (label < 0) {
            return -1;
          }
          y[rowIndex] = label;
        }
        default -> {
          for (int i = f; i < p; i++) {
            if (b[i] < 0 || b[i] == '"') {
              return -1; // not ASCII: the exact path checks it is UTF-8; a quote, it refuses
            }
          }
        }
      }
      if (p < end) {
        p++; // the delimiter or line break
      }
    }
    if (p < end && b[p - 1] == '\r' && b[p] == '\n') {
      p++;
    }
    return p;
  }

  /** Where the digits {@link #digits} read end. */
  private int digitsEnd;

  /**
   * Reads the ASCII digits from {@code b[p]} (none, or any number) onto {@code m}: returns {@code
   * m * 10^k + } their value, k the count, eight at a time ({@link AsciiWords}), and leaves their
   * end in {@link #digitsEnd}. {@code p} is at most the slice's end, where the {@link #PADDING}
   * stops the digits. Past 18 digits in all the result wraps, as {@code m * 10 + digit} would:
   * the caller refuses such a number.
   */
  private long digits(byte[] b, int p, long m) {
    while (true) {
      long word = AsciiWords.word(b, p);
      int n = AsciiWords.leadingDigits(word);
      m = m * AsciiWords.pow10(n) + AsciiWords.digitsValue(word, n);
      p += n;
      if (n < 8) {
        digitsEnd = p;
        return m;
      }
    }
  }

  /**
   * The label index of the field {@code b[from, to)}, or -1 when the exact path must read it
   * (bytes that are not ASCII, or a label that fails).
   */
  private int fastLabel(byte[] b, int from, int to) {
    int n = to - from;
    for (int k = 0; k < rawCount; k++) {
      byte[] s = rawSpellings[k];
      if (s.length == n && Arrays.equals(s, 0, n, b, from, to)) {
        return rawIndex[k];
      }
    }
    for (int i = from; i < to; i++) {
      if (b[i] < 0 || b[i] == '"') {
        return -1;
      }
    }
    int index;
    try {
      index = label(new String(b, from, n, StandardCharsets.ISO_8859_1), line);
    } catch (Fallback | DataFormatException e) {
      return -1; // let the exact path meet it
    }
    if (rawCount < RAW_SPELLINGS) {
      rawSpellings[rawCount] = Arrays.copyOfRange(b, from, to);
      rawIndex[rawCount++] = index;
    }
    return index;
  }

  /**
   * The slice's index of a label as the sequential reader finds it: spelling stripped, numbers
   * in canonical form; a missing or non-finite label, or one more than the limit, fails.
   */
  private int label(String field, long fieldLine) {
    String spelling = field.strip();
    Integer known = spellings.get(spelling);
    if (known != null) {
      return known;
    }
    char[] chars = field.toCharArray();
    int status = numbers.parseDouble(chars, 0, chars.length);
    if (status == DecimalParser.EMPTY || status == DecimalParser.NOT_FINITE
        || status == DecimalParser.OUT_OF_RANGE) {
      throw FALLBACK;
    }
    String key = CsvReader.labelKey(spelling, numbers);
    int index = labels.indexOf(key);
    if (index < 0) {
      if (labels.size() == layout.labelLimit()) {
        throw FALLBACK;
      }
      index = labels.size();
      labels.add(key);
      if (index == labelLines.length) {
        labelLines = Arrays.copyOf(labelLines, 2 * index);
      }
      labelLines[index] = fieldLine;
    }
    if (spellings.size() < SPELLINGS) {
      spellings.put(spelling, index);
    }
    return index;
  }

  /**
   * An uncounted slice after its fast rows: what is left (rows the fast path could not read,
   * empty lines) is counted as the count pass counts, then read by the exact path; fails where
   * the count pass would have (a quote, a row after an empty line).
   */
  private void uncountedRest(byte[] b, int end) throws IOException {
    long[] rest = {0, 0, 0, 0};
    if (pos < end) {
      LineCount count = new LineCount();
      if (!count.feed(ByteBuffer.wrap(b, pos, end - pos).slice(), end - pos)) {
        throw FALLBACK; // a quote: line breaks may be inside quotes
      }
      rest = count.finish();
    }
    if (rest[3] != 0) {
      throw FALLBACK; // a row after an empty line: the sequential reader reports it
    }
    if (rowsDone + rest[0] > rowsWanted) {
      throw OVERFLOW;
    }
    rowsRead = rowsDone + (int) rest[0];
    linesRead = rowsDone + rest[1];
    endsEmpty = rest[2] != 0;
    if (rest[0] > 0) {
      exactRows(b, end);
    }
  }

  /** The exact path: the rest of the slice through the sequential reader's tokenizer. */
  private void exactRows(byte[] b, int end) throws IOException {
    csv = new CsvRows(new Utf8Reader(new ByteArrayInputStream(b, pos, end - pos)),
        layout.source(), layout.delimiter(), layout.header(), line);
    while (csv.next(this)) {
      // Each field is stored as it is read.
    }
    if (rowsDone + csv.rowsRead() != rows()) {
      throw FALLBACK; // the file changed since its rows were counted
    }
  }

  @Override
  public void start(long rowLine, long index) {
    if (rowsDone + index >= rowsWanted) {
      throw FALLBACK;
    }
    row = firstRow + rowsDone + (int) index;
  }

  @Override
  public void field(int c) {
    switch (layout.kinds()[c]) {
      case FEATURE -> x.put(row * layout.features() + layout.featureOf()[c], csv.feature(c));
      case NUMBER -> y[row] = csv.number(c);
      case WEIGHT -> {
        double s = csv.number(c);
        if (s < 0) {
          throw FALLBACK;
        }
        w[row] = s + 0.0;
      }
      case LABEL -> y[row] = label(csv.tokenizer().fieldText(), csv.tokenizer().fieldLine());
      default -> { }
    }
  }
}

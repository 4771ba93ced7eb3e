package io.descent.data;

import io.descent.data.CsvReader.Options;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What {@link CsvReader} should make of any bytes, for the fuzz tests: the documented grammar
 * applied plainly, one character at a time to the whole decoded text, with no buffers, no row
 * count pass and no fast number paths, and numbers parsed by the JDK after a regular-expression
 * check. It makes the reader's checks in the reader's order (a streaming reader reports the first
 * problem it meets), so for any input it predicts either every value or the line and column of
 * the error. Binary targets are not modelled.
 *
 * <p>It is a second, independent reading of the specification in {@link CsvReader}, {@link
 * CsvTokenizer} and {@link DecimalParser}: where the two disagree, one of them is wrong.
 */
final class CsvOracle {
  /** What the reader accepts as a number, between optional spaces and tabs (ASCII digits). */
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");

  private static final int DELIMITER = 0;
  private static final int END_OF_LINE = 1;
  private static final int END_OF_FILE = 2;

  private CsvOracle() {}

  /**
   * The predicted result: a table ({@link #ok()}) or an error at {@code line:column}; {@link
   * #notUtf8()} when that error is bytes that are not UTF-8 (a file reports them there; a
   * {@link java.io.Reader} decodes ahead, so from one only the failure is predicted).
   */
  record Outcome(List<String> features, float[] x, double[] y, long line, int column,
      String why) {
    static final String NOT_UTF8 = "bytes that are not UTF-8";

    static Outcome error(long line, int column, String why) {
      return new Outcome(null, null, null, line, column, why);
    }

    boolean ok() {
      return x != null;
    }

    /** True when the error is bytes that are not UTF-8. */
    boolean notUtf8() {
      return NOT_UTF8.equals(why);
    }

    int rows() {
      return y.length;
    }

    @Override
    public String toString() {
      return ok() ? "a table of " + y.length + " rows x " + features.size() + " features "
          + features : "an error at " + line + ":" + column + " (" + why + ")";
    }
  }

  /** Predicts what reading {@code bytes} with {@code options} gives. */
  static Outcome read(byte[] bytes, Options options) {
    if (options.targetKind() == CsvReader.TargetKind.BINARY) {
      throw new IllegalArgumentException("the oracle does not model binary targets");
    }
    // The text up to the first bytes that are not UTF-8 (all of it when there are none).
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    CharBuffer out = CharBuffer.allocate(bytes.length + 1);
    CoderResult r = decoder.decode(ByteBuffer.wrap(bytes), out, true);
    if (!r.isError()) {
      r = decoder.flush(out);
    }
    boolean bad = r.isError();
    String text = out.flip().toString();
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    try {
      return new Run(text, bad, options).run();
    } catch (Failure f) {
      return Outcome.error(f.line, f.column, f.getMessage());
    }
  }

  /** The first problem: where it is and a word on what. */
  private static final class Failure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final long line;
    final int column;

    Failure(long line, int column, String why) {
      super(why, null, false, false);
      this.line = line;
      this.column = column;
    }
  }

  /** A field as the tokenizer hands it over. */
  private record Field(String text, boolean empty, int term, long line) {}

  /** One reading of one text. */
  private static final class Run {
    private final String s;
    /** Whether bytes that are not UTF-8 follow {@code s}. */
    private final boolean bad;
    private final Options options;
    private final char delimiter;
    private int pos;
    private long line = 1;

    Run(String s, boolean bad, Options options) {
      this.s = s;
      this.bad = bad;
      this.options = options;
      this.delimiter = options.delimiter();
    }

    /**
     * Whether the text has ended; when bad bytes follow it, looking past it is their error, in
     * the field being read.
     */
    private boolean atEnd(int column) {
      if (pos < s.length()) {
        return false;
      }
      if (bad) {
        throw new Failure(line, column, Outcome.NOT_UTF8);
      }
      return true;
    }

    private boolean blank(char c) {
      return (c == ' ' || c == '\t') && c != delimiter;
    }

    private Field next(int column) {
      long start = line;
      StringBuilder sb = new StringBuilder();
      boolean empty = true;
      while (!atEnd(column) && blank(s.charAt(pos))) {
        sb.append(s.charAt(pos++));
        empty = false;
      }
      if (!atEnd(column) && s.charAt(pos) == '"') {
        pos++;
        sb.setLength(0);
        long open = line;
        while (true) {
          if (atEnd(column)) {
            throw new Failure(open, column, "unterminated quote");
          }
          char c = s.charAt(pos++);
          if (c == '"') {
            if (!atEnd(column) && s.charAt(pos) == '"') {
              sb.append('"');
              pos++;
              continue;
            }
            break;
          }
          if (c == '\n' || c == '\r') {
            line++;
            if (c == '\r' && !atEnd(column) && s.charAt(pos) == '\n') {
              sb.append(c);
              c = s.charAt(pos++);
            }
          }
          sb.append(c);
        }
        while (!atEnd(column) && blank(s.charAt(pos))) {
          pos++;
        }
        return new Field(sb.toString(), false, terminator(column), start);
      }
      while (!atEnd(column) && s.charAt(pos) != delimiter && s.charAt(pos) != '\n'
          && s.charAt(pos) != '\r') {
        sb.append(s.charAt(pos++));
        empty = false;
      }
      return new Field(sb.toString(), empty, terminator(column), start);
    }

    private int terminator(int column) {
      if (atEnd(column)) {
        return END_OF_FILE;
      }
      char c = s.charAt(pos++);
      if (c == delimiter) {
        return DELIMITER;
      }
      if (c == '\n') {
        line++;
        return END_OF_LINE;
      }
      if (c == '\r') {
        line++;
        // Looking for the \n of a \r\n is not reading the next line: bad bytes there are met
        // (in its first field) only if that line is read, as after a \n alone.
        if (pos < s.length() && s.charAt(pos) == '\n') {
          pos++;
        }
        return END_OF_LINE;
      }
      // Only after a closing quote can anything else follow a field.
      throw new Failure(line, column, "text after a closing quote");
    }

    Outcome run() {
      List<String> header = new ArrayList<>();
      Map<String, Integer> index = new HashMap<>();
      Field f;
      do {
        int column = header.size() + 1;
        f = next(column);
        if (column == 1 && f.empty() && f.term() != DELIMITER) {
          throw new Failure(1, 0, "no header");
        }
        String name = f.text().strip();
        if (!name.isEmpty() && index.putIfAbsent(name, column - 1) != null) {
          throw new Failure(1, column, "a column name twice");
        }
        header.add(name);
      } while (f.term() == DELIMITER);

      int target = -1;
      if (options.target() != null) {
        Integer c = index.get(options.target());
        if (c == null && options.target().chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
          if (options.target().length() > 9
              || Integer.parseInt(options.target()) >= header.size()) {
            throw new Failure(1, 0, "target index out of range");
          }
          c = Integer.parseInt(options.target());
        }
        if (c == null) {
          throw new Failure(1, 0, "no target column");
        }
        target = c;
      }
      int[] featureOf = new int[header.size()];
      Arrays.fill(featureOf, -1);
      List<String> names = new ArrayList<>();
      if (options.features() == null) {
        for (int c = 0; c < header.size(); c++) {
          if (c != target) {
            if (header.get(c).isEmpty()) {
              throw new Failure(1, c + 1, "an unnamed feature column");
            }
            featureOf[c] = names.size();
            names.add(header.get(c));
          }
        }
      } else {
        for (String name : options.features()) {
          Integer c = index.get(name);
          if (c == null) {
            throw new Failure(1, 0, "no column for a feature");
          }
          if (c == target) {
            throw new Failure(1, c + 1, "the target as a feature");
          }
          featureOf[c] = names.size();
          names.add(name);
        }
      }

      int d = names.size();
      List<float[]> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      long emptyLine = 0;
      while (true) {
        long recordLine = line;
        f = next(1);
        if (f.empty() && f.term() != DELIMITER) {
          if (f.term() == END_OF_FILE) {
            break;
          }
          if (emptyLine == 0) {
            emptyLine = recordLine;
          }
          continue;
        }
        if (emptyLine != 0) {
          throw new Failure(emptyLine, 0, "an empty line before more rows");
        }
        float[] row = new float[d];
        double y = Double.NaN;
        int c = 0;
        long extraLine = 0;
        while (true) {
          if (c < header.size()) {
            if (featureOf[c] >= 0) {
              row[featureOf[c]] = parseFloat(f, c);
            } else if (c == target) {
              y = parseDouble(f, c);
            }
          } else if (c == header.size()) {
            extraLine = f.line();
          }
          if (f.term() != DELIMITER) {
            break;
          }
          c++;
          f = next(c + 1);
        }
        if (c + 1 > header.size()) {
          // Too many fields: at the first extra one.
          throw new Failure(extraLine, header.size() + 1, "a long row");
        }
        if (c + 1 < header.size()) {
          // Too few: where the first missing one would start, on the line the row ends.
          throw new Failure(f.term() == END_OF_LINE ? line - 1 : line, c + 2, "a short row");
        }
        xs.add(row);
        ys.add(y);
        if (f.term() == END_OF_FILE) {
          break;
        }
      }
      if (xs.isEmpty()) {
        throw new Failure(1, 0, "no data rows");
      }
      float[] x = new float[xs.size() * d];
      double[] y = new double[xs.size()];
      for (int i = 0; i < xs.size(); i++) {
        System.arraycopy(xs.get(i), 0, x, i * d, d);
        y[i] = ys.get(i);
      }
      return new Outcome(List.copyOf(names), x, y, 0, 0, null);
    }

    /** The field's number text: the field less surrounding spaces and tabs, if it is one. */
    private static String decimal(Field f, int c) {
      String t = f.text();
      int i = 0;
      int e = t.length();
      while (i < e && (t.charAt(i) == ' ' || t.charAt(i) == '\t')) {
        i++;
      }
      while (e > i && (t.charAt(e - 1) == ' ' || t.charAt(e - 1) == '\t')) {
        e--;
      }
      String number = t.substring(i, e);
      if (!DECIMAL.matcher(number).matches()) {
        throw new Failure(f.line(), c + 1, number.isEmpty() ? "a missing value" : "not a number");
      }
      return number;
    }

    private static float parseFloat(Field f, int c) {
      float v = Float.parseFloat(decimal(f, c));
      if (Float.isInfinite(v)) {
        throw new Failure(f.line(), c + 1, "beyond float32");
      }
      return v;
    }

    private static double parseDouble(Field f, int c) {
      double v = Double.parseDouble(decimal(f, c));
      if (Double.isInfinite(v)) {
        throw new Failure(f.line(), c + 1, "beyond float64");
      }
      return v;
    }
  }
}

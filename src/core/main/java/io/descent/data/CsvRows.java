package io.descent.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The rows of a CSV file, read one at a time after its header, for work that handles each row
 * and keeps none: predictions for a file of any size in constant memory. {@link CsvReader} reads
 * its datasets through the same rows.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * try (CsvRows rows = CsvRows.open(path, ',')) {
 *   rows.selectFeatures(List.of("age", "bmi"));
 *   float[] x = new float[2];
 *   while (rows.next(x)) {
 *     // x holds the row's age and bmi; rows.text(0) its first field; rows.line() its line
 *   }
 * }
 * }</pre>
 *
 * <p>Format, numbers and errors are {@link CsvReader}'s: the features parse to the same float32
 * values, and every problem is a {@link DataFormatException} naming the file, line and column,
 * at the first problem in file order (a bad value before a row's missing fields is reported as
 * the bad value). Only the selected features are parsed; other columns may hold any text, which
 * {@link #text} returns. A file with a header but no rows is an error at the first call of
 * {@link #next} that finds the end.
 *
 * <p><b>Memory.</b> Constant: the decoder's and tokenizer's buffers and the text of one row.
 *
 * <p>For one thread at a time.
 */
public final class CsvRows implements Closeable {
  private static final int NAMES_SHOWN = 10;
  private static final int VALUE_SHOWN = 40;

  /** What a reading does with each row, while the tokenizer holds its fields. */
  interface RowHandler {
    /**
     * A row starts, before its first field is handed over.
     *
     * @param line the line it starts on
     * @param index how many rows came before it
     */
    void start(long line, long index);

    /** Handles the field of column {@code c} (0-based), which {@link #tokenizer()} holds. */
    void field(int c) throws IOException;
  }

  private final Reader in;
  private final String source;
  private final CsvTokenizer tok;
  private final List<String> header;
  /** The field separator. */
  private final char delimiter;
  /** The column of each non-empty header name. */
  private final Map<String, Integer> columns = new HashMap<>();
  private final DecimalParser numbers = new DecimalParser();
  private long rowsRead;
  private long line;
  private long emptyLine;
  private boolean ended;

  // The public reading: the selected features and the text of the last row.
  private final TextAndFeatures kept;
  private int selected;

  /**
   * Rows from a reader, whose header is read now; {@link #close} closes the reader.
   *
   * @param source the name to use in messages
   * @param delimiter the field separator (the rules of {@link CsvReader.Options})
   * @throws DataFormatException when the header is missing or names a column twice
   * @throws IOException when reading fails
   */
  public CsvRows(Reader reader, String source, char delimiter) throws IOException {
    this.in = Objects.requireNonNull(reader, "reader");
    this.source = Objects.requireNonNull(source, "source");
    this.tok = new CsvTokenizer(reader, source, checkDelimiter(delimiter));
    this.delimiter = delimiter;
    this.header = readHeader();
    this.kept = new TextAndFeatures(header.size());
  }

  /**
   * Rows of a slice of a file that holds no header: the rows from line {@code firstLine} on, whose
   * header is {@code header} (for the parallel reader, which reads each slice by itself).
   */
  CsvRows(Reader reader, String source, char delimiter, List<String> header, long firstLine) {
    this.in = Objects.requireNonNull(reader, "reader");
    this.source = Objects.requireNonNull(source, "source");
    this.tok = new CsvTokenizer(reader, source, checkDelimiter(delimiter), firstLine, false);
    this.delimiter = delimiter;
    this.header = List.copyOf(header);
    for (int c = 0; c < header.size(); c++) {
      if (!header.get(c).isEmpty()) {
        columns.putIfAbsent(header.get(c), c);
      }
    }
    this.kept = new TextAndFeatures(header.size());
  }

  /**
   * Opens a UTF-8 CSV file (a regular file, a named pipe, {@code /dev/stdin}: it is read once)
   * and reads its header. Messages name the file as {@code file.toString()} prints it.
   *
   * @throws DataFormatException when the header is missing or names a column twice
   * @throws java.nio.file.FileSystemException when the file is a directory
   * @throws IOException when the file cannot be read
   */
  public static CsvRows open(Path file, char delimiter) throws IOException {
    return open(file, delimiter, in -> in);
  }

  /** As {@link #open(Path, char)}, reading the file through {@code wrap} (to count its bytes). */
  static CsvRows open(Path file, char delimiter,
      java.util.function.UnaryOperator<java.io.InputStream> wrap) throws IOException {
    if (Files.isDirectory(file)) {
      throw new FileSystemException(file.toString(), null, "is a directory, not a CSV file");
    }
    Reader reader = new Utf8Reader(wrap.apply(Files.newInputStream(file)));
    try {
      return new CsvRows(reader, file.toString(), delimiter);
    } catch (Throwable e) {
      try {
        reader.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Checks a delimiter against the rules of {@link CsvReader.Options}; returns it. */
  static char checkDelimiter(char delimiter) {
    if (delimiter >= 0x80 || delimiter == '"' || delimiter == ' ' || delimiter == '\r'
        || delimiter == '\n' || Character.isLetterOrDigit(delimiter) || delimiter == '.'
        || delimiter == '+' || delimiter == '-' || (delimiter < ' ' && delimiter != '\t')) {
      throw new IllegalArgumentException("delimiter must be one ASCII character other than a"
          + " quote, space, line break, letter, digit, '.', '+' or '-', got '" + delimiter + "'");
    }
    return delimiter;
  }

  /** The name used in messages: the file's path, or the source given. */
  public String source() {
    return source;
  }

  /** The header's column names, stripped of surrounding spaces (an unnamed column is ""). */
  public List<String> header() {
    return header;
  }

  /**
   * The 0-based index of the column with this name, or -1 if there is none. The name is read
   * without the spaces and tabs around it, as the header's names are ({@code --target ' y'}
   * names the header's {@code y}, as does a header {@code " y"}).
   */
  public int columnOf(String name) {
    return columns.getOrDefault(trimmed(name), -1);
  }

  /**
   * The header for a message: {@code the columns are "a", "b", "c"}, the first ten and the
   * count when there are more.
   */
  public String columnList() {
    StringBuilder sb = new StringBuilder("the columns are ");
    int shown = Math.min(header.size(), NAMES_SHOWN);
    for (int c = 0; c < shown; c++) {
      sb.append(c > 0 ? ", " : "").append(shown(header.get(c)));
    }
    if (shown < header.size()) {
      sb.append(", ... (").append(header.size()).append(" in all)");
    }
    if (header.size() == 1) {
      // One column whose name holds another common separator: the file is likely delimited
      // by it (a semicolon file read with commas).
      for (char c : OTHER_DELIMITERS) {
        if (c != delimiter && header.get(0).indexOf(c) >= 0) {
          sb.append(" (one column, whose name holds ").append(c == '\t' ? "a tab"
              : "'" + c + "'").append(": is that the file's delimiter?)");
          break;
        }
      }
    }
    return sb.toString();
  }

  /** The separators a one-column header is checked for, in {@link #columnList()}. */
  private static final char[] OTHER_DELIMITERS = {';', '\t', '|', ','};

  /**
   * Chooses the columns {@link #next(float[])} parses as features, in this order (any order and
   * subset of the header; other columns are not parsed). Before the first row.
   *
   * @throws DataFormatException naming a feature the header lacks, and the header
   * @throws IllegalArgumentException if a name is listed twice
   * @throws IllegalStateException after the first row
   */
  public void selectFeatures(List<String> names) {
    if (rowsRead > 0 || ended) {
      throw new IllegalStateException("selectFeatures comes before the first row");
    }
    Set<String> seen = new HashSet<>();
    int[] featureOf = new int[header.size()];
    Arrays.fill(featureOf, -1);
    for (String name : names) {
      if (!seen.add(name)) {
        throw new IllegalArgumentException("features lists \"" + name + "\" twice");
      }
      featureOf[featureColumn(name)] = seen.size() - 1;
    }
    kept.featureOf = featureOf;
    selected = names.size();
  }

  /**
   * Reads the next row: its features (see {@link #selectFeatures}) into {@code x}, and the text
   * of every field for {@link #text}.
   *
   * @param x receives the selected features, in their order
   * @return false at the end of the file (x untouched)
   * @throws DataFormatException for any problem with the row, or when the file has no rows
   * @throws IllegalArgumentException if {@code x} does not hold one value per selected feature
   * @throws IOException when reading fails
   */
  public boolean next(float[] x) throws IOException {
    if (x.length != selected) {
      throw new IllegalArgumentException("x has " + x.length + " values for " + selected
          + " selected features");
    }
    kept.x = x;
    return next(kept);
  }

  /**
   * The text of a field of the last row read by {@link #next(float[])}, as written in the file
   * without its quotes (doubled quotes undone, spaces kept).
   *
   * @param column 0-based, as in {@link #header()}
   * @throws IllegalStateException before the first row
   */
  public String text(int column) {
    Objects.checkIndex(column, header.size());
    if (rowsRead == 0) {
      throw new IllegalStateException("no row has been read");
    }
    return kept.text(column);
  }

  /** The line on which the last row read starts (the header is line 1). */
  public long line() {
    return line;
  }

  /** How many rows have been read. */
  public long rowsRead() {
    return rowsRead;
  }

  /** Closes the reader. */
  @Override
  public void close() throws IOException {
    in.close();
  }

  @Override
  public String toString() {
    return "CsvRows[" + source + ", " + header.size() + " columns, " + rowsRead + " rows read]";
  }

  /** The tokenizer, holding the current field while a {@link RowHandler} runs. */
  CsvTokenizer tokenizer() {
    return tok;
  }

  /**
   * Reads the next row, handing each field to {@code handler} as it is read, so that a problem
   * in a value comes before one later in the row. Empty lines are allowed at the end only.
   *
   * @return false at the end of the file
   */
  boolean next(RowHandler handler) throws IOException {
    if (ended) {
      return false;
    }
    int columnCount = header.size();
    while (true) {
      long recordLine = tok.line();
      int term = tok.readField(1);
      if (tok.empty() && term != CsvTokenizer.DELIMITER) {
        if (term == CsvTokenizer.END_OF_FILE) {
          ended = true;
          if (rowsRead == 0) {
            throw new DataFormatException(source, 1, 0, "the file has a header but no data rows");
          }
          return false;
        }
        // An empty line is fine at the end of the file only.
        if (emptyLine == 0) {
          emptyLine = recordLine;
        }
        continue;
      }
      if (emptyLine != 0) {
        throw new DataFormatException(source, emptyLine, 0, "empty line; expected "
            + columnCount + " fields as in the header");
      }
      line = recordLine;
      handler.start(recordLine, rowsRead);
      int c = 0;
      long extraLine = 0;
      while (true) {
        if (c < columnCount) {
          handler.field(c);
        } else if (c == columnCount) {
          extraLine = tok.fieldLine();
        }
        if (term != CsvTokenizer.DELIMITER) {
          break;
        }
        c++;
        term = tok.readField(c + 1);
      }
      if (c + 1 != columnCount) {
        throw ragged(c + 1, columnCount, extraLine, term);
      }
      rowsRead++;
      if (term == CsvTokenizer.END_OF_FILE) {
        ended = true;
      }
      return true;
    }
  }

  /** The current field, of column {@code c}, as a feature: float32 as {@link Float#parseFloat}. */
  float feature(int c) {
    int status = numbers.parseFloat(tok.fieldChars(), 0, tok.fieldLength());
    if (status != DecimalParser.OK) {
      throw valueError(status, c, "float32 (largest 3.4028235e38)");
    }
    return numbers.floatValue();
  }

  /** The current field, of column {@code c}, as a float64 target: {@link Double#parseDouble}. */
  double number(int c) {
    int status = numbers.parseDouble(tok.fieldChars(), 0, tok.fieldLength());
    if (status != DecimalParser.OK) {
      throw valueError(status, c, "float64 (largest 1.7976931348623157e308)");
    }
    return numbers.doubleValue();
  }

  /** A bad value in the current field, of column {@code c}, for a number of this type. */
  DataFormatException valueError(int status, int c, String type) {
    // Trimmed as the parser trims (spaces and tabs), so a line break inside quotes shows.
    String value = shown(trimmed(tok.fieldText()));
    String where = " in " + columnName(c);
    String what = switch (status) {
      case DecimalParser.EMPTY -> "missing value" + where;
      case DecimalParser.NOT_FINITE -> value + " is not a finite number" + where;
      case DecimalParser.OUT_OF_RANGE -> value + " is out of range for " + type + where;
      default -> value + " is not a number" + where;
    };
    return new DataFormatException(source, tok.fieldLine(), c + 1, what);
  }

  /** {@code text} without the spaces and tabs around it. */
  static String trimmed(String text) {
    int from = 0;
    int to = text.length();
    while (from < to && (text.charAt(from) == ' ' || text.charAt(from) == '\t')) {
      from++;
    }
    while (to > from && (text.charAt(to - 1) == ' ' || text.charAt(to - 1) == '\t')) {
      to--;
    }
    return text.substring(from, to);
  }

  /** The column of a feature, or an error naming it and the header. */
  int featureColumn(String name) {
    int c = columnOf(name);
    if (c < 0) {
      throw new DataFormatException(source, 1, 0, "no column \"" + name + "\" for a feature; "
          + columnList());
    }
    return c;
  }

  private String columnName(int c) {
    return header.get(c).isEmpty() ? "column " + (c + 1) : "column \"" + header.get(c) + "\"";
  }

  /** A value for a message, quoted, and cut after 40 characters. */
  static String shown(String value) {
    if (value.length() <= VALUE_SHOWN) {
      return "\"" + escaped(value) + "\"";
    }
    // Cut between characters, not inside a surrogate pair.
    int cut = Character.isHighSurrogate(value.charAt(VALUE_SHOWN - 1)) ? VALUE_SHOWN - 1
        : VALUE_SHOWN;
    return "\"" + escaped(value.substring(0, cut)) + "...\"";
  }

  /** Line breaks (a quoted field may hold them) as \n and \r: an error stays one line. */
  private static String escaped(String value) {
    return value.replace("\r", "\\r").replace("\n", "\\n");
  }

  private List<String> readHeader() throws IOException {
    List<String> names = new ArrayList<>();
    int term;
    do {
      int column = names.size() + 1;
      term = tok.readField(column);
      if (column == 1 && tok.empty() && term != CsvTokenizer.DELIMITER) {
        throw new DataFormatException(source, 1, 0, term == CsvTokenizer.END_OF_FILE
            ? "the file is empty; expected a header row"
            : "the first line is empty; expected a header row");
      }
      String name = tok.fieldText().strip();
      Integer previous = name.isEmpty() ? null : columns.putIfAbsent(name, column - 1);
      if (previous != null) {
        throw new DataFormatException(source, 1, column, "column name \"" + name
            + "\" appears twice in the header, in columns " + (previous + 1) + " and " + column);
      }
      names.add(name);
    } while (term == CsvTokenizer.DELIMITER);
    return List.copyOf(names);
  }

  /**
   * A row with too few or too many fields, placed where the row goes wrong: at the first
   * missing column, on the line where the row ends, or at the first extra column, on the line
   * where that field starts.
   */
  private DataFormatException ragged(int found, int columnCount, long extraLine, int term) {
    String what = "expected " + columnCount + " fields as in the header, found " + found;
    if (found > columnCount) {
      return new DataFormatException(source, extraLine, columnCount + 1, what);
    }
    // The line break that ended the row has been counted already.
    long endLine = term == CsvTokenizer.END_OF_LINE ? tok.line() - 1 : tok.line();
    return new DataFormatException(source, endLine, found + 1, what);
  }

  /** The public reading's handler: every field's text in one buffer, the features parsed. */
  private final class TextAndFeatures implements RowHandler {
    int[] featureOf;
    float[] x;
    private char[] chars = new char[256];
    private int length;
    private final int[] from;
    private final int[] to;

    TextAndFeatures(int columnCount) {
      featureOf = new int[columnCount];
      Arrays.fill(featureOf, -1);
      from = new int[columnCount];
      to = new int[columnCount];
    }

    @Override
    public void start(long rowLine, long index) {
      length = 0;
    }

    @Override
    public void field(int c) {
      int n = tok.fieldLength();
      if (length + n > chars.length) {
        chars = Arrays.copyOf(chars, Math.max(2 * chars.length, length + n));
      }
      System.arraycopy(tok.fieldChars(), 0, chars, length, n);
      from[c] = length;
      length += n;
      to[c] = length;
      int j = featureOf[c];
      if (j >= 0) {
        x[j] = feature(c);
      }
    }

    String text(int c) {
      return new String(chars, from[c], to[c] - from[c]);
    }
  }
}

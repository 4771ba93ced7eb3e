package io.descent.model;

import io.descent.data.CsvRows;
import io.descent.data.Dataset;
import io.descent.loss.Loss;
import io.descent.loss.Softmax;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a model's predictions as CSV, one line per row in the input's order.
 *
 * <ul>
 *   <li>linear: header {@code prediction}, then the predicted value;
 *   <li>logistic: header {@code probability,class}, then P(y = 1) and the class at threshold 0.5
 *       as its original label;
 *   <li>multinomial: header {@code probability_LABEL} for each class in class order, then
 *       {@code class}: each class's probability and the likeliest class as its label.
 * </ul>
 *
 * <p>Predictions for the rows of a CSV file ({@link CsvRows}) are written as each row is read,
 * in constant memory, and may be preceded by columns copied from the input unchanged (ids, to
 * join the predictions back to the rows). The margins are those of {@link
 * LinearModel#margins(Dataset)}, bit for bit: the features parse to the same float32 values as
 * {@link io.descent.data.CsvReader} reads them and go through the same arithmetic.
 *
 * <p>Numbers are written with {@link Double#toString}, which reads back to the same double. Text
 * (labels, copied fields) is quoted as in RFC 4180 when it holds a comma, quote or line break.
 * Lines end with {@code \n}.
 */
public final class PredictionWriter {
  private PredictionWriter() {}

  /**
   * Writes the predictions to a file atomically: to a temporary file in the same directory, then
   * moved over {@code path}. On failure the temporary file is deleted and an existing {@code path}
   * is left untouched.
   *
   * @throws IllegalArgumentException if the dataset's features differ from the model's, or
   *     {@code path} is the file the data was read from ({@link Dataset#source()})
   * @throws IOException if the file cannot be written or moved into place
   */
  public static void write(Path path, LinearModel model, Dataset data) throws IOException {
    notTheInput(path, data.source());
    // Compute before creating any file: a mismatched dataset must not leave anything behind.
    double[] margins = model.isMulticlass() ? model.classMargins(data) : model.margins(data);
    AtomicFile.write(path, out -> write(out, model, margins));
  }

  /**
   * Writes the predictions to a writer (standard output, say); the writer is neither flushed nor
   * closed.
   *
   * @throws IllegalArgumentException if the dataset's features differ from the model's
   * @throws IOException if writing fails
   */
  public static void write(Writer out, LinearModel model, Dataset data) throws IOException {
    write(out, model, model.isMulticlass() ? model.classMargins(data)
        : model.margins(data));
  }

  /**
   * Writes a prediction for each remaining row of {@code rows} to a file atomically, as the rows
   * are read. The model's features are found in the header first, and a missing one fails before
   * any file is created; a problem in a later row deletes the temporary file and leaves an
   * existing {@code path} untouched.
   *
   * @param rows rows before their first, read to the end (not closed)
   * @param copied columns of the input written first on each line, as their text (ids)
   * @return the number of rows
   * @throws io.descent.data.DataFormatException for a feature the header lacks, or any problem
   *     in a row
   * @throws IllegalArgumentException for a copied column the header lacks, or one listed twice,
   *     or where {@code path} is the file the rows are read from ({@link CsvRows#source()})
   * @throws FileSystemException naming the input when reading it fails, or the output when
   *     writing it fails
   * @throws IOException if the file cannot be written or moved into place
   */
  public static long write(Path path, LinearModel model, CsvRows rows, List<String> copied)
      throws IOException {
    notTheInput(path, rows.source());
    int[] columns = select(model, rows, copied);
    long[] written = new long[1];
    AtomicFile.write(path, out -> written[0] = write(out, model, rows, copied, columns));
    return written[0];
  }

  /**
   * Writes a prediction for each remaining row of {@code rows} to a writer (standard output,
   * say) as the rows are read; the writer is neither flushed nor closed. A problem in a row
   * comes after the lines of the rows before it.
   *
   * @param rows rows before their first, read to the end (not closed)
   * @param copied columns of the input written first on each line, as their text (ids)
   * @return the number of rows
   * @throws io.descent.data.DataFormatException for a feature the header lacks, or any problem
   *     in a row
   * @throws IllegalArgumentException for a copied column the header lacks, or one listed twice
   * @throws FileSystemException naming the input when reading it fails
   * @throws IOException if writing fails
   */
  public static long write(Writer out, LinearModel model, CsvRows rows, List<String> copied)
      throws IOException {
    return write(out, model, rows, copied, select(model, rows, copied));
  }

  /** Selects the model's features in the rows; returns the copied columns' indices. */
  /** The names of the predicted columns a model's lines end with. */
  static List<String> predicted(LinearModel model) {
    if (model.isMulticlass()) {
      List<String> names = new java.util.ArrayList<>();
      for (int k = 0; k < model.classCount(); k++) {
        names.add("probability_" + model.label(k));
      }
      names.add("class");
      return names;
    }
    return model.loss() == Loss.LINEAR ? List.of("prediction") : List.of("probability", "class");
  }

  private static int[] select(LinearModel model, CsvRows rows, List<String> copied) {
    rows.selectFeatures(model.featureNames());
    Set<String> seen = new HashSet<>();
    int[] columns = new int[copied.size()];
    List<String> predicted = predicted(model);
    for (int i = 0; i < columns.length; i++) {
      String asked = copied.get(i).strip();
      if (predicted.contains(asked)) {
        throw new IllegalArgumentException("copied column \"" + asked + "\" has the name of a"
            + " predicted column (" + String.join(", ", predicted) + ")");
      }
      columns[i] = rows.columnOf(copied.get(i));
      if (columns[i] < 0) {
        throw new IllegalArgumentException(rows.source() + " has no column \"" + copied.get(i)
            + "\" to copy; " + rows.columnList());
      }
      // The header's spelling (" mpg" names the header's "mpg", and is written so).
      if (!seen.add(rows.header().get(columns[i]))) {
        throw new IllegalArgumentException("copied columns list \""
            + rows.header().get(columns[i]) + "\" twice");
      }
    }
    return columns;
  }

  private static long write(Writer out, LinearModel model, CsvRows rows, List<String> copied,
      int[] columns) throws IOException {
    Lines lines = new Lines(out, model);
    List<String> names = new java.util.ArrayList<>();
    for (int c : columns) {
      names.add(rows.header().get(c));
    }
    lines.header(names);
    float[] x = new float[model.features()];
    while (next(rows, x)) {
      for (int c : columns) {
        out.write(csvField(rows.text(c)));
        out.write(',');
      }
      if (lines.multinomial()) {
        lines.classes(model.classMargins(x), 0);
      } else {
        lines.prediction(model.margin(x));
      }
    }
    return rows.rowsRead();
  }

  /**
   * The next row, with a failure to read named as the input's: inside an atomic write, an
   * {@link IOException} of unknown origin would be reported as the output's.
   */
  private static boolean next(CsvRows rows, float[] x) throws IOException {
    try {
      return rows.next(x);
    } catch (FileSystemException e) {
      throw e;
    } catch (IOException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      FileSystemException named = new FileSystemException(rows.source(), null, reason);
      named.initCause(e);
      throw named;
    }
  }

  /**
   * Refuses to write the predictions over the file their rows come from (where {@code source}
   * names one): the move into place would replace the data (a 25 MB CSV became 2.5 MB of
   * predictions), as the command line refuses.
   */
  private static void notTheInput(Path path, String source) throws IOException {
    Path input;
    try {
      input = source == null || source.isEmpty() ? null : Path.of(source);
    } catch (java.nio.file.InvalidPathException e) {
      return; // a description, not a path
    }
    if (input == null || !java.nio.file.Files.isRegularFile(input)) {
      return;
    }
    Path output = AtomicFile.destination(path);
    if (java.nio.file.Files.exists(output) && java.nio.file.Files.isSameFile(output, input)) {
      throw new IllegalArgumentException(path + " is the file the rows are read from (" + source
          + "): refusing to overwrite an input");
    }
  }

  private static void write(Writer out, LinearModel model, double[] margins) throws IOException {
    Lines lines = new Lines(out, model);
    lines.header(List.of());
    if (lines.multinomial()) {
      int c = model.classCount();
      for (int at = 0; at < margins.length; at += c) {
        lines.classes(margins, at);
      }
      return;
    }
    for (double m : margins) {
      lines.prediction(m);
    }
  }

  /** The output's header and each row's predicted fields, for one model. */
  private static final class Lines {
    private final Writer out;
    private final LinearModel model;
    /** A logistic model's labels as CSV fields; null for a linear model. */
    private final String[] labels;

    /** A multinomial model's probabilities, reused row after row; null otherwise. */
    private final double[] probabilities;

    Lines(Writer out, LinearModel model) {
      this.out = out;
      this.model = model;
      int c = model.classCount();
      if (model.loss() == Loss.LINEAR) {
        this.labels = null;
      } else {
        this.labels = new String[c];
        for (int k = 0; k < c; k++) {
          labels[k] = csvField(model.label(k));
        }
      }
      this.probabilities = model.isMulticlass() ? new double[c] : null;
    }

    boolean multinomial() {
      return probabilities != null;
    }

    /** A multinomial row's fields, from its margins at {@code m[at ..)}, and the line's end. */
    void classes(double[] m, int at) throws IOException {
      int c = probabilities.length;
      model.classProbabilities(m, at, probabilities, 0);
      for (int k = 0; k < c; k++) {
        out.write(Double.toString(probabilities[k]));
        out.write(',');
      }
      out.write(labels[Softmax.argmax(m, at, c)]);
      out.write('\n');
    }

    /** The header: the copied columns' names, then the predicted fields' names. */
    void header(List<String> copied) throws IOException {
      List<String> names = new java.util.ArrayList<>(copied);
      names.addAll(predicted(model));
      for (int i = 0; i < names.size(); i++) {
        out.write(csvField(names.get(i)));
        out.write(i + 1 < names.size() ? ',' : '\n');
      }
    }

    /** The predicted fields of a row with this margin, and the line's end. */
    void prediction(double margin) throws IOException {
      if (labels == null) {
        out.write(Double.toString(margin));
      } else {
        out.write(Double.toString(Loss.sigmoid(margin)));
        out.write(',');
        out.write(labels[LinearModel.classOf(margin)]);
      }
      out.write('\n');
    }
  }

  /** A CSV field, quoted (with quotes doubled) when it holds a comma, quote or line break. */
  static String csvField(String s) {
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }
}

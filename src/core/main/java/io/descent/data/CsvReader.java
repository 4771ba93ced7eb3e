package io.descent.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads a CSV file with a header row into a {@link Dataset}, streaming.
 *
 * <p>Usage: {@code new CsvReader(CsvReader.Options.binaryTarget("spam")).read(path)}.
 *
 * <p><b>Memory.</b> The text is never held in memory: it is parsed field by field from a buffered
 * reader straight into the float array. For a file, a first pass counts the rows by scanning
 * bytes (fast, and the operating system caches the file for the second pass), so the feature
 * array is allocated once at its exact size: peak memory is about {@code rows * features * 4}
 * bytes plus buffers. A {@link Reader}, and a file that is not a regular file (a named pipe,
 * {@code /dev/stdin}), cannot be read twice: those are read in one pass that collects rows in
 * chunks of about 4 MB and copies them into the final array at the end, which briefly needs
 * twice the memory; the heap is then checked as each chunk is added.
 *
 * <p><b>Threads.</b> A regular file is read in parallel on {@link #threads()} threads (one per
 * processor by default): it is cut into slices of whole lines and read in one pass ({@code
 * CsvOnePass}): each slice is parsed from its bytes into small arrays of its own, numbers with
 * the same float32 and float64 values as below, and copied in file order into the features' one
 * direct buffer, sized by the first slice's rows per byte (the heap checked for that many rows
 * first) and grown where the rows turn out shorter. Where the features cannot go off the heap
 * the slices' rows are counted first instead (then the heap is checked), and each slice is parsed
 * straight into its rows of the one array (the first two slices, while that array is allocated,
 * into a scratch array copied in after them: {@code CsvChunks.EARLY_SLICES}). The class labels
 * keep the order of the sequential reading. A file whose header or data holds a quote character
 * (where a line break may be inside a field), and any file with a problem, is read by the
 * sequential reader, so that errors are the same, at the same line and column. Each thread holds
 * one slice (about 8 MiB) at a time.
 *
 * <p><b>Format.</b> RFC 4180: fields separated by the delimiter, quoted fields may contain
 * delimiters, line breaks and doubled quotes ({@code ""}). Also accepted: LF, CRLF or CR line
 * ends, a UTF-8 byte-order mark, spaces around numbers and quoted fields, empty lines at the end
 * of the file. The text must be UTF-8 (ASCII is). Header names are stripped of surrounding
 * spaces.
 *
 * <p><b>Numbers.</b> Features are float32 with the rounding of {@link Float#parseFloat}, the
 * target float64 as {@link Double#parseDouble}; the accepted grammar is plain decimals with an
 * optional exponent. Hexadecimal, NaN, infinities and values beyond the type's range (1e39 for a
 * feature, 1e400 for the target) are errors; there are no missing values. Values too small for
 * the type are not errors: they round to the nearest float32 (or float64), which below the
 * smallest subnormal (1.4e-45 for float32, 4.9e-324 for float64) is zero with the value's sign
 * ({@code -1e-400} reads as -0.0), as any rounding would.
 *
 * <p><b>Weights.</b> With {@link Options#weightColumn()} one column holds each row's weight, a
 * float64 read as the target is; a negative weight is an error at its line and column, and so is
 * a column of zeros (reported at the header).
 *
 * <p><b>Errors.</b> Every problem with the input is a {@link DataFormatException} naming the
 * file, line and column, thrown at the first problem found in file order. Bytes that are not
 * UTF-8 are reported at their exact line and field when reading a file; a {@link Reader} decodes
 * the text itself (and ahead of what it returns), so from {@link #read(Reader, String)} they are
 * reported at the line reached, with column 0.
 *
 * <p>A reader is immutable and can be shared between threads; each call reads independently.
 */
public final class CsvReader {
  /** The largest array the JVM reliably allocates. */
  static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
  private static final int DEFAULT_CHUNK_FLOATS = 1 << 20;

  /** What the target column holds, which decides how its values are read. */
  public enum TargetKind {
    /** Any finite number: the target of linear regression. */
    NUMERIC,
    /**
     * Two classes, encoded 0 and 1: the target of logistic regression. The column may hold 0 and
     * 1 (also written 0.0 and 1.0), true and false (any case), or two other labels with
     * {@link Options#positiveLabel()} saying which one is 1.
     */
    BINARY,
    /**
     * Two or more classes (at most {@link ClassLabels#MAX_CLASSES}), encoded 0..C-1 in the
     * stable order of {@link ClassLabels}: the target of multinomial regression. The labels may
     * be numbers (1, 1.0 and 1e0 are one label) or any text.
     */
    CLASSES
  }

  /**
   * How to read a file: which column is the target, which are features, the delimiter.
   *
   * <p>Start from {@link #noTarget()}, {@link #numericTarget(String)} or {@link
   * #binaryTarget(String)} and refine with the {@code with...} methods; each returns a new
   * options object.
   *
   * @param target the target column: a header name, or a 0-based column index written in digits
   *     (used as an index only when no column has that name); null to read without a target, as
   *     for prediction (the dataset's y is then all NaN)
   * @param features the feature columns by header name, in the order the dataset should have
   *     them (any order, any subset of the file's columns); null for every column except the
   *     target, in file order
   * @param delimiter the field separator, e.g. {@code ','}, {@code ';'} or {@code '\t'}
   * @param targetKind how the target is read
   * @param positiveLabel for a BINARY target, the label read as 1 (the other is 0); null when the
   *     labels are 0/1 or true/false
   * @param weightColumn the column of the rows' weights, by header name, or null for none: every
   *     value a finite number {@code >= 0}, not all 0 (see {@link Dataset#withWeights}); the
   *     column is neither a feature nor the target
   */
  public record Options(String target, List<String> features, char delimiter,
      TargetKind targetKind, String positiveLabel, String weightColumn) {
    /** Options without a weight column. */
    public Options(String target, List<String> features, char delimiter, TargetKind targetKind,
        String positiveLabel) {
      this(target, features, delimiter, targetKind, positiveLabel, null);
    }

    /** Checks every field; see the parameters for the rules. */
    public Options {
      if (target != null && target.isBlank()) {
        throw new IllegalArgumentException("target must be a column name or index, got \""
            + target + "\"");
      }
      if (features != null) {
        if (features.isEmpty()) {
          // A dataset of no features fitted an intercept alone, where Dataset.of refuses one.
          throw new IllegalArgumentException("features must name at least one column (null for"
              + " every column but the target and the weights), got []");
        }
        Set<String> seen = new HashSet<>();
        for (String f : features) {
          if (f == null || f.isBlank()) {
            throw new IllegalArgumentException("features must be column names, got " + features);
          }
          if (!seen.add(f)) {
            throw new IllegalArgumentException("features lists \"" + f + "\" twice");
          }
        }
        features = List.copyOf(features);
      }
      CsvRows.checkDelimiter(delimiter);
      Objects.requireNonNull(targetKind, "targetKind");
      if (positiveLabel != null) {
        if (targetKind != TargetKind.BINARY) {
          throw new IllegalArgumentException("positiveLabel \"" + positiveLabel
              + "\" needs a BINARY target, got " + targetKind);
        }
        if (positiveLabel.isBlank()) {
          throw new IllegalArgumentException("positiveLabel must not be blank");
        }
      }
      if (weightColumn != null) {
        if (weightColumn.isBlank()) {
          throw new IllegalArgumentException("weightColumn must be a column name, got \""
              + weightColumn + "\"");
        }
        if (weightColumn.equals(target)) {
          throw new IllegalArgumentException("column \"" + weightColumn
              + "\" cannot be both the target and the weights");
        }
        if (features != null && features.contains(weightColumn)) {
          throw new IllegalArgumentException("column \"" + weightColumn
              + "\" cannot be both a feature and the weights");
        }
      }
    }

    /**
     * The text a record's generated {@code toString} gives ({@code Options[target=y, ...]}, every
     * component in order), written out: the generated one is bootstrapped at its first call,
     * which took about 75 ms in a fresh JVM, and the dataset cache keys its copies by this text
     * on every read (a test checks it against the components, so a new one is not left out).
     */
    @Override
    public String toString() {
      return "Options[target=" + target + ", features=" + features + ", delimiter=" + delimiter
          + ", targetKind=" + targetKind + ", positiveLabel=" + positiveLabel + ", weightColumn="
          + weightColumn + "]";
    }

    /** No target (prediction input), all columns are features, comma-separated. */
    public static Options noTarget() {
      return new Options(null, null, ',', TargetKind.NUMERIC, null);
    }

    /** A numeric target (linear regression), all other columns are features. */
    public static Options numericTarget(String target) {
      return new Options(Objects.requireNonNull(target, "target"), null, ',', TargetKind.NUMERIC,
          null);
    }

    /** A binary target labelled 0/1 or true/false (logistic regression). */
    public static Options binaryTarget(String target) {
      return new Options(Objects.requireNonNull(target, "target"), null, ',', TargetKind.BINARY,
          null);
    }

    /** A binary target whose label {@code positiveLabel} is read as 1, the other as 0. */
    public static Options binaryTarget(String target, String positiveLabel) {
      return new Options(Objects.requireNonNull(target, "target"), null, ',', TargetKind.BINARY,
          Objects.requireNonNull(positiveLabel, "positiveLabel"));
    }

    /**
     * A class target of two or more labels, numbers or text (multinomial regression), coded
     * 0..C-1 in the order of {@link ClassLabels}.
     */
    public static Options classTarget(String target) {
      return new Options(Objects.requireNonNull(target, "target"), null, ',', TargetKind.CLASSES,
          null);
    }

    /** The same, with another target column (name or index). */
    public Options withTarget(String target) {
      return new Options(Objects.requireNonNull(target, "target"), features, delimiter,
          targetKind, positiveLabel, weightColumn);
    }

    /** The same, read without a target (for prediction). */
    public Options withoutTarget() {
      return new Options(null, features, delimiter, targetKind, positiveLabel, weightColumn);
    }

    /** The same, with these feature columns in this order; null for all but the target. */
    public Options withFeatures(List<String> features) {
      return new Options(target, features, delimiter, targetKind, positiveLabel, weightColumn);
    }

    /** The same, with another delimiter. */
    public Options withDelimiter(char delimiter) {
      return new Options(target, features, delimiter, targetKind, positiveLabel, weightColumn);
    }

    /** The same, with another target kind (a positive label needs BINARY). */
    public Options withTargetKind(TargetKind targetKind) {
      return new Options(target, features, delimiter, targetKind, positiveLabel, weightColumn);
    }

    /**
     * The same, reading the rows' weights from this column (by header name), which is then
     * neither a feature nor the target; null for none.
     */
    public Options withWeightColumn(String weightColumn) {
      return new Options(target, features, delimiter, targetKind, positiveLabel, weightColumn);
    }

    /** The same, with this label of a BINARY target read as 1; null for 0/1 or true/false. */
    public Options withPositiveLabel(String positiveLabel) {
      return new Options(target, features, delimiter, targetKind, positiveLabel, weightColumn);
    }
  }

  /** {@link #threads()} by default: 0, one thread per available processor. */
  public static final int DEFAULT_THREADS = 0;
  /** Bytes per slice of a file read in parallel. */
  static final int DEFAULT_SLICE_BYTES = 8 << 20;
  /** The least bytes per slice that a small heap makes the slices. */
  static final int MIN_SLICE_BYTES = 64 << 10;

  private final Options options;
  private final int chunkFloats;
  private final List<HeapNeed> heapNeeds;
  private final ReadProgress progress;
  private final ClassLabels classes;
  private final BinaryLabels knownLabels;
  private final int threads;
  /** Bytes per slice of a file read in parallel; 0 reads every file sequentially. */
  private final int sliceBytes;
  /** Whether a file read in slices is read in one pass ({@link CsvOnePass}), not counted first. */
  private final boolean onePass;

  /** A reader with these options. */
  public CsvReader(Options options) {
    this(options, DEFAULT_CHUNK_FLOATS);
  }

  /** For tests: a small chunk exercises the chunked path of {@link #read(Reader, String)}. */
  CsvReader(Options options, int chunkFloats) {
    this(options, chunkFloats, List.of(), ReadProgress.NONE, null, null, DEFAULT_THREADS,
        DEFAULT_SLICE_BYTES, true);
  }

  private CsvReader(Options options, int chunkFloats, List<HeapNeed> heapNeeds,
      ReadProgress progress, ClassLabels classes, BinaryLabels knownLabels, int threads,
      int sliceBytes, boolean onePass) {
    this.classes = classes;
    this.knownLabels = knownLabels;
    this.progress = Objects.requireNonNull(progress, "progress");
    this.options = Objects.requireNonNull(options, "options");
    if (chunkFloats <= 0) {
      throw new IllegalArgumentException("chunkFloats must be > 0, got " + chunkFloats);
    }
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 1, or 0 for one per processor, got "
          + threads);
    }
    this.chunkFloats = chunkFloats;
    this.heapNeeds = List.copyOf(heapNeeds);
    this.threads = threads;
    this.sliceBytes = sliceBytes;
    this.onePass = onePass;
  }

  /** The options this reader applies. */
  public Options options() {
    return options;
  }

  /**
   * The same reader, checking before it reads any row of a file that the heap also has room
   * for what the caller will allocate afterwards (copies of the data, per-row results, the
   * libraries still to load). Without needs the check covers the dataset alone.
   *
   * @param needs heap needed beyond the dataset, by its size
   * @see #read(Path)
   */
  public CsvReader withHeapNeeds(List<HeapNeed> needs) {
    return new CsvReader(options, chunkFloats, needs, progress, classes, knownLabels, threads,
        sliceBytes, onePass);
  }

  /**
   * The same reader, telling {@code progress} how far each pass over a file has got (for a
   * progress display; nothing by default).
   */
  public CsvReader withProgress(ReadProgress progress) {
    return new CsvReader(options, chunkFloats, heapNeeds, progress, classes, knownLabels, threads,
        sliceBytes, onePass);
  }

  /**
   * The same reader, coding a {@link TargetKind#CLASSES} target by these classes (a model's)
   * instead of the labels the file holds: every label must be one of them, and the file may
   * hold any of them, one included (to evaluate a model on rows of some of its classes).
   *
   * @param classes the classes, or null for the file's own labels
   */
  public CsvReader withClasses(ClassLabels classes) {
    return new CsvReader(options, chunkFloats, heapNeeds, progress, classes, knownLabels, threads,
        sliceBytes, onePass);
  }

  /**
   * The same reader, coding a {@link TargetKind#BINARY} target by these two labels (a model's)
   * instead of the labels the file holds: every label must be one of them (the first that is
   * not is an error at its line), and the file may hold either or both (to evaluate a model on
   * rows of one class). The options' positive label, if any, must be {@code labels.positive()}.
   *
   * @param labels the labels, or null for the file's own
   */
  public CsvReader withLabels(BinaryLabels labels) {
    if (labels != null && options.positiveLabel() != null
        && !labels.positive().equals(options.positiveLabel())) {
      throw new IllegalArgumentException("positive label \"" + options.positiveLabel()
          + "\" is not the labels' positive one, \"" + labels.positive() + "\"");
    }
    return new CsvReader(options, chunkFloats, heapNeeds, progress, classes, labels, threads,
        sliceBytes, onePass);
  }

  /** The labels a binary target is coded by ({@link #withLabels}), or null for the file's. */
  public BinaryLabels labels() {
    return knownLabels;
  }

  /**
   * The same reader, parsing a regular file on this many threads (see {@link #read(Path)}).
   *
   * @param threads at least 1, or {@link #DEFAULT_THREADS} (0) for one per available processor
   */
  public CsvReader withThreads(int threads) {
    return new CsvReader(options, chunkFloats, heapNeeds, progress, classes, knownLabels, threads,
        sliceBytes, onePass);
  }

  /** The threads that parse a regular file: {@link #withThreads}, 0 resolved to the processors. */
  public int threads() {
    return threads == DEFAULT_THREADS ? Runtime.getRuntime().availableProcessors() : threads;
  }

  /**
   * For tests: the same reader, cutting a regular file into slices of about this many bytes (at
   * least one line each), or reading every file sequentially with 0.
   */
  CsvReader withSliceBytes(int sliceBytes) {
    if (sliceBytes < 0) {
      throw new IllegalArgumentException("sliceBytes must be >= 0, got " + sliceBytes);
    }
    return new CsvReader(options, chunkFloats, heapNeeds, progress, classes, knownLabels, threads,
        sliceBytes, onePass);
  }

  /**
   * For tests: the same reader, counting a file's rows before it reads them in slices (as where
   * the one pass cannot keep the features off the heap).
   */
  CsvReader withCountPass() {
    return new CsvReader(options, chunkFloats, heapNeeds, progress, classes, knownLabels, threads,
        sliceBytes, false);
  }

  /** The classes a class target is coded by ({@link #withClasses}), or null for the file's. */
  public ClassLabels classes() {
    return classes;
  }

  /** The heap needs checked beyond the dataset's own (empty unless set). */
  public List<HeapNeed> heapNeeds() {
    return heapNeeds;
  }

  /**
   * Reads a UTF-8 CSV file. Messages name the file as {@code file.toString()} prints it.
   *
   * <p>Before reading any row of a regular file it counts them (read in slices: estimates them
   * from the first slice, and counts them where the estimate does not fit), and checks that the
   * heap has room for the dataset and the {@link #heapNeeds()} (after one garbage collection).
   * Anything else that can be read (a named pipe, {@code /dev/stdin}) is read in one pass,
   * checking the heap as the rows grow.
   *
   * @throws DataFormatException for any problem with the content
   * @throws InsufficientMemoryException when the heap has too little room
   * @throws java.nio.file.FileSystemException when the file is a directory
   * @throws IOException when the file cannot be read
   */
  public Dataset read(Path file) throws IOException {
    if (sliceBytes > 0 && Files.isRegularFile(file)) {
      Dataset data = readInSlices(file);
      if (data != null) {
        return data;
      }
    }
    long records = -1;
    // A pipe (a FIFO, /dev/stdin, a shell's <(...)) can be read only once: no counting pass.
    long size = -1;
    if (Files.isRegularFile(file)) {
      size = Files.size(file);
      try (InputStream in = ReadProgress.counting(Files.newInputStream(file), progress,
          "counting rows", size)) {
        records = CsvRowCounter.countRecords(in, options.delimiter());
      }
    }
    long total = size;
    try (CsvRows rows = CsvRows.open(file, options.delimiter(),
        in -> ReadProgress.counting(in, progress, "reading", total))) {
      return new Parse(rows, records < 0 ? -1 : Math.max(0, records - 1)).run();
    }
  }

  /**
   * Reads a regular file in slices on {@link #threads()} threads; null when the sequential
   * reader must read it (quotes, any problem with the content: it reports the first one).
   */
  Dataset readInSlices(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      int threads = threads();
      CsvChunks chunks = CsvChunks.plan(channel, channel.size(), sliceBytes(threads));
      if (chunks == null) {
        return null;
      }
      CsvRows header;
      try {
        header = chunks.header(file.toString(), options.delimiter());
      } catch (DataFormatException e) {
        return null;
      }
      ExecutorService pool = pool(Math.min(threads, chunks.slices()));
      try {
        if (onePass) {
          Dataset data = new Parse(header, -1).runInOnePass(chunks, pool,
              Math.min(threads, chunks.slices()));
          if (data != null) {
            return data;
          }
        }
        if (!chunks.count(pool, progress)) {
          return null;
        }
        return new Parse(header, chunks.rows()).runInSlices(chunks, pool);
      } catch (CsvChunkParser.Fallback e) {
        return null;
      } catch (OutOfMemoryError e) {
        if (e.getMessage() != null && e.getMessage().contains("direct buffer memory")) {
          // Direct memory used up (-XX:MaxDirectMemorySize, or other libraries' buffers): the
          // sequential reader reads it on the heap, with every error where it is.
          return null;
        }
        throw e;
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /**
   * The slice size for this many threads: {@link #DEFAULT_SLICE_BYTES} (or the tests' size), less
   * in a small heap, so that the slices being parsed (one a thread) stay within 1/64 of the heap
   * (the heap check counts the dataset, not them, nor the first two slices' features, which are
   * parsed into an array of their own while the dataset's is allocated) and no smaller than
   * {@value #MIN_SLICE_BYTES}.
   */
  private int sliceBytes(int threads) {
    long share = Runtime.getRuntime().maxMemory() / (64L * threads);
    return (int) Math.min(sliceBytes, Math.max(MIN_SLICE_BYTES, share));
  }

  private static ExecutorService pool(int threads) {
    AtomicInteger made = new AtomicInteger();
    return Executors.newFixedThreadPool(Math.max(1, threads), task -> {
      Thread t = new Thread(task, "descent-csv-" + made.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Reads CSV text from a reader, which is not closed. Rows are collected in chunks and copied
   * once at the end, so this needs about twice the memory of the features at its peak; prefer
   * {@link #read(Path)} for large files.
   *
   * @param source the name to use in messages and as {@link Dataset#source()}
   * @throws DataFormatException for any problem with the content
   * @throws IOException when reading fails
   */
  public Dataset read(Reader reader, String source) throws IOException {
    // Not closed: the reader is the caller's.
    return new Parse(new CsvRows(reader, source, options.delimiter()), -1).run();
  }

  @Override
  public String toString() {
    return "CsvReader[" + options + "]";
  }

  /** One reading: the state of a single call, given each row's fields by {@link CsvRows}. */
  private final class Parse implements CsvRows.RowHandler {
    private final CsvRows csv;
    private final String file;
    private final long expectedRows;
    private final CsvTokenizer tok;
    /** For the labels of a binary target; {@link CsvRows} parses the features. */
    private final DecimalParser numbers = new DecimalParser();
    private final List<String> header;
    private int targetColumn = -1;
    private int weightColumn = -1;
    private int[] featureOf;
    private Rows rows;
    private int row;

    // Binary target: the distinct labels seen (at most two), where each first appeared, and a
    // cache from spelling to label index.
    private final List<String> labels = new ArrayList<>(2);
    private long[] labelLine = new long[2];
    private final Map<String, Integer> spellings = new HashMap<>();

    Parse(CsvRows csv, long expectedRows) {
      this.csv = csv;
      this.file = csv.source();
      this.expectedRows = expectedRows;
      this.tok = csv.tokenizer();
      this.header = csv.header();
    }

    Dataset run() throws IOException {
      List<String> featureNames = resolveColumns();
      int d = featureNames.size();
      if (expectedRows >= 0 && expectedRows * Math.max(1, d) > MAX_ARRAY) {
        throw tooMany(0, expectedRows, d);
      }
      if (expectedRows >= 0) {
        requireHeap(expectedRows, d);
      }
      rows = new Rows(d, expectedRows, chunkFloats, weightColumn >= 0);
      return finish(readRows(), featureNames);
    }

    /**
     * Reads the rows of {@code chunks} (counted) on {@code pool}, each slice into its part of the
     * arrays, then its labels in file order.
     *
     * @throws CsvChunkParser.Fallback when the sequential reader must read the file
     */
    Dataset runInSlices(CsvChunks chunks, ExecutorService pool) throws IOException {
      List<String> featureNames = resolveColumns();
      int d = featureNames.size();
      if (expectedRows * Math.max(1, d) > MAX_ARRAY) {
        throw tooMany(0, expectedRows, d);
      }
      // Like the slices' buffers, the first slices' scratch array is not counted: the rows of
      // two slices, each slice within a small share of the heap (see sliceBytes).
      requireHeap(expectedRows, d);
      rows = Rows.counted(d, Math.toIntExact(expectedRows), weightColumn >= 0);
      CsvChunkParser.Layout layout = layout(d);
      List<CsvChunkParser> slices = chunks.parse(pool, layout, rows::allocateFeatures,
          FeatureRows.fitsOffHeap((long) expectedRows * d), rows.y, rows.w, progress);
      for (CsvChunkParser slice : slices) {
        mergeLabels(slice, layout.labelLimit());
      }
      return finish(Math.toIntExact(expectedRows), featureNames);
    }

    /**
     * Reads the rows of {@code chunks} (not counted) on {@code pool} in one pass ({@link
     * CsvOnePass}), then their labels in file order; null when the features cannot be kept off
     * the heap, and the rows must be counted first.
     *
     * @throws CsvChunkParser.Fallback when the sequential reader must read the file
     */
    Dataset runInOnePass(CsvChunks chunks, ExecutorService pool, int threads)
        throws IOException {
      List<String> featureNames = resolveColumns();
      int d = featureNames.size();
      CsvChunkParser.Layout layout = layout(d);
      CsvOnePass.Rows read = CsvOnePass.read(chunks, pool, threads, layout, weightColumn >= 0,
          n -> requireHeap(n, d), progress);
      if (read == null) {
        return null;
      }
      rows = Rows.read(d, read.x(), read.y(), read.w());
      for (CsvChunkParser slice : read.slices()) {
        mergeLabels(slice, layout.labelLimit());
      }
      return finish(read.count(), featureNames);
    }

    /** How {@link CsvChunkParser} reads a row of this file, with {@code d} features. */
    private CsvChunkParser.Layout layout(int d) {
      byte[] kinds = new byte[header.size()];
      for (int c = 0; c < kinds.length; c++) {
        if (featureOf[c] >= 0) {
          kinds[c] = CsvChunkParser.FEATURE;
        } else if (c == targetColumn) {
          kinds[c] = options.targetKind() == TargetKind.NUMERIC ? CsvChunkParser.NUMBER
              : CsvChunkParser.LABEL;
        } else if (c == weightColumn) {
          kinds[c] = CsvChunkParser.WEIGHT;
        }
      }
      int labelLimit = options.targetKind() == TargetKind.BINARY ? 2 : ClassLabels.MAX_CLASSES;
      return new CsvChunkParser.Layout(file, options.delimiter(), header, kinds, featureOf, d,
          labelLimit);
    }

    /** Adds a slice's labels to the file's, in order, and recodes its rows' targets. */
    private void mergeLabels(CsvChunkParser slice, int labelLimit) {
      List<String> local = slice.labels();
      int[] code = new int[local.size()];
      boolean same = true;
      for (int k = 0; k < code.length; k++) {
        int index = labels.indexOf(local.get(k));
        if (index < 0) {
          if (labels.size() == labelLimit) {
            throw new CsvChunkParser.Fallback(); // the sequential reader reports it
          }
          index = labels.size();
          labels.add(local.get(k));
          if (index == labelLine.length) {
            labelLine = Arrays.copyOf(labelLine, 2 * index);
          }
          labelLine[index] = slice.labelLines()[k];
        }
        code[k] = index;
        same &= index == k;
      }
      if (!same) {
        double[] y = rows.y;
        for (int i = slice.firstRow(), end = i + slice.rows(); i < end; i++) {
          y[i] = code[(int) y[i]];
        }
      }
    }

    /** The dataset of the {@code n} rows read, the target coded as the options say. */
    private Dataset finish(int n, List<String> featureNames) {
      double[] y = rows.y(n);
      BinaryLabels binary = null;
      if (targetColumn < 0) {
        Arrays.fill(y, Double.NaN);
      } else if (options.targetKind() == TargetKind.BINARY) {
        binary = encodeLabels(y);
      }
      String targetName = targetColumn < 0 ? null : header.get(targetColumn);
      ClassLabels classes = targetColumn >= 0 && options.targetKind() == TargetKind.CLASSES
          ? encodeClasses(y) : null;
      Dataset data = Dataset.over(file, featureNames, targetName, rows.featureRows(n), y, binary,
          classes);
      // A file without rows stays unweighted: its trouble is having no rows.
      return weightColumn < 0 || n == 0 ? data : data.withWeights(checkedWeights(rows.w(n)));
    }

    /** The weights read, which must not all be 0 (each was checked as it was read). */
    private double[] checkedWeights(double[] w) {
      for (double s : w) {
        if (s > 0) {
          return w;
        }
      }
      throw new DataFormatException(file, 1, weightColumn + 1, "every weight in column \""
          + header.get(weightColumn) + "\" is 0: at least one row must weigh more");
    }

    /** The current field, of the weight column c: a finite float64 {@code >= 0}. */
    private double weight(int c) {
      double s = csv.number(c);
      if (s < 0) {
        throw new DataFormatException(file, tok.fieldLine(), c + 1, "weight "
            + CsvRows.shown(tok.fieldText().strip()) + " in column \"" + header.get(c)
            + "\" is negative: weights must be >= 0");
      }
      return s + 0.0;
    }

    /**
     * Fails early when the heap cannot hold the dataset and what the caller will allocate after
     * it (checked after one collection, so that garbage does not count as used).
     */
    private void requireHeap(long n, int d) {
      List<HeapNeed> needs = new ArrayList<>();
      needs.add(HeapNeed.DATASET);
      needs.addAll(heapNeeds);
      requireHeap(needs, n, d);
    }

    private void requireHeap(List<HeapNeed> needs, long n, int d) {
      long needed = 0;
      for (HeapNeed need : needs) {
        needed = saturatedAdd(needed, need.bytes(n, d));
      }
      if (needed <= available()) {
        return;
      }
      System.gc();
      if (needed > available()) {
        Runtime rt = Runtime.getRuntime();
        throw new InsufficientMemoryException(file, n, d, needs, rt.maxMemory(),
            rt.totalMemory() - rt.freeMemory());
      }
    }

    /**
     * For a read in one pass, before a new chunk of {@code chunkRows} rows: the heap must hold
     * the chunk, and the final dataset of the rows read so far and that chunk (copied out of the
     * chunks at the end) with what the caller allocates after it. The rows read so far are in
     * use already.
     */
    private void requireHeapToGrow(long rowsRead, int chunkRows) {
      long n = rowsRead + chunkRows;
      int d = rows.features;
      List<HeapNeed> needs = new ArrayList<>();
      needs.add(HeapNeed.DATASET);
      needs.add(new HeapNeed("the next chunk of rows", 0, 0, (long) chunkRows * d * Float.BYTES));
      needs.addAll(heapNeeds);
      requireHeap(needs, n, d);
    }

    private static long saturatedAdd(long a, long b) {
      long sum = a + b;
      return sum < 0 ? Long.MAX_VALUE : sum;
    }

    private static long available() {
      Runtime rt = Runtime.getRuntime();
      return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
    }

    /** Finds the target and feature columns; returns the feature names in dataset order. */
    private List<String> resolveColumns() {
      String target = options.target();
      if (target != null) {
        int c = csv.columnOf(target);
        // An index, read without the spaces around it, as a name is.
        String index = target.strip();
        if (c < 0 && !index.isEmpty() && index.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
          if (index.length() > 9 || Integer.parseInt(index) >= header.size()) {
            throw new DataFormatException(file, 1, 0, "target column index " + index
                + " is out of range: the header has " + header.size() + " columns (0 to "
                + (header.size() - 1) + ")");
          }
          c = Integer.parseInt(index);
        }
        if (c < 0) {
          throw new DataFormatException(file, 1, 0, "no column \"" + target
              + "\" for the target; " + csv.columnList());
        }
        targetColumn = c;
      }
      String weights = options.weightColumn();
      if (weights != null) {
        weightColumn = csv.columnOf(weights);
        if (weightColumn < 0) {
          throw new DataFormatException(file, 1, 0, "no column \"" + weights
              + "\" for the weights; " + csv.columnList());
        }
        if (weightColumn == targetColumn) {
          throw new DataFormatException(file, 1, weightColumn + 1, "column \"" + weights
              + "\" is both the target and the weights");
        }
      }
      featureOf = new int[header.size()];
      Arrays.fill(featureOf, -1);
      List<String> names = new ArrayList<>();
      if (options.features() == null) {
        for (int c = 0; c < header.size(); c++) {
          if (c == targetColumn || c == weightColumn) {
            continue;
          }
          if (header.get(c).isEmpty()) {
            throw new DataFormatException(file, 1, c + 1, "column " + (c + 1)
                + " has no name in the header: name it, or list the features to use");
          }
          featureOf[c] = names.size();
          names.add(header.get(c));
        }
      } else {
        for (String f : options.features()) {
          int c = csv.featureColumn(f);
          if (c == targetColumn) {
            throw new DataFormatException(file, 1, c + 1, "column \"" + f
                + "\" is both the target and a feature");
          }
          featureOf[c] = names.size();
          names.add(header.get(c)); // the header's spelling, without spaces around it
        }
      }
      return names;
    }

    /** Reads every data row; returns the number of rows. */
    private int readRows() throws IOException {
      while (csv.next(this)) {
        // Each row is stored by start and field.
      }
      if (expectedRows >= 0 && csv.rowsRead() != expectedRows) {
        throw changed(tok.line());
      }
      return Math.toIntExact(csv.rowsRead());
    }

    @Override
    public void start(long line, long index) {
      if ((index + 1) * Math.max(1, rows.features) > MAX_ARRAY) {
        throw tooMany(line, index + 1, rows.features);
      }
      if (expectedRows >= 0 && index >= expectedRows) {
        throw changed(line);
      }
      row = (int) index;
      if (expectedRows < 0 && rows.startsChunk(row)) {
        requireHeapToGrow(row, rows.chunkRows);
      }
      rows.start(row);
    }

    private DataFormatException changed(long line) {
      return new DataFormatException(file, line, 0,
          "the file changed while it was being read (row count differs between passes)");
    }

    private DataFormatException tooMany(long line, long n, int d) {
      return new DataFormatException(file, line, 0, n + " rows x " + d + " features are more"
          + " values than one Java array holds (" + MAX_ARRAY + ")");
    }

    @Override
    public void field(int c) {
      int j = featureOf[c];
      if (j >= 0) {
        rows.x[rows.base + j] = csv.feature(c);
      } else if (c == targetColumn) {
        rows.y[row] = options.targetKind() == TargetKind.NUMERIC ? csv.number(c) : label(c);
      } else if (c == weightColumn) {
        rows.w[row] = weight(c);
      }
    }

    /** The index (0 or 1, in order of appearance) of the binary label in the current field. */
    private int label(int c) {
      String spelling = tok.fieldText().strip();
      Integer known = spellings.get(spelling);
      if (known != null) {
        return known;
      }
      int status = numbers.parseDouble(tok.fieldChars(), 0, tok.fieldLength());
      if (status == DecimalParser.EMPTY || status == DecimalParser.NOT_FINITE
          || status == DecimalParser.OUT_OF_RANGE) {
        throw csv.valueError(status, c, "float64 (largest 1.7976931348623157e308)");
      }
      String key = labelKey(spelling);
      int index = labels.indexOf(key);
      if (index < 0) {
        if (knownLabels != null && options.targetKind() == TargetKind.BINARY
            && !key.equals(knownLabels.negative()) && !key.equals(knownLabels.positive())) {
          throw notKnown(tok.fieldLine(), key);
        }
        if (classes != null && classes.indexOf(key) < 0) {
          throw notAClass(tok.fieldLine(), key); // here, before any later line's error
        }
        if (labels.size() == 2 && options.targetKind() == TargetKind.BINARY) {
          throw new DataFormatException(file, tok.fieldLine(), c + 1, "target \""
              + header.get(targetColumn) + "\" has more than two labels: "
              + CsvRows.shown(labels.get(0)) + ", " + CsvRows.shown(labels.get(1)) + ", "
              + CsvRows.shown(key) + ": logistic regression"
              + " fits two classes; fit every class with multinomial(), or one logistic model"
              + " per class with oneVsRest()");
        }
        if (labels.size() == ClassLabels.MAX_CLASSES) {
          throw new DataFormatException(file, tok.fieldLine(), c + 1, "target \""
              + header.get(targetColumn) + "\" has more than " + ClassLabels.MAX_CLASSES
              + " labels (" + CsvRows.shown(key) + " is one more): is it a class target?");
        }
        index = labels.size();
        labels.add(key);
        if (index == labelLine.length) {
          labelLine = Arrays.copyOf(labelLine, 2 * index);
        }
        labelLine[index] = tok.fieldLine();
      }
      if (spellings.size() < 64) {
        spellings.put(spelling, index);
      }
      return index;
    }

    /** The error for a label that is not one of the known classes, on a line. */
    private DataFormatException notAClass(long line, String key) {
      return new DataFormatException(file, line, targetColumn + 1, "target \""
          + header.get(targetColumn) + "\" has label " + CsvRows.shown(key)
          + ", which is not one of the classes " + classes);
    }

    /** The error for a label that is neither of {@link CsvReader#withLabels}'s, on a line. */
    private DataFormatException notKnown(long line, String key) {
      return new DataFormatException(file, line, targetColumn + 1, "target \""
          + header.get(targetColumn) + "\" has label " + CsvRows.shown(key) + ", which is not"
          + " one of the labels \"" + knownLabels.negative() + "\" (0) and \""
          + knownLabels.positive() + "\" (1)");
    }

    /** Turns label indices in y into 0/1 and says which label is which. */
    private BinaryLabels encodeLabels(double[] y) {
      if (knownLabels != null) {
        return encodeKnownLabels(y);
      }
      String name = header.get(targetColumn);
      int column = targetColumn + 1;
      List<String> universe = null;
      if (List.of("0", "1").containsAll(labels)) {
        universe = List.of("0", "1");
      } else if (List.of("false", "true").containsAll(labels)) {
        universe = List.of("false", "true");
      }
      String negative;
      String positive;
      if (options.positiveLabel() != null) {
        String p = labelKey(options.positiveLabel().strip());
        if (universe != null && universe.contains(p)) {
          positive = p;
          negative = universe.get(0).equals(p) ? universe.get(1) : universe.get(0);
        } else if (labels.contains(p) && labels.size() == 2) {
          positive = p;
          negative = labels.get(0).equals(p) ? labels.get(1) : labels.get(0);
        } else if (labels.contains(p)) {
          throw new DataFormatException(file, labelLine[0], column, "target \"" + name
              + "\" has only one label, \"" + p + "\": both classes are needed");
        } else {
          throw new DataFormatException(file, 1, column, "positive label \""
              + options.positiveLabel() + "\" is not among the labels of target \"" + name
              + "\": " + labelList());
        }
      } else if (universe != null) {
        negative = universe.get(0);
        positive = universe.get(1);
      } else if (labels.size() == 2) {
        throw new DataFormatException(file, labelLine[1], column, "target \"" + name
            + "\" has two labels " + labelList()
            + ": say which is positive with withPositiveLabel(...)");
      } else {
        throw new DataFormatException(file, labelLine[0], column, "target \"" + name
            + "\" has only one label, \"" + labels.get(0)
            + "\", which is neither 0/1 nor true/false");
      }
      if (labels.get(0).equals(positive)) {
        for (int i = 0; i < y.length; i++) {
          y[i] = 1 - y[i];
        }
      } else if (labels.size() == 1) {
        Arrays.fill(y, 0.0);
      }
      return new BinaryLabels(negative, positive);
    }

    /**
     * Turns label indices in y into 0/1 by {@link CsvReader#withLabels}'s labels (those of a
     * file read in slices are checked here, each at its first line).
     */
    private BinaryLabels encodeKnownLabels(double[] y) {
      double[] code = new double[labels.size()];
      for (int k = 0; k < code.length; k++) {
        String label = labels.get(k);
        if (label.equals(knownLabels.positive())) {
          code[k] = 1;
        } else if (!label.equals(knownLabels.negative())) {
          throw notKnown(labelLine[k], label);
        }
      }
      for (int i = 0; i < y.length; i++) {
        y[i] = code[(int) y[i]];
      }
      return knownLabels;
    }

    /** Turns label indices in y (order of appearance) into the classes' stable order. */
    private ClassLabels encodeClasses(double[] y) {
      ClassLabels known = classes;
      if (known != null) {
        for (int k = 0; k < labels.size(); k++) {
          if (known.indexOf(labels.get(k)) < 0) {
            throw notAClass(labelLine[k], labels.get(k));
          }
        }
      }
      if (known == null && labels.size() < 2) {
        String name = header.get(targetColumn);
        if (labels.isEmpty()) {
          throw new DataFormatException(file, 1, targetColumn + 1, "target \"" + name
              + "\" has no rows: classification needs rows of at least two classes");
        }
        throw new DataFormatException(file, labelLine[0], targetColumn + 1, "target \"" + name
            + "\" has only one label, \"" + labels.get(0) + "\": classification needs at least"
            + " two classes");
      }
      ClassLabels classes = known != null ? known : ClassLabels.of(labels);
      double[] code = new double[labels.size()];
      for (int k = 0; k < code.length; k++) {
        code[k] = classes.indexOf(labels.get(k));
      }
      for (int i = 0; i < y.length; i++) {
        y[i] = code[(int) y[i]];
      }
      return classes;
    }

    private String labelList() {
      return labels.size() == 1 ? "\"" + labels.get(0) + "\""
          : "\"" + labels.get(0) + "\" and \"" + labels.get(1) + "\"";
    }

    /** {@link CsvReader#labelKey(String, DecimalParser)} with this reading's parser. */
    private String labelKey(String spelling) {
      return CsvReader.labelKey(spelling, numbers);
    }
  }

  /**
   * Whole-number labels below 10^LABEL_DIGITS are written out in digits; larger ones keep their
   * exact value in BigDecimal's canonical form.
   */
  static final int LABEL_DIGITS = 30;

  /**
   * The label a target field spelled so reads as ({@link #labelKey}): {@code "1.0"} reads as
   * {@code "1"}, {@code "TRUE"} as {@code "true"}; surrounding blanks dropped, as a positive
   * label's are.
   */
  public static String label(String spelling) {
    return labelKey(spelling.strip(), new DecimalParser());
  }

  /**
   * One spelling per label: numbers in canonical form (so 1, 1.0 and 1e0 are one label), true
   * and false in lower case, other text as written. Whole numbers are written out in digits up
   * to {@link #LABEL_DIGITS} of them, from the exact decimal beyond 2^53 (where doubles no
   * longer tell neighbouring integers apart, so that IDs such as 9007199254740993 and
   * 9007199254740992 stay two labels), and past that many digits as exact too ({@code 1E+40}).
   */
  static String labelKey(String spelling, DecimalParser numbers) {
    char[] chars = spelling.toCharArray();
    if (numbers.parseDouble(chars, 0, chars.length) == DecimalParser.OK) {
      double v = numbers.doubleValue() + 0.0; // -0 becomes 0
      if (v == Math.rint(v) && Math.abs(v) < 1e15) {
        return Long.toString((long) v);
      }
      if (v == Math.rint(v)) {
        try {
          java.math.BigDecimal exact = new java.math.BigDecimal(spelling).stripTrailingZeros();
          if (exact.scale() > 0) {
            return exact.toPlainString();
          }
          // Past LABEL_DIGITS digits the exact value in BigDecimal's one form for it (1E+40):
          // still one label per number, never two numbers as one, and never a long expansion.
          return exact.precision() - exact.scale() <= LABEL_DIGITS
              ? exact.toBigIntegerExact().toString() : exact.toString();
        } catch (NumberFormatException | ArithmeticException e) {
          return Double.toString(v); // a spelling only the decimal parser takes
        }
      }
      return Double.toString(v);
    }
    if (spelling.equalsIgnoreCase("true") || spelling.equalsIgnoreCase("false")) {
      return spelling.toLowerCase(java.util.Locale.ROOT);
    }
    return spelling;
  }

  /**
   * Row storage: the exact array when the row count is known (for counted slices allocated by
   * {@link #allocateFeatures}), else chunks copied at the end. {@link #start} points {@code x}
   * and {@code base} at the row being filled.
   */
  private static final class Rows {
    final int features;
    private float[] exact;
    private final List<float[]> chunks;
    final int chunkRows;
    float[] x;
    int base;
    double[] y;
    /** The rows' weights, or null without a weight column. */
    double[] w;

    /**
     * Counted rows: the targets (and weights) allocated now, the features by {@link
     * #allocateFeatures} (which {@link CsvChunks#parse} calls while it reads the first slices).
     */
    static Rows counted(int features, int rows, boolean weighted) {
      return new Rows(features, rows, weighted);
    }

    /** Rows read in one pass: their features, off the heap, and targets (and weights). */
    static Rows read(int features, FloatBuffer x, double[] y, double[] w) {
      Rows rows = new Rows(features, 0, w != null);
      rows.counted = FeatureRows.offHeap(x);
      rows.y = y;
      rows.w = w;
      return rows;
    }

    private Rows(int features, int rows, boolean weighted) {
      this.features = features;
      this.chunks = null;
      this.chunkRows = 0;
      this.y = new double[rows];
      this.w = weighted ? new double[rows] : null;
    }

    /** Counted rows: their features, off the heap where they fit ({@link FeatureRows}). */
    private FeatureRows counted;

    /**
     * Allocates the features of counted rows, at their exact size: a direct buffer off the heap
     * where one holds them and the direct memory limit allows it, else a heap array.
     */
    FloatBuffer allocateFeatures() {
      long values = (long) y.length * features;
      FloatBuffer offHeap = FeatureRows.allocateOffHeap(values);
      if (offHeap != null) {
        counted = FeatureRows.offHeap(offHeap);
        return offHeap;
      }
      exact = new float[Math.toIntExact(values)];
      x = exact;
      counted = FeatureRows.onHeap(exact);
      return FloatBuffer.wrap(exact);
    }

    /** The features of the {@code rows} rows read, wherever they are. */
    FeatureRows featureRows(int rows) {
      return counted != null ? counted : FeatureRows.onHeap(x(rows));
    }

    Rows(int features, long expectedRows, int chunkFloats, boolean weighted) {
      this.features = features;
      if (expectedRows >= 0) {
        exact = new float[Math.toIntExact(expectedRows * features)];
        chunks = null;
        chunkRows = 0;
        y = new double[Math.toIntExact(expectedRows)];
        w = weighted ? new double[y.length] : null;
      } else {
        exact = null;
        chunks = new ArrayList<>();
        chunkRows = Math.max(1, chunkFloats / Math.max(1, features));
        y = new double[1024];
        w = weighted ? new double[y.length] : null;
      }
      x = exact;
    }

    /** Whether {@link #start} allocates a new chunk for this row. */
    boolean startsChunk(int row) {
      return exact == null && row % chunkRows == 0;
    }

    void start(int row) {
      if (exact != null) {
        base = row * features;
        return;
      }
      int chunk = row / chunkRows;
      if (chunk == chunks.size()) {
        chunks.add(new float[chunkRows * features]);
      }
      x = chunks.get(chunk);
      base = (row - chunk * chunkRows) * features;
      if (row == y.length) {
        y = Arrays.copyOf(y, (int) Math.min(MAX_ARRAY, 2L * y.length));
        if (w != null) {
          w = Arrays.copyOf(w, y.length);
        }
      }
    }

    float[] x(int rows) {
      if (exact != null) {
        return exact;
      }
      float[] all = new float[Math.multiplyExact(rows, features)];
      int perChunk = chunkRows * features;
      for (int k = 0; k < chunks.size(); k++) {
        int offset = k * perChunk;
        System.arraycopy(chunks.get(k), 0, all, offset, Math.min(perChunk, all.length - offset));
        chunks.set(k, null);
      }
      return all;
    }

    double[] y(int rows) {
      return y.length == rows ? y : Arrays.copyOf(y, rows);
    }

    double[] w(int rows) {
      return w.length == rows ? w : Arrays.copyOf(w, rows);
    }
  }
}

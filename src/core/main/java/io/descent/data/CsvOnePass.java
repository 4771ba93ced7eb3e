package io.descent.data;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

/**
 * The parallel reader in one pass: the slices of a {@link CsvChunks} parsed with no count pass
 * before them, each into small arrays of its own ({@link CsvChunkParser#uncounted}) while the
 * calling thread copies the finished ones, in file order, into the features' one direct buffer.
 *
 * <p>The count pass read the whole file once more than the parse (a 1M x 64 file of 656.5 MB:
 * 0.22 to 0.25 s of a 2-core read) only to size the arrays. Here the features' buffer is sized
 * by an estimate instead: the first slice's rows per byte times the file's bytes, and a margin
 * of {@code 1/}{@value #MARGIN}. A file whose later rows are shorter than the first slice's may
 * pass it; the buffer then grows, to what the rows read so far project, and what was copied is
 * copied again. A slice with more rows than its arrays hold reads itself again into arrays as
 * large as its bytes allow ({@link #mostRows}). The finished dataset is the one the counted
 * reader makes, bit for bit: the same parser, the same rows in the same places, the same labels
 * in the same order.
 *
 * <p>What the count pass checked, each slice checks as it parses (no quote anywhere, no row after
 * an empty line within the slice) and the copying thread across slices (no row after an empty
 * line that ended an earlier slice). Where the features cannot go off the heap (the direct memory
 * limit, more than one buffer holds), or the heap check fails for the estimate, {@link #read}
 * returns null and the caller counts the rows first, as before (so that a heap too small is
 * reported with the file's own row count).
 */
final class CsvOnePass {
  /** The estimate's margin: the features' buffer has room for 1/{@value} more rows. */
  static final int MARGIN = 64;
  /** Rows every estimate adds, for files of a few rows: {@value}. */
  static final int SPARE_ROWS = 64;
  /** Slices parsed ahead of the copies beyond one a thread: {@value}. */
  static final int SCRATCHES_AHEAD = 2;

  /**
   * The rows read.
   *
   * @param x the features, exactly {@code count} rows, in a direct buffer
   * @param y the targets (as the parsers coded them, each slice's labels its own)
   * @param w the weights, or null without a weight column
   * @param count the rows
   * @param slices the slices' parsers in file order, each placed ({@link CsvChunkParser#place})
   */
  record Rows(FloatBuffer x, double[] y, double[] w, int count, List<CsvChunkParser> slices) {}

  /** A slice's own arrays, reused by the slices after it. */
  private static final class Scratch {
    final FloatBuffer x;
    final double[] y;
    final double[] w;
    final int capacity;

    Scratch(int capacity, int features, boolean weighted) {
      this.capacity = capacity;
      this.x = FeatureRows.directOrHeap(Math.multiplyExact(capacity, Math.max(1, features)));
      this.y = new double[capacity];
      this.w = weighted ? new double[capacity] : null;
    }
  }

  /** A parsed slice and the arrays that hold its rows. */
  private record Parsed(CsvChunkParser parser, Scratch scratch) {}

  private final CsvChunks chunks;
  private final CsvChunkParser.Layout layout;
  private final boolean weighted;
  private final int features;
  private final ConcurrentLinkedQueue<Scratch> scratches = new ConcurrentLinkedQueue<>();
  /**
   * How many slices may be parsed ahead of the copies, a scratch each: slice k starts only once
   * fewer than this many slices before it wait to be copied. While the calling thread allocates
   * the features' buffer the parsing threads go on only this far. Counted by slice, not by
   * permits taken, so that no later slice can take the turn of one the copies wait for.
   */
  private final int window;
  /** The slices copied so far (guarded by {@link #turns}). */
  private int copied;
  private final Object turns = new Object();

  // The copying thread's arrays.
  private FloatBuffer x;
  private long capacity;
  private double[] y;
  private double[] w;

  private CsvOnePass(CsvChunks chunks, CsvChunkParser.Layout layout, boolean weighted,
      int threads) {
    this.window = threads + SCRATCHES_AHEAD;
    this.chunks = chunks;
    this.layout = layout;
    this.weighted = weighted;
    this.features = layout.features();
  }

  /**
   * Reads every slice of {@code chunks} on {@code pool}, reporting progress as the "reading"
   * pass; null when the features cannot be kept off the heap (the caller then counts the rows
   * and reads them as before).
   *
   * @param threads the threads of {@code pool}
   * @param weighted whether the layout has a weight column
   * @param heapCheck fails (with {@link InsufficientMemoryException}) when the heap cannot hold
   *     the dataset of this many rows and what comes after it; given the estimate before any row
   *     is read, and each larger projection. Where it fails this returns null: the caller
   *     counts the rows and checks the heap for their exact number.
   * @throws CsvChunkParser.Fallback when the file must be read sequentially
   */
  static Rows read(CsvChunks chunks, ExecutorService pool, int threads,
      CsvChunkParser.Layout layout, boolean weighted, LongConsumer heapCheck,
      ReadProgress progress) throws IOException {
    return new CsvOnePass(chunks, layout, weighted, threads).run(pool, heapCheck, progress);
  }

  private Rows run(ExecutorService pool, LongConsumer heapCheck, ReadProgress progress)
      throws IOException {
    long[] first = chunks.countSlice(0);
    if (first == null) {
      throw new CsvChunkParser.Fallback(); // a quote
    }
    double rowsPerByte = (double) first[0] / chunks.sliceLength(0);
    long estimate = (long) Math.ceil(rowsPerByte * chunks.dataBytes());
    if (!fits(heapCheck, estimate)) {
      return null;
    }
    int n = chunks.slices();
    int longest = 0;
    for (int k = 0; k < n; k++) {
      longest = Math.max(longest, chunks.sliceLength(k));
    }
    int scratchRows = (int) Math.min(mostRows(longest),
        (long) Math.ceil(rowsPerByte * longest * 1.25) + SPARE_ROWS);
    AtomicBoolean stop = new AtomicBoolean();
    List<Future<Parsed>> parsed = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      int slice = k;
      parsed.add(pool.submit(() -> parse(slice, scratchRows, stop)));
    }
    // The slices are parsed while the features' buffer is allocated (and zeroed: on a virtual
    // machine a page's first touch is a fault the host serves, 0.03 to 0.45 s for 256 MB).
    if (!allocate(estimate + estimate / MARGIN + SPARE_ROWS)) {
      stop(stop);
      return null;
    }
    List<CsvChunkParser> slices = new ArrayList<>(n);
    CsvChunks.Progress shown = new CsvChunks.Progress(progress, "reading", chunks.dataStart(),
        chunks.dataStart() + chunks.dataBytes());
    long rows = 0;
    long line = CsvChunks.FIRST_DATA_LINE;
    long bytes = 0;
    boolean emptySeen = false;
    try {
      for (int k = 0; k < n; k++) {
        Parsed p = CsvChunks.await(parsed.get(k));
        CsvChunkParser parser = p.parser();
        int r = parser.rows();
        if (emptySeen && r > 0) {
          throw new CsvChunkParser.Fallback(); // a row after an empty line: the sequential reader
        }
        emptySeen |= parser.endsEmpty();
        bytes += chunks.sliceLength(k);
        if (rows + r > capacity) {
          long projected = (long) Math.ceil((double) (rows + r) / bytes * chunks.dataBytes());
          if (!fits(heapCheck, projected)
              || !grow(Math.max(rows + r, projected + projected / MARGIN + SPARE_ROWS), rows)) {
            stop(stop);
            return null;
          }
        }
        x.put(Math.toIntExact(rows * features), p.scratch().x, 0, r * features);
        System.arraycopy(p.scratch().y, 0, y, (int) rows, r);
        if (w != null) {
          System.arraycopy(p.scratch().w, 0, w, (int) rows, r);
        }
        parser.place((int) rows, line);
        slices.add(parser);
        scratches.add(p.scratch());
        synchronized (turns) {
          copied++;
          turns.notifyAll();
        }
        rows += r;
        line += parser.lines();
        shown.advance(chunks.sliceLength(k));
      }
    } catch (RuntimeException | IOException e) {
      stop(stop);
      throw e;
    }
    shown.end();
    if (rows == 0) {
      throw new CsvChunkParser.Fallback(); // no row: the sequential reader says what there is
    }
    int count = (int) rows;
    FloatBuffer exact = x.slice(0, count * features);
    return new Rows(exact, y.length == count ? y : Arrays.copyOf(y, count),
        w == null || w.length == count ? w : Arrays.copyOf(w, count), count, slices);
  }

  /**
   * Whether the heap check passes for {@code rows} rows. Where it does not, the caller counts
   * the rows and checks them exactly: its message then gives the file's own row count, not an
   * estimate.
   */
  private static boolean fits(LongConsumer heapCheck, long rows) {
    try {
      heapCheck.accept(rows);
      return true;
    } catch (InsufficientMemoryException e) {
      return false;
    }
  }

  /** Stops the slices not yet started (those waiting for their turn too). */
  private void stop(AtomicBoolean stop) {
    stop.set(true);
    synchronized (turns) {
      turns.notifyAll();
    }
  }

  /** Parses slice k into a scratch of its own, again into a larger one where it has more rows. */
  private Parsed parse(int k, int scratchRows, AtomicBoolean stop) throws IOException {
    synchronized (turns) {
      while (k - copied >= window && !stop.get()) {
        try {
          turns.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while reading");
        }
      }
    }
    Scratch scratch = scratches.poll();
    if (scratch == null) {
      scratch = new Scratch(scratchRows, features, weighted);
    }
    while (true) {
      CsvChunkParser parser = CsvChunkParser.uncounted(layout, scratch.x, scratch.y, scratch.w,
          scratch.capacity);
      try {
        chunks.parseSlice(k, parser, stop);
        return new Parsed(parser, scratch);
      } catch (CsvChunkParser.Overflow e) {
        int most = mostRows(chunks.sliceLength(k));
        if (scratch.capacity >= most) {
          throw new CsvChunkParser.Fallback(); // rows shorter than any valid one: errors
        }
        scratches.add(scratch);
        scratch = new Scratch(most, features, weighted);
      }
    }
  }

  /**
   * The most valid rows {@code length} bytes can hold: each holds a byte for every column read
   * (features, target, weight), a delimiter between columns and a line break, except the file's
   * last row, which may have no break.
   */
  private int mostRows(int length) {
    int read = 0;
    for (byte kind : layout.kinds()) {
      if (kind != CsvChunkParser.SKIP) {
        read++;
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, (length + 1L) / Math.max(1, read
        + layout.kinds().length) + 1);
  }

  /** The features' buffer and the targets for {@code rows} rows; false where none fits. */
  private boolean allocate(long rows) {
    if (!FeatureRows.fitsOffHeap(rows * features) || rows > CsvReader.MAX_ARRAY) {
      return false;
    }
    FloatBuffer b = FeatureRows.allocateOffHeap(rows * features);
    if (b == null) {
      return false;
    }
    x = b;
    capacity = rows;
    y = new double[(int) rows];
    w = weighted ? new double[(int) rows] : null;
    return true;
  }

  /** Room for {@code rows} rows, the first {@code kept} of them copied over; false where none. */
  private boolean grow(long rows, long kept) {
    FloatBuffer oldX = x;
    double[] oldY = y;
    double[] oldW = w;
    x = null;
    if (!allocate(rows)) {
      return false;
    }
    int values = Math.toIntExact(kept * features);
    x.put(0, oldX, 0, values);
    System.arraycopy(oldY, 0, y, 0, (int) kept);
    if (oldW != null) {
      System.arraycopy(oldW, 0, w, 0, (int) kept);
    }
    return true;
  }
}

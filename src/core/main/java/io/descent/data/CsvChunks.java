package io.descent.data;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * A regular CSV file cut into slices of whole lines, for reading on several threads: where the
 * slices start, and (after {@link #count}) how many rows each holds and on which line and row
 * each starts, so that every slice can be parsed on its own straight into its part of the one
 * array.
 *
 * <p>A line break is a record end only outside quotes, and whether a byte is inside quotes
 * depends on everything before it. So the slices are cut only in files whose header and data
 * hold no quote character at all: {@link #plan} declines a quote in the header, {@link #count}
 * one in the data, and the caller then reads the file sequentially. Without quotes every LF, CR
 * or CRLF ends a line, and the counts are exact.
 */
final class CsvChunks {
  /** Bytes searched at a time for a line break. */
  private static final int WINDOW = 1 << 16;
  /** Bytes the count pass reads at a time: 256 KiB, within a core's second-level cache. */
  static final int COUNT_BLOCK = 256 << 10;

  private final FileChannel channel;
  private final long size;
  private final byte[] headerBytes;
  /** Slice k is the bytes {@code [bounds[k], bounds[k + 1])}. */
  private final long[] bounds;
  private int[] rows;
  private long[] firstLine;
  private int[] firstRow;
  private long totalRows;
  private final ConcurrentLinkedQueue<byte[]> buffers = new ConcurrentLinkedQueue<>();
  /** The count pass's direct buffers, one a thread. */
  private final ConcurrentLinkedQueue<ByteBuffer> countBlocks = new ConcurrentLinkedQueue<>();

  private CsvChunks(FileChannel channel, long size, byte[] headerBytes, long[] bounds) {
    this.channel = channel;
    this.size = size;
    this.headerBytes = headerBytes;
    this.bounds = bounds;
  }

  /**
   * Cuts a file into slices of about {@code sliceBytes} bytes at line ends; null when it cannot
   * be read in slices (its header is not one line with a line break after it, holds a quote, or
   * nothing follows it).
   */
  static CsvChunks plan(FileChannel channel, long size, int sliceBytes) throws IOException {
    long headerEnd = nextBreak(channel, 0, size);
    if (headerEnd < 0 || headerEnd >= CsvReader.MAX_ARRAY) {
      return null;
    }
    byte[] header = new byte[(int) headerEnd];
    readFully(channel, 0, header, header.length);
    int from = header.length >= 3 && header[0] == (byte) 0xEF && header[1] == (byte) 0xBB
        && header[2] == (byte) 0xBF ? 3 : 0;
    if (from == header.length) {
      return null;
    }
    for (byte b : header) {
      if (b == '"') {
        return null;
      }
    }
    long dataStart = afterBreak(channel, headerEnd, size);
    if (dataStart >= size) {
      return null;
    }
    List<Long> bounds = new ArrayList<>();
    bounds.add(dataStart);
    long at = dataStart;
    while (true) {
      long nominal = at + Math.max(1, sliceBytes);
      if (nominal >= size) {
        break;
      }
      long brk = nextBreak(channel, nominal, size);
      if (brk < 0) {
        break;
      }
      long next = afterBreak(channel, brk, size);
      if (next >= size) {
        break;
      }
      if (next - at >= CsvReader.MAX_ARRAY) {
        return null;
      }
      bounds.add(next);
      at = next;
    }
    if (size - at >= CsvReader.MAX_ARRAY) {
      return null;
    }
    bounds.add(size);
    long[] b = new long[bounds.size()];
    for (int k = 0; k < b.length; k++) {
      b[k] = bounds.get(k);
    }
    return new CsvChunks(channel, size, header, b);
  }

  /** The header line's rows, read by the sequential reader's own code. */
  CsvRows header(String source, char delimiter) throws IOException {
    return new CsvRows(new Utf8Reader(new ByteArrayInputStream(headerBytes)), source, delimiter);
  }

  /** The number of slices. */
  int slices() {
    return bounds.length - 1;
  }

  /** The data rows of the file, after {@link #count}. */
  long rows() {
    return totalRows;
  }

  /** The bytes of slice k. */
  int sliceLength(int k) {
    return (int) (bounds[k + 1] - bounds[k]);
  }

  /** Where the data rows start, after the header. */
  long dataStart() {
    return bounds[0];
  }

  /** The bytes of every slice: the file's data rows, without the header. */
  long dataBytes() {
    return size - bounds[0];
  }

  /** The line of the first data row (after the header's). */
  static final long FIRST_DATA_LINE = 2;

  /**
   * Counts the lines and rows of every slice on {@code pool}, reporting progress as the "counting
   * rows" pass. Returns false when the file must be read sequentially: it holds a quote, an empty
   * line before a row (an error the sequential reader reports), or no row at all.
   */
  boolean count(ExecutorService pool, ReadProgress progress) throws IOException {
    int n = slices();
    AtomicBoolean stop = new AtomicBoolean();
    List<Future<long[]>> counts = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      int slice = k;
      counts.add(pool.submit(() -> stop.get() ? null : countSlice(slice)));
    }
    rows = new int[n];
    firstLine = new long[n];
    firstRow = new int[n];
    long line = FIRST_DATA_LINE;
    long row = 0;
    boolean emptySeen = false;
    Progress shown = new Progress(progress, "counting rows", bounds[0], size);
    for (int k = 0; k < n; k++) {
      long[] c = await(counts.get(k));
      // {rows, line breaks, has an empty line, has a row after an empty line}; null: a quote
      if (c == null || c[3] != 0 || (emptySeen && c[0] > 0)) {
        stop.set(true);
        return false;
      }
      emptySeen |= c[2] != 0;
      firstLine[k] = line;
      firstRow[k] = (int) Math.min(row, Integer.MAX_VALUE);
      rows[k] = (int) c[0];
      line += c[1];
      row += c[0];
      shown.advance(bounds[k + 1] - bounds[k]);
    }
    shown.end();
    totalRows = row;
    countBlocks.clear(); // garbage before the heap check; the parse takes its own buffers
    return row > 0;
  }

  /**
   * How many slices are read while the feature array is allocated, when there are at least
   * {@link #EARLY_MIN_SLICES}: {@value}. Allocating the array zeroes it on one thread, and on a
   * virtual machine, where each page's first touch is a fault the host must serve, that took 0.25
   * to 0.45 s of a 1M x 64 read (256 MB, a 2-core AMD EPYC) with the other core idle; the parser
   * was meanwhile cold, its first slices read by slower code until the JIT compiled it. Reading
   * the first slices then, on one pool thread, into a scratch array copied in afterwards, puts the
   * JIT's warm-up into that wait. Two, one after the other, because each slice's parser starts
   * with an empty cache of label spellings: after one slice the compiled parser had never seen
   * that cache miss, and it was thrown away and compiled again at the next slice's first row.
   */
  static final int EARLY_SLICES = 2;
  /**
   * The fewest slices for which {@link #EARLY_SLICES} are read early: {@value}. With fewer the
   * array is small and quick to allocate, and the early slices, read one after the other, would
   * be a longer path than the slices read side by side on every thread.
   */
  static final int EARLY_MIN_SLICES = 4;

  /** The slices {@link #parse} reads while the feature array is allocated. */
  int earlySlices() {
    return slices() >= EARLY_MIN_SLICES ? EARLY_SLICES : 0;
  }

  /** The rows of the slices {@link #parse} reads while the feature array is allocated. */
  int earlyRows() {
    int early = earlySlices();
    return early == 0 ? 0 : firstRow[early - 1] + rows[early - 1];
  }

  /**
   * Parses every slice on {@code pool} into the arrays, reporting progress as the "reading"
   * pass; returns the slices' parsers (for their labels) in file order. The feature array is
   * allocated here, by {@code features} on the calling thread, while the first {@link
   * #earlySlices()} slices are parsed on one pool thread, in order, into a scratch array of
   * {@link #earlyRows()} rows, which is copied into it once both are done (see {@link
   * #EARLY_SLICES} for why); {@code y} and {@code w} are filled directly.
   *
   * <p>The scratch array is a direct buffer where {@code features} is expected to give one
   * ({@code offHeap}), a heap array otherwise: the parser's writes then meet one class of {@link
   * FloatBuffer} from the first row to the last. Where the early slices wrote into a heap array
   * and the rest into a direct buffer, the JIT's code for the parser, compiled while it had seen
   * only the first, met the second at the first row after the allocation, was thrown away and
   * compiled again (twice, for the loop and for the method: 0.14 s of C2's time in a 1M x 64
   * {@code train}, the parse threads running slower code meanwhile).
   *
   * @throws CsvChunkParser.Fallback when the file must be read sequentially
   */
  List<CsvChunkParser> parse(ExecutorService pool, CsvChunkParser.Layout layout,
      Supplier<FloatBuffer> features, boolean offHeap, double[] y, double[] w,
      ReadProgress progress) throws IOException {
    int n = slices();
    int early = earlySlices();
    AtomicBoolean stop = new AtomicBoolean();
    List<CsvChunkParser> parsers = new ArrayList<>(n);
    List<Future<?>> done = new ArrayList<>(n);
    int scratchValues = Math.multiplyExact(earlyRows(), layout.features());
    FloatBuffer scratch = offHeap ? FeatureRows.directOrHeap(scratchValues)
        : FloatBuffer.wrap(new float[scratchValues]);
    for (int k = 0; k < early; k++) {
      parsers.add(new CsvChunkParser(layout, scratch, y, w, firstRow[k], rows[k],
          firstLine[k]));
    }
    Future<?> first = pool.submit(() -> {
      for (int k = 0; k < early; k++) {
        parseSlice(k, parsers.get(k), stop);
      }
      return null;
    });
    for (int k = 0; k < early; k++) {
      done.add(first);
    }
    FloatBuffer x = features.get();
    for (int k = early; k < n; k++) {
      CsvChunkParser parser = new CsvChunkParser(layout, x, y, w, firstRow[k], rows[k],
          firstLine[k]);
      parsers.add(parser);
      int slice = k;
      done.add(pool.submit(() -> {
        parseSlice(slice, parser, stop);
        return null;
      }));
    }
    Progress shown = new Progress(progress, "reading", bounds[0], size);
    try {
      for (int k = 0; k < n; k++) {
        await(done.get(k));
        if (k == early - 1) {
          x.put(0, scratch, 0, scratchValues);
        }
        shown.advance(bounds[k + 1] - bounds[k]);
      }
    } catch (CsvChunkParser.Fallback e) {
      stop.set(true);
      throw e;
    }
    shown.end();
    return parsers;
  }

  /** Reads slice k and parses it with {@code parser}, unless another slice failed. */
  void parseSlice(int k, CsvChunkParser parser, AtomicBoolean stop) throws IOException {
    if (stop.get()) {
      throw new CsvChunkParser.Fallback();
    }
    int length = (int) (bounds[k + 1] - bounds[k]);
    byte[] b = buffer(length);
    try {
      readFully(channel, bounds[k], b, length);
      parser.parse(b, length);
    } catch (EOFException e) {
      throw new CsvChunkParser.Fallback(); // the file changed: let the sequential reader say
    } finally {
      buffers.add(b);
    }
  }

  /**
   * Counts slice k: {rows, line breaks, 1 if it has an empty line, 1 if a row follows an empty
   * line}, or null if it holds a quote (or got shorter). Read in blocks of {@value #COUNT_BLOCK}
   * bytes into a direct buffer ({@link LineCount} says why).
   */
  long[] countSlice(int k) throws IOException {
    ByteBuffer block = countBlocks.poll();
    if (block == null) {
      try {
        block = ByteBuffer.allocateDirect(COUNT_BLOCK).order(ByteOrder.nativeOrder());
      } catch (OutOfMemoryError e) {
        // Direct memory used up (-XX:MaxDirectMemorySize): slower, but counted all the same.
        block = ByteBuffer.allocate(COUNT_BLOCK).order(ByteOrder.nativeOrder());
      }
    }
    try {
      LineCount count = new LineCount();
      for (long at = bounds[k]; at < bounds[k + 1]; ) {
        int n = (int) Math.min(COUNT_BLOCK, bounds[k + 1] - at);
        block.clear().limit(n);
        readFully(channel, at, block);
        if (!count.feed(block, n)) {
          return null;
        }
        at += n;
      }
      return count.finish();
    } catch (EOFException e) {
      return null; // the file changed: let the sequential reader say
    } finally {
      countBlocks.add(block);
    }
  }

  private byte[] buffer(int length) {
    byte[] b = buffers.poll();
    // Some room above the length: the next slice, cut at another line end, may be a little longer;
    // and the parser's padding after it.
    int room = length + CsvChunkParser.PADDING;
    return b != null && b.length >= room ? b : new byte[room + (length >> 4)];
  }

  /** The position of the first CR or LF at or after {@code from}, or -1. */
  private static long nextBreak(FileChannel channel, long from, long size) throws IOException {
    byte[] window = new byte[WINDOW];
    for (long at = from; at < size; at += WINDOW) {
      int n = (int) Math.min(WINDOW, size - at);
      readFully(channel, at, window, n);
      for (int i = 0; i < n; i++) {
        if (window[i] == '\n' || window[i] == '\r') {
          return at + i;
        }
      }
    }
    return -1;
  }

  /** The position after the line break at {@code brk} (a CRLF is one break). */
  private static long afterBreak(FileChannel channel, long brk, long size) throws IOException {
    byte[] two = new byte[2];
    int n = (int) Math.min(2, size - brk);
    readFully(channel, brk, two, n);
    return two[0] == '\r' && n == 2 && two[1] == '\n' ? brk + 2 : brk + 1;
  }

  private static void readFully(FileChannel channel, long at, byte[] b, int length)
      throws IOException {
    readFully(channel, at, ByteBuffer.wrap(b, 0, length));
  }

  /**
   * The most bytes one read into a heap buffer asks for: the JDK reads those through a
   * temporary direct buffer of the request's size, which counts against {@code
   * -XX:MaxDirectMemorySize} (a slice of 8 MiB would need 8 MiB of it per thread).
   */
  static final int HEAP_READ_BYTES = 1 << 18;

  /** Fills {@code buffer} from its position to its limit with the file's bytes from {@code at}. */
  private static void readFully(FileChannel channel, long at, ByteBuffer buffer)
      throws IOException {
    int start = buffer.position();
    int end = buffer.limit();
    try {
      while (buffer.position() < end) {
        buffer.limit(buffer.isDirect() ? end
            : Math.min(end, buffer.position() + HEAP_READ_BYTES));
        if (channel.read(buffer, at + buffer.position() - start) < 0) {
          throw new EOFException("the file got shorter while it was being read");
        }
      }
    } finally {
      buffer.limit(end);
    }
  }

  static <T> T await(Future<T> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      } else if (cause instanceof RuntimeException re) {
        throw re;
      } else if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    }
  }

  /** Reports a pass every {@link ReadProgress#EVERY_BYTES} bytes and once at its end. */
  static final class Progress {
    private final ReadProgress progress;
    private final String pass;
    private long bytes;
    private long next;

    private final long total;

    Progress(ReadProgress progress, String pass, long start, long total) {
      this.progress = progress;
      this.pass = pass;
      this.bytes = start;
      this.total = total;
      this.next = ReadProgress.EVERY_BYTES;
    }

    void advance(long n) {
      bytes += n;
      if (bytes >= next) {
        next = bytes + ReadProgress.EVERY_BYTES;
        progress.read(pass, bytes, total);
      }
    }

    void end() {
      progress.read(pass, total, total);
    }
  }
}

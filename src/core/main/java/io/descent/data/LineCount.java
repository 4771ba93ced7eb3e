package io.descent.data;

import java.nio.ByteBuffer;

/**
 * The count pass over quote-free CSV bytes, fed block by block: rows (lines holding at least one
 * byte), line breaks (LF, CR or CRLF, also when a CRLF straddles two blocks), whether an empty
 * line was seen and whether a row followed one. A quote ends the count: where one appears,
 * breaks may sit inside quotes and the file must be read sequentially.
 *
 * <p>Why blocks: {@link CsvChunks} reads each slice for the count into one small direct buffer
 * at a time (it stays in the core's cache, and a direct buffer takes the file's bytes in one copy,
 * where a heap array takes them through a temporary direct buffer, in two), so the count reads
 * the file at the speed of one copy out of the page cache.
 */
final class LineCount {
  private long records;
  private long breaks;
  private boolean empty;
  private boolean rowAfterEmpty;
  /** Whether the line under way holds a byte. */
  private boolean lineHasBytes;
  /** Whether the last block ended with a CR (an LF opening the next one completes the CRLF). */
  private boolean afterCr;

  /**
   * Counts the bytes {@code [0, length)} of {@code block}, which follow those fed before.
   *
   * @return false when they hold a quote (the count is then void)
   */
  boolean feed(ByteBuffer block, int length) {
    int i = 0;
    if (afterCr) {
      afterCr = false;
      if (length > 0 && block.get(0) == '\n') {
        i = 1;
      }
    }
    for (; i < length; i++) {
      // Most words of eight bytes hold no line break and no quote: step over them.
      if (i + 8 <= length && !AsciiWords.mayHoldBreakOrQuote(block.getLong(i))) {
        lineHasBytes = true;
        i += 8;
        while (i + 8 <= length && !AsciiWords.mayHoldBreakOrQuote(block.getLong(i))) {
          i += 8;
        }
        if (i >= length) {
          break;
        }
      }
      byte c = block.get(i);
      if (c == '"') {
        return false;
      }
      if (c != '\n' && c != '\r') {
        lineHasBytes = true;
        continue;
      }
      if (lineHasBytes) {
        records++;
        rowAfterEmpty |= empty;
      } else {
        empty = true;
      }
      breaks++;
      lineHasBytes = false;
      if (c == '\r') {
        if (i + 1 < length) {
          if (block.get(i + 1) == '\n') {
            i++;
          }
        } else {
          afterCr = true;
        }
      }
    }
    return true;
  }

  /**
   * The count of everything fed: {rows, line breaks, 1 if it has an empty line, 1 if a row
   * follows an empty line}; a last line without a break is a row.
   */
  long[] finish() {
    long rows = records;
    boolean after = rowAfterEmpty;
    if (lineHasBytes) {
      rows++;
      after |= empty;
    }
    return new long[] {rows, breaks, empty ? 1 : 0, after ? 1 : 0};
  }
}

package io.descent.data;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Told how far a file's reading has got, for a progress display: {@link CsvReader} reports each
 * pass over a regular file (counting its rows, then reading them) every {@value #EVERY_BYTES}
 * bytes and once at its end. Called on the reading thread; keep it cheap.
 */
@FunctionalInterface
public interface ReadProgress {
  /** Bytes between reports. */
  int EVERY_BYTES = 1 << 22;

  /** Reports nothing. */
  ReadProgress NONE = (pass, bytes, total) -> { };

  /**
   * @param pass what the pass does: "counting rows" or "reading"
   * @param bytes the bytes of the file read so far in this pass
   * @param total the file's size in bytes, or -1 when unknown (a pipe)
   */
  void read(String pass, long bytes, long total);

  /** {@code in}, reporting to {@code progress} as bytes are read from it. */
  static InputStream counting(InputStream in, ReadProgress progress, String pass, long total) {
    if (progress == NONE) {
      return in;
    }
    return new FilterInputStream(in) {
      private long bytes;
      private long next = EVERY_BYTES;

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          advance(1);
        }
        return b;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
          advance(n);
        } else if (n < 0) {
          progress.read(pass, bytes, total);
        }
        return n;
      }

      private void advance(int n) {
        bytes += n;
        if (bytes >= next) {
          next = bytes + EVERY_BYTES;
          progress.read(pass, bytes, total);
        }
      }
    };
  }
}

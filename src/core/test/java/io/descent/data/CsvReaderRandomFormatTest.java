package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.descent.data.CsvReader.Options;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random tables written in random but valid CSV styles (quoting, spaces, line ends, a BOM, text
 * columns full of delimiters, quotes and line breaks) read back to the same numbers, from a file
 * and from a reader that returns short reads. The file path counts rows with a byte scan before
 * parsing, so this also checks that the scan and the parser agree on where rows end.
 */
class CsvReaderRandomFormatTest {
  @TempDir
  Path dir;

  private static final String[] LINE_ENDS = {"\n", "\r\n", "\r"};

  private static String text(SplittableRandom r) {
    String alphabet = "ab ,;\"\n\r\t\u00e9\u4e2d1.";
    StringBuilder sb = new StringBuilder();
    for (int n = r.nextInt(6); n > 0; n--) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private static String quote(String s) {
    return "\"" + s.replace("\"", "\"\"") + "\"";
  }

  private static String number(SplittableRandom r, int k, char delimiter) {
    String plain = (k < 0 ? "-" : "") + Math.abs(k) / 100 + "." + String.format("%02d",
        Math.abs(k) % 100);
    return switch (r.nextInt(6)) {
      case 0 -> quote(plain);
      case 1 -> " " + plain + (delimiter == '\t' ? " " : "\t");
      case 2 -> "  " + quote(plain) + " ";
      case 3 -> k + "e-2";
      default -> plain;
    };
  }

  /** A reader that returns 1 to 50 characters a call, as a pipe may: buffer edges everywhere. */
  private static final class ShortReads extends java.io.FilterReader {
    private final SplittableRandom random;

    ShortReads(Reader in, SplittableRandom random) {
      super(in);
      this.random = random;
    }

    @Override
    public int read(char[] cbuf, int off, int len) throws IOException {
      return super.read(cbuf, off, Math.min(len, 1 + random.nextInt(50)));
    }
  }

  @Test
  void randomStylesReadBackTheSameNumbers() throws IOException {
    SplittableRandom r = new SplittableRandom(77);
    for (int trial = 0; trial < 300; trial++) {
      // A few tables are large enough to cross the 64K buffers of both passes.
      int rows = trial % 50 == 0 ? 3000 : 1 + r.nextInt(40);
      int features = 1 + r.nextInt(5);
      char delimiter = ",;\t|".charAt(r.nextInt(4));
      String eol = LINE_ENDS[r.nextInt(3)];
      // Columns: the features, a target, and a text column at a random position.
      int textColumn = r.nextInt(features + 2);
      List<String> header = new ArrayList<>();
      for (int j = 0; j < features; j++) {
        header.add("f" + j);
      }
      header.add("y");
      header.add(textColumn, "note, \"quoted\"");
      float[] x = new float[rows * features];
      double[] y = new double[rows];
      StringBuilder sb = new StringBuilder(r.nextBoolean() ? "\uFEFF" : "");
      for (int c = 0; c < header.size(); c++) {
        String name = header.get(c);
        sb.append(c > 0 ? String.valueOf(delimiter) : "")
            .append(name.indexOf(',') >= 0 || r.nextBoolean() ? quote(name) : name);
      }
      for (int i = 0; i < rows; i++) {
        sb.append(r.nextInt(10) == 0 ? "\r\n" : eol);
        int j = 0;
        for (int c = 0; c < header.size(); c++) {
          sb.append(c > 0 ? String.valueOf(delimiter) : "");
          if (c == textColumn) {
            sb.append(quote(text(r)));
            continue;
          }
          int k = r.nextInt(-100_000, 100_000);
          sb.append(number(r, k, delimiter));
          if (j < features) {
            x[i * features + j++] = k / 100f;
          } else {
            y[i] = k / 100.0;
          }
        }
      }
      switch (r.nextInt(3)) {
        case 0 -> sb.append(eol);
        case 1 -> sb.append(eol).append(eol).append("\n");
        default -> { }
      }
      List<String> names = new ArrayList<>();
      for (int j = 0; j < features; j++) {
        names.add("f" + j);
      }
      Options options = Options.numericTarget("y").withFeatures(names).withDelimiter(delimiter);
      String csv = sb.toString();
      Path file = Files.write(dir.resolve("t" + trial + ".csv"),
          csv.getBytes(StandardCharsets.UTF_8));
      Dataset fromFile = new CsvReader(options).read(file);
      assertArrayEquals(x, fromFile.x(), "trial " + trial + ":\n" + csv);
      assertArrayEquals(y, fromFile.y(), "trial " + trial);
      try (Reader in = new ShortReads(new StringReader(csv), r.split())) {
        Dataset fromReader = new CsvReader(options, 1 + r.nextInt(20)).read(in, "t");
        assertArrayEquals(x, fromReader.x(), "trial " + trial);
        assertArrayEquals(y, fromReader.y(), "trial " + trial);
      }
      assertEquals(rows, fromFile.rows());
    }
  }
}

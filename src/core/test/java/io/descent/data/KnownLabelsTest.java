package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A binary target read by a model's two labels ({@link CsvReader#withLabels}), as {@code
 * evaluate} reads it: either label or both, and each other label an error at its own line.
 */
class KnownLabelsTest {
  @TempDir
  Path dir;

  private static final BinaryLabels NO_YES = new BinaryLabels("no", "yes");

  private static CsvReader reader() {
    return new CsvReader(CsvReader.Options.binaryTarget("y", "yes")).withLabels(NO_YES);
  }

  @Test
  void rowsOfOneClassAreCodedByTheLabels() throws Exception {
    Dataset yes = reader().read(new StringReader("x,y\n1,yes\n2,yes\n"), "yes.csv");
    assertEquals(NO_YES, yes.labels().orElseThrow());
    assertArrayEquals(new double[] {1, 1}, yes.y());
    Dataset no = reader().read(new StringReader("x,y\n1,no\n2, no\n"), "no.csv");
    assertArrayEquals(new double[] {0, 0}, no.y());
    // Both, the negative one first or not.
    Dataset both = reader().read(new StringReader("x,y\n1,yes\n2,no\n3,yes\n"), "b.csv");
    assertArrayEquals(new double[] {1, 0, 1}, both.y());
    // A model of 0/1 labels reads 1.0 as 1, and no positive label is needed.
    Dataset zeroOne = new CsvReader(CsvReader.Options.binaryTarget("y"))
        .withLabels(BinaryLabels.zeroOne())
        .read(new StringReader("x,y\n1,1.0\n2,1\n"), "z.csv");
    assertArrayEquals(new double[] {1, 1}, zeroOne.y());
  }

  @Test
  void anotherLabelIsAnErrorAtItsOwnLine() throws Exception {
    // The third distinct label is on line 4, the unknown one on line 3.
    DataFormatException e = assertThrows(DataFormatException.class, () -> reader().read(
        new StringReader("x,y\n1,yes\n2,maybe\n3,no\n"), "t.csv"));
    assertEquals("t.csv:3:2: target \"y\" has label \"maybe\", which is not one of the labels"
        + " \"no\" (0) and \"yes\" (1)", e.getMessage());
    // Before either of the model's labels.
    e = assertThrows(DataFormatException.class, () -> reader().read(
        new StringReader("x,y\n1,maybe\n2,yes\n"), "u.csv"));
    assertEquals("u.csv:2:2: target \"y\" has label \"maybe\", which is not one of the labels"
        + " \"no\" (0) and \"yes\" (1)", e.getMessage());
    // 0/1 labels for a model of true and false.
    e = assertThrows(DataFormatException.class, () -> new CsvReader(
        CsvReader.Options.binaryTarget("y")).withLabels(new BinaryLabels("false", "true"))
        .read(new StringReader("x,y\n1,TRUE\n2,0\n"), "v.csv"));
    assertEquals("v.csv:3:2: target \"y\" has label \"0\", which is not one of the labels"
        + " \"false\" (0) and \"true\" (1)", e.getMessage());
  }

  @Test
  void aFileReadInSlicesNamesTheFirstLineOfTheLabel() throws Exception {
    // Slices of about 4 KiB: the first holds only "yes", a later one "maybe" (two labels in
    // it, so the slice itself takes it), then "no".
    StringBuilder text = new StringBuilder("x,y\n");
    int maybeLine = 0;
    for (int i = 0; i < 3000; i++) {
      String label = i < 1000 ? "yes" : i < 1500 ? (i % 2 == 0 ? "maybe" : "yes") : "no";
      if (maybeLine == 0 && label.equals("maybe")) {
        maybeLine = i + 2;
      }
      text.append(i % 97).append(',').append(label).append('\n');
    }
    Path f = dir.resolve("sliced.csv");
    Files.writeString(f, text.toString());
    CsvReader sliced = reader().withSliceBytes(4096).withThreads(2);
    for (CsvReader r : new CsvReader[] {sliced, reader().withSliceBytes(0)}) {
      DataFormatException e = assertThrows(DataFormatException.class, () -> r.read(f));
      assertEquals(f + ":" + maybeLine + ":2: target \"y\" has label \"maybe\", which is not"
          + " one of the labels \"no\" (0) and \"yes\" (1)", e.getMessage());
    }
    // Without it, both readers code the same 0/1.
    Files.writeString(f, text.toString().replace("maybe", "no"));
    assertNotNull(sliced.readInSlices(f));
    assertArrayEquals(reader().withSliceBytes(0).read(f).y(), sliced.read(f).y());
  }

  @Test
  void anotherPositiveLabelIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CsvReader(CsvReader.Options.binaryTarget("y", "no")).withLabels(NO_YES));
    assertEquals("positive label \"no\" is not the labels' positive one, \"yes\"",
        e.getMessage());
  }
}

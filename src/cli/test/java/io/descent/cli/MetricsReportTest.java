package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code evaluate}'s text tables: one row per class, whatever a label holds. */
class MetricsReportTest {
  @TempDir
  Path dir;

  @Test
  void labelsWithLineBreaksAndTabsKeepTheirRows() throws Exception {
    StringBuilder csv = new StringBuilder("a,b,y\n");
    String[] labels = {"\"two\nlines\"", "plain", "\"tab\there\"", "\"cr\r\nlf\""};
    java.util.Random r = new java.util.Random(3);
    for (int i = 0; i < 80; i++) {
      int c = i % 4;
      csv.append(r.nextGaussian() + c).append(',').append(r.nextGaussian() - c).append(',')
          .append(labels[c]).append('\n');
    }
    Path data = Files.writeString(dir.resolve("labels.csv"), csv.toString());
    Path model = dir.resolve("m.json");
    Cli train = Cli.run("train", "--data", data.toString(), "--target", "y", "--loss",
        "multinomial", "--l2", "0.1", "--backend", "reference", "--out", model.toString(),
        "--quiet");
    assertEquals(0, train.code(), train.err());
    Cli evaluate = Cli.run("evaluate", "--model", model.toString(), "--data", data.toString());
    assertEquals(0, evaluate.code(), evaluate.err());
    String out = evaluate.out();
    for (String shown : new String[] {"two\\nlines", "tab\\there", "cr\\r\\nlf"}) {
      assertEquals(3, out.lines().filter(l -> l.contains(shown)).count(),
          shown + ": the matrix's header and row, the per-class row:\n" + out);
    }
    assertTrue(out.lines().noneMatch(l -> l.equals("lines") || l.startsWith("lf ")), out);
    assertEquals("a\\nb\\r\\tc", MetricsReport.shown("a\nb\r\tc"));
    // A list on one line: the commas between labels are the list's own.
    assertEquals("cat, \"a,b\", \"say \"\"hi\"\"\", x\\ny",
        MetricsReport.listed(java.util.List.of("cat", "a,b", "say \"hi\"", "x\ny")));
  }
}

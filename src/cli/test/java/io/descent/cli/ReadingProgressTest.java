package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.CsvReader;
import io.descent.data.ReadProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a big CSV file reports its passes, bytes and rate. */
class ReadingProgressTest {
  @TempDir
  Path dir;

  /**
   * A file read in slices is read in one pass; one read sequentially (a quote in its header) is
   * counted first: each pass reports its bytes up to the file's size.
   */
  @Test
  void eachPassReportsItsBytesUpToTheFileSize() throws Exception {
    Path csv = dir.resolve("big.csv");
    assertEquals(0, Cli.run("generate", "--rows", "150000", "--features", "8", "--loss",
        "linear", "--out", csv.toString()).code());
    long size = Files.size(csv);
    List<String> reports = reports(csv);
    assertTrue(reports.size() >= 2, reports.toString());
    assertTrue(reports.contains("reading " + size + " " + size), reports.toString());
    assertTrue(reports.stream().allMatch(r -> r.startsWith("reading ")), reports.toString());

    Path quoted = dir.resolve("quoted.csv");
    Files.writeString(quoted, "\"x0\"" + Files.readString(csv).substring(2));
    reports = reports(quoted);
    long all = Files.size(quoted);
    assertTrue(reports.size() >= 4, reports.toString());
    assertTrue(reports.contains("counting rows " + all + " " + all), reports.toString());
    assertTrue(reports.contains("reading " + all + " " + all), reports.toString());
    assertTrue(reports.indexOf("counting rows " + all + " " + all)
        < reports.indexOf("reading " + all + " " + all), "counting comes first");
  }

  private static List<String> reports(Path csv) throws Exception {
    List<String> reports = new ArrayList<>();
    ReadProgress recorder = (pass, bytes, total) -> reports.add(pass + " " + bytes + " " + total);
    new CsvReader(CsvReader.Options.numericTarget("y")).withProgress(recorder).read(csv);
    return reports;
  }

  @Test
  void theLineShowsMegabytesOfTheSizeAndTheRate() {
    assertEquals("\rreading big.csv: reading 120.3 of 476.2 MB, 60 MB/s",
        ReadingProgress.line("big.csv", "reading", 120_300_000, 476_200_000, 2.005));
    assertEquals("\rreading a pipe: reading 1.0 MB, 1 MB/s",
        ReadingProgress.line("a pipe", "reading", 1_000_000, -1, 1.0));
    StringWriter text = new StringWriter();
    ReadProgress shown = ReadingProgress.on(new PrintWriter(text), "x.csv", true);
    shown.read("reading", 5_000_000, 10_000_000);
    ((ReadingProgress) shown).done();
    assertTrue(text.toString().endsWith("\r" + ProgressListener.ERASE_TO_END), text.toString());
    assertEquals(ReadProgress.NONE, ReadingProgress.on(new PrintWriter(text), "x.csv", false));
  }
}

package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.descent.data.DatasetCache;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --cache} and {@code --cache-dir} through the command line. */
class CacheCliTest {
  private static final Path DATASETS = Path.of("datasets");

  @TempDir
  Path dir;

  private Path cacheDir() {
    return dir.resolve("cache");
  }

  private Cli train(Path data, Path out, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("train", "--data", data.toString(),
        "--target", "species", "--loss", "multinomial", "--l2", "0.01", "--backend",
        "reference", "--out", out.toString(), "--cache-dir", cacheDir().toString()));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  /**
   * The model file without its wall time and the checksum that covers it: the only fields that
   * differ between equal fits.
   */
  private static JsonNode fitted(Path model) throws IOException {
    JsonNode node = new ObjectMapper().readTree(model.toFile());
    ((ObjectNode) node.get("training")).remove("elapsedSeconds");
    ((ObjectNode) node).remove("checksum");
    return node;
  }

  private List<Path> copies() throws IOException {
    try (Stream<Path> files = Files.list(cacheDir())) {
      return files.filter(p -> p.toString().endsWith(DatasetCache.EXTENSION)).toList();
    }
  }

  private Path irisCopy() throws IOException {
    Path data = dir.resolve("iris.csv");
    Files.copy(DATASETS.resolve("iris.csv"), data);
    return data;
  }

  @Test
  void trainTwiceWithTheCacheWritesIdenticalModels() throws IOException {
    Path data = irisCopy();
    Cli plain = Cli.run("train", "--data", data.toString(), "--target", "species", "--loss",
        "multinomial", "--l2", "0.01", "--backend", "reference", "--out",
        dir.resolve("plain.json").toString());
    assertEquals(0, plain.code(), plain.err());
    Cli first = train(data, dir.resolve("first.json"));
    assertEquals(0, first.code(), first.err());
    assertEquals(1, copies().size());
    Cli second = train(data, dir.resolve("second.json"));
    assertEquals(0, second.code(), second.err());
    assertTrue(!second.err().contains("descent:"), second.err());
    assertEquals(fitted(dir.resolve("plain.json")), fitted(dir.resolve("first.json")));
    assertEquals(fitted(dir.resolve("first.json")), fitted(dir.resolve("second.json")));
    assertEquals(1, copies().size());
  }

  @Test
  void theSecondRunReadsTheCopyNotTheCsv() throws Exception {
    Path data = irisCopy();
    assertEquals(0, train(data, dir.resolve("first.json")).code());
    Cli second = train(data, dir.resolve("second.json"));
    assertEquals(0, second.code(), second.err());
    assertTrue(second.out().contains(" (from the cached copy "), second.out());
    assertEquals(fitted(dir.resolve("first.json")), fitted(dir.resolve("second.json")));
    // Same size, other content, the time put back (touch -r): the status-change time, which no
    // one can set back, differs, so the file is read again (its copy had been served).
    FileTime time = Files.getLastModifiedTime(data);
    Thread.sleep(20);
    String text = Files.readString(data);
    Files.writeString(data, text.replace("5.1,3.5,1.4,0.2,0", "5.9,3.5,1.4,0.2,0"));
    Files.setLastModifiedTime(data, time);
    Cli third = train(data, dir.resolve("third.json"));
    assertEquals(0, third.code(), third.err());
    assertTrue(!third.out().contains("cached copy"), third.out());
    assertTrue(!fitted(dir.resolve("first.json")).equals(fitted(dir.resolve("third.json"))));
  }

  @Test
  void aDamagedCopyCostsOneNoticeLineAndTheSameModel() throws IOException {
    Path data = irisCopy();
    assertEquals(0, train(data, dir.resolve("first.json")).code());
    Path copy = copies().get(0);
    try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
      f.seek(f.length() - 100);
      int b = f.read();
      f.seek(f.length() - 100);
      f.write(~b);
    }
    Cli second = train(data, dir.resolve("second.json"));
    assertEquals(0, second.code(), second.err());
    assertEquals(List.of("descent: ignoring the cached copy " + copy + " of " + data
        + ": its data checksum does not match; reading the file again"),
        second.err().lines().toList());
    assertEquals(fitted(dir.resolve("first.json")), fitted(dir.resolve("second.json")));
    Cli third = train(data, dir.resolve("third.json"));
    assertEquals("", third.err());
    // With --json the notice is among the report's notices too (train, cv and path alike).
    String[][] commands = {
        {"train", "--l2", "0.01", "--out", dir.resolve("fourth.json").toString()},
        {"cv", "--l2", "0.01,0.1", "--folds", "3"},
        {"path", "--penalties", "3", "--out", dir.resolve("path.csv").toString()}};
    for (String[] command : commands) {
      try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
        f.seek(f.length() - 100);
        int b = f.read();
        f.seek(f.length() - 100);
        f.write(~b);
      }
      List<String> args = new java.util.ArrayList<>(List.of(command));
      args.addAll(List.of("--data", data.toString(), "--target", "species", "--loss",
          "multinomial", "--backend", "reference", "--cache-dir", cacheDir().toString(),
          "--json"));
      Cli run = Cli.run(args.toArray(String[]::new));
      assertEquals(0, run.code(), command[0] + ": " + run.err());
      JsonNode notices = run.json().get("notices");
      assertEquals("ignoring the cached copy " + copy + " of " + data
          + ": its data checksum does not match; reading the file again",
          notices.get(0).asText(), command[0] + ": " + notices);
    }
  }

  @Test
  void theCacheDirectoryMayNotBeTheData() throws IOException {
    Path data = irisCopy();
    byte[] before = Files.readAllBytes(data);
    Cli run = Cli.run("train", "--data", data.toString(), "--target", "species", "--loss",
        "multinomial", "--l2", "0.01", "--out", dir.resolve("m.json").toString(), "--cache-dir",
        data.toString());
    assertEquals(2, run.code(), run.err());
    assertEquals(List.of("descent: --cache-dir " + data + " is the same file as --data " + data
        + ": refusing to overwrite an input"), run.err().lines().toList());
    assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(data)));
  }

  @Test
  void evaluateCvAndPathReadThroughTheCache() throws IOException {
    Path data = dir.resolve("diabetes.csv");
    Files.copy(DATASETS.resolve("diabetes.csv"), data);
    String cache = cacheDir().toString();
    Path model = dir.resolve("m.json");
    assertEquals(0, Cli.run("train", "--data", data.toString(), "--target", "progression",
        "--loss", "linear", "--backend", "reference", "--out", model.toString()).code());
    Cli plain = Cli.run("evaluate", "--model", model.toString(), "--data", data.toString(),
        "--json");
    Cli cached = null;
    for (int run = 0; run < 2; run++) {
      cached = Cli.run("evaluate", "--model", model.toString(), "--data", data.toString(),
          "--json", "--cache-dir", cache);
      assertEquals(0, cached.code(), cached.err());
    }
    assertEquals(plain.json(), cached.json());
    assertEquals(1, copies().size());

    for (int run = 0; run < 2; run++) {
      Cli cv = Cli.run("cv", "--data", data.toString(), "--target", "progression",
          "--loss", "linear", "--backend", "reference", "--folds", "3", "--cache-dir", cache);
      assertEquals(0, cv.code(), cv.err());
      Cli path = Cli.run("path", "--data", data.toString(), "--target", "progression",
          "--loss", "linear", "--backend", "reference", "--cache-dir", cache, "--out",
          dir.resolve("path" + run + ".csv").toString());
      assertEquals(0, path.code(), path.err());
      assertTrue(!cv.err().contains("descent:") && !path.err().contains("descent:"));
    }
    assertEquals(Files.readString(dir.resolve("path0.csv")),
        Files.readString(dir.resolve("path1.csv")));
    assertEquals(2, copies().size(), "evaluate reads the model's columns; cv and path all");
  }

  @Test
  void convertFillsTheCacheThatTrainReads() throws IOException {
    Path data = irisCopy();
    Cli plain = Cli.run("train", "--data", data.toString(), "--target", "species", "--loss",
        "multinomial", "--l2", "0.01", "--backend", "reference", "--out",
        dir.resolve("plain.json").toString());
    assertEquals(0, plain.code(), plain.err());
    Cli convert = Cli.run("convert", "--data", data.toString(), "--target", "species",
        "--loss", "multinomial", "--cache-dir", cacheDir().toString());
    assertEquals(0, convert.code(), convert.err());
    assertEquals(1, copies().size());
    assertEquals("cached " + data + " (150 rows x 4 features) in " + copies().get(0) + "\n",
        convert.out());
    // train finds the converted copy, and fits the CSV's model from it.
    Cli cached = train(data, dir.resolve("cached.json"));
    assertEquals(0, cached.code(), cached.err());
    assertTrue(cached.out().contains(" (from the cached copy "), cached.out());
    assertEquals(fitted(dir.resolve("plain.json")), fitted(dir.resolve("cached.json")));
    assertEquals(1, copies().size());
  }

  @Test
  void theDataLineAndTheReportSayWhenTheRowsCameFromTheCopy() throws IOException {
    Path data = irisCopy();
    Cli first = train(data, dir.resolve("first.json"));
    assertEquals(0, first.code(), first.err());
    assertTrue(first.out().startsWith("data: " + data + ", 150 rows"), first.out());
    Path copy = copies().get(0);
    Cli second = train(data, dir.resolve("second.json"));
    assertTrue(second.out().startsWith("data: " + data + " (from the cached copy " + copy
        + "), 150 rows x 4 features"), second.out());
    assertEquals(copy.toString(), train(data, dir.resolve("third.json"), "--json").json()
        .get("data").get("cachedCopy").asText());
    JsonNode parsed = Cli.run("train", "--data", data.toString(), "--target", "species",
        "--loss", "multinomial", "--l2", "0.01", "--backend", "reference", "--out",
        dir.resolve("plain.json").toString(), "--json").json();
    assertTrue(parsed.get("data").get("cachedCopy").isNull(), parsed.toString());

    // cv and path read the file with train's options: the same copy.
    String cache = cacheDir().toString();
    Cli cv = Cli.run("cv", "--data", data.toString(), "--target", "species", "--loss",
        "multinomial", "--backend", "reference", "--folds", "3", "--l2", "0.1",
        "--cache-dir", cache);
    assertEquals(0, cv.code(), cv.err());
    assertTrue(cv.out().startsWith("data: " + data + " (from the cached copy " + copy + "), "),
        cv.out());
    Cli path = Cli.run("path", "--data", data.toString(), "--target", "species", "--loss",
        "multinomial", "--backend", "reference", "--penalties", "3", "--cache-dir", cache,
        "--out", dir.resolve("path.csv").toString(), "--json");
    assertEquals(0, path.code(), path.err());
    assertEquals(copy.toString(), path.json().get("cachedCopy").asText(), path.out());
    assertEquals(1, copies().size());
  }

  @Test
  void convertNeedsATarget() {
    Cli run = Cli.run("convert", "--data", DATASETS.resolve("iris.csv").toString(), "--loss",
        "multinomial", "--cache-dir", cacheDir().toString());
    assertEquals(2, run.code());
    assertEquals(List.of("descent: convert needs --target"), run.err().lines().toList());
  }

  @Test
  void convertFailsWhenTheCopyCannotBeWritten() throws IOException {
    Path data = irisCopy();
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");
    Cli convert = Cli.run("convert", "--data", data.toString(), "--target", "species",
        "--loss", "multinomial", "--cache-dir", notADirectory.toString());
    assertEquals(1, convert.code(), convert.out() + convert.err());
    assertEquals("", convert.out());
    // One line, as every error: the reason the copy could not be written.
    assertEquals(List.of("descent: could not cache " + data + " in " + notADirectory + ": "
        + notADirectory + " exists and is not a directory"), convert.err().lines().toList());
  }

  @Test
  void convertRefusesAPipe() throws Exception {
    Path fifo = dir.resolve("fifo.csv");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertEquals(0, mk.waitFor());
    Cli convert = Cli.run("convert", "--data", fifo.toString(), "--target", "species",
        "--loss", "multinomial", "--cache-dir", cacheDir().toString());
    assertEquals(2, convert.code(), convert.out() + convert.err());
    assertEquals(List.of("descent: convert keeps a copy of a regular file, and --data " + fifo
        + " is not one (a pipe or a device): train, cv and path read such input as it comes,"
        + " with or without --cache"), convert.err().lines().toList());
    assertEquals("", convert.out());
  }

  @Test
  void noOutputMayReplaceACachedCopy() throws IOException {
    Path data = irisCopy();
    assertEquals(0, train(data, dir.resolve("first.json")).code());
    Path copy = copies().get(0);
    byte[] before = Files.readAllBytes(copy);
    Cli run = train(data, copy);
    assertEquals(2, run.code(), run.out() + run.err());
    assertEquals("descent: --out " + copy + " is a cached copy in " + cacheDir() + ", which the"
        + " command may read: refusing to overwrite an input", run.err().strip());
    org.junit.jupiter.api.Assertions.assertArrayEquals(before, Files.readAllBytes(copy));
    // Nor the standardization kept beside it, which a rerun reads as well.
    Path standardization = Path.of(copy + io.descent.data.DatasetCache.STANDARDIZATION_EXTENSION);
    assertTrue(Files.exists(standardization), standardization.toString());
    byte[] kept = Files.readAllBytes(standardization);
    Cli history = Cli.run("train", "--data", data.toString(), "--target", "species", "--loss",
        "multinomial", "--backend", "reference", "--cache-dir", cacheDir().toString(),
        "--history", standardization.toString(), "--quiet");
    assertEquals(2, history.code(), history.out() + history.err());
    assertTrue(history.err().contains("is a cached copy in"), history.err());
    org.junit.jupiter.api.Assertions.assertArrayEquals(kept, Files.readAllBytes(standardization));
  }

  @Test
  void anOutputNamingTheCacheDirectoryIsRefusedBeforeAnyWork() throws IOException {
    // The run read, cached, fitted and printed its summary, then failed with exit 1 ("is a
    // directory") writing the model over the directory it had made.
    Path data = irisCopy();
    Path both = dir.resolve("cdir");
    for (String command : List.of("train", "cv")) {
      Cli run = Cli.run(command, "--data", data.toString(), "--target", "species", "--loss",
          "multinomial", "--backend", "reference", "--out", both.toString(), "--cache-dir",
          both.toString());
      assertEquals(2, run.code(), run.out() + run.err());
      assertEquals("descent: --out " + both + " is the cache directory " + both + ", where the"
          + " command writes its cached copy: give the output a file of its own",
          run.err().strip());
      assertEquals("", run.out());
      assertFalse(Files.exists(both), both.toString());
    }
  }
}

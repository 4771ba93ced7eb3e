package io.descent.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link DatasetCache}: a cached read equals the CSV read bit for bit, a changed file or changed
 * options are read again, a damaged copy is never trusted, concurrent writers leave a valid copy.
 */
class DatasetCacheTest {
  private static final Path DATASETS = Path.of(System.getProperty("descent.datasets",
      "datasets"));

  @TempDir
  Path dir;

  private final List<String> notices = Collections.synchronizedList(new ArrayList<>());

  private DatasetCache cache() {
    return new DatasetCache(dir.resolve("cache")).withNotices(notices::add);
  }

  static Stream<Arguments> shipped() {
    return Stream.of(
        Arguments.of("iris.csv", CsvReader.Options.classTarget("species")),
        Arguments.of("digits.csv", CsvReader.Options.classTarget("digit")),
        Arguments.of("wine.csv", CsvReader.Options.classTarget("cultivar")),
        Arguments.of("spambase.csv", CsvReader.Options.binaryTarget("spam")),
        Arguments.of("breast_cancer_wdbc.csv", CsvReader.Options.binaryTarget("malignant")),
        Arguments.of("diabetes.csv", CsvReader.Options.numericTarget("progression")),
        Arguments.of("mtcars.csv", CsvReader.Options.numericTarget("mpg")
            .withFeatures(List.of("wt", "hp", "cyl"))),
        Arguments.of("mtcars.csv", CsvReader.Options.noTarget()),
        Arguments.of("breast_cancer_wisconsin_original.csv",
            CsvReader.Options.binaryTarget("malignant", "1")));
  }

  /** Every field of the dataset, bit for bit (Arrays.equals compares floats by their bits). */
  static void assertSameDataset(Dataset expected, Dataset actual) {
    assertEquals(expected.source(), actual.source());
    assertEquals(expected.rows(), actual.rows());
    assertEquals(expected.features(), actual.features());
    assertEquals(expected.featureNames(), actual.featureNames());
    assertEquals(expected.targetName(), actual.targetName());
    assertArrayEquals(expected.x(), actual.x());
    assertArrayEquals(expected.y(), actual.y());
    assertArrayEquals(expected.weights(), actual.weights());
    assertEquals(expected.labels(), actual.labels());
    assertEquals(expected.classLabels(), actual.classLabels());
  }

  @ParameterizedTest
  @MethodSource("shipped")
  void cachedReadEqualsTheCsvReadBitForBit(String file, CsvReader.Options options)
      throws IOException {
    Path data = DATASETS.resolve(file);
    CsvReader reader = new CsvReader(options);
    Dataset parsed = reader.read(data);
    DatasetCache cache = cache();
    assertTrue(cache.cached(data, reader).isEmpty());
    assertSameDataset(parsed, cache.read(data, reader));
    Dataset cached = cache.cached(data, reader).orElseThrow();
    assertSameDataset(parsed, cached);
    assertSameDataset(parsed, cache.read(data, reader));
    assertEquals(List.of(), notices);
  }

  @Test
  void weightsAndNegativeZerosAndOddArraysRoundTrip() throws IOException {
    // 3 rows x 1 feature: an odd float count exercises the padding after the features.
    Path data = write("a,y,w\n-0.0,1.5,0\n1e-45,-0,2.5\n3.4e38,7,1\n");
    CsvReader reader = new CsvReader(CsvReader.Options.numericTarget("y").withWeightColumn("w"));
    Dataset parsed = reader.read(data);
    cache().read(data, reader);
    Dataset cached = cache().cached(data, reader).orElseThrow();
    assertSameDataset(parsed, cached);
    assertEquals(0x80000000, Float.floatToRawIntBits(cached.x()[0]));
  }

  @Test
  void loadSaysWhetherTheRowsCameFromTheCopy() throws IOException {
    Path data = write("a,y\n1,2\n3,4\n");
    CsvReader reader = new CsvReader(CsvReader.Options.numericTarget("y"));
    DatasetCache.Loaded first = cache().load(data, reader);
    assertFalse(first.fromCopy());
    assertEquals(null, first.copy());
    DatasetCache.Loaded second = cache().load(data, reader);
    assertTrue(second.fromCopy());
    assertEquals(cache().copyPath(data, reader), second.copy());
    assertSameDataset(first.data(), second.data());
  }

  @Test
  void weightedShippedDataRoundTrips() throws IOException {
    List<String> lines = Files.readAllLines(DATASETS.resolve("wine.csv"));
    StringBuilder text = new StringBuilder(lines.get(0)).append(",w\n");
    for (int i = 1; i < lines.size(); i++) {
      text.append(lines.get(i)).append(',').append(i % 4 * 0.25).append('\n');
    }
    Path data = write(text.toString());
    CsvReader reader = new CsvReader(CsvReader.Options.classTarget("cultivar")
        .withWeightColumn("w"));
    Dataset parsed = reader.read(data);
    cache().read(data, reader);
    Dataset cached = cache().cached(data, reader).orElseThrow();
    assertTrue(cached.weights() != null);
    assertSameDataset(parsed, cached);
  }

  @Test
  void classesGivenToTheReaderArePartOfTheKey() throws IOException {
    Path data = write("a,c\n1,x\n2,y\n");
    CsvReader own = new CsvReader(CsvReader.Options.classTarget("c"));
    CsvReader model = own.withClasses(new ClassLabels(List.of("w", "x", "y")));
    cache().read(data, own);
    assertTrue(cache().cached(data, model).isEmpty());
    assertSameDataset(model.read(data), cache().read(data, model));
    assertSameDataset(own.read(data), cache().cached(data, own).orElseThrow());
  }

  @Test
  void binaryLabelsGivenToTheReaderArePartOfTheKey() throws IOException {
    Path data = write("a,c\n1,no\n2,no\n");
    CsvReader model = new CsvReader(CsvReader.Options.binaryTarget("c", "yes"))
        .withLabels(new BinaryLabels("no", "yes"));
    CsvReader own = new CsvReader(CsvReader.Options.binaryTarget("c", "yes"));
    assertThrows(DataFormatException.class, () -> cache().read(data, own)); // one label
    assertSameDataset(model.read(data), cache().read(data, model));
    assertTrue(cache().cached(data, own).isEmpty());
    assertTrue(cache().cached(data, model.withLabels(new BinaryLabels("maybe", "yes")))
        .isEmpty());
  }

  @Test
  void aChangedFileIsReadAgainAndItsCopyReplaced() throws IOException {
    Path data = write("a,y\n1,2\n3,4\n");
    CsvReader reader = new CsvReader(CsvReader.Options.numericTarget("y"));
    DatasetCache cache = cache();
    Path copy = cache.copyPath(data, reader);
    assertFalse(cache.wrote(copy));
    cache.read(data, reader);
    assertTrue(cache.wrote(copy), "the copy moved into place (convert's Ctrl-C line says so)");
    assertFalse(cache().wrote(copy), "another cache wrote nothing");

    Files.writeString(data, "a,y\n1,2\n3,4\n5,6\n"); // another size
    assertTrue(cache.cached(data, reader).isEmpty());
    assertSameDataset(reader.read(data), cache.read(data, reader));
    assertEquals(3, cache.cached(data, reader).orElseThrow().rows());

    FileTime before = Files.getLastModifiedTime(data);
    Files.writeString(data, "a,y\n1,2\n3,4\n5,7\n"); // same size, later time
    Files.setLastModifiedTime(data, FileTime.fromMillis(before.toMillis() + 5000));
    assertEquals(7.0, cache.read(data, reader).y()[2]);
    assertEquals(7.0, cache.cached(data, reader).orElseThrow().y()[2]);
    assertEquals(List.of(copy), copies(), "one copy per file and options, replaced in place");
    assertEquals(List.of(), notices);
  }

  /**
   * A file rewritten in place to the same size with its modification time put back (as {@code
   * touch -r} does), or deleted and made again on the same inode number: its status-change time
   * (ctime), which no user can set back, differs, so the CSV is read again. The copy had been
   * read: the same size, time and inode were taken for the same file.
   */
  @Test
  void aFileRewrittenWithItsTimePutBackIsReadAgain() throws Exception {
    Path data = write("a,y\n1,2\n3,4\n");
    CsvReader reader = new CsvReader(CsvReader.Options.numericTarget("y"));
    cache().read(data, reader);
    assertTrue(cache().cached(data, reader).isPresent());
    FileTime time = Files.getLastModifiedTime(data);
    Thread.sleep(20); // a later ctime on file systems that keep it to the tick
    Files.writeString(data, "a,y\n1,2\n3,5\n");
    Files.setLastModifiedTime(data, time);
    assertEquals(5.0, cache().read(data, reader).y()[1]);
    assertEquals(5.0, cache().cached(data, reader).orElseThrow().y()[1]);
  }

  @Test
  void changedOptionsAreReadAgainIntoTheirOwnCopy() throws IOException {
    Path data = DATASETS.resolve("mtcars.csv");
    DatasetCache cache = cache();
    List<CsvReader> readers = List.of(
        new CsvReader(CsvReader.Options.numericTarget("mpg")),
        new CsvReader(CsvReader.Options.numericTarget("mpg").withFeatures(List.of("wt", "hp"))),
        new CsvReader(CsvReader.Options.numericTarget("mpg").withFeatures(List.of("hp", "wt"))),
        new CsvReader(CsvReader.Options.numericTarget("hp")),
        new CsvReader(CsvReader.Options.numericTarget("mpg").withWeightColumn("wt")),
        new CsvReader(CsvReader.Options.binaryTarget("am")),
        new CsvReader(CsvReader.Options.classTarget("cyl")),
        new CsvReader(CsvReader.Options.noTarget()));
    for (CsvReader r : readers) {
      cache.read(data, r);
    }
    assertEquals(readers.size(), copies().size());
    for (CsvReader r : readers) {
      assertSameDataset(r.read(data), cache.cached(data, r).orElseThrow());
    }
    Path semicolons = write(Files.readString(data).replace(',', ';'));
    CsvReader semicolon = new CsvReader(CsvReader.Options.numericTarget("mpg")
        .withDelimiter(';'));
    cache.read(semicolons, semicolon);
    assertTrue(cache.cached(semicolons, readers.get(0)).isEmpty());
    assertEquals(List.of(), notices);
  }

  /** Offsets to damage: the magic, the version, the checksums, the header, data, the end. */
  @ParameterizedTest
  @ValueSource(ints = {0, 9, 13, 17, 25, 29, 40, 70, -1, -12, -300})
  void aFlippedByteIsNoticedOnceAndTheFileReadAgain(int offset) throws IOException {
    Path data = DATASETS.resolve("iris.csv");
    CsvReader reader = new CsvReader(CsvReader.Options.classTarget("species")
        .withFeatures(List.of("petal_width", "sepal_length", "petal_length")));
    DatasetCache cache = cache();
    cache.read(data, reader);
    Path copy = cache.copyPath(data, reader);
    long at = offset >= 0 ? offset : Files.size(copy) + offset;
    flipByte(copy, at);
    assertSameDataset(reader.read(data), cache.read(data, reader));
    assertEquals(1, notices.size(), notices.toString());
    assertTrue(notices.get(0).startsWith("ignoring the cached copy " + copy + " of " + data),
        notices.get(0));
    assertFalse(notices.get(0).contains("\n"));
    // The copy was replaced by a valid one.
    assertSameDataset(reader.read(data), cache.cached(data, reader).orElseThrow());
    assertEquals(1, notices.size());
  }

  /**
   * A copy whose features reach {@link DatasetCache#PARALLEL_BYTES} loads in two halves at once:
   * bit for bit the parsed data (weights, an odd float count, so the padding ends the second
   * half), and a flipped byte in either half, next to the split or in the targets after it is
   * noticed as a data checksum that does not match.
   */
  @Test
  void aLargeCopyLoadsInTwoHalvesAndEachIsChecked() throws IOException {
    int rows = 183_001;
    int d = 23; // 4.21 million floats: 16.8 MB, above the threshold, odd
    StringBuilder text = new StringBuilder();
    for (int j = 0; j < d; j++) {
      text.append('x').append(j).append(',');
    }
    text.append("y,w\n");
    java.util.SplittableRandom r = new java.util.SplittableRandom(8);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < d; j++) {
        text.append(r.nextInt(-999, 1000) / 8.0f).append(',');
      }
      text.append(r.nextInt(2)).append(',').append(r.nextInt(0, 4)).append('\n');
    }
    Path data = write(text.toString());
    CsvReader reader = new CsvReader(CsvReader.Options.binaryTarget("y").withWeightColumn("w"));
    Dataset parsed = reader.read(data);
    assertTrue(4L * rows * d >= DatasetCache.PARALLEL_BYTES);
    DatasetCache cache = cache();
    cache.read(data, reader);
    assertSameDataset(parsed, cache.cached(data, reader).orElseThrow());
    Path copy = cache.copyPath(data, reader);
    long size = Files.size(copy);
    long xBytes = 4L * rows * d + 4; // padded to 8
    long dataStart = size - xBytes - 16L * rows;
    long half = xBytes / 2 / (1 << 20) * (1 << 20);
    long[] offsets = {dataStart + 5, dataStart + half - 1, dataStart + half,
        dataStart + xBytes - 5, dataStart + xBytes + 3, size - 1};
    for (long at : offsets) {
      notices.clear();
      try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
        f.seek(at);
        int b = f.read();
        f.seek(at);
        f.write(b ^ 0x01);
      }
      assertSameDataset(parsed, cache.read(data, reader)); // parsed again, the copy replaced
      assertEquals(List.of("ignoring the cached copy " + copy + " of " + data + ": its data"
          + " checksum does not match; reading the file again"), notices, "byte " + at);
      notices.clear();
      assertSameDataset(parsed, cache.cached(data, reader).orElseThrow());
      assertEquals(List.of(), notices);
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 5, 31, 100, -8, -1})
  void aTruncatedOrExtendedCopyIsNoticedAndTheFileReadAgain(long length) throws IOException {
    Path data = DATASETS.resolve("wine.csv");
    CsvReader reader = new CsvReader(CsvReader.Options.classTarget("cultivar"));
    DatasetCache cache = cache();
    cache.read(data, reader);
    Path copy = cache.copyPath(data, reader);
    long size = Files.size(copy);
    try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
      f.setLength(length >= 0 ? length : size + length);
    }
    assertSameDataset(reader.read(data), cache.read(data, reader));
    assertEquals(1, notices.size(), notices.toString());
    assertTrue(notices.get(0).contains("truncated") || notices.get(0).contains("not a cache"),
        notices.get(0));
    notices.clear();
    long whole = Files.size(copy);
    Files.write(copy, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
    assertSameDataset(reader.read(data), cache.read(data, reader));
    assertEquals(List.of("ignoring the cached copy " + copy + " of " + data + ": its size, "
        + (whole + 3) + " bytes, is not the " + whole + " its header records (bytes beyond its"
        + " data, or its header damaged); reading the file again"), notices);
  }

  @Test
  void anotherFormatVersionIsNoticedAndTheFileReadAgain() throws IOException {
    Path data = DATASETS.resolve("iris.csv");
    CsvReader reader = new CsvReader(CsvReader.Options.classTarget("species"));
    DatasetCache cache = cache();
    cache.read(data, reader);
    Path copy = cache.copyPath(data, reader);
    try (RandomAccessFile f = new RandomAccessFile(copy.toFile(), "rw")) {
      f.seek(DatasetCache.MAGIC.length);
      f.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
          .putInt(DatasetCache.VERSION + 1).array());
    }
    assertSameDataset(reader.read(data), cache.read(data, reader));
    assertEquals(List.of("ignoring the cached copy " + copy + " of " + data
        + ": it has format version " + (DatasetCache.VERSION + 1) + ", not "
        + DatasetCache.VERSION + "; reading the file again"), notices);
    assertTrue(cache.cached(data, reader).isPresent());
  }

  @Test
  void concurrentWritersAndReadersLeaveOneValidCopy() throws Exception {
    Path data = DATASETS.resolve("digits.csv");
    CsvReader reader = new CsvReader(CsvReader.Options.classTarget("digit"));
    Dataset parsed = reader.read(data);
    int threads = 6;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 3; round++) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Dataset>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          // Separate caches on one directory, as separate processes would be.
          DatasetCache cache = new DatasetCache(dir.resolve("cache")).withNotices(notices::add);
          boolean writer = t % 2 == 0;
          results.add(pool.submit(() -> {
            start.await();
            if (writer) {
              return cache.read(data, reader);
            }
            for (int k = 0; k < 20; k++) {
              cache.cached(data, reader).ifPresent(d -> assertSameDataset(parsed, d));
            }
            return cache.read(data, reader);
          }));
        }
        start.countDown();
        for (Future<Dataset> r : results) {
          assertSameDataset(parsed, r.get());
        }
        // Force rewrites in the next round.
        if (round < 2) {
          Files.delete(cache().copyPath(data, reader));
        }
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of(), notices);
    assertEquals(1, copies().size());
    try (Stream<Path> files = Files.list(dir.resolve("cache"))) {
      assertEquals(List.of(), files.filter(p -> p.toString().endsWith(".tmp")).toList(),
          "no temporary file left behind");
    }
    assertSameDataset(parsed, cache().cached(data, reader).orElseThrow());
  }

  @Test
  void theCacheDirectoryIsNeverTheDataFile() throws IOException {
    Path data = write("a,y\n1,2\n3,4\n");
    byte[] before = Files.readAllBytes(data);
    DatasetCache cache = new DatasetCache(data).withNotices(notices::add);
    CsvReader reader = new CsvReader(CsvReader.Options.numericTarget("y"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> cache.read(data, reader));
    assertTrue(e.getMessage().contains("refusing to write over an input"), e.getMessage());
    Path link = dir.resolve("link");
    Files.createSymbolicLink(link, data);
    assertThrows(IllegalArgumentException.class,
        () -> new DatasetCache(link).read(data, reader));
    assertArrayEquals(before, Files.readAllBytes(data));
  }

  @Test
  void aCopyThatCannotBeWrittenCostsANoticeNotTheRead() throws IOException {
    Path data = write("a,y\n1,2\n3,4\n");
    Path notADirectory = write("x\n");
    DatasetCache cache = new DatasetCache(notADirectory.resolve("cache"))
        .withNotices(notices::add);
    CsvReader reader = new CsvReader(CsvReader.Options.numericTarget("y"));
    assertSameDataset(reader.read(data), cache.read(data, reader));
    assertEquals(1, notices.size(), notices.toString());
    assertTrue(notices.get(0).startsWith("could not cache " + data + " in "), notices.get(0));
    // The notice names what is wrong: a directory where the copy goes, a link to nothing.
    Path cacheDir = Files.createDirectories(dir.resolve("cache-with-a-directory"));
    DatasetCache withDirectory = new DatasetCache(cacheDir).withNotices(notices::add);
    Path copy = withDirectory.copyPath(data, reader);
    Files.createDirectories(copy.resolve("inside"));
    notices.clear();
    assertSameDataset(reader.read(data), withDirectory.read(data, reader));
    assertEquals(List.of("could not cache " + data + " in " + cacheDir + ": " + copy + ": "
        + "Is a directory"), notices);
    Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("gone"));
    notices.clear();
    assertSameDataset(reader.read(data), new DatasetCache(dangling).withNotices(notices::add)
        .read(data, reader));
    assertEquals(List.of("could not cache " + data + " in " + dangling + ": " + dangling
        + " is a symbolic link to nothing (" + dir.resolve("gone") + ")"), notices);
  }

  @Test
  void aCrashedWritersTemporaryFileIsDeletedOnceOld() throws IOException {
    Path data = DATASETS.resolve("mtcars.csv");
    CsvReader reader = new CsvReader(CsvReader.Options.numericTarget("mpg"));
    Path cacheDir = Files.createDirectories(dir.resolve("cache"));
    Path old = Files.writeString(cacheDir.resolve("x.csv-0" + DatasetCache.EXTENSION
        + ".123.tmp"), "half a copy");
    Path recent = Files.writeString(cacheDir.resolve("y.csv-0" + DatasetCache.EXTENSION
        + ".456.tmp"), "a copy being written");
    Path other = Files.writeString(cacheDir.resolve("notes.tmp"), "not ours");
    FileTime longAgo = FileTime.from(java.time.Instant.now()
        .minus(DatasetCache.STRAY_TEMPORARY_AGE).minusSeconds(60));
    Files.setLastModifiedTime(old, longAgo);
    Files.setLastModifiedTime(other, longAgo);
    cache().read(data, reader);
    assertFalse(Files.exists(old));
    assertTrue(Files.exists(recent));
    assertTrue(Files.exists(other));
  }

  @Test
  void loadingChecksTheHeapAsTheReaderDoes() throws IOException {
    Path data = DATASETS.resolve("iris.csv");
    CsvReader reader = new CsvReader(CsvReader.Options.classTarget("species"));
    cache().read(data, reader);
    // Heap needs are not reading options: the same copy, and too much to fit after it.
    CsvReader needy = reader.withHeapNeeds(List.of(new HeapNeed("a table the size of the sky",
        0, 0, Long.MAX_VALUE / 2)));
    assertThrows(InsufficientMemoryException.class, () -> cache().read(data, needy));
    assertEquals(List.of(), notices);
  }

  @Test
  void aPipeIsParsedAndNotCached() throws Exception {
    Path fifo = dir.resolve("rows.csv");
    try {
      if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() != 0) {
        return; // no mkfifo here: nothing to test
      }
    } catch (IOException e) {
      return;
    }
    Thread writer = new Thread(() -> {
      try {
        Files.writeString(fifo, "a,y\n1,2\n3,4\n");
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    writer.start();
    Dataset read = cache().read(fifo, new CsvReader(CsvReader.Options.numericTarget("y")));
    writer.join();
    assertArrayEquals(new double[] {2, 4}, read.y());
    assertFalse(Files.exists(dir.resolve("cache")));
  }

  /**
   * A copy's name starts with the file's name made safe exactly as the regular expression made
   * it (so that copies made before are found): code points, not chars; 48 kept. And the key's
   * text of the options is the record's generated one, every component included.
   */
  @Test
  void copiesKeepTheirNamesAndKeys() throws Exception {
    for (String name : List.of("plain-file_1.csv", "with space & (parens).csv", "ÄÖü.csv",
        "emoji-\uD83D\uDE00-x.csv", "\uD83D\uDE00".repeat(30) + ".csv",
        "a".repeat(60) + ".csv", "tab\there.csv", "")) {
      String regex = name.replaceAll("[^A-Za-z0-9._-]", "_");
      assertEquals(regex.length() > 48 ? regex.substring(0, 48) : regex,
          DatasetCache.safeName(name), name);
    }
    CsvReader.Options o = CsvReader.Options.binaryTarget("y").withFeatures(List.of("a", "b"))
        .withDelimiter(';').withPositiveLabel("yes").withWeightColumn("w");
    StringBuilder generated = new StringBuilder("Options[");
    java.lang.reflect.RecordComponent[] parts = CsvReader.Options.class.getRecordComponents();
    for (int i = 0; i < parts.length; i++) {
      generated.append(i == 0 ? "" : ", ").append(parts[i].getName()).append('=')
          .append(parts[i].getAccessor().invoke(o));
    }
    assertEquals(generated.append(']').toString(), o.toString());
    assertEquals(CsvReader.Options.noTarget().toString().replace("Options[", "["),
        "[target=null, features=null, delimiter=,, targetKind=NUMERIC, positiveLabel=null,"
            + " weightColumn=null]");
  }

  @Test
  void theDefaultDirectoryFollowsTheEnvironment() {
    assertEquals(Path.of("/c/own"), DatasetCache.defaultDirectory(
        Map.of(DatasetCache.DIRECTORY_VARIABLE, "/c/own", "XDG_CACHE_HOME", "/x"), "/home/u"));
    assertEquals(Path.of("/x", DatasetCache.SUBDIRECTORY),
        DatasetCache.defaultDirectory(Map.of("XDG_CACHE_HOME", "/x"), "/home/u"));
    assertEquals(Path.of("/home/u/.cache", DatasetCache.SUBDIRECTORY),
        DatasetCache.defaultDirectory(Map.of("XDG_CACHE_HOME", "relative"), "/home/u"));
    assertEquals(Path.of("/home/u/.cache", DatasetCache.SUBDIRECTORY),
        DatasetCache.defaultDirectory(Map.of(), "/home/u"));
    // ~ is $HOME where that is an absolute path, as a shell reads it; else the account's home.
    assertEquals(Path.of("/tmp/h/.cache", DatasetCache.SUBDIRECTORY),
        DatasetCache.defaultDirectory(Map.of("HOME", "/tmp/h"), "/home/u"));
    assertEquals(Path.of("/home/u/.cache", DatasetCache.SUBDIRECTORY),
        DatasetCache.defaultDirectory(Map.of("HOME", "rel"), "/home/u"));
    assertEquals(Path.of("/x", DatasetCache.SUBDIRECTORY), DatasetCache.defaultDirectory(
        Map.of("HOME", "/tmp/h", "XDG_CACHE_HOME", "/x"), "/home/u"));
  }

  @Test
  void copiesAreNamedByTheFileAndHashOfItsPlace() throws IOException {
    Path data = DATASETS.resolve("iris.csv");
    CsvReader a = new CsvReader(CsvReader.Options.classTarget("species"));
    CsvReader b = new CsvReader(CsvReader.Options.numericTarget("species"));
    Path pa = cache().copyPath(data, a);
    assertTrue(pa.getFileName().toString().matches("iris\\.csv-[0-9a-f]{32}\\.dscache"),
        pa.toString());
    assertEquals(dir.resolve("cache").toAbsolutePath(), pa.getParent());
    assertNotEquals(pa, cache().copyPath(data, b));
  }

  /**
   * The standardization of a copy's rows is kept beside the copy once a fit computes it, and a
   * later load from the copy carries it: {@link Standardization#fit} then returns those values
   * (the same bits as computing them) without a pass. Weights, subsets and a changed file do not
   * use it.
   */
  @Test
  void theStandardizationIsKeptBesideTheCopyAndReadWithIt() throws IOException {
    Path data = DATASETS.resolve("spambase.csv");
    CsvReader reader = new CsvReader(CsvReader.Options.binaryTarget("spam"));
    DatasetCache cache = cache();
    Dataset parsed = cache.read(data, reader);
    Path copy = cache.copyPath(data, reader);
    Path kept = DatasetCache.standardizationPath(copy);
    assertFalse(Files.exists(kept), "kept only once a fit computes it");
    Standardization computed = Standardization.fit(parsed);
    assertTrue(Files.exists(kept));
    assertEquals(copy.getFileName() + DatasetCache.STANDARDIZATION_EXTENSION,
        kept.getFileName().toString());

    Dataset loaded = cache.read(data, reader);
    assertSame(loaded.knownStandardization(), Standardization.fit(loaded));
    assertSameStandardization(computed, Standardization.fit(loaded));
    // Derived over the same rows: the same; weighted or a subset: computed of their own.
    assertSame(loaded.knownStandardization(),
        Standardization.fit(loaded.withFeatureNames(loaded.featureNames())));
    double[] w = new double[loaded.rows()];
    java.util.Arrays.fill(w, 1.0);
    w[0] = 3;
    assertSameStandardization(Standardization.fit(parsed.withWeights(w)),
        Standardization.fit(loaded.withWeights(w)));
    int[] some = {0, 5, 7, 11, 4000};
    assertSameStandardization(Standardization.fit(parsed.rows(some)),
        Standardization.fit(loaded.rows(some)));
    assertNotEquals(computed.mean(0), Standardization.fit(loaded.rows(some)).mean(0));
    assertEquals(List.of(), notices);
  }

  /** A kept standardization is only used for the copy it was computed of. */
  @Test
  void aKeptStandardizationOfAnotherStateOfTheFileIsNotUsed() throws IOException {
    Path data = write("a,b,y\n1,2,0\n3,5,1\n4,4,0\n");
    CsvReader reader = new CsvReader(CsvReader.Options.numericTarget("y"));
    DatasetCache cache = cache();
    Standardization.fit(cache.read(data, reader));
    Path kept = DatasetCache.standardizationPath(cache.copyPath(data, reader));
    byte[] before = Files.readAllBytes(kept);

    Files.writeString(data, "a,b,y\n1,2,0\n3,5,1\n9,4,0\n");
    Files.setLastModifiedTime(data, FileTime.fromMillis(
        Files.getLastModifiedTime(data).toMillis() + 5000));
    Dataset parsed = cache.read(data, reader);
    Dataset loaded = cache.read(data, reader);
    assertEquals(null, loaded.knownStandardization(), "the kept one is another file's");
    Standardization fresh = Standardization.fit(loaded);
    assertSameStandardization(Standardization.fit(parsed), fresh);
    assertEquals(13.0 / 3, fresh.mean(0));
    assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(kept)), "kept anew");
    assertSameStandardization(fresh, cache.read(data, reader).knownStandardization());

    // Another number of features: not a damage either, so no notice.
    Files.writeString(data, "a,b,c,y\n1,2,3,0\n3,5,5,1\n9,4,4,0\n");
    cache.read(data, reader);
    Dataset wider = cache.read(data, reader);
    assertEquals(3, wider.features());
    assertEquals(null, wider.knownStandardization());
    assertEquals(List.of(), notices);
  }

  /** A damaged kept standardization costs one notice and is computed again, never trusted. */
  @ParameterizedTest
  @ValueSource(ints = {0, 9, 20, 50, 60, -1, -9})
  void aDamagedKeptStandardizationIsNoticedAndComputedAgain(int offset) throws IOException {
    Path data = DATASETS.resolve("iris.csv");
    CsvReader reader = new CsvReader(CsvReader.Options.classTarget("species"));
    DatasetCache cache = cache();
    Standardization computed = Standardization.fit(cache.read(data, reader));
    Path kept = DatasetCache.standardizationPath(cache.copyPath(data, reader));
    long at = offset >= 0 ? offset : Files.size(kept) + offset;
    flipByte(kept, at);
    Dataset loaded = cache.read(data, reader);
    assertEquals(null, loaded.knownStandardization());
    assertEquals(1, notices.size(), notices.toString());
    assertTrue(notices.get(0).startsWith("ignoring the cached standardization " + kept + " of "
        + data), notices.get(0));
    assertSameStandardization(computed, Standardization.fit(loaded));
    // Kept again, valid: the next load carries it.
    assertSameStandardization(computed, cache.read(data, reader).knownStandardization());
    assertEquals(1, notices.size());
  }

  private static void assertSameStandardization(Standardization expected,
      Standardization actual) {
    assertTrue(java.util.Arrays.equals(expected.mean(), actual.mean())
        && java.util.Arrays.equals(expected.scale(), actual.scale()),
        expected + " against " + actual);
  }

  /** Flips one bit of the byte at {@code at} in {@code file}. */
  private static void flipByte(Path file, long at) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x10);
    }
  }

  private Path write(String text) throws IOException {
    Path p = Files.createTempFile(dir, "data", ".csv");
    Files.writeString(p, text);
    return p;
  }

  private List<Path> copies() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("cache"))) {
      return files.filter(p -> p.toString().endsWith(DatasetCache.EXTENSION)).sorted().toList();
    }
  }
}

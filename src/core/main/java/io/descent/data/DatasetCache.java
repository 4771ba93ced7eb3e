package io.descent.data;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * A binary copy of each parsed CSV file, so that reading the same file again with the same
 * options costs one read of a float32 array at the speed of the disk instead of a parse.
 *
 * <p>Usage: {@code DatasetCache.inDefaultDirectory().read(path, new CsvReader(options))} returns
 * what {@code new CsvReader(options).read(path)} returns, bit for bit (features, target, weights,
 * binary or class labels, feature and target names; the source is the path as given).
 *
 * <p><b>Where.</b> One file per data file and reading options, in {@link #directory()}: by
 * default {@value #DIRECTORY_VARIABLE} when that environment variable is set, else {@code
 * $XDG_CACHE_HOME/}{@value #SUBDIRECTORY}, else {@code ~/.cache/}{@value #SUBDIRECTORY} (see
 * {@link #defaultDirectory()}). Its name is the data file's name and a hash of its real path and
 * the options, ending {@value #EXTENSION}.
 *
 * <p><b>When it is used.</b> A cached copy records the data file's real path, size, modification
 * time (to the nanosecond the file system keeps), file key (the inode on Unix) and status-change
 * time (Unix ctime, which every write sets and no user can set back), and every reading option
 * ({@link CsvReader.Options} and {@link CsvReader#classes()}). It is used only when all of them
 * are the same now; otherwise the CSV is parsed and the copy replaced, quietly. So a file
 * rewritten in place to the same size and modification time ({@code touch -r}), or deleted and
 * made again on the same inode number, is noticed where the file system keeps a ctime (a
 * {@code chmod} or a new hard link changes it too, and costs one parse). Only regular files are
 * cached; a pipe is always parsed.
 *
 * <p><b>Trust.</b> Every byte of a cached copy is covered by CRC32C checksums (one over the
 * header, one over the data) and its size is checked; a copy that fails any check, or was
 * written by another {@link #VERSION format version}, is never used: one notice line goes to
 * {@link #withNotices the notices} (none by default; the command line prints them on standard
 * error), and the CSV is parsed and the
 * copy replaced. Copies are written to a temporary file in the same directory and moved into
 * place atomically, so a reader sees a complete old copy or a complete new one, never part of
 * one, and concurrent writers leave one of their (identical) copies. A copy that cannot be
 * written (a read-only directory, a full disk) costs a notice, not the read.
 *
 * <p><b>Memory.</b> A copy's features are used where they are, from a read-only mapping of the
 * copy ({@link Dataset#offHeapRows()}; a heap array where the file cannot be mapped). Loading
 * checks the heap for the dataset and the reader's {@link CsvReader#heapNeeds()} before
 * allocating, as {@link CsvReader#read(Path)} does (counting the features as heap, which is
 * conservative).
 *
 * <p>A cache is immutable and can be shared between threads and processes.
 */
public final class DatasetCache {
  /** The environment variable that names the cache directory: {@link CacheDirectory#VARIABLE}. */
  public static final String DIRECTORY_VARIABLE = CacheDirectory.VARIABLE;
  /** The directory under the user's cache directory: {@link CacheDirectory#SUBDIRECTORY}. */
  public static final String SUBDIRECTORY = CacheDirectory.SUBDIRECTORY;
  /** How a cached copy's file name ends. */
  public static final String EXTENSION = ".dscache";
  /**
   * What is added to a copy's name for the file beside it that keeps the standardization of its
   * rows ({@link Standardization#fit} without weights), once a fit has computed it: {@value}.
   */
  public static final String STANDARDIZATION_EXTENSION = ".standardization";
  static final byte[] STANDARDIZATION_MAGIC = "DSSTAND\n".getBytes(StandardCharsets.US_ASCII);
  /**
   * The format version written, and the only one read: bump it when the layout, or what a
   * {@link CsvReader} makes of a file, changes.
   */
  public static final int VERSION = 1;
  /** How the notice of a copy (or a standardization) that could not be written begins. */
  public static final String NOT_WRITTEN = "could not cache ";

  static final byte[] MAGIC = "DSCACHE\n".getBytes(StandardCharsets.US_ASCII);
  /** Magic, version, header length, data length, header CRC, data CRC. */
  static final int PREFIX_BYTES = 32;
  /** Offset of the data CRC in the prefix. */
  static final int DATA_CRC_AT = 28;
  /** The data starts at a multiple of this, so that the arrays' bytes are aligned. */
  private static final int ALIGN = 64;
  /** Bytes read, checked and copied at a time (a multiple of 8), small enough to stay in cache. */
  private static final int SLICE_BYTES = 1 << 20;
  /** Features of at least this many bytes load in two halves at once: {@value}. */
  static final long PARALLEL_BYTES = 16L << 20;

  private static final byte NO_LABELS = 0;
  private static final byte BINARY_LABELS = 1;
  private static final byte CLASS_LABELS = 2;

  /** How old a temporary file left by a writer must be to be taken for a crashed one's. */
  public static final Duration STRAY_TEMPORARY_AGE = Duration.ofDays(1);

  /** The default notice sink: like everything in this package, a cache prints nothing. */
  private static final Consumer<String> NO_NOTICES = line -> { };

  private final Path directory;
  private final Consumer<String> notices;

  /**
   * A cache in {@code directory}, created when the first copy is written.
   *
   * @throws NullPointerException when directory is null
   */
  public DatasetCache(Path directory) {
    this(directory, NO_NOTICES);
  }

  private DatasetCache(Path directory, Consumer<String> notices) {
    this.directory = directory.toAbsolutePath().normalize();
    this.notices = Objects.requireNonNull(notices, "notices");
  }

  /** A cache in {@link #defaultDirectory()}. */
  public static DatasetCache inDefaultDirectory() {
    return new DatasetCache(defaultDirectory());
  }

  /** The default cache directory: {@link CacheDirectory#of()}. */
  public static Path defaultDirectory() {
    return CacheDirectory.of();
  }

  static Path defaultDirectory(Map<String, String> environment, String home) {
    return CacheDirectory.of(environment, home);
  }

  /**
   * The same cache, giving each notice (one line: a copy ignored or not written, and why) to
   * {@code notices}; by default notices are dropped (the read is right either way).
   */
  public DatasetCache withNotices(Consumer<String> notices) {
    return new DatasetCache(directory, notices);
  }

  /** The directory holding the cached copies, absolute. */
  public Path directory() {
    return directory;
  }

  /** As {@link #read(Path, CsvReader)} with {@code new CsvReader(options)}. */
  public Dataset read(Path file, CsvReader.Options options) throws IOException {
    return read(file, new CsvReader(options));
  }

  /**
   * What {@code reader.read(file)} returns: from the cached copy when a valid one is there for
   * the file as it is now and the reader's options, else parsed and then cached.
   *
   * @throws IllegalArgumentException when the cache directory, or the copy's file, is {@code
   *     file} itself (nothing is ever written over the data)
   * @throws DataFormatException for any problem with the content, as the reader reports it
   * @throws InsufficientMemoryException when the heap has too little room
   * @throws IOException when the file cannot be read
   */
  public Dataset read(Path file, CsvReader reader) throws IOException {
    return load(file, reader).data();
  }

  /**
   * What {@link #read(Path, CsvReader)} reads, and where from: the cached copy it was loaded
   * from, or the file itself (then cached where it could be).
   *
   * @param data the dataset
   * @param copy the cached copy it was loaded from; null when the file was parsed
   */
  public record Loaded(Dataset data, Path copy) {
    /** Whether the dataset came from a cached copy rather than a parse of the file. */
    public boolean fromCopy() {
      return copy != null;
    }
  }

  /**
   * As {@link #read(Path, CsvReader)}, saying whether the rows came from the cached copy.
   *
   * @throws IllegalArgumentException when the cache directory, or the copy's file, is {@code
   *     file} itself
   * @throws DataFormatException for any problem with the content, as the reader reports it
   * @throws InsufficientMemoryException when the heap has too little room
   * @throws IOException when the file cannot be read
   */
  public Loaded load(Path file, CsvReader reader) throws IOException {
    if (!Files.isRegularFile(file)) {
      return new Loaded(reader.read(file), null);
    }
    Identity before = Identity.of(file);
    Path copy = copyOf(before, reader);
    if (before.timeUnclear()) {
      notices.accept(NOT_WRITTEN + file + " in " + directory + ": its modification time is"
          + " past what Java's file times tell apart (after 2262 or before 1677), so a changed"
          + " file could not be told from its copy");
      return new Loaded(reader.read(file), null);
    }
    String key = key(before, reader);
    Optional<Dataset> cached = load(copy, key, file.toString(), reader.heapNeeds());
    if (cached.isPresent()) {
      return new Loaded(withStandardization(cached.get(), copy, key), copy);
    }
    Dataset data = reader.read(file);
    // A file that changed while it was parsed is not cached: its copy would be keyed by a
    // state of the file that the rows may not come from.
    if (Identity.of(file).equals(before) && store(copy, key, data)) {
      data.whenStandardized(s -> storeStandardization(copy, key, s, data.source()));
    }
    return new Loaded(data, null);
  }

  /**
   * The dataset from a valid cached copy of {@code file} as it is now, read with {@code
   * reader}'s options; empty when there is none (an invalid copy also costs a notice). Parses
   * nothing and writes nothing.
   *
   * @throws IllegalArgumentException when the cache directory is {@code file} itself
   */
  public Optional<Dataset> cached(Path file, CsvReader reader) throws IOException {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Identity now = Identity.of(file);
    if (now.timeUnclear()) {
      return Optional.empty();
    }
    Path copy = copyOf(now, reader);
    String key = key(now, reader);
    return load(copy, key, file.toString(), reader.heapNeeds())
        .map(d -> withStandardization(d, copy, key));
  }

  /**
   * {@code data}, loaded from {@code copy}, with the standardization kept beside the copy where
   * there is a valid one for it (else with a listener that keeps it there once a fit computes
   * it).
   */
  private Dataset withStandardization(Dataset data, Path copy, String key) {
    Optional<Standardization> kept = readStandardization(copy, key, data.features(),
        data.source());
    if (kept.isPresent()) {
      data.knownStandardization(kept.get());
    } else {
      data.whenStandardized(s -> storeStandardization(copy, key, s, data.source()));
    }
    return data;
  }

  /** Where the standardization of a copy's rows is kept. */
  static Path standardizationPath(Path copy) {
    return copy.resolveSibling(copy.getFileName() + STANDARDIZATION_EXTENSION);
  }

  /**
   * The standardization kept beside {@code copy} for its key: empty where there is none, or it
   * is for another key (a copy since replaced); a damaged file costs a notice and is not used.
   */
  private Optional<Standardization> readStandardization(Path copy, String key, int features,
      String source) {
    Path file = standardizationPath(copy);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      notices.accept("ignoring the cached standardization " + file + " of " + source + ": it"
          + " cannot be read (" + reason(e) + "); computing it again");
      return Optional.empty();
    }
    try {
      return decodeStandardization(bytes, key, features);
    } catch (Invalid e) {
      notices.accept("ignoring the cached standardization " + file + " of " + source + ": "
          + e.getMessage() + "; computing it again");
      return Optional.empty();
    }
  }

  /**
   * The standardization in a file's bytes (magic, version, the key's hash, features, means,
   * scales, CRC32C of all before it); empty when it is for another key, another number of
   * features or another format version (a copy since replaced: not a damage).
   */
  static Optional<Standardization> decodeStandardization(byte[] bytes, String key,
      int features) throws Invalid {
    int head = STANDARDIZATION_MAGIC.length + 4 + 32 + 4;
    if (bytes.length < head + 4 || !java.util.Arrays.equals(bytes, 0,
        STANDARDIZATION_MAGIC.length, STANDARDIZATION_MAGIC, 0, STANDARDIZATION_MAGIC.length)) {
      throw new Invalid("it is not a standardization file");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int d = b.getInt(head - 4);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    if (d < 0 || bytes.length != head + 16L * d + 4
        || (int) crc.getValue() != b.getInt(bytes.length - 4)) {
      throw new Invalid("its checksum or size does not match");
    }
    b.position(STANDARDIZATION_MAGIC.length);
    int version = b.getInt();
    byte[] hash = new byte[32];
    b.get(hash);
    if (version != VERSION || !java.util.Arrays.equals(hash, keyHash(key)) || d != features) {
      return Optional.empty();
    }
    b.position(head);
    double[] mean = new double[d];
    double[] scale = new double[d];
    for (int j = 0; j < d; j++) {
      mean[j] = b.getDouble();
    }
    for (int j = 0; j < d; j++) {
      scale[j] = b.getDouble();
    }
    try {
      return Optional.of(new Standardization(mean, scale));
    } catch (IllegalArgumentException e) {
      throw new Invalid("its values are inconsistent (" + e.getMessage() + ")");
    }
  }

  /** The bytes of {@link #decodeStandardization}'s file for {@code s} and {@code key}. */
  static byte[] encodeStandardization(Standardization s, String key) {
    int d = s.features();
    ByteBuffer b = ByteBuffer.allocate(STANDARDIZATION_MAGIC.length + 4 + 32 + 4 + 16 * d + 4)
        .order(ByteOrder.LITTLE_ENDIAN);
    b.put(STANDARDIZATION_MAGIC).putInt(VERSION).put(keyHash(key)).putInt(d);
    for (int j = 0; j < d; j++) {
      b.putDouble(s.mean(j));
    }
    double[] scale = s.scale();
    for (int j = 0; j < d; j++) {
      b.putDouble(scale[j]);
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    return b.array();
  }

  private static byte[] keyHash(String key) {
    return sha256(key);
  }

  /**
   * Keeps {@code s} beside {@code copy} (written beside it, then moved into place); a failure is
   * a notice, not an error.
   */
  private void storeStandardization(Path copy, String key, Standardization s, String source) {
    byte[] bytes = encodeStandardization(s, key);
    try {
      replace(standardizationPath(copy), temporary -> Files.write(temporary, bytes));
    } catch (IOException e) {
      notices.accept(NOT_WRITTEN + "the standardization of " + source + " in " + directory
          + ": " + reason(e));
    }
  }

  /**
   * Where the cached copy of {@code file} read with {@code reader}'s options is (or would be).
   *
   * @throws IllegalArgumentException when the cache directory, or that copy, is {@code file}
   */
  public Path copyPath(Path file, CsvReader reader) throws IOException {
    return copyOf(Identity.of(file), reader);
  }

  private Path copyOf(Identity data, CsvReader reader) throws IOException {
    if (Files.exists(directory) && Files.isSameFile(directory, data.path())) {
      throw new IllegalArgumentException("the cache directory " + directory + " is the data"
          + " file itself: refusing to write over an input; choose another cache directory");
    }
    String name = safeName(data.path().getFileName().toString());
    Path copy = directory.resolve(name + "-" + hash(place(data, reader)) + EXTENSION);
    if (Files.exists(copy) && Files.isSameFile(copy, data.path())) {
      throw new IllegalArgumentException("the cached copy " + copy + " is the data file itself:"
          + " refusing to write over an input; choose another cache directory");
    }
    return copy;
  }

  /**
   * The file's name as the start of its copy's: every character (code point) but ASCII
   * letters, digits and {@code ._-} made {@code _}, the first 48 kept. A loop rather than a
   * regular expression, whose first use compiled its pattern (about 9 ms of every read in a
   * fresh JVM); the same names as {@code replaceAll("[^A-Za-z0-9._-]", "_")}.
   */
  static String safeName(String fileName) {
    StringBuilder name = new StringBuilder();
    for (int i = 0; i < fileName.length() && name.length() < 48; ) {
      int c = fileName.codePointAt(i);
      i += Character.charCount(c);
      name.append(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
          || c == '.' || c == '_' || c == '-' ? (char) c : '_');
    }
    return name.toString();
  }

  /** What names the copy: the file's real path and the options, not its current state. */
  private static String place(Identity data, CsvReader reader) {
    Key k = new Key();
    k.put("path", data.path().toString());
    putOptions(k, reader);
    return k.toString();
  }

  /** What a copy must match to be used: the place, the file's state and the format. */
  static String key(Identity data, CsvReader reader) {
    Key k = new Key();
    k.put("version", Integer.toString(VERSION));
    k.put("path", data.path().toString());
    k.put("size", Long.toString(data.size()));
    k.put("modified", data.modified());
    k.put("fileKey", data.fileKey());
    k.put("changed", data.changed());
    putOptions(k, reader);
    return k.toString();
  }

  private static void putOptions(Key k, CsvReader reader) {
    CsvReader.Options o = reader.options();
    k.put("target", o.target());
    k.putAll("features", o.features());
    k.put("delimiter", Integer.toString(o.delimiter()));
    k.put("targetKind", o.targetKind().name());
    k.put("positiveLabel", o.positiveLabel());
    k.put("weightColumn", o.weightColumn());
    k.putAll("classes", reader.classes() == null ? null : reader.classes().labels());
    k.putAll("labels", reader.labels() == null ? null
        : List.of(reader.labels().negative(), reader.labels().positive()));
    // Whatever option a later version adds changes this too.
    k.put("options", o.toString());
  }

  /** An unambiguous text of named fields: each value length-prefixed, null distinct from "". */
  private static final class Key {
    private final StringBuilder text = new StringBuilder();

    void put(String name, String value) {
      text.append(name).append(value == null ? ":-" : ":" + value.length() + ":" + value)
          .append('\n');
    }

    void putAll(String name, List<String> values) {
      if (values == null) {
        put(name, null);
        return;
      }
      put(name + "#", Integer.toString(values.size()));
      for (String v : values) {
        put(name, v);
      }
    }

    @Override
    public String toString() {
      return text.toString();
    }
  }

  private static String hash(String text) {
    return HexFormat.of().formatHex(sha256(text), 0, 16);
  }

  /** The SHA-256 digest of {@code text} in UTF-8. */
  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /** The state of a data file that decides whether a copy of it is current. */
  record Identity(Path path, long size, String modified, String fileKey, String changed) {
    /** The latest and earliest times Java's file times tell apart (longs of nanoseconds). */
    private static final Instant LATEST = Instant.EPOCH.plusNanos(Long.MAX_VALUE);
    private static final Instant EARLIEST = Instant.EPOCH.plusNanos(Long.MIN_VALUE);

    /**
     * Whether the modification time is at or past an end of what Java tells apart to the
     * nanosecond (2262-04-11 and 1677-09-21): Java reads such a time to the microsecond at best
     * (a file dated 2300-01-01 00:00:00.0000001 reads as 2300-01-01 00:00:00), or as that end
     * itself, so an edit could keep it.
     */
    boolean timeUnclear() {
      Instant t = Instant.parse(modified);
      return !t.isBefore(LATEST) || !t.isAfter(EARLIEST);
    }

    static Identity of(Path file) throws IOException {
      Path real = file.toRealPath();
      BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
      // The time as the file system keeps it, every digit (a long of nanoseconds ends in 2262).
      return new Identity(real, a.size(), a.lastModifiedTime().toInstant().toString(),
          String.valueOf(a.fileKey()), statusChange(real));
    }

    /**
     * The inode's status-change time (Unix ctime), which every write sets to the clock and no
     * user can set back ({@code touch -r} restores the modification time, not this): a file
     * rewritten in place to the same size and modification time, or deleted and made again on
     * the same inode number (a cached copy was once served for such a file), has another one.
     * Empty where the file system has none.
     */
    private static String statusChange(Path real) throws IOException {
      try {
        return ((java.nio.file.attribute.FileTime) Files.getAttribute(real, "unix:ctime"))
            .toInstant().toString();
      } catch (UnsupportedOperationException | IllegalArgumentException e) {
        return "";
      }
    }
  }

  /** Why a copy was not used, for the notice. */
  private static final class Invalid extends Exception {
    Invalid(String reason) {
      super(reason, null, false, false);
    }
  }

  /** What a copy's header says: the key it was written for and the dataset's shape and names. */
  private record Header(String key, int rows, int features, List<String> featureNames,
      String targetName, BinaryLabels labels, ClassLabels classes, boolean weighted) {
    long xBytes() {
      return pad8((long) rows * features * Float.BYTES);
    }

    long dataBytes() {
      return xBytes() + (long) rows * Double.BYTES * (weighted ? 2 : 1);
    }

    byte[] encode() throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      writeString(out, key);
      out.writeInt(rows);
      out.writeInt(features);
      out.writeInt(featureNames.size());
      for (String f : featureNames) {
        writeString(out, f);
      }
      writeString(out, targetName);
      if (labels != null) {
        out.writeByte(BINARY_LABELS);
        writeString(out, labels.negative());
        writeString(out, labels.positive());
      } else if (classes != null) {
        out.writeByte(CLASS_LABELS);
        out.writeInt(classes.size());
        for (String l : classes.labels()) {
          writeString(out, l);
        }
      } else {
        out.writeByte(NO_LABELS);
      }
      out.writeBoolean(weighted);
      out.flush();
      return bytes.toByteArray();
    }

    static Header decode(byte[] header) throws IOException, Invalid {
      DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(header));
      String key = readString(in);
      int rows = in.readInt();
      int features = in.readInt();
      int names = in.readInt();
      if (rows < 0 || features < 0 || names != features) {
        throw new Invalid("its header is inconsistent");
      }
      List<String> featureNames = new ArrayList<>(names);
      for (int j = 0; j < names; j++) {
        featureNames.add(readString(in));
      }
      String targetName = readString(in);
      BinaryLabels labels = null;
      ClassLabels classes = null;
      byte kind = in.readByte();
      if (kind == BINARY_LABELS) {
        labels = new BinaryLabels(readString(in), readString(in));
      } else if (kind == CLASS_LABELS) {
        int c = in.readInt();
        List<String> l = new ArrayList<>();
        for (int k = 0; k < c; k++) {
          l.add(readString(in));
        }
        classes = new ClassLabels(l);
      } else if (kind != NO_LABELS) {
        throw new Invalid("its header is inconsistent");
      }
      boolean weighted = in.readBoolean();
      return new Header(key, rows, features, featureNames, targetName, labels, classes,
          weighted);
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
      if (s == null) {
        out.writeInt(-1);
        return;
      }
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      out.writeInt(b.length);
      out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException, Invalid {
      int n = in.readInt();
      if (n == -1) {
        return null;
      }
      if (n < 0 || n > in.available()) {
        throw new Invalid("its header is inconsistent");
      }
      return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }
  }

  private static long pad8(long bytes) {
    return (bytes + 7) & ~7L;
  }

  private static long align(long bytes) {
    return (bytes + ALIGN - 1) / ALIGN * ALIGN;
  }

  /** The dataset in a valid copy for {@code key}; empty when missing or stale or invalid. */
  private Optional<Dataset> load(Path copy, String key, String source, List<HeapNeed> needs)
      throws IOException {
    if (!Files.isRegularFile(copy)) {
      return Optional.empty();
    }
    try (FileChannel ch = FileChannel.open(copy, StandardOpenOption.READ)) {
      return Optional.ofNullable(load(ch, key, source, needs));
    } catch (NoSuchFileException e) {
      return Optional.empty(); // replaced by another process's copy since it was seen
    } catch (IOException e) {
      notices.accept("ignoring the cached copy " + copy + " of " + source + ": it cannot be"
          + " read (" + e.getMessage() + "); reading the file again");
      return Optional.empty();
    } catch (Invalid e) {
      notices.accept("ignoring the cached copy " + copy + " of " + source + ": "
          + e.getMessage() + "; reading the file again");
      return Optional.empty();
    }
  }

  /** The dataset, or null when the copy is for another key (a stale copy of the same file). */
  private static Dataset load(FileChannel ch, String key, String source, List<HeapNeed> needs)
      throws IOException, Invalid {
    long size = ch.size();
    ByteBuffer prefix = ByteBuffer.allocate(PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    if (size < PREFIX_BYTES || ch.read(prefix, 0) != PREFIX_BYTES) {
      throw new Invalid("it is truncated");
    }
    prefix.flip();
    byte[] magic = new byte[MAGIC.length];
    prefix.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new Invalid("it is not a cache file");
    }
    int version = prefix.getInt();
    if (version != VERSION) {
      throw new Invalid("it has format version " + version + ", not " + VERSION);
    }
    int headerBytes = prefix.getInt();
    long dataBytes = prefix.getLong();
    int headerCrc = prefix.getInt();
    int dataCrc = prefix.getInt();
    if (headerBytes < 0 || dataBytes < 0 || dataBytes > Long.MAX_VALUE / 2) {
      throw new Invalid("its header is damaged");
    }
    long dataStart = align(PREFIX_BYTES + (long) headerBytes);
    if (size != dataStart + dataBytes) {
      // The lengths are read before any checksum can cover them: a damaged length reads as a
      // damaged size (a flipped byte at offset 14 was called "truncated" in a whole file).
      throw new Invalid("its size, " + size + " bytes, is not the " + (dataStart + dataBytes)
          + " its header records (" + (size < dataStart + dataBytes
              ? "truncated, or its header damaged)" : "bytes beyond its data, or its header"
              + " damaged)"));
    }
    ByteBuffer headerBuffer = ByteBuffer.allocate(Math.toIntExact(dataStart - PREFIX_BYTES));
    while (headerBuffer.hasRemaining()) {
      if (ch.read(headerBuffer, PREFIX_BYTES + headerBuffer.position()) < 0) {
        throw new Invalid("it is truncated");
      }
    }
    CRC32C crc = new CRC32C();
    crc.update(prefix.array(), 0, 24);
    crc.update(headerBuffer.array());
    if ((int) crc.getValue() != headerCrc) {
      throw new Invalid("its header checksum does not match");
    }
    Header header;
    try {
      header = Header.decode(java.util.Arrays.copyOf(headerBuffer.array(), headerBytes));
    } catch (IOException | IllegalArgumentException e) {
      throw new Invalid("its header is damaged");
    }
    if (!header.key().equals(key)) {
      return null;
    }
    if (header.dataBytes() != dataBytes) {
      throw new Invalid("its header is inconsistent");
    }
    requireHeap(source, header.rows(), header.features(), needs);
    long values = (long) header.rows() * header.features();
    FeatureTarget x = FeatureTarget.of(ch, dataStart, values);
    double[] y = new double[header.rows()];
    double[] w = header.weighted() ? new double[header.rows()] : null;
    // The features' second half on a thread of its own where they are large, each half with its
    // own checksum; the checksums are joined into the one over the whole data.
    long xBytes = pad8(values * Float.BYTES);
    long split = xBytes >= PARALLEL_BYTES && Runtime.getRuntime().availableProcessors() > 1
        ? xBytes / 2 / SLICE_BYTES * SLICE_BYTES : xBytes;
    FeaturePart second = split < xBytes
        ? FeaturePart.start(ch, dataStart, split, xBytes, x) : null;
    crc.reset();
    ByteBuffer buffer = ByteBuffer.allocateDirect(SLICE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    try {
      x.read(ch, dataStart, 0, split, buffer, crc);
    } finally {
      if (second != null) {
        second.await(); // nothing may write into x once this returns
      }
    }
    int checksum = (int) crc.getValue();
    if (second != null) {
      checksum = Crc32cCombine.combine(checksum, second.checksum(), xBytes - split);
    }
    crc.reset();
    long at = readDoubles(ch, dataStart + xBytes, y, buffer, crc);
    if (w != null) {
      at = readDoubles(ch, at, w, buffer, crc);
    }
    checksum = Crc32cCombine.combine(checksum, (int) crc.getValue(), at - dataStart - xBytes);
    if (checksum != dataCrc) {
      throw new Invalid("its data checksum does not match");
    }
    try {
      Dataset data = Dataset.over(source, header.featureNames(), header.targetName(), x.rows(),
          y, header.classes() != null ? null : header.labels(), header.classes());
      return w == null ? data : data.withWeights(w);
    } catch (IllegalArgumentException e) {
      throw new Invalid("its data is inconsistent (" + e.getMessage() + ")");
    }
  }

  /**
   * Where a copy's features are read: in place, from a read-only mapping of the copy (a CPU
   * OpenCL device then reads them there, as the rows of a CSV file read in slices), or, where
   * that cannot be (more than a buffer's 2 GiB, a machine not little-endian as the copy, a file
   * that cannot be mapped), into a heap array through a slice buffer.
   *
   * <p>Why a mapping: the pages of a copy just written or read are in the page cache already,
   * while memory of the process's own is touched for the first time. On the 2-core virtual
   * machines this project is measured on, the first touch of fresh memory costs about 1.3 ms a
   * MiB (the host backs it lazily): a rerun of a 1M x 64 {@code train} spent 0.33 to 0.53 s
   * allocating a zeroed 256 MiB buffer for the features, and 0.09 to 0.10 s checking them
   * through the mapping (page faults included). A copy is only ever replaced whole (written
   * beside it, then renamed over it), which leaves a mapping of the old one intact; a copy cut
   * short by hand while a command uses it ends that command (a bus error).
   */
  private abstract static class FeatureTarget {
    /** The target for the {@code values} features that start at {@code at} in the copy. */
    static FeatureTarget of(FileChannel ch, long at, long values) throws IOException {
      long bytes = values * Float.BYTES;
      if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN && bytes > 0
          && bytes <= FeatureRows.MAX_OFF_HEAP_BYTES) {
        try {
          return new Mapped(ch.map(FileChannel.MapMode.READ_ONLY, at, bytes));
        } catch (UnsupportedOperationException | IOException e) {
          // a file system that cannot map files: read them onto the heap
        }
      }
      return new OnHeap(new float[Math.toIntExact(values)]);
    }

    /**
     * Reads (or, mapped, checks) the features' bytes {@code from} to {@code to} (the padding to
     * 8 bytes after the last value included) of the copy, whose features start at {@code at},
     * adding them to {@code crc} in order; {@code buffer} is the caller's slice buffer.
     */
    abstract void read(FileChannel ch, long at, long from, long to, ByteBuffer buffer,
        CRC32C crc) throws IOException, Invalid;

    /** The features read. */
    abstract FeatureRows rows();
  }

  private static final class OnHeap extends FeatureTarget {
    private final float[] x;

    OnHeap(float[] x) {
      this.x = x;
    }

    @Override
    void read(FileChannel ch, long at, long from, long to, ByteBuffer buffer, CRC32C crc)
        throws IOException, Invalid {
      readArray(ch, at + from, to - from, buffer, crc, (slice, done) -> {
        int first = (int) (from / Float.BYTES) + done;
        int n = Math.min(slice.remaining() / Float.BYTES, x.length - first);
        slice.asFloatBuffer().get(x, first, n);
        return n;
      });
    }

    @Override
    FeatureRows rows() {
      return FeatureRows.onHeap(x);
    }
  }

  private static final class Mapped extends FeatureTarget {
    private final ByteBuffer bytes;

    Mapped(ByteBuffer bytes) {
      this.bytes = bytes.order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The mapped bytes checked in place; the padding, which is not mapped, read. */
    @Override
    void read(FileChannel ch, long at, long from, long to, ByteBuffer buffer, CRC32C crc)
        throws IOException, Invalid {
      int end = (int) Math.min(to, bytes.capacity());
      ByteBuffer part = bytes.duplicate();
      part.limit(end).position((int) from);
      crc.update(part);
      if (to > end) {
        readSlice(ch, at + end, (int) (to - end), buffer, crc);
      }
    }

    @Override
    FeatureRows rows() {
      return FeatureRows.offHeap(bytes.asFloatBuffer());
    }
  }

  /**
   * Part of the features read (or, mapped, checked) on a thread of its own, with its own buffer
   * and checksum (the positional reads of one file channel may run at once). On the 2-core
   * machine the 264 MB copy of a 1M x 64 file loaded onto the heap in a fresh JVM in 0.133 s
   * against 0.148 s on one thread (medians of 12 alternating runs): the rest was mostly the
   * allocation of the array, on one thread.
   */
  private static final class FeaturePart implements Runnable {
    private final FileChannel ch;
    private final long at;
    private final long from;
    private final long to;
    private final FeatureTarget x;
    private final Thread thread;
    private int checksum;
    private Throwable failure;

    private FeaturePart(FileChannel ch, long at, long from, long to, FeatureTarget x) {
      this.ch = ch;
      this.at = at;
      this.from = from;
      this.to = to;
      this.x = x;
      this.thread = new Thread(this, "descent-cache-read");
      thread.setDaemon(true);
    }

    /** Starts reading the features' bytes {@code from} to {@code to} into {@code x}. */
    static FeaturePart start(FileChannel ch, long at, long from, long to, FeatureTarget x) {
      FeaturePart part = new FeaturePart(ch, at, from, to, x);
      part.thread.start();
      return part;
    }

    @Override
    public void run() {
      try {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocateDirect(SLICE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        x.read(ch, at, from, to, buffer, crc);
        checksum = (int) crc.getValue();
      } catch (IOException | Invalid | RuntimeException | Error e) {
        failure = e;
      }
    }

    /** The part's checksum, once {@link #await} has returned; or what the part failed with. */
    int checksum() throws IOException, Invalid {
      if (failure instanceof IOException e) {
        throw e;
      }
      if (failure instanceof Invalid e) {
        throw e;
      }
      if (failure instanceof RuntimeException e) {
        throw e;
      }
      if (failure instanceof Error e) {
        throw e;
      }
      return checksum;
    }

    /**
     * Waits for the part to end, however it ends; an interrupt meanwhile is kept for the caller
     * (the part is a read of at most half the copy).
     */
    void await() {
      boolean interrupted = false;
      while (thread.isAlive()) {
        try {
          thread.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Reads the double array at {@code at}; returns the offset after it. */
  private static long readDoubles(FileChannel ch, long at, double[] v, ByteBuffer buffer,
      CRC32C crc) throws IOException, Invalid {
    return readArray(ch, at, (long) v.length * Double.BYTES, buffer, crc, (slice, done) -> {
      int n = slice.remaining() / Double.BYTES;
      slice.asDoubleBuffer().get(v, done, n);
      return n;
    });
  }

  /** Copies one slice's values into an array from its value {@code done}; returns how many. */
  @FunctionalInterface
  private interface SliceCopy {
    int copy(ByteBuffer slice, int done);
  }

  /**
   * Reads the {@code bytes} from {@code at} slice by slice, each passed to {@code copy}; returns
   * the offset after them. The bytes come by positional reads into one direct buffer of {@link
   * #SLICE_BYTES}, checked and copied while in cache: a mapping of the file costs a page fault
   * every few pages (a 264 MB copy took 0.20 s mapped against 0.07 s read on a 2-core virtual
   * machine of this project).
   */
  private static long readArray(FileChannel ch, long at, long bytes, ByteBuffer buffer,
      CRC32C crc, SliceCopy copy) throws IOException, Invalid {
    int done = 0;
    for (long off = 0; off < bytes; off += SLICE_BYTES) {
      done += copy.copy(readSlice(ch, at + off, (int) Math.min(SLICE_BYTES, bytes - off),
          buffer, crc), done);
    }
    return at + bytes;
  }

  /**
   * {@code length} bytes of the file from {@code at} in {@code buffer} (flipped, little-endian),
   * added to {@code crc}.
   */
  private static ByteBuffer readSlice(FileChannel ch, long at, int length, ByteBuffer buffer,
      CRC32C crc) throws IOException, Invalid {
    buffer.clear().limit(length);
    while (buffer.hasRemaining()) {
      if (ch.read(buffer, at + buffer.position()) < 0) {
        throw new Invalid("it is truncated");
      }
    }
    buffer.flip();
    crc.update(buffer.duplicate());
    return buffer;
  }

  /** As {@link CsvReader} checks before reading rows: the dataset and what follows it. */
  private static void requireHeap(String source, int rows, int features, List<HeapNeed> needs) {
    List<HeapNeed> all = new ArrayList<>();
    all.add(HeapNeed.DATASET);
    all.addAll(needs);
    long needed = 0;
    for (HeapNeed need : all) {
      long b = need.bytes(rows, features);
      needed = needed + b < 0 ? Long.MAX_VALUE : needed + b;
    }
    if (needed <= available()) {
      return;
    }
    System.gc();
    if (needed > available()) {
      Runtime rt = Runtime.getRuntime();
      throw new InsufficientMemoryException(source, rows, features, all, rt.maxMemory(),
          rt.totalMemory() - rt.freeMemory());
    }
  }

  private static long available() {
    Runtime rt = Runtime.getRuntime();
    return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
  }

  /**
   * Writes a copy of {@code data} for {@code key}; a failure is a notice, not an error.
   *
   * @return whether the copy is in place
   */
  private boolean store(Path copy, String key, Dataset data) {
    try {
      Files.createDirectories(directory);
      replace(copy, temporary -> write(temporary, key, data));
      deleteStrayTemporaries();
      return true;
    } catch (IOException e) {
      notices.accept(NOT_WRITTEN + data.source() + " in " + directory + ": " + reason(e));
      return false;
    }
  }

  /** Writes a file's whole content. */
  @FunctionalInterface
  private interface Content {
    void writeTo(Path file) throws IOException;
  }

  /**
   * Replaces {@code target} (in the cache directory) with {@code content}: written to a
   * temporary file beside it, then moved into place atomically, so that a reader sees the old
   * file or the new one, never part of one; the temporary file is deleted on failure.
   */
  /**
   * Whether this cache moved a file into place at {@code target} (a copy, or its
   * standardization): for a command's Ctrl-C line, which names such a file as written. Any
   * thread.
   */
  public boolean wrote(Path target) {
    synchronized (moved) {
      // A signal between the rename and its record: the temporary file gone is the rename.
      return moved.contains(target) || target.equals(moving) && !Files.exists(movingFrom);
    }
  }

  /** The files {@link #replace} moved into place, as it named them. Guarded by itself. */
  private final java.util.Set<Path> moved = new java.util.HashSet<>();
  /** The file {@link #replace} is moving into place, and from where. Guarded by moved. */
  private Path moving;
  private Path movingFrom;

  private void replace(Path target, Content content) throws IOException {
    Path temporary = Files.createTempFile(directory, target.getFileName().toString() + ".",
        ".tmp");
    Exits.deleting(temporary);
    try {
      content.writeTo(temporary);
      try {
        synchronized (moved) {
          moving = target;
          movingFrom = temporary;
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
        synchronized (moved) {
          moved.add(target);
          moving = null;
        }
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the file system cannot replace a file atomically", e);
      }
      Exits.done(temporary);
      temporary = null;
    } finally {
      if (temporary != null) {
        try {
          Files.deleteIfExists(temporary);
        } catch (IOException e) {
          // Nothing more to do: a stray temporary file is never read as a copy.
        }
        Exits.done(temporary);
      }
    }
  }

  /**
   * The temporary files being written in this JVM, deleted by a shutdown hook should it exit
   * before they are moved into place (Ctrl-C, SIGTERM): a first run of a large file interrupted
   * would otherwise leave up to the copy's whole size behind.
   */
  static final class Exits {
    private static final java.util.Set<Path> WRITING =
        java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final java.util.concurrent.atomic.AtomicBoolean HOOKED =
        new java.util.concurrent.atomic.AtomicBoolean();

    static void deleting(Path temporary) {
      WRITING.add(temporary);
      if (HOOKED.compareAndSet(false, true)) {
        try {
          Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Path p : WRITING) {
              try {
                Files.deleteIfExists(p);
              } catch (IOException e) {
                // The JVM is exiting: the others still go; stray files are never read.
              }
            }
          }, "DatasetCache.temporaries"));
        } catch (IllegalStateException e) {
          // Already exiting: no later exit to clean up after.
        }
      }
    }

    static void done(Path temporary) {
      WRITING.remove(temporary);
    }
  }

  /** What went wrong, in words (the JDK's file exceptions name the file alone). */
  static String reason(IOException e) {
    if (e instanceof java.nio.file.FileAlreadyExistsException f) {
      Path file = Path.of(f.getFile());
      if (Files.isSymbolicLink(file) && !Files.exists(file)) {
        try {
          return file + " is a symbolic link to nothing (" + Files.readSymbolicLink(file) + ")";
        } catch (IOException | UnsupportedOperationException gone) {
          return file + " is a symbolic link to nothing";
        }
      }
      return f.getFile() + " exists and is not a directory";
    }
    if (e instanceof java.nio.file.AccessDeniedException a) {
      return a.getFile() + ": permission denied";
    }
    if (e instanceof java.nio.file.NoSuchFileException n) {
      return n.getFile() + ": no such file or directory";
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getFile() != null) {
      // A move names the temporary file first and its target second: the target is the news.
      return (f.getOtherFile() != null ? f.getOtherFile() : f.getFile()) + ": "
          + (f.getReason() != null ? f.getReason() : e.getClass().getSimpleName());
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /**
   * Deletes the temporary files of writers that stopped before moving them into place (killed,
   * or the machine went down) once they are {@link #STRAY_TEMPORARY_AGE} old: far older than any
   * write takes, so that no writer still at work loses its file.
   */
  private void deleteStrayTemporaries() {
    Instant limit = Instant.now().minus(STRAY_TEMPORARY_AGE);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory,
        "*" + EXTENSION + ".*.tmp")) {
      for (Path p : files) {
        try {
          if (Files.getLastModifiedTime(p).toInstant().isBefore(limit)) {
            Files.deleteIfExists(p);
          }
        } catch (IOException e) {
          // Another process deleted it first, or it cannot be deleted: leave it.
        }
      }
    } catch (IOException e) {
      // The copy is in place; tidying is best effort.
    }
  }

  /** Writes the whole copy to {@code file}: prefix, header, padding, then the arrays. */
  static void write(Path file, String key, Dataset data) throws IOException {
    Header header = new Header(key, data.rows(), data.features(), data.featureNames(),
        data.targetName(), data.labels().orElse(null), data.classLabels().orElse(null),
        data.weights() != null);
    byte[] encoded = header.encode();
    long dataStart = align(PREFIX_BYTES + (long) encoded.length);
    ByteBuffer headerBuffer = ByteBuffer.allocate(Math.toIntExact(dataStart - PREFIX_BYTES));
    headerBuffer.put(encoded).clear();
    ByteBuffer prefix = ByteBuffer.allocate(PREFIX_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    prefix.put(MAGIC).putInt(VERSION).putInt(encoded.length).putLong(header.dataBytes());
    CRC32C crc = new CRC32C();
    crc.update(prefix.array(), 0, 24);
    crc.update(headerBuffer.array());
    prefix.putInt((int) crc.getValue());
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      ch.position(PREFIX_BYTES);
      writeFully(ch, headerBuffer);
      crc.reset();
      ByteBuffer buffer = ByteBuffer.allocateDirect(SLICE_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      // The features from wherever the dataset keeps them.
      java.nio.FloatBuffer offHeap = data.offHeapRows().orElse(null);
      float[] x = offHeap == null ? data.x() : null;
      int values = data.rows() * data.features();
      for (int i = 0; i < values; ) {
        buffer.clear();
        int n = Math.min(buffer.capacity() / Float.BYTES, values - i);
        if (x != null) {
          buffer.asFloatBuffer().put(x, i, n);
        } else {
          buffer.asFloatBuffer().put(0, offHeap, i, n);
        }
        buffer.limit(n * Float.BYTES);
        i += n;
        if (i == values && values % 2 == 1) {
          buffer.limit(buffer.limit() + Float.BYTES);
          buffer.putInt(n * Float.BYTES, 0);
        }
        crc.update(buffer.duplicate());
        writeFully(ch, buffer);
      }
      writeDoubles(ch, data.y(), buffer, crc);
      if (data.weights() != null) {
        writeDoubles(ch, data.weights(), buffer, crc);
      }
      prefix.putInt((int) crc.getValue());
      prefix.flip();
      ch.position(0);
      writeFully(ch, prefix);
    }
  }

  private static void writeDoubles(FileChannel ch, double[] v, ByteBuffer buffer, CRC32C crc)
      throws IOException {
    for (int i = 0; i < v.length; ) {
      buffer.clear();
      int n = Math.min(buffer.capacity() / Double.BYTES, v.length - i);
      buffer.asDoubleBuffer().put(v, i, n);
      buffer.limit(n * Double.BYTES);
      i += n;
      crc.update(buffer.duplicate());
      writeFully(ch, buffer);
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      ch.write(buffer);
    }
  }

  @Override
  public String toString() {
    return "DatasetCache[" + directory + "]";
  }
}

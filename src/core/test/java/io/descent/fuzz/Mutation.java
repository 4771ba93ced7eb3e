package io.descent.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * One edit of a file's bytes, for fuzzing readers with inputs that are almost valid: flip a bit,
 * overwrite, insert, delete, duplicate, cut, or change a digit. Where it applies is a fraction of
 * the length, so that one mutation fits any file and jqwik can shrink a failing list of them.
 *
 * @param kind what to do
 * @param at where, as a fraction in [0, 1) of the current length
 * @param length how many bytes to delete or duplicate (1 or more)
 * @param bytes what to insert or overwrite with
 */
public record Mutation(Kind kind, double at, int length, byte[] bytes) {
  /** The edits. */
  public enum Kind {
    /** Flip one bit of one byte ({@code length} picks the bit). */
    FLIP_BIT,
    /** Overwrite bytes with {@code bytes}. */
    OVERWRITE,
    /** Insert {@code bytes}. */
    INSERT,
    /** Delete {@code length} bytes. */
    DELETE,
    /** Repeat the {@code length} bytes that start here. */
    DUPLICATE,
    /** Replace {@code length} bytes with {@code bytes}. */
    REPLACE,
    /** Cut the file here. */
    TRUNCATE,
    /**
     * Change the first ASCII digit from here on to digit {@code length % 10}: an edit that often
     * leaves the file valid with another value, to check the reader takes the new value.
     */
    DIGIT
  }

  /** The edit applied to {@code in} (which is not changed). */
  public byte[] apply(byte[] in) {
    int n = in.length;
    int i = (int) Math.min(n, Math.floor(at * (n + 1)));
    ByteArrayOutputStream out = new ByteArrayOutputStream(n + bytes.length + length);
    switch (kind) {
      case FLIP_BIT -> {
        if (n == 0) {
          return in.clone();
        }
        byte[] b = in.clone();
        int k = Math.min(i, n - 1);
        b[k] ^= (byte) (1 << (length % 8));
        return b;
      }
      case OVERWRITE -> {
        byte[] b = in.clone();
        for (int k = 0; k < bytes.length && i + k < n; k++) {
          b[i + k] = bytes[k];
        }
        return b;
      }
      case INSERT -> {
        out.write(in, 0, i);
        out.writeBytes(bytes);
        out.write(in, i, n - i);
      }
      case DELETE -> {
        out.write(in, 0, i);
        int j = Math.min(n, i + length);
        out.write(in, j, n - j);
      }
      case DUPLICATE -> {
        int j = Math.min(n, i + length);
        out.write(in, 0, j);
        out.write(in, i, n - i);
      }
      case REPLACE -> {
        out.write(in, 0, i);
        out.writeBytes(bytes);
        int j = Math.min(n, i + length);
        out.write(in, j, n - j);
      }
      case TRUNCATE -> out.write(in, 0, i);
      case DIGIT -> {
        byte[] b = in.clone();
        for (int k = i; k < n; k++) {
          if (b[k] >= '0' && b[k] <= '9') {
            b[k] = (byte) ('0' + length % 10);
            break;
          }
        }
        return b;
      }
      default -> throw new AssertionError(kind);
    }
    return out.toByteArray();
  }

  /** All of {@code mutations} applied in order. */
  public static byte[] applyAll(byte[] in, List<Mutation> mutations) {
    byte[] b = in;
    for (Mutation m : mutations) {
      b = m.apply(b);
    }
    return b;
  }

  /**
   * Mutations whose inserted bytes come from {@code snippets} (the tokens that matter to the
   * format at hand) or are arbitrary bytes; a cut is rarer than the other edits, since it hides
   * the rest.
   */
  public static Arbitrary<Mutation> arbitrary(List<String> snippets) {
    Arbitrary<byte[]> snippet = Arbitraries.of(snippets)
        .map(s -> s.getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> special = Arbitraries.of(
        new byte[] {0}, new byte[] {(byte) 0xff}, new byte[] {(byte) 0x80},
        new byte[] {(byte) 0xc3}, new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf},
        new byte[] {(byte) 0xc0, (byte) 0x80}, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
        new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80});
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(4);
    Arbitrary<byte[]> inserted = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, snippet), net.jqwik.api.Tuple.of(2, special),
        net.jqwik.api.Tuple.of(2, random));
    Arbitrary<Kind> kind = Arbitraries.frequency(
        net.jqwik.api.Tuple.of(3, Kind.FLIP_BIT), net.jqwik.api.Tuple.of(3, Kind.OVERWRITE),
        net.jqwik.api.Tuple.of(5, Kind.INSERT), net.jqwik.api.Tuple.of(4, Kind.DELETE),
        net.jqwik.api.Tuple.of(2, Kind.DUPLICATE), net.jqwik.api.Tuple.of(5, Kind.REPLACE),
        net.jqwik.api.Tuple.of(1, Kind.TRUNCATE), net.jqwik.api.Tuple.of(6, Kind.DIGIT));
    Arbitrary<Double> at = Arbitraries.doubles().between(0, 1).ofScale(6)
        .filter(d -> d < 1);
    Arbitrary<Integer> length = Arbitraries.integers().between(1, 40)
        .withDistribution(net.jqwik.api.RandomDistribution.biased());
    return Combinators.combine(kind, at, length, inserted).as(Mutation::new);
  }

  @Override
  public String toString() {
    return kind + "@" + at + (kind == Kind.INSERT || kind == Kind.OVERWRITE
        || kind == Kind.REPLACE ? " " + Escape.bytes(bytes) : "")
        + (kind == Kind.DELETE || kind == Kind.DUPLICATE || kind == Kind.REPLACE
        || kind == Kind.FLIP_BIT ? " x" + length : kind == Kind.DIGIT ? " to " + length % 10 : "");
  }
}

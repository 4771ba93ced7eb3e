package io.descent.data;

/**
 * The CRC32C of two byte strings one after the other, from the CRC32C of each and the second's
 * length: {@code combine(crc(a), crc(b), b.length) == crc(a + b)}, for the checksum {@link
 * java.util.zip.CRC32C} computes (polynomial 0x1EDC6F41, bits reflected, register and result
 * inverted). So parts of a file can be checked on several threads and their checksums joined
 * into the one a single pass gives.
 *
 * <p>Why it works: without its inversions a CRC is linear over GF(2), and appending {@code n}
 * bytes multiplies the register by {@code x^(8n)} modulo the polynomial; the inversions of the
 * two parts' registers cancel in the sum. So {@code crc(a + b) = crc(a) * x^(8n) + crc(b)}
 * modulo the polynomial, computed here by carry-less multiplication in the reflected bit order
 * (the highest bit of an int is {@code x^0}), with {@code x^(8n)} from a table of repeated
 * squares: at most 64 multiplications of 32 steps each, for any length.
 */
final class Crc32cCombine {
  /** The polynomial, reflected. */
  private static final int POLYNOMIAL = 0x82F63B78;
  /** {@code x^0}, the polynomial 1, in the reflected order. */
  private static final int ONE = 1 << 31;
  /** {@code X2K[k] = x^(2^k)} modulo the polynomial, for every k a length in bits needs. */
  private static final int[] X2K = new int[3 + Long.SIZE];

  static {
    X2K[0] = 1 << 30; // x^1
    for (int k = 1; k < X2K.length; k++) {
      X2K[k] = multiply(X2K[k - 1], X2K[k - 1]);
    }
  }

  private Crc32cCombine() {}

  /**
   * The CRC32C of {@code a} followed by {@code b}, from {@code crcA}, {@code crcB} and the length
   * of {@code b} in bytes ({@code >= 0}).
   */
  static int combine(int crcA, int crcB, long lengthB) {
    if (lengthB < 0) {
      throw new IllegalArgumentException("a length of " + lengthB + " bytes");
    }
    return multiply(powerOfX(lengthB), crcA) ^ crcB;
  }

  /** {@code x^(8 n)} modulo the polynomial. */
  private static int powerOfX(long n) {
    int p = ONE;
    int k = 3; // 8 n = n * 2^3
    for (long m = n; m != 0; m >>>= 1, k++) {
      if ((m & 1) != 0) {
        p = multiply(X2K[k], p);
      }
    }
    return p;
  }

  /** {@code a * b} modulo the polynomial, both in the reflected order. */
  private static int multiply(int a, int b) {
    int product = 0;
    for (int bit = ONE; bit != 0; bit >>>= 1) {
      if ((a & bit) != 0) {
        product ^= b;
      }
      b = (b & 1) != 0 ? (b >>> 1) ^ POLYNOMIAL : b >>> 1;
    }
    return product;
  }
}

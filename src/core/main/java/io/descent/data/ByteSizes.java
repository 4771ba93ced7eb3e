package io.descent.data;

import java.util.Locale;

/** Sizes in bytes as short figures for messages ("1.50 GiB", "256.0 MiB", "512 bytes"). */
public final class ByteSizes {
  private ByteSizes() {}

  /** {@code bytes} in TiB or GiB (two decimals), MiB (one), or plain bytes below 1 MiB. */
  public static String of(long bytes) {
    if (bytes >= 1L << 40) {
      return String.format(Locale.ROOT, "%.2f TiB", bytes / (double) (1L << 40));
    }
    if (bytes >= 1L << 30) {
      return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) (1L << 30));
    }
    if (bytes >= 1L << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }
    return bytes + " bytes";
  }
}

package io.descent.data;

import java.util.Objects;

/**
 * The original labels of a binary target: {@code negative} is encoded as 0, {@code positive} as 1.
 * For a 0/1 target these are "0" and "1"; for true/false, "false" and "true".
 */
public record BinaryLabels(String negative, String positive) {
  /** Checks both labels are present and distinct. */
  public BinaryLabels {
    Objects.requireNonNull(negative, "negative");
    Objects.requireNonNull(positive, "positive");
    if (negative.equals(positive)) {
      throw new IllegalArgumentException("labels must differ, got \"" + negative + "\" twice");
    }
  }

  /** The labels of a target already coded 0 and 1. */
  public static BinaryLabels zeroOne() {
    return new BinaryLabels("0", "1");
  }

  /** The label of a class: 0 for negative, 1 for positive. */
  public String label(int cls) {
    return cls == 1 ? positive : negative;
  }
}

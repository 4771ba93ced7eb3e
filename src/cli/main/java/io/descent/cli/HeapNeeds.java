package io.descent.cli;

import io.descent.data.HeapNeed;
import io.descent.loss.Loss;
import io.descent.train.TrainingConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * What each command allocates on the heap after reading its CSV, so that the reader can check
 * it with the dataset before reading any row, and a run too large for the heap fails at once
 * with the figure instead of an {@link OutOfMemoryError} part-way. ({@code predict} reads no
 * dataset: it streams its rows in constant memory.)
 */
final class HeapNeeds {
  /**
   * The JVM and the libraries loaded after the data is read (backends, JSON), and the room G1
   * needs beside two large arrays (a young generation, the rest of each array's last region).
   * Measured on files of {@code generate --features 64 --seed 1} with 50,000, 200,000 and
   * 400,000 rows (13 to 101 MiB of data), stepping {@code -Xmx} by 2 MiB: the smallest heap that
   * trains (reference, OpenCL, ND4J; with and without a validation split; full batch and SGD),
   * predicts or evaluates is 3 to 8.5 MiB above the data, its copies and the heap already in use
   * when the data is checked (about 5 MiB), the same at every size; ND4J needs the most. Twice
   * that leaves room for the measurement's steps and what a later build adds.
   */
  static final HeapNeed JVM_AND_LIBRARIES =
      new HeapNeed("the JVM and the libraries still to load", 0, 0, 16L << 20);

  private HeapNeeds() {}

  /**
   * {@code train}: with a test fraction, the training and test rows are copied out of the data
   * (one more copy of every row, and the split's row indices), and the metrics of each set need
   * their margins afterwards (16 bytes a row) and, with a validation fraction too, the fitted
   * rows copied out once more; with a validation fraction, the training and
   * validation rows are copied out of the data (one more copy of every row, and the split's row
   * indices: a permutation, its two parts and their sorted copies, 16 bytes a row); mini-batch
   * optimizers shuffle an index array per epoch (the old order and the new, 8 bytes a row).
   */
  static List<HeapNeed> train(TrainingConfig config, double testFraction) {
    return train(config, testFraction, false);
  }

  /**
   * As {@link #train(TrainingConfig, double)}, and with row or class weights ({@code
   * weighted}): the weights read, their copies in the splits, and the class weights' two arrays
   * (4 float64 a row, an upper bound).
   */
  static List<HeapNeed> train(TrainingConfig config, double testFraction, boolean weighted) {
    List<HeapNeed> needs = new ArrayList<>();
    if (weighted) {
      needs.add(new HeapNeed("the row weights", 0, 4 * Double.BYTES, 0));
    }
    if (testFraction > 0) {
      int copies = config.validationFraction() > 0 ? 2 : 1;
      needs.add(new HeapNeed("the test split's copies", copies * Float.BYTES,
          (copies + 2) * Double.BYTES + 4 * Integer.BYTES, 0));
    }
    if (config.validationFraction() > 0) {
      needs.add(new HeapNeed("the validation split's copies", Float.BYTES,
          Double.BYTES + 4 * Integer.BYTES, 0));
    }
    if (!config.isFullBatch()) {
      needs.add(new HeapNeed("the mini-batch shuffle", 0, 2 * Integer.BYTES, 0));
    }
    needs.add(JVM_AND_LIBRARIES);
    return needs;
  }

  /**
   * {@code cv}: one fold's training rows copied at a time to standardize them (up to all rows
   * once more), then the held-out rows of every fold (all rows once more), not both at once; per
   * row its fold, the fold index arrays (k ints), its target in the copies and its margin and
   * target when scored (three doubles); the refit allocates nothing more than this.
   */
  static List<HeapNeed> cv(int folds) {
    return cv(folds, false);
  }

  /**
   * As {@link #cv(int)}, with row or class weights ({@code weighted}): the weights read and
   * their weighted copies (one per fold with balanced class weights; an upper bound).
   */
  static List<HeapNeed> cv(int folds, boolean weighted) {
    HeapNeed copies = new HeapNeed("the folds' copies", Float.BYTES,
        (long) (folds + 1) * Integer.BYTES + 3 * Double.BYTES, 0);
    if (!weighted) {
      return List.of(copies, JVM_AND_LIBRARIES);
    }
    return List.of(copies, new HeapNeed("the row weights", 0,
        (long) (folds + 2) * Double.BYTES, 0), JVM_AND_LIBRARIES);
  }

  /**
   * {@code evaluate}: the margins, and for a logistic model their copies split by class for the
   * ROC AUC.
   */
  static List<HeapNeed> evaluate(Loss loss) {
    return evaluate(loss, 0);
  }

  /**
   * {@code evaluate} of a model of {@code classes} classes: a multinomial model's margins are C
   * a row, and the class target is coded once more by the model's classes.
   */
  static List<HeapNeed> evaluate(Loss loss, int classes) {
    long perRow = loss.coupled() ? (classes + 1L) * Double.BYTES
        : loss == Loss.LOGISTIC ? 2 * Double.BYTES : Double.BYTES;
    return List.of(new HeapNeed("the predictions", 0, perRow, 0), JVM_AND_LIBRARIES);
  }

  /** {@code gradcheck}: nothing per row beyond the data. */
  static List<HeapNeed> gradcheck() {
    return List.of(JVM_AND_LIBRARIES);
  }
}

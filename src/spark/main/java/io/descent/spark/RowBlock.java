package io.descent.spark;

import io.descent.data.Dataset;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * The rows of one partition as a fit caches them: float32 features, row-major ({@code rows x
 * features}), the label and the row weight of each row. Sparse feature vectors are densified
 * here (every zero stored), so a block takes {@code 4 d} bytes a row whatever the sparsity.
 */
final class RowBlock implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Rows per chunk while a partition's rows are gathered, at most. */
  static final int CHUNK_ROWS = 1 << 14;
  /**
   * Feature values per chunk, at most: {@value} (4 MiB). A chunk of {@link #CHUNK_ROWS} rows of
   * HashingTF's 2^18 features overflowed an int (an empty array, then an index out of bounds),
   * and one of 20,000 features took 1.3 GB per task for a partition of 150 rows (an out of
   * memory error that ended the Spark session): wide rows take fewer rows per chunk.
   */
  static final int CHUNK_VALUES = 1 << 20;
  /** The source name of a block's dataset, in core's messages. */
  private static final String SOURCE = "a partition's rows";

  final int rows;
  final int features;
  final float[] x;
  final double[] y;
  /** One weight per row, or null when the fit has no weight column. */
  final double[] weights;
  /** Each row's cross-validation fold (0..k-1), or null when the fit has no folds. */
  final int[] folds;
  /** {@link #dataset()}, once made (not serialized: made again where the block is read back). */
  private transient Dataset dataset;

  private RowBlock(int rows, int features, float[] x, double[] y, double[] weights,
      int[] folds) {
    this.rows = rows;
    this.features = features;
    this.x = x;
    this.y = y;
    this.weights = weights;
    this.folds = folds;
  }

  /** The block of a partition whose rows are (features vector, label, [weight]). */
  static Iterator<RowBlock> of(Iterator<Row> input, boolean weighted) {
    return of(input, weighted, false);
  }

  /**
   * The block of a partition whose rows are (features vector, label, [weight]).
   *
   * @param weighted whether each row has a third field, its weight
   * @param folded whether each row has a last field, its fold (an int, 0..k-1)
   * @throws IllegalArgumentException for a feature vector of another size than the first, a
   *     value that is not finite or too large for float32, or a weight that is negative or not
   *     finite
   */
  static Iterator<RowBlock> of(Iterator<Row> input, boolean weighted, boolean folded) {
    Builder b = new Builder(weighted, folded);
    int foldField = weighted ? 3 : 2;
    while (input.hasNext()) {
      Row row = input.next();
      Vector v = (Vector) row.get(0);
      if (v == null) {
        throw new IllegalArgumentException("a row has no feature vector (null)");
      }
      float[] x = b.next(v.size());
      int base = b.base();
      if (v instanceof SparseVector s) {
        int[] idx = s.indices();
        double[] val = s.values();
        for (int k = 0; k < idx.length; k++) {
          x[base + idx[k]] = toFloat(val[k]);
        }
      } else {
        double[] val = ((DenseVector) v).values();
        for (int j = 0; j < val.length; j++) {
          x[base + j] = toFloat(val[j]);
        }
      }
      b.finish(row.isNullAt(1) ? null : row.getDouble(1),
          weighted ? (row.isNullAt(2) ? null : row.getDouble(2)) : Double.valueOf(1),
          folded ? row.getInt(foldField) : 0);
    }
    return b.block();
  }

  /**
   * As {@link #of(Iterator, boolean, boolean)}, from Spark SQL's internal rows, whose first
   * field is an ML {@code Vector} in {@code VectorUDT}'s storage (a struct of its type, 0 sparse
   * or 1 dense, size, indices and values): every value is read where it lies, with no vector or
   * row object made per row.
   */
  static Iterator<RowBlock> ofInternal(Iterator<InternalRow> input, boolean weighted,
      boolean folded) {
    Builder b = new Builder(weighted, folded);
    int foldField = weighted ? 3 : 2;
    while (input.hasNext()) {
      InternalRow row = input.next();
      if (row.isNullAt(0)) {
        throw new IllegalArgumentException("a row has no feature vector (null)");
      }
      InternalRow v = row.getStruct(0, 4);
      ArrayData values = v.getArray(3);
      if (v.getByte(0) == 0) {
        ArrayData idx = v.getArray(2);
        float[] x = b.next(v.getInt(1));
        int base = b.base();
        int nnz = values.numElements();
        for (int k = 0; k < nnz; k++) {
          x[base + idx.getInt(k)] = toFloat(values.getDouble(k));
        }
      } else {
        int size = values.numElements();
        float[] x = b.next(size);
        int base = b.base();
        for (int j = 0; j < size; j++) {
          x[base + j] = toFloat(values.getDouble(j));
        }
      }
      b.finish(row.isNullAt(1) ? null : row.getDouble(1),
          weighted ? (row.isNullAt(2) ? null : row.getDouble(2)) : Double.valueOf(1),
          folded ? row.getInt(foldField) : 0);
    }
    return b.block();
  }

  /**
   * Gathers a partition's rows: features in chunks of {@link #CHUNK_ROWS} rows, fewer for wide
   * rows ({@link #CHUNK_VALUES}) (so a growing
   * partition is never copied into ever larger arrays), copied once into the block at the end.
   */
  private static final class Builder {
    private final boolean weighted;
    private final boolean folded;
    private final List<float[]> chunks = new ArrayList<>();
    private float[] chunk;
    /** Rows per chunk for this partition's width (0 until the first row). */
    private int chunkRows;
    private int inChunk;
    private int d = -1;
    private int n;
    private double[] y = new double[CHUNK_ROWS];
    private double[] w;
    private int[] f;

    Builder(boolean weighted, boolean folded) {
      this.weighted = weighted;
      this.folded = folded;
      this.w = weighted ? new double[CHUNK_ROWS] : null;
      this.f = folded ? new int[CHUNK_ROWS] : null;
    }

    /** The chunk to write the next row of {@code size} features into, at {@link #base()}. */
    float[] next(int size) {
      if (d < 0) {
        d = size;
      } else if (size != d) {
        throw new IllegalArgumentException("feature vectors of different sizes: " + d + " and "
            + size);
      }
      if (inChunk == chunkRows) {
        if ((long) (n + 1) * d > Integer.MAX_VALUE - 8) {
          throw new IllegalArgumentException("a partition of more than " + n + " rows of " + d
              + " features does not fit one block: use more partitions");
        }
        if (chunkRows == 0) {
          chunkRows = Math.max(1, Math.min(CHUNK_ROWS, CHUNK_VALUES / Math.max(d, 1)));
        }
        chunk = new float[chunkRows * Math.max(d, 1)];
        chunks.add(chunk);
        inChunk = 0;
      }
      if (n == y.length) {
        y = Arrays.copyOf(y, 2 * n);
        if (w != null) {
          w = Arrays.copyOf(w, 2 * n);
        }
        if (f != null) {
          f = Arrays.copyOf(f, 2 * n);
        }
      }
      return chunk;
    }

    /** Where the row {@link #next} opened starts in its chunk. */
    int base() {
      return inChunk * d;
    }

    /** Ends the row {@link #next} opened: its label (null: missing), weight and fold. */
    void finish(Double label, Double weight, int fold) {
      if (label == null) {
        throw new IllegalArgumentException("a row has no label (null)");
      }
      double l = label;
      if (!Double.isFinite(l)) {
        throw new IllegalArgumentException("a label is not finite: " + l);
      }
      y[n] = l;
      if (weighted) {
        if (weight == null) {
          throw new IllegalArgumentException("a row has no weight (null)");
        }
        if (!(weight >= 0) || !Double.isFinite(weight)) {
          throw new IllegalArgumentException("a row weight is " + weight
              + ": weights must be finite and >= 0");
        }
        w[n] = weight;
      }
      if (folded) {
        f[n] = fold;
      }
      inChunk++;
      n++;
    }

    Iterator<RowBlock> block() {
      if (n == 0) {
        return List.<RowBlock>of().iterator();
      }
      if ((long) n * d > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("a partition of " + n + " rows of " + d
            + " features does not fit one block: use more partitions");
      }
      float[] x = new float[n * d];
      for (int c = 0; c < chunks.size(); c++) {
        int rows = Math.min(chunkRows, n - c * chunkRows);
        System.arraycopy(chunks.get(c), 0, x, c * chunkRows * d, rows * d);
      }
      chunks.clear();
      return List.of(new RowBlock(n, d, x, Arrays.copyOf(y, n),
          w == null ? null : Arrays.copyOf(w, n), f == null ? null : Arrays.copyOf(f, n)))
          .iterator();
    }
  }

  private static float toFloat(double v) {
    float f = (float) v;
    if (!Float.isFinite(f)) {
      throw new IllegalArgumentException("a feature value is " + v
          + ": features must be finite and within float32's range");
    }
    return f;
  }

  /**
   * This block as a core dataset (arrays shared), with its weights; made once per block object
   * (every open of the block's partition in this executor shares it). Its values were checked
   * when the block was built, so they are not checked again.
   */
  Dataset dataset() {
    Dataset data = dataset;
    if (data == null) {
      data = new Dataset(SOURCE, names(features), "y", x, y, null);
      if (weights != null) {
        data = data.withPartWeights(weights);
      }
      dataset = data;
    }
    return data;
  }

  private static List<String> names(int d) {
    List<String> names = new ArrayList<>(d);
    for (int j = 0; j < d; j++) {
      names.add("x" + j);
    }
    return names;
  }
}

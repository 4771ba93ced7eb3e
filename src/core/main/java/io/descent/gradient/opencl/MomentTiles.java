package io.descent.gradient.opencl;

/**
 * The cpu layout's shape for the moments kernel ({@code moments_rows} in {@code
 * kernels/moments.cl}), a GEMM micro-kernel's: register tiles of {@code tileRows} x ({@code
 * tileVectors} x {@code vectorWidth}) entries of the features' triangle, run over blocks of
 * {@code blockRows} staged rows, folded into the compensated totals every {@code foldBlocks}
 * blocks.
 *
 * <p>Chosen from the device's vector registers ({@link CpuShape#lanes}), never from the CPU
 * this was written on: VW doubles fill one register; the tile's {@code tileRows * 2}
 * accumulators plus 2 loaded vectors and 1 broadcast fit the register file, with enough
 * independent accumulators to cover the multiply-add latency on two pipes (8 at 4 cycles):
 * 6 x 2 = 12 (15 of 16 registers) below 512-bit vectors, 8 x 2 = 16 (19 of 32) with AVX-512.
 * On a 2-core AVX2 EPYC a 4 x 2 tile (8 accumulators, exactly the latency's worth) did no
 * better than 6 x 2 though it computes 6% fewer entries. The block is as many rows as keep its
 * staged copy (a panel copy and a weighted copy, about 2 p doubles a row) within {@link
 * #STAGE_BYTES}, at most {@link #MAX_BLOCK_ROWS} (32 and 128 measured the same).
 *
 * @param vectorWidth VW: doubles per vector (2, 4 or 8)
 * @param tileRows TJ: rows of a features' tile (broadcast values)
 * @param tileVectors TK: vectors per row of a tile
 * @param blockRows BR: rows staged per block
 * @param foldBlocks FOLD: blocks summed in plain double between compensated folds
 */
record MomentTiles(int vectorWidth, int tileRows, int tileVectors, int blockRows,
    int foldBlocks) {
  /** The most bytes of a block's staged panels (private memory of each work-item). */
  static final int STAGE_BYTES = 128 << 10;
  /** The most rows of a block. */
  static final int MAX_BLOCK_ROWS = 64;
  /** The fewest rows of a block. */
  static final int MIN_BLOCK_ROWS = 4;
  /**
   * Blocks between compensated folds: {@value} blocks of at most {@link #MAX_BLOCK_ROWS} rows,
   * so a plain double sum runs over at most 512 rows (a relative error of about 512 x 1.1e-16
   * of the sum of the entries' absolute values, under the 1e-12 the moments are tested to).
   */
  static final int FOLD_BLOCKS = 8;
  /** Register bytes from which a device has 32 vector registers (AVX-512). */
  static final int WIDE_REGISTER_BYTES = 64;

  /** The tiles for a device and {@code p} augmented columns (features + 2). */
  static MomentTiles forDevice(ClDevice device, int p) {
    int vw = Math.min(8, CpuShape.lanes(device, true));
    int tj = device.vectorRegisterBytes() >= WIDE_REGISTER_BYTES ? 8 : 6;
    MomentTiles sized = new MomentTiles(vw, tj, 2, 1, FOLD_BLOCKS);
    long perRow = 8L * (sized.paddedRows(p) + sized.paddedColumns(p));
    int br = (int) Math.max(MIN_BLOCK_ROWS, Math.min(MAX_BLOCK_ROWS, STAGE_BYTES / perRow));
    return new MomentTiles(vw, tj, 2, br, FOLD_BLOCKS);
  }

  /** Columns of one tile (TK x VW). */
  int tileColumns() {
    return tileVectors * vectorWidth;
  }

  /** PF: the features rounded up to the tile's columns. */
  int paddedFeatures(int p) {
    int kw = tileColumns();
    return (p - 2 + kw - 1) / kw * kw;
  }

  /** PJ: PF rounded up to the tile's rows, the square's feature rows. */
  int featureRows(int p) {
    return (paddedFeatures(p) + tileRows - 1) / tileRows * tileRows;
  }

  /** The rows of each work-item's square of sums: PJ + 2 (the features', then the border's). */
  int paddedRows(int p) {
    return featureRows(p) + 2;
  }

  /** PK: the columns of the square, p rounded up to the tile's columns. */
  int paddedColumns(int p) {
    int kw = tileColumns();
    return (p + kw - 1) / kw * kw;
  }

  /**
   * Where the kernel leaves the sum of entry (a, b) of the augmented rows in its own order
   * ({@code [x_1, ..., x_d, 1, y]}: feature j at j - 1, the constant at d, the target at d + 1),
   * as an index into a work-item's square: a pair of features at row min, column max; a pair
   * with the constant or the target at border row PJ + (max - d), column min.
   */
  int squareIndex(int p, int a, int b) {
    int d = p - 2;
    int lo = Math.min(a, b);
    int hi = Math.max(a, b);
    return hi >= d ? (featureRows(p) + hi - d) * paddedColumns(p) + lo
        : lo * paddedColumns(p) + hi;
  }

  /**
   * The build options' defines for {@code p} augmented columns; {@code weighted}: the rows have
   * weights (otherwise every row weighs 1, and the kernel stages one copy of each block).
   */
  String defines(int p, boolean weighted) {
    return "-DP=" + p + " -DVW=" + vectorWidth + " -DTJ=" + tileRows + " -DTK=" + tileVectors
        + " -DBR=" + blockRows + " -DFOLD=" + foldBlocks + " -DWEIGHTED=" + (weighted ? 1 : 0);
  }
}

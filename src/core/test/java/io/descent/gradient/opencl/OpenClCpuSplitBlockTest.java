package io.descent.gradient.opencl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The OpenCL contract with the single-column cpu kernel's blocks longer than a register holds
 * ({@code RB > LANES}), so that phase 2 (residuals and losses) runs over each block in several
 * vectors: the shape float64 gets on an AVX2 CPU (8 rows, two vectors of 4), forced here on any
 * CPU with more parts (RB 16 in vectors of 4, RB 8 in vectors of 2), in both precisions; partial
 * blocks among the contract's cases.
 */
class OpenClCpuSplitBlockTest {
  /** The contract, with {@code rows} rows a block in vectors of {@code lanes}. */
  abstract class Split extends OpenClBackendTest {
    private final String precision;
    private final int rows;
    private final int lanes;

    Split(String precision, int rows, int lanes) {
      this.precision = precision;
      this.rows = rows;
      this.lanes = lanes;
    }

    @Override
    OpenClOptions options() {
      return new OpenClOptions(null, "cpu", precision);
    }

    @Override
    Tuning tuning() {
      return Tuning.defaults().withDefine("RB=" + rows).withDefine("LANES=" + lanes);
    }

    @Test
    void theKernelRunsPhaseTwoInParts() {
      Dataset data = randomData(20, 9, Loss.LOGISTIC, 5);
      try (OpenClBackend b = open(data, Standardization.fit(data), Loss.LOGISTIC)) {
        assertTrue(b.buildOptions().contains("-DRB=" + rows + " -DLANES=" + lanes),
            b.buildOptions());
      }
    }
  }

  @Nested
  class FloatSixteenInFours extends Split {
    FloatSixteenInFours() {
      super("float", 16, 4);
    }
  }

  @Nested
  class DoubleSixteenInFours extends Split {
    DoubleSixteenInFours() {
      super("double", 16, 4);
    }
  }

  @Nested
  class DoubleEightInTwos extends Split {
    DoubleEightInTwos() {
      super("double", 8, 2);
    }
  }
}

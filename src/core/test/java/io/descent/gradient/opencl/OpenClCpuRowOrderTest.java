package io.descent.gradient.opencl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The OpenCL contract with the single-column cpu kernel's margins summed in row order
 * ({@code COLUMNS=0}, a shape {@link CpuTuner} may measure best and the tuning cache then gives
 * every run; the device widths' shape sums in column order), without prefetch, in both
 * precisions: among the contract's cases, rows of every length around the vector width, whose
 * last features form a part vector.
 */
class OpenClCpuRowOrderTest {
  /** The contract, with the margins in row order. */
  abstract class RowOrder extends OpenClBackendTest {
    @Override
    Tuning tuning() {
      return Tuning.defaults().withDefine("COLUMNS=0").withDefine("PFD=0");
    }

    @Test
    void theKernelSumsInRowOrder() {
      Dataset data = randomData(20, 9, Loss.LINEAR, 5);
      try (OpenClBackend b = open(data, Standardization.fit(data), Loss.LINEAR)) {
        assertTrue(b.buildOptions().contains("-DCOLUMNS=0"), b.buildOptions());
      }
    }
  }

  @Nested
  class CpuFloat extends RowOrder {
    @Override
    OpenClOptions options() {
      return new OpenClOptions(null, "cpu", "float");
    }
  }

  @Nested
  class CpuDouble extends RowOrder {
    @Override
    OpenClOptions options() {
      return new OpenClOptions(null, "cpu", "double");
    }
  }
}

package io.descent.gradient.opencl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.Batch;
import io.descent.gradient.OpenClOptions;
import io.descent.gradient.ReferenceBackend;
import io.descent.loss.Loss;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The OpenCL contract with the features split into 4 KiB device buffers, as data larger than
 * the device's largest allocation is: batches then span chunks, and shuffled orders are split by
 * chunk. Run for both layouts in both precisions.
 */
class OpenClChunkedTest {
  static final long CHUNK_BYTES = 4096;

  /** The contract, with every device buffer at most {@value #CHUNK_BYTES} bytes. */
  abstract class Chunked extends OpenClBackendTest {
    @Override
    Tuning tuning() {
      return Tuning.defaults().withMaxChunkBytes(CHUNK_BYTES);
    }

    @Test
    void dataIsReallySplit() {
      assertSplit(this);
    }
  }

  @Nested
  class CpuFloat extends Chunked {
    @Override
    OpenClOptions options() {
      return new OpenClOptions(null, "cpu", "float");
    }
  }

  @Nested
  class CpuDouble extends Chunked {
    @Override
    OpenClOptions options() {
      return new OpenClOptions(null, "cpu", "double");
    }
  }

  @Nested
  class GpuFloat extends Chunked {
    @Override
    OpenClOptions options() {
      return new OpenClOptions(null, "gpu", "float");
    }
  }

  @Nested
  class GpuDouble extends Chunked {
    @Override
    OpenClOptions options() {
      return new OpenClOptions(null, "gpu", "double");
    }
  }

  static void assertSplit(OpenClBackendTest test) {
    Dataset data = OpenClBackendTest.randomData(1000, 10, Loss.LOGISTIC, 100);
    Standardization s = Standardization.fit(data);
    try (OpenClBackend b = test.open(data, s, Loss.LOGISTIC)) {
      // 10 features x 4 bytes = 40 bytes a row: 102 rows per 4 KiB chunk, 10 chunks.
      assertTrue(b.chunkCount() == 10, "chunks: " + b.chunkCount());
      OpenClBackendTest.assertClose(b, new ReferenceBackend(data, s, Loss.LOGISTIC),
          OpenClBackendTest.randomTheta(10, 101), new Batch(null, 50, 950), "across chunks");
    }
  }
}

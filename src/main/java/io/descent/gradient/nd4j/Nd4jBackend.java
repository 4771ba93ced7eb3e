package io.descent.gradient.nd4j;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.GradientBackend;
import io.descent.loss.Loss;

/** PLACEHOLDER: replaced by the ND4J implementation. */
public final class Nd4jBackend {
  private Nd4jBackend() {}

  /** Opens the backend. */
  public static GradientBackend open(Dataset data, Standardization standardization, Loss loss) {
    throw new BackendUnavailableException("nd4j backend not built yet");
  }
}

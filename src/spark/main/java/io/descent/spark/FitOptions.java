package io.descent.spark;

import java.io.Serializable;

/**
 * What every model of one distributed fit shares: the columns it reads, the kind of model, and
 * how Descent runs (backend, OpenCL device and precision, verification, optimizer).
 *
 * @param featuresCol the Vector column
 * @param labelCol the label column (any numeric type)
 * @param weightCol the row-weight column, or null for none
 * @param kind LINEAR, BINOMIAL, MULTINOMIAL, or AUTO (binomial up to 2 classes, else multinomial)
 * @param standardization whether to standardize the features (and penalize standardized weights)
 * @param backend auto, opencl, nd4j or reference
 * @param device the OpenCL device (index or name substring), or null for the automatic choice
 * @param precision the OpenCL precision ("float" or "double"), or null for the default
 * @param verifyEvery check each partition against the float64 reference every this many
 *     evaluations; 0 never
 * @param optimizer a full-batch optimizer's label (lbfgs, owlqn, gd); with an L1 penalty OWL-QN
 *     runs whatever is chosen
 */
record FitOptions(String featuresCol, String labelCol, String weightCol, Kind kind,
    boolean standardization, String backend, String device, String precision, int verifyEvery,
    String optimizer) implements Serializable {

  /** The kind of model. */
  enum Kind {
    LINEAR, AUTO, BINOMIAL, MULTINOMIAL
  }
}

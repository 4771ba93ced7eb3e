package io.descent.spark;

import io.descent.gradient.BackendInfo;
import io.descent.gradient.BackendKind;
import java.io.Serializable;

/**
 * What ran one partition's share of a fit.
 *
 * @param partition the partition's index
 * @param rows its rows
 * @param where the executor and host that opened its backend
 * @param kind, device, precision, layout the backend ({@link BackendInfo}'s fields)
 * @param tolerance the backend's documented relative error against the reference
 */
record PartitionInfo(int partition, int rows, String where, BackendKind kind, String device,
    String precision, String layout, double tolerance) implements Serializable {
  PartitionInfo(int partition, int rows, String where, BackendInfo info, double tolerance) {
    this(partition, rows, where, info.kind(), info.device(), info.precision(), info.layout(),
        tolerance);
  }

  /** The backend that ran. */
  BackendInfo backend() {
    return new BackendInfo(kind, device, precision, layout);
  }

  /** One line, e.g. {@code partition 0 (1000 rows): nd4j (...) on executor 1 on host}. */
  String describe() {
    return "partition " + partition + " (" + rows + " rows): " + backend().summary() + " on "
        + where;
  }
}

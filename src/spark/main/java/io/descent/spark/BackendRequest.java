package io.descent.spark;

import io.descent.data.Standardization;
import io.descent.gradient.BackendKind;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.Backends;
import io.descent.gradient.Columns;
import io.descent.gradient.GradientBackend;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What an executor needs to open one partition's backend: the fit and the driver-side handle it
 * belongs to, the backend choice ({@code auto} tries {@link Backends#AUTO_ORDER}, as the CLI
 * does), the OpenCL options, the columns ({@code groups} models of one loss, {@code classes}
 * columns each) and the standardization every partition applies.
 */
record BackendRequest(String fit, long handle, String backend, String device, String precision,
    Loss loss, int groups, int classes, double[] mean, double[] scale, int verifyEvery)
    implements Serializable {

  /** The columns every partition evaluates. */
  Columns columns() {
    return loss.coupled() ? Columns.multinomial(classes, groups) : Columns.of(loss, groups);
  }

  /** One group's columns, for the per-partition verification. */
  Columns oneGroup() {
    return loss.coupled() ? Columns.multinomial(classes) : Columns.single(loss);
  }

  Standardization standardization() {
    return new Standardization(mean, scale);
  }

  /**
   * Opens the first backend of the choice that can run here, on the block's rows.
   *
   * @throws BackendUnavailableException naming every candidate's reason when none can
   */
  GradientBackend open(RowBlock block) {
    OpenClOptions openCl = OpenClOptions.defaults();
    if (device != null) {
      openCl = new OpenClOptions(device, openCl.layout(), openCl.precision(), openCl.tuning());
    }
    if (precision != null) {
      openCl = openCl.withPrecision(precision);
    }
    List<String> reasons = new ArrayList<>();
    for (BackendKind kind : Backends.candidates(backend)) {
      try {
        return Backends.open(kind, block.dataset(), standardization(), columns(), openCl);
      } catch (BackendUnavailableException e) {
        reasons.add(kind.label() + ": " + e.getMessage());
      }
    }
    throw new BackendUnavailableException("no backend of \"" + backend + "\" can run on this"
        + " executor: " + String.join("; ", reasons));
  }
}

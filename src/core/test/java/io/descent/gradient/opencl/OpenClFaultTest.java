package io.descent.gradient.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.data.Dataset;
import io.descent.data.Standardization;
import io.descent.gradient.BackendUnavailableException;
import io.descent.gradient.GradientBackendContractTest;
import io.descent.gradient.NoSuchDeviceException;
import io.descent.gradient.OpenClOptions;
import io.descent.loss.Loss;
import org.jocl.CL;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OpenCL faults give clear errors and leak nothing: every test counts the live OpenCL objects
 * before and after.
 */
class OpenClFaultTest {
  private int before;

  @BeforeEach
  void requireOpenCl() {
    OpenClAvailability.require();
    before = OpenClBackend.liveObjects();
  }

  private void assertNothingLeaked() {
    assertEquals(before, OpenClBackend.liveObjects(), "live OpenCL objects");
  }

  private static Dataset small() {
    return GradientBackendContractTest.randomData(100, 3, Loss.LOGISTIC, 1);
  }

  @Test
  void anAllocationTheDeviceRefusesIsAClearError() {
    try (ClContext context = new ClContext(OpenClBackend.select(Cl.devices(), null))) {
      long tooBig = context.device.description().maxAllocationBytes() * 8;
      BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
          () -> context.buffer(CL.CL_MEM_READ_ONLY, tooBig, "the test's data"));
      assertTrue(e.getMessage().startsWith("could not allocate "), e.getMessage());
      assertTrue(e.getMessage().contains("for the test's data on "), e.getMessage());
    }
    assertNothingLeaked();
  }

  @Test
  void aKernelBuildFailureCarriesTheLogAndLeaksNothing() {
    try (ClContext context = new ClContext(OpenClBackend.select(Cl.devices(), null))) {
      KernelBuildException e = assertThrows(KernelBuildException.class,
          () -> context.program("broken_for_test.cl", "-DPRECISION=32"));
      assertTrue(e.buildLog().contains("this_is_not_declared"), e.buildLog());
    }
    assertNothingLeaked();
  }

  @Test
  void onlyALostTemporaryFileMakesABuildWorthRetrying() {
    assertTrue(ClContext.transientBuildFailure("error: <invalid loc>: unable to rename temporary"
        + " '/x/pocl-cache/tempfile_dQz8Qc.preproc-0d95ba7f.cl.tmp' to output file"
        + " '/x/pocl-cache/tempfile_dQz8Qc.preproc.cl': 'No such file or directory'"));
    assertFalse(ClContext.transientBuildFailure("<source>:3:1: error: use of undeclared"
        + " identifier 'this_is_not_opencl'"));
    assertFalse(ClContext.transientBuildFailure(null));
  }

  @Test
  void anInvalidDeviceChoiceListsTheDevices() {
    Dataset data = small();
    for (String choice : new String[] {"99", "no-such-device"}) {
      NoSuchDeviceException e = assertThrows(NoSuchDeviceException.class,
          () -> OpenClBackend.open(data, Standardization.fit(data), Loss.LOGISTIC,
              new OpenClOptions(choice, "auto", "float")));
      assertTrue(e.getMessage().contains("available: 0: "), e.getMessage());
    }
    assertNothingLeaked();
  }

  @Test
  void evaluatingAfterCloseFailsAndCloseTwiceIsHarmless() {
    Dataset data = small();
    OpenClBackend b = OpenClBackend.open(data, Standardization.fit(data), Loss.LOGISTIC,
        OpenClOptions.defaults());
    assertTrue(OpenClBackend.liveObjects() > before);
    b.close();
    b.close();
    assertThrows(IllegalStateException.class,
        () -> b.evaluate(new double[4], io.descent.gradient.Batch.all(100)));
    assertNothingLeaked();
  }
}

package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.descent.gradient.opencl.FreshKernelBuild;
import io.descent.gradient.opencl.OpenClAvailability;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The Ctrl-C handler against native code that changes SIGINT behind the JVM's back (PoCL's
 * in-process LLVM). The signals here are ones nothing in the test JVM treats as fatal; SIGINT
 * itself is sent only to a child process, in {@link InterruptTest}.
 */
@EnabledOnOs(OS.LINUX)
class InterruptsTest {
  @Test
  void installAndCloseSurviveLlvmPuttingBackTheHandlerItSaved() throws Exception {
    OpenClAvailability.require();
    // The compiler runs in this process: LLVM installs its SIGINT handler, saving the JVM's.
    FreshKernelBuild.run();
    // Restore LLVM's handler the way the JVM allows (a native handler), which drops the JVM's
    // Java handler for SIGINT from its table; Interrupts used to do exactly this on close().
    SignalHandler any = s -> { };
    Signal.handle(new Signal("INT"), Signal.handle(new Signal("INT"), any));
    // A signal LLVM handles and the JVM ignores: LLVM puts back what it saved, the JVM's native
    // handler, with no Java handler behind it. Signal.handle then returns a handler wrapping
    // null, and installing that one again threw "NullPointerException: handler".
    Process kill = new ProcessBuilder("kill", "-XFSZ",
        Long.toString(ProcessHandle.current().pid())).start();
    assertEquals(0, kill.waitFor());
    AtomicBoolean stopped = new AtomicBoolean();
    // The signal arrives asynchronously: go on installing and closing for a while after it.
    for (int k = 0; k < 50; k++) {
      try (Interrupts i = Interrupts.install(() -> stopped.set(true))) {
        Thread.sleep(20);
      }
    }
    assertFalse(stopped.get());
    // And a whole training on OpenCL still ends normally.
    Cli r = Cli.run("train", "--data", "datasets/mtcars.csv", "--target", "mpg", "--loss",
        "linear", "--backend", "opencl", "--quiet");
    assertEquals(0, r.code(), r.err());
  }
}

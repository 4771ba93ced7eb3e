package io.descent.gradient.opencl;

/**
 * Run in a child JVM by {@link CompilerOutputTest}: builds a kernel that draws a compiler
 * warning (and, with an argument, one that fails), then prints on stdout what the build log and
 * the kept compiler messages hold. Whatever reaches the child's stderr is what a user would see.
 */
public final class CompilerOutputMain {
  private CompilerOutputMain() {}

  /** Builds the test kernels on the first device. */
  public static void main(String[] args) {
    try (ClContext context = new ClContext(OpenClBackend.select(Cl.devices(), null))) {
      context.program("warning_for_test.cl", "");
      System.out.println("redirects=" + CompilerOutput.redirects());
      System.out.println("messages=" + OpenClBackend.compilerMessages());
      if (args.length > 0) {
        try {
          context.program("broken_for_test.cl", "");
        } catch (KernelBuildException e) {
          System.out.println("failed-log=" + e.buildLog());
        }
      }
    }
  }
}

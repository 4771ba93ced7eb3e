package io.descent;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassNameFilter;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs the core's tests without Maven, on a machine that has the built jars and a Java runtime
 * but no build tool (the GPU machine of {@code benchmarks/gpu/run}). Arguments: regular
 * expressions of the test classes' names to run (all of {@code io.descent} when none), and
 * {@code !REGEX} for names to leave out. Prints one line per test class as it finishes (tests,
 * failures, seconds) and one per failed test with its first message line, then the totals.
 * A failure whose cause is a class of a library that is not on the class path (ND4J where only
 * the OpenCL backend was carried) is counted apart as "missing library", never as a pass.
 * Exit status: 0 when tests ran and none failed, 1 otherwise.
 */
public final class TestsMain {
  private TestsMain() {}

  public static void main(String[] args) {
    List<String> include = new ArrayList<>();
    List<String> exclude = new ArrayList<>();
    for (String arg : args) {
      if (arg.startsWith("!")) {
        exclude.add(arg.substring(1));
      } else {
        include.add(arg);
      }
    }
    LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request()
        .selectors(DiscoverySelectors.selectPackage("io.descent"));
    if (!include.isEmpty()) {
      request.filters(ClassNameFilter.includeClassNamePatterns(include.toArray(String[]::new)));
    }
    if (!exclude.isEmpty()) {
      request.filters(ClassNameFilter.excludeClassNamePatterns(exclude.toArray(String[]::new)));
    }
    LauncherDiscoveryRequest discovery = request.build();
    Launcher launcher = LauncherFactory.create();
    Progress progress = new Progress(System.out);
    launcher.execute(discovery, progress);
    progress.printTotals();
    boolean ran = progress.passed + progress.failed + progress.missing > 0;
    if (!ran) {
      System.out.println("no test ran: nothing matched, or the test classes are not on the class path");
    }
    System.exit(ran && progress.failed + progress.missing == 0 ? 0 : 1);
  }

  /** Counts and prints results as they come. */
  private static final class Progress implements TestExecutionListener {
    private final PrintStream out;
    private final Map<String, long[]> started = new TreeMap<>();
    private TestPlan plan;
    int passed;
    int failed;
    int skipped;
    int missing;
    private final long start = System.nanoTime();

    Progress(PrintStream out) {
      this.out = out;
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
      plan = testPlan;
      out.printf("%d tests found%n", testPlan.countTestIdentifiers(TestIdentifier::isTest));
    }

    @Override
    public void executionStarted(TestIdentifier id) {
      if (isClass(id)) {
        // tests, failures (missing libraries counted too), start time
        started.put(id.getUniqueId(), new long[] {0, 0, System.nanoTime()});
      }
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
      skipped++;
      out.printf("  skipped %s: %s%n", name(id), reason);
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
      long[] counts = classCounts(id);
      if (id.isTest()) {
        if (counts != null) {
          counts[0]++;
        }
        if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
          passed++;
          return;
        }
      }
      if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
        if (isClass(id)) {
          long[] c = started.remove(id.getUniqueId());
          out.printf(Locale.ROOT, "%s %s: %d tests, %d failed, %.1f s%n",
              c[1] == 0 ? "ok  " : "FAIL", name(id), c[0], c[1], (System.nanoTime() - c[2]) / 1e9);
        }
        return;
      }
      Throwable cause = result.getThrowable().orElse(null);
      String missingClass = missingClass(cause);
      if (missingClass != null) {
        missing++;
        out.printf("  missing library (%s): %s%n", missingClass, name(id));
      } else if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
        skipped++;
        out.printf("  aborted %s: %s%n", name(id), firstLine(cause));
      } else {
        failed++;
        out.printf("  FAILED %s: %s%n", name(id), firstLine(cause));
      }
      if (counts != null) {
        counts[1]++;
      }
      if (isClass(id)) {
        started.remove(id.getUniqueId());
        out.printf("FAIL %s (the class itself)%n", name(id));
      }
    }

    void printTotals() {
      out.printf(Locale.ROOT, "%d passed, %d failed, %d skipped or aborted, %d need a library "
          + "not on the class path; %.1f s%n", passed, failed, skipped, missing,
          (System.nanoTime() - start) / 1e9);
    }

    private long[] classCounts(TestIdentifier id) {
      Optional<TestIdentifier> at = Optional.of(id);
      while (at.isPresent()) {
        long[] c = started.get(at.get().getUniqueId());
        if (c != null) {
          return c;
        }
        at = plan.getParent(at.get());
      }
      return null;
    }

    private static boolean isClass(TestIdentifier id) {
      return id.getSource().filter(ClassSource.class::isInstance).isPresent();
    }

    private String name(TestIdentifier id) {
      StringBuilder name = new StringBuilder(id.getDisplayName());
      Optional<TestIdentifier> parent = plan.getParent(id);
      while (parent.isPresent() && plan.getParent(parent.get()).isPresent()) {
        name.insert(0, parent.get().getDisplayName() + " > ");
        parent = plan.getParent(parent.get());
      }
      return name.toString();
    }

    /** The class of another library that could not be loaded, if that is the cause. */
    private static String missingClass(Throwable t) {
      for (Throwable at = t; at != null; at = at.getCause()) {
        if ((at instanceof NoClassDefFoundError || at instanceof ClassNotFoundException)
            && at.getMessage() != null && !at.getMessage().replace('/', '.')
                .startsWith("io.descent")) {
          return at.getMessage().replace('/', '.');
        }
      }
      return null;
    }

    private static String firstLine(Throwable t) {
      if (t == null) {
        return "(no exception)";
      }
      String message = String.valueOf(t.getMessage());
      int end = message.indexOf('\n');
      return t.getClass().getSimpleName() + ": "
          + (end < 0 ? message : message.substring(0, end));
    }
  }
}

package io.descent.cli;

import io.descent.Descent;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.descent.data.ClassWeights;
import io.descent.data.Dataset;
import io.descent.data.ReadProgress;
import io.descent.gradient.BackendKind;
import io.descent.loss.Loss;
import io.descent.train.GradientCheck;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code descent gradcheck}: every backend's gradient against the reference, and the reference
 * against finite differences. */
@Command(name = "gradcheck", mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class, sortOptions = false,
    description = "Check gradients on a dataset: the float64 reference against central finite"
        + " differences (tolerance 1e-6), and each other backend against the reference (its"
        + " documented tolerance), at zero, two random points and near the optimum. Exits 1 if"
        + " any check fails.")
final class GradcheckCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  DataOptions data;

  @Mixin
  LossOption lossOption;

  @Option(names = "--l2", defaultValue = "0", paramLabel = "LAMBDA",
      description = "L2 penalty used to find the optimum (default: ${DEFAULT-VALUE}).")
  double l2;

  @Option(names = "--l1", defaultValue = "0", paramLabel = "L1",
      description = "With an L1 penalty > 0, also report the KKT violation (the largest"
          + " violation of the optimality condition of l1 ||w||_1 + (l2/2) ||w||^2, absolute) at"
          + " each point and at the OWL-QN optimum (default: ${DEFAULT-VALUE}).")
  double l1;

  @Option(names = "--no-standardize", description = "Check on the raw features.")
  boolean noStandardize;

  @Option(names = "--weight-column", paramLabel = "NAME",
      description = "Check the weighted objective train minimizes with this option: each row"
          + " weighed by this column.")
  String weightColumn;

  @Option(names = "--class-weight", paramLabel = "SPEC",
      description = "Check the objective train minimizes with this option: balanced or"
          + " LABEL=W,LABEL=W (logistic and multinomial), times --weight-column's weights.")
  String classWeight;

  @Option(names = "--backend", defaultValue = "all", paramLabel = "NAME",
      description = "all (default: every backend this machine has, skipping unavailable ones"
          + " with the reason; auto, train's default, is the same), opencl, nd4j or reference.")
  String backend;

  @Mixin
  DeviceOptions device;

  @Option(names = "--seed", defaultValue = "" + Descent.DEFAULT_SEED, paramLabel = "SEED",
      description = "Seed of the random points (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin
  JsonOption json;

  @Mixin
  VerboseOption verbose;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Loss loss = CliSupport.loss(lossOption.kind);
    lossOption.noticeOldName(spec.commandLine().getParseResult(), spec.commandLine().getErr());
    if (data.target == null) {
      throw new Main.UsageException("gradcheck needs --target");
    }
    List<BackendKind> kinds;
    // auto, train's choice among the backends this machine has: every one of them is checked.
    boolean required = !backend.equalsIgnoreCase("all") && !backend.equalsIgnoreCase("auto");
    if (required) {
      try {
        kinds = List.of(BackendKind.valueOf(backend.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new Main.UsageException("--backend must be all (or auto), opencl, nd4j or"
            + " reference, got \""
            + backend + "\"");
      }
    } else {
      kinds = List.of(BackendKind.OPENCL, BackendKind.ND4J);
    }
    DeviceOptions.noticeIgnored(err, backend, spec.commandLine().getParseResult());
    data.files().check();
    ClassWeights classes = classWeight == null ? null
        : CliSupport.classWeights(classWeight, loss);
    Dataset dataset = CliSupport.read(data, loss, true, null, null, null, HeapNeeds.gradcheck(),
        ReadProgress.NONE, weightColumn);
    if (classes != null) {
      try {
        dataset = classes.applyTo(dataset);
      } catch (IllegalArgumentException e) {
        throw new Main.UsageException("--class-weight " + classWeight + ": " + e.getMessage());
      }
    }
    List<GradientCheck.Row> rows = GradientCheck.run(dataset, loss, l2, !noStandardize, kinds,
        required, device.openCl(), seed, line -> {
          err.println(line);
          err.flush();
        });
    boolean ok = rows.stream().allMatch(GradientCheck.Row::passed);
    if (!(l1 >= 0) || !Double.isFinite(l1)) {
      throw new Main.UsageException("--l1 must be finite and >= 0, got " + l1);
    }
    java.util.Map<String, Double> kkt = l1 > 0 ? GradientCheck.kktViolations(dataset, loss, l2,
        l1, !noStandardize, seed) : java.util.Map.of();
    if (json.json) {
      ObjectNode root = report(rows, ok);
      if (l1 > 0) {
        ObjectNode k = root.putObject("kktViolation");
        kkt.forEach(k::put);
      }
      JsonReport.print(out, root);
      return ok ? Main.OK : Main.FAILURE;
    }
    out.printf(Locale.ROOT, "%-13s %-55s %11s %11s %11s %9s  %s%n", "point", "checked",
        "rel.error", "scaled.err", "loss.err", "tolerance", "result");
    for (GradientCheck.Row r : rows) {
      out.printf(Locale.ROOT, "%-13s %-55s %11.3e %11s %11s %9.1e  %s%n", r.point(), r.checked(),
          r.relativeError(), fmt(r.scaledError()), fmt(r.lossError()), r.tolerance(),
          r.passed() ? "ok" : "FAIL");
    }
    kkt.forEach((point, v) -> {
      if (!point.equals(GradientCheck.L1_STOPPED)) {
        out.printf(Locale.ROOT, "%-13s KKT violation %.3e (l1 %s, l2 %s, float64 reference)%s%n",
            point, v, l1, l2, point.equals(GradientCheck.L1_OPTIMUM)
                && kkt.containsKey(GradientCheck.L1_STOPPED) ? String.format(Locale.ROOT,
                    " not converged: OWL-QN stopped above the fits' bound %.3e in %d"
                    + " iterations, so this is no optimum", kkt.get(GradientCheck.L1_STOPPED),
                    GradientCheck.KKT_OPTIMUM_ITERATIONS) : "");
      }
    });
    out.println(ok ? "gradcheck passed" : "gradcheck FAILED");
    out.flush();
    return ok ? Main.OK : Main.FAILURE;
  }

  /**
   * {@code checks}: each row of the table with every figure (a figure the text shows as "-" is
   * null), and {@code passed}: whether all passed.
   */
  private static ObjectNode report(List<GradientCheck.Row> rows, boolean ok) {
    ObjectNode root = JsonReport.object();
    ArrayNode checks = root.putArray("checks");
    for (GradientCheck.Row r : rows) {
      ObjectNode node = checks.addObject();
      node.put("point", r.point());
      node.put("checked", r.checked());
      node.put("relativeError", r.relativeError());
      node.put("scaledError", r.scaledError());
      node.put("lossError", r.lossError());
      node.put("tolerance", r.tolerance());
      node.put("passed", r.passed());
    }
    root.put("passed", ok);
    return root;
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3e", v);
  }
}

package io.descent.cli;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts the train command's flags where a library message names a method of the {@code Descent}
 * builder: {@code l2(0.01)} becomes {@code --l2 0.01}, {@code maxEpochs(...)} becomes {@code
 * --max-epochs}, {@code optimizer("lbfgs")} becomes {@code --optimizer lbfgs}, and a message
 * whose subject is a setting ({@code l2 must be finite and >= 0, got -1.0}) names the flag
 * ({@code --l2 must be ...}). The library
 * speaks of its own methods, so that a library user is told what to call; only this package
 * knows the option names.
 */
final class FlagNames {
  private static final Map<String, String> FLAGS = Map.ofEntries(
      Map.entry("l2", "--l2"),
      Map.entry("folds", "--folds"),
      Map.entry("maxIterations", "--max-iterations"),
      Map.entry("maxEpochs", "--max-epochs"),
      Map.entry("schedule", "--schedule"),
      Map.entry("optimizer", "--optimizer"),
      Map.entry("learningRate", "--learning-rate"),
      Map.entry("tolerance", "--tolerance"),
      Map.entry("objectiveTolerance", "--objective-tolerance"),
      Map.entry("batchSize", "--batch-size"),
      Map.entry("validationFraction", "--validation-fraction"),
      Map.entry("testFraction", "--test-fraction"),
      Map.entry("patience", "--patience"),
      Map.entry("verifyEvery", "--verify-every"),
      Map.entry("momentum", "--momentum"),
      Map.entry("beta1", "--beta1"),
      Map.entry("beta2", "--beta2"),
      Map.entry("rho", "--rho"),
      Map.entry("epsilon", "--epsilon"),
      Map.entry("c1", "--c1"),
      Map.entry("c2", "--c2"),
      Map.entry("memory", "--memory"),
      Map.entry("lineSearch", "--line-search"),
      Map.entry("factor", "--decay"),
      Map.entry("gamma", "--decay"),
      Map.entry("decay", "--decay"),
      Map.entry("interval", "--decay-interval"),
      Map.entry("decayInterval", "--decay-interval"),
      Map.entry("everyEpochs", "--decay-interval"),
      Map.entry("decaySteps", "--decay-interval"),
      Map.entry("initialStep", "--learning-rate"),
      Map.entry("precision", "--precision"),
      Map.entry("withPositiveLabel", "--positive-label"),
      Map.entry("backend", "--backend"),
      Map.entry("solver", "--solver"),
      Map.entry("multinomial", "--loss multinomial"),
      Map.entry("oneVsRest", "--one-vs-rest"));
  private static final Pattern CALL = Pattern.compile("\\b([a-z][A-Za-z0-9]*)\\(([^()]*)\\)");
  /**
   * A message whose subject is a setting: "l2 must be finite and >= 0, got -1.0", "factor does
   * not apply to schedule constant".
   */
  private static final Pattern SUBJECT = Pattern.compile(
      "^([a-z][A-Za-z0-9]*)(?= must | does not apply )");

  /** The settings an optimizer takes, as a message lists them: "(it takes memory, c1, c2)". */
  private static final Pattern TAKES = Pattern.compile("\\(it takes ([A-Za-z0-9, ]+)\\)");

  private FlagNames() {}

  /** The message with each builder call and setting it names written as the flag. */
  static String of(String message) {
    String calls = CALL.matcher(message).replaceAll(FlagNames::flag);
    String listed = TAKES.matcher(calls).replaceAll(m -> Matcher.quoteReplacement("(it takes "
        + java.util.Arrays.stream(m.group(1).split(", "))
            .map(name -> FLAGS.getOrDefault(name, name))
            .collect(java.util.stream.Collectors.joining(", ")) + ")"));
    return SUBJECT.matcher(listed).replaceFirst(m -> Matcher.quoteReplacement(
        FLAGS.getOrDefault(m.group(1), m.group(1))));
  }

  /** Builder calls said as what to do on the command line rather than as a flag. */
  private static final Map<String, String> CALLS = Map.of(
      "standardize(true)", "without --no-standardize");

  private static String flag(java.util.regex.MatchResult call) {
    String said = CALLS.get(call.group());
    if (said != null) {
      return Matcher.quoteReplacement(said);
    }
    String flag = FLAGS.get(call.group(1));
    if (flag == null) {
      return Matcher.quoteReplacement(call.group());
    }
    String argument = call.group(2).replace("\"", "");
    return Matcher.quoteReplacement(argument.equals("...") || argument.isEmpty() ? flag
        : flag + " " + argument);
  }
}

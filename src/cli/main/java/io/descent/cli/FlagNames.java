package io.descent.cli;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts the train command's flags where a library message names a method of the {@code Descent}
 * builder: {@code l2(0.01)} becomes {@code --l2 0.01}, {@code maxEpochs(...)} becomes {@code
 * --max-epochs}, {@code optimizer("lbfgs")} becomes {@code --optimizer lbfgs}. The library
 * speaks of its own methods, so that a library user is told what to call; only this package
 * knows the option names.
 */
final class FlagNames {
  private static final Map<String, String> FLAGS = Map.of(
      "l2", "--l2",
      "maxIterations", "--max-iterations",
      "maxEpochs", "--max-epochs",
      "schedule", "--schedule",
      "optimizer", "--optimizer",
      "learningRate", "--learning-rate",
      "tolerance", "--tolerance",
      "objectiveTolerance", "--objective-tolerance");
  private static final Pattern CALL = Pattern.compile("\\b([a-z][A-Za-z0-9]*)\\(([^()]*)\\)");

  private FlagNames() {}

  /** The message with each builder call it names written as the flag. */
  static String of(String message) {
    return CALL.matcher(message).replaceAll(FlagNames::flag);
  }

  private static String flag(java.util.regex.MatchResult call) {
    String flag = FLAGS.get(call.group(1));
    if (flag == null) {
      return Matcher.quoteReplacement(call.group());
    }
    String argument = call.group(2).replace("\"", "");
    return Matcher.quoteReplacement(argument.equals("...") ? flag : flag + " " + argument);
  }
}

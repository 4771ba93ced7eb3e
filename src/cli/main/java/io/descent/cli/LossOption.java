package io.descent.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * {@code --loss linear|logistic|multinomial}: the kind of model, for the commands that fit,
 * check, generate or convert. Its old
 * name {@code --model} still works, with a notice: in predict and evaluate {@code --model} names
 * a model file, and one option should not mean two things.
 */
final class LossOption {
  @Option(names = {"--loss", "--model"}, required = true, paramLabel = "KIND",
      description = "The loss: linear (least squares), logistic (two classes) or multinomial"
          + " (softmax, two or more classes). --model is its old name, deprecated"
          + " (in predict and evaluate --model names a model file).")
  String kind;

  /** Prints one notice on {@code err} when the old name was used. */
  void noticeOldName(ParseResult parsed, PrintWriter err) {
    List<String> args = parsed.originalArgs();
    if (args.stream().anyMatch(a -> a.equals("--model") || a.startsWith("--model="))) {
      err.println("descent: --model is deprecated for the kind of model; use --loss " + kind
          + " (--model names a model file in predict and evaluate)");
      err.flush();
    }
  }

  /**
   * A parse error's message with this option under its current name: picocli names an option
   * by its longest name, and of two as long it picks the old one ({@code '--model=KIND'}).
   */
  static String currentName(String message) {
    return message.replace("'--model=KIND'", "'--loss=KIND'")
        .replace("option '--model' (KIND)", "option '--loss' (KIND)");
  }
}

package io.descent.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command line in-process and captures what it prints. */
record Cli(int code, String out, String err) {
  static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Cli(code, out.toString(), err.toString());
  }

  /** Standard output as a JSON document, after checking the run succeeded. */
  com.fasterxml.jackson.databind.JsonNode json() throws java.io.IOException {
    if (code != 0) {
      throw new AssertionError("exit " + code + ": " + err);
    }
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(out);
  }
}

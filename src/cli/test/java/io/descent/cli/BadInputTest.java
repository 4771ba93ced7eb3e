package io.descent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One test per kind of bad input: {@code descent train} prints one line
 * {@code FILE:LINE:COLUMN: what is wrong} (nothing before it), exits 2, and writes no model.
 */
class BadInputTest {
  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', textBlock = """
      ragged.csv           | --target y                     | 3:3: expected 3 fields as in the header, found 2
      locale_comma.csv     | --target y                     | 3:4: expected 3 fields as in the header, found 4
      not_utf8.csv         | --target y                     | 1:1: the file is not UTF-8 text: byte 0xE9 here cannot be read as text (save the file as UTF-8)
      not_a_number.csv     | --target y                     | 3:2: "abc" is not a number in column "bmi"
      hex.csv              | --target y                     | 3:2: "0x10" is not a number in column "b"
      missing_value.csv    | --target y                     | 3:2: missing value in column "bmi"
      empty.csv            | --target y                     | 1:0: the file is empty; expected a header row
      header_only.csv      | --target y                     | 1:0: the file has a header but no data rows
      unknown_column.csv   | --target nope                  | 1:0: no column "nope" for the target; the columns are "a", "b", "y"
      unknown_column.csv   | --target y --features a,c      | 1:0: no column "c" for a feature; the columns are "a", "b", "y"
      duplicate_column.csv | --target y                     | 1:3: column name "a" appears twice in the header, in columns 1 and 3
      three_labels.csv     | --target species --loss logistic | 4:3: target "species" has more than two labels: "setosa", "versicolor", "virginica": logistic regression fits two classes; fit every class with --loss multinomial, or one logistic model per class with --one-vs-rest
      two_labels.csv       | --target species --loss logistic | 3:3: target "species" has two labels "setosa" and "virginica": say which is positive with --positive-label
      nan.csv              | --target y                     | 3:2: "NaN" is not a finite number in column "b"
      infinity.csv         | --target y                     | 3:3: "-Infinity" is not a finite number in column "y"
      overflow.csv         | --target y                     | 3:2: "1e39" is out of range for float32 (largest 3.4028235e38) in column "b"
      overflow_target.csv  | --target y                     | 3:3: "1e400" is out of range for float64 (largest 1.7976931348623157e308) in column "y"
      unterminated_quote.csv | --target y                   | 2:2: unterminated quote: the quoted field that starts here runs to the end of the file
      line_break_in_value.csv | --target y                  | 3:1: "1\\r\\n2" is not a number in column "a\\nb"
      """)
  void badInputIsOneLineAndExitCode2(String file, String options, String message)
      throws Exception {
    Path csv = Path.of("src/core/test/resources/bad", file);
    Path out = dir.resolve("model.json");
    List<String> args = new ArrayList<>(List.of("train", "--data", csv.toString(), "--out",
        out.toString(), "--backend", "reference", "--quiet"));
    args.addAll(Arrays.asList(options.trim().split("\\s+")));
    if (!args.contains("--loss")) {
      args.addAll(List.of("--loss", "linear"));
    }
    Cli r = Cli.run(args.toArray(String[]::new));
    assertEquals(2, r.code(), r.err());
    // As compilers print them, so that editors can jump to the place: no "descent: " prefix.
    assertEquals(csv + ":" + message, r.err().strip());
    assertFalse(Files.exists(out), "no model is written for bad input");
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "no temporary file left behind");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      --model quadratic                                   | --loss must be linear, logistic or multinomial, got "quadratic"
      --loss linear --l2 -1                              | --l2 must be finite and >= 0, got -1.0
      --loss linear --optimizer newton                   | unknown optimizer "newton"
      --loss linear --batch-size 8                       | batch size applies to mini-batch optimizers
      --loss linear --optimizer adam --memory 5          | memory does not apply to adam
      --loss linear --backend gpu                        | unknown backend "gpu"
      """)
  void badUsageIsExitCode2(String options, String message) {
    List<String> args = new ArrayList<>(List.of("train", "--data", "datasets/mtcars.csv",
        "--target", "mpg", "--quiet"));
    args.addAll(Arrays.asList(options.trim().split("\\s+")));
    Cli r = Cli.run(args.toArray(String[]::new));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(message), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      train --data nope.csv --target y --loss linear | nope.csv: no such file
      train --data datasets/mtcars.csv --loss linear | train needs --target
      train --target y                                | Missing required options
      train --data datasets/mtcars.csv --target mpg   | Missing required option: '--loss=KIND'
      train --data d.csv --target y --loss linear --loss linear | option '--loss' (KIND) should be specified only once
      """)
  void missingThingsAreExitCode2(String command, String message) {
    Cli r = Cli.run(command.trim().split("\\s+"));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(message), r.err());
  }

  @org.junit.jupiter.api.Test
  void anEmptyPathIsRefusedNotTakenAsTheWorkingDirectory() {
    for (String[] args : List.of(
        new String[] {"train", "--data", "", "--target", "mpg", "--loss", "linear"},
        new String[] {"train", "--data", "datasets/mtcars.csv", "--target", "mpg", "--loss",
            "linear", "--out", ""},
        new String[] {"train", "--data", "datasets/mtcars.csv", "--target", "mpg", "--loss",
            "linear", "--cache-dir", ""},
        new String[] {"generate", "--rows", "10", "--features", "2", "--loss", "linear", "--out",
            ""})) {
      Cli r = Cli.run(args);
      assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
      assertTrue(r.err().strip().endsWith(": the path is empty"), r.err());
    }
  }
}

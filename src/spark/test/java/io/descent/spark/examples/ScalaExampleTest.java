package io.descent.spark.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.descent.train.ReferenceProblems;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import scala.Console$;
import scala.runtime.AbstractFunction0;

/**
 * The README's Scala example is test/scala/io/descent/spark/examples/ScalaExample.scala (the
 * build compiles it with scala-maven-plugin): the README shows that file's code, and running it
 * reaches the exact optimum of MLlib's objective for its regParam.
 */
class ScalaExampleTest {
  private static final Path SOURCE =
      Path.of("src/spark/test/scala/io/descent/spark/examples/ScalaExample.scala");
  private static final String BEGIN = "<!-- spark-scala-example:begin -->";
  private static final String END = "<!-- spark-scala-example:end -->";

  @Test
  void theReadmeShowsTheCompiledExample() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int begin = readme.indexOf(BEGIN);
    int end = readme.indexOf(END);
    assertTrue(begin >= 0 && end > begin, "README.md has no " + BEGIN + " block");
    String block = readme.substring(begin, end);
    String shown = block.substring(block.indexOf("```scala") + 8, block.lastIndexOf("```"));
    String source = Files.readString(SOURCE);
    // The README leaves out the file's package line.
    String code = source.substring(source.indexOf('\n', source.indexOf("package ")) + 1);
    assertEquals(code.strip(), shown.strip(), "README.md's Scala example differs from " + SOURCE);
  }

  @Test
  void theExampleRunsAndReachesTheOptimum() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    String ui = System.getProperty("spark.ui.enabled");
    System.setProperty("spark.ui.enabled", "false");
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      Class<?> example = Class.forName("io.descent.spark.examples.ScalaExample");
      // Scala's println writes to Console.out, which need not be the current System.out.
      Console$.MODULE$.withOut(out, new AbstractFunction0<Object>() {
        @Override
        public Object apply() {
          try {
            return example.getMethod("main", String[].class).invoke(null,
                (Object) new String[0]);
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
          }
        }
      });
    } finally {
      if (ui == null) {
        System.clearProperty("spark.ui.enabled");
      } else {
        System.setProperty("spark.ui.enabled", ui);
      }
    }
    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(3, lines.size(), lines.toString());

    // regParam 0.01 is MLlib's: a penalty on weights scaled by the sample standard deviations,
    // Descent's l2 = 0.01 n / (n - 1) on the population ones; the exact optimum of that, by the
    // float64 reference, and reference.json's for l2 = 0.01 (a hair below it).
    io.descent.data.Dataset data = new io.descent.data.CsvReader(io.descent.data.CsvReader
        .Options.binaryTarget("malignant")).read(Path.of("datasets/breast_cancer_wdbc.csv"));
    double n = data.rows();
    double optimum = io.descent.Descent.logistic().l2(0.01 * n / (n - 1)).backend("reference")
        .train(data, null).objective();
    double shipped = ReferenceProblems.all().stream()
        .filter(p -> p.dataset().equals("breast_cancer_wdbc") && p.split().equals("full")
            && p.objective().equals("logistic_l2_lambda_1e-2"))
        .findFirst().orElseThrow().optimum();
    assertTrue(shipped < optimum && optimum < shipped * n / (n - 1), optimum + " vs " + shipped);
    assertTrue(lines.get(0).startsWith("objective "), lines.get(0));
    double objective = Double.parseDouble(lines.get(0).substring("objective ".length()));
    assertEquals(optimum, objective, 1e-6 * optimum, "the example's objective");
    assertTrue(lines.get(1).startsWith("auc "), lines.get(1));
    assertTrue(Double.parseDouble(lines.get(1).substring(4)) > 0.99, lines.get(1));
    assertTrue(lines.get(2).matches("ran on \\d+ partitions"), lines.get(2));
  }
}

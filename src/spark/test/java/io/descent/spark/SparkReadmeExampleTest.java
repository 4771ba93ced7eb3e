package io.descent.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiles and runs the Spark example in README.md, so the README cannot drift. */
class SparkReadmeExampleTest {
  @TempDir
  Path dir;

  @Test
  void readmeSparkExampleCompilesAndRuns() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int begin = readme.indexOf("<!-- spark-example:begin -->");
    int end = readme.indexOf("<!-- spark-example:end -->");
    assertTrue(begin >= 0 && end > begin, "README.md has no spark-example block");
    String block = readme.substring(begin, end);
    String code = block.substring(block.indexOf("```java") + 7, block.lastIndexOf("```"));
    Path source = dir.resolve("SparkExample.java");
    Files.writeString(source, code);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int rc = javac.run(null, diagnostics, diagnostics, "-classpath",
        System.getProperty("java.class.path"), "-d", dir.toString(), source.toString());
    assertEquals(0, rc, diagnostics.toString(StandardCharsets.UTF_8));

    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.out;
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
        getClass().getClassLoader())) {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      loader.loadClass("SparkExample").getMethod("main", String[].class)
          .invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(original);
    }
    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> !l.isBlank()).toList();
    assertEquals(4, lines.size(), lines.toString());
    assertTrue(lines.get(0).matches("AUC per regParam: \\[0\\.9[0-9]*, 0\\.9[0-9]*\\]"),
        lines.get(0));
    assertTrue(lines.get(1).startsWith("stop: gradient_tolerance after "), lines.get(1));
    assertTrue(lines.get(2).startsWith("ran on: partition 0 ("), lines.get(2));
    assertEquals("same predictions after loading: true", lines.get(3));
  }
}

package io.descent;

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

/** Compiles and runs the library example in README.md, so the README cannot drift. */
class ReadmeExampleTest {
  @TempDir
  Path dir;

  /** Compiles the README block between the given markers as {@code className} and runs it. */
  private List<String> run(String marker, String className) throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int begin = readme.indexOf("<!-- " + marker + ":begin -->");
    int end = readme.indexOf("<!-- " + marker + ":end -->");
    assertTrue(begin >= 0 && end > begin, "README.md has no " + marker + " block");
    String block = readme.substring(begin, end);
    String code = block.substring(block.indexOf("```java") + 7, block.lastIndexOf("```"));
    Path source = dir.resolve(className + ".java");
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
      loader.loadClass(className).getMethod("main", String[].class)
          .invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void readmeExampleCompilesAndRuns() throws Exception {
    List<String> lines = run("example", "Example");
    assertEquals(3, lines.size(), lines.toString());
    assertTrue(lines.get(0).contains("accuracy"), lines.get(0));
    assertTrue(lines.get(1).startsWith("GRADIENT_TOLERANCE") || lines.get(1).startsWith(
        "OBJECTIVE_TOLERANCE") || lines.get(1).startsWith("PRECISION_LIMIT"), lines.get(1));
    assertTrue(lines.get(1).contains("backend=reference"), lines.get(1));
    assertTrue(lines.get(2).startsWith("p(spam) of row 0 = 0."), lines.get(2));
    assertTrue(Files.exists(Path.of("target/spam.json")));
  }

  @Test
  void arraysExampleCompilesAndRuns() throws Exception {
    List<String> lines = run("arrays-example", "ArraysExample");
    assertEquals(4, lines.size(), lines.toString());
    assertEquals("200 rows held out", lines.get(0));
    assertTrue(lines.get(1).matches("class 1\\.0, p = 0\\.[5-9][0-9]*"), lines.get(1));
    assertEquals("same after loading: true", lines.get(2));
    // 3 + 2 * 1 - 10 / 10 = 4: the target is exactly linear, the penalty tiny.
    double ridge = Double.parseDouble(lines.get(3).substring("ridge prediction ".length()));
    assertEquals(4.0, ridge, 1e-3, lines.get(3));
  }
}

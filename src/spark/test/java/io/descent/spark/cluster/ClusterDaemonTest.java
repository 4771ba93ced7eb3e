package io.descent.spark.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A {@link ClusterDaemon} exits when the JVM that started it is killed. */
class ClusterDaemonTest {
  private static List<String> java(Class<?> main, String... args) {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-cp",
        String.join(File.pathSeparator, StandaloneCluster.classPath()),
        "-D" + ClusterDaemon.PARENT_PROPERTY + "=" + ProcessHandle.current().pid(),
        main.getName()));
    command.addAll(List.of(args));
    return command;
  }

  /** Stands for the test JVM: starts a daemon, prints its pid, waits to be killed. */
  public static final class Parent {
    public static void main(String[] args) throws Exception {
      Process daemon = new ProcessBuilder(java(ClusterDaemon.class, Sleeper.class.getName()))
          .inheritIO().start();
      System.out.println(daemon.pid());
      System.out.flush();
      Thread.sleep(TimeUnit.MINUTES.toMillis(5));
    }
  }

  /** Stands for Spark's Master or Worker main: runs until its JVM exits. */
  public static final class Sleeper {
    public static void main(String[] args) throws Exception {
      Thread.sleep(TimeUnit.MINUTES.toMillis(5));
    }
  }

  @Test
  void theDaemonExitsWhenItsParentIsKilled() throws Exception {
    Process parent = new ProcessBuilder(java(Parent.class)).redirectError(
        ProcessBuilder.Redirect.INHERIT).start();
    ProcessHandle daemon = null;
    try {
      String line = new BufferedReader(new InputStreamReader(parent.getInputStream(),
          StandardCharsets.UTF_8)).readLine();
      assertNotNull(line, "the parent JVM printed no pid");
      daemon = ProcessHandle.of(Long.parseLong(line.strip())).orElseThrow();
      assertTrue(daemon.isAlive());
      parent.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      ProcessHandle d = daemon;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (d.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertFalse(d.isAlive(), "the daemon outlived its killed parent by 60 s");
    } finally {
      parent.destroyForcibly();
      if (daemon != null) {
        daemon.destroyForcibly();
      }
    }
  }
}

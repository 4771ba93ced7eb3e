package io.descent.spark.cluster;

import java.util.Arrays;

/**
 * The main class of {@link StandaloneCluster}'s JVMs: runs Spark's {@code Master} or {@code
 * Worker} main and exits when the JVM that started it (the tests) is gone, so that not even a
 * crashed or killed test JVM leaves a cluster behind (a worker's shutdown hook stops its
 * executors; an executor also exits when its worker goes).
 */
public final class ClusterDaemon {
  /** How often the parent is checked, in milliseconds. */
  static final long PARENT_POLL_MS = 1000;
  /**
   * The system property naming the process id to outlive no longer than {@link #PARENT_POLL_MS}
   * (the JVM that starts the daemon: its parent might be gone before the daemon asks for it).
   */
  static final String PARENT_PROPERTY = "descent.cluster.parent";

  private ClusterDaemon() {}

  /**
   * Runs the daemon.
   *
   * @param args the Spark main class, then its arguments; the system property {@value
   *     #PARENT_PROPERTY} names the process to watch
   * @throws Exception what Spark's main throws
   */
  public static void main(String[] args) throws Exception {
    long pid = Long.parseLong(System.getProperty(PARENT_PROPERTY));
    ProcessHandle parent = ProcessHandle.of(pid).orElse(null);
    if (parent == null) {
      System.err.println("ClusterDaemon: the test JVM " + pid + " is gone; exiting");
      System.exit(1);
    }
    Thread watcher = new Thread(() -> {
      while (parent.isAlive()) {
        try {
          Thread.sleep(PARENT_POLL_MS);
        } catch (InterruptedException e) {
          return;
        }
      }
      System.err.println("ClusterDaemon: the test JVM " + parent.pid() + " is gone; exiting");
      System.exit(1);
    }, "cluster-daemon-parent-watcher");
    watcher.setDaemon(true);
    watcher.start();
    Class.forName(args[0]).getMethod("main", String[].class)
        .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
  }
}

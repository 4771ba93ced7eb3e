package io.descent.spark.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.SparkContext;
import org.apache.spark.launcher.JavaModuleOptions;
import org.apache.spark.sql.SparkSession;

/**
 * A real Spark standalone cluster on this machine: one {@code Master} and {@link #WORKERS}
 * {@code Worker} JVMs started from the test class path, every host and port bound to 127.0.0.1.
 * Executors run in JVMs that the workers launch (as on any standalone cluster), with the Descent
 * classes on their class path ({@code spark.executor.extraClassPath}, the class path's
 * directories; its jars are linked into a temporary {@code SPARK_HOME/jars}).
 *
 * <p>{@link #close()} kills every JVM it started, the executors included, also when a test fails
 * (and from a shutdown hook when the test JVM exits without closing it); should the test JVM
 * crash or be killed, the daemons exit by themselves ({@link ClusterDaemon}). The daemons' and
 * executors' logs are under {@code target/spark-cluster/<run>/}.
 */
public final class StandaloneCluster implements AutoCloseable {
  /** Workers started. */
  public static final int WORKERS = 2;
  /** Cores each worker offers: one executor of one core per worker. */
  public static final int WORKER_CORES = 1;
  /** Memory each worker offers its executors. */
  public static final String WORKER_MEMORY = "1g";
  /** Heap of each daemon JVM (master, worker). */
  public static final String DAEMON_HEAP = "-Xmx384m";
  /** How long the cluster may take to start (2 shared cores: generous). */
  public static final Duration START_TIMEOUT = Duration.ofSeconds(180);
  /** How long an application may wait for its executors. */
  public static final Duration EXECUTOR_TIMEOUT = Duration.ofSeconds(180);

  /** How long close() waits for the killed JVMs to be gone. */
  public static final long STOP_WAIT_SECONDS = 30;

  private static final String HOST = "127.0.0.1";
  /** The lowest port {@link #fixedPort} picks (below it, well-known and registered services). */
  private static final int FIXED_PORTS_FROM = 20000;
  private static final String EXECUTOR_MAIN = "org.apache.spark.executor.CoarseGrainedExecutorBackend";

  private final Path dir;
  private final Path sparkHome;
  private final String executorClassPath;
  private final int masterPort;
  private final int uiPort;
  private final List<Process> started = new ArrayList<>();
  private final List<Process> workers = new ArrayList<>();
  private final Set<ProcessHandle> seen = new LinkedHashSet<>();
  private final Thread hook;
  private Process master;
  private boolean closed;

  private StandaloneCluster(Path dir) throws IOException {
    this.dir = dir;
    this.sparkHome = dir.resolve("spark-home");
    List<String> classPath = classPath();
    this.executorClassPath = classPath.stream().filter(e -> Files.isDirectory(Path.of(e)))
        .map(e -> Path.of(e).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
    prepareSparkHome(classPath);
    this.masterPort = fixedPort(-1);
    this.uiPort = fixedPort(masterPort);
    this.hook = new Thread(this::close, "standalone-cluster-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Starts a master and {@link #WORKERS} workers and waits until every worker registered.
   *
   * @return the running cluster; close it
   * @throws IOException when a JVM cannot start
   * @throws IllegalStateException when the cluster is not up within {@link #START_TIMEOUT}
   */
  public static StandaloneCluster start() throws IOException {
    Path root = Path.of("target", "spark-cluster").toAbsolutePath();
    Files.createDirectories(root);
    StandaloneCluster cluster = new StandaloneCluster(Files.createTempDirectory(root, "run-"));
    try {
      cluster.launch();
      return cluster;
    } catch (RuntimeException | IOException e) {
      cluster.close();
      throw e;
    }
  }

  /** The master's URL, {@code spark://127.0.0.1:port}. */
  public String masterUrl() {
    return "spark://" + HOST + ":" + masterPort;
  }

  /** The folder that holds this run's logs. */
  public Path logs() {
    return dir;
  }

  /**
   * A session builder for an application on this cluster: the driver is the calling JVM, bound to
   * 127.0.0.1; one executor of one core on each worker, with the Descent classes.
   *
   * @param appName the application's name
   * @return the builder; call {@code getOrCreate()} then {@link #awaitExecutors}
   */
  public SparkSession.Builder session(String appName) {
    return SparkSession.builder().master(masterUrl()).appName(appName)
        .config("spark.driver.host", HOST)
        .config("spark.driver.bindAddress", HOST)
        .config("spark.ui.enabled", "false")
        .config("spark.executor.cores", String.valueOf(WORKER_CORES))
        .config("spark.executor.memory", "768m")
        .config("spark.cores.max", String.valueOf(WORKERS * WORKER_CORES))
        .config("spark.executor.extraClassPath", executorClassPath)
        .config("spark.scheduler.minRegisteredResourcesRatio", "1.0")
        .config("spark.scheduler.maxRegisteredResourcesWaitingTime", "120s")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.network.timeout", "120s")
        .config("spark.executor.heartbeatInterval", "10s");
  }

  /**
   * Waits until the application has one executor on every worker.
   *
   * @param context the application
   * @throws IllegalStateException naming the executors it has when they do not all come
   */
  public void awaitExecutors(SparkContext context) {
    long deadline = System.nanoTime() + EXECUTOR_TIMEOUT.toNanos();
    while (true) {
      int executors = context.statusTracker().getExecutorInfos().length - 1; // minus the driver
      if (executors >= WORKERS) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + executors + " of " + WORKERS
            + " executors registered within " + EXECUTOR_TIMEOUT + "; logs in " + dir);
      }
      sleep(200);
    }
  }

  /** The worker JVMs' process ids. */
  public List<Long> workerPids() {
    return workers.stream().map(Process::pid).toList();
  }

  /** The executor JVMs alive now: the workers' children running the executor backend. */
  public List<ProcessHandle> executors() {
    List<ProcessHandle> executors = new ArrayList<>();
    for (Process worker : workers) {
      worker.toHandle().descendants().filter(ProcessHandle::isAlive)
          .filter(StandaloneCluster::isExecutor).forEach(executors::add);
    }
    synchronized (seen) {
      seen.addAll(executors);
    }
    return executors;
  }

  private static boolean isExecutor(ProcessHandle process) {
    return process.info().commandLine().map(c -> c.contains(EXECUTOR_MAIN))
        .or(() -> process.info().arguments().map(a -> List.of(a).contains(EXECUTOR_MAIN)))
        .orElse(false);
  }

  private void launch() throws IOException {
    master = spawn("master", List.of("org.apache.spark.deploy.master.Master", "--host", HOST,
        "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(uiPort)));
    for (int i = 0; i < WORKERS; i++) {
      Path work = Files.createDirectories(dir.resolve("worker-" + i));
      workers.add(spawn("worker-" + i, List.of("org.apache.spark.deploy.worker.Worker",
          "--host", HOST, "--port", "0", "--webui-port", "0",
          "--cores", String.valueOf(WORKER_CORES), "--memory", WORKER_MEMORY,
          "--work-dir", work.toString(), masterUrl())));
    }
    awaitWorkers();
  }

  private Process spawn(String name, List<String> arguments) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(String.join(File.pathSeparator, classPath()));
    command.add(DAEMON_HEAP);
    command.addAll(List.of(JavaModuleOptions.defaultModuleOptionArray()));
    command.add("-Dlog4j2.configurationFile=" + sparkHome.resolve("conf/log4j2.properties"));
    command.add("-Dspark.master.rest.enabled=false");
    command.add("-Dspark.worker.cleanup.enabled=false");
    command.add("-D" + ClusterDaemon.PARENT_PROPERTY + "=" + ProcessHandle.current().pid());
    command.add(ClusterDaemon.class.getName());
    command.addAll(arguments);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    builder.environment().put("SPARK_HOME", sparkHome.toString());
    builder.environment().put("SPARK_LOCAL_IP", HOST);
    builder.environment().put("SPARK_LOCAL_HOSTNAME", HOST);
    builder.environment().put("SPARK_SCALA_VERSION", "2.13");
    builder.environment().put("SPARK_LOCAL_DIRS",
        Files.createDirectories(dir.resolve("local-" + name)).toString());
    builder.environment().remove("SPARK_CONF_DIR");
    Process process = builder.start();
    synchronized (started) {
      started.add(process);
    }
    return process;
  }

  private void awaitWorkers() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + HOST + ":" + uiPort + "/json/"))
        .timeout(Duration.ofSeconds(10)).build();
    ObjectMapper json = new ObjectMapper();
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String last = "no answer from the master's UI";
    while (System.nanoTime() < deadline) {
      for (Process p : started) {
        if (!p.isAlive()) {
          throw new IllegalStateException("a cluster JVM exited with status " + p.exitValue()
              + " while starting; logs in " + dir);
        }
      }
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          JsonNode state = json.readTree(response.body());
          int alive = state.path("aliveworkers").asInt(0);
          last = alive + " workers alive";
          if (alive >= WORKERS) {
            return;
          }
        }
      } catch (IOException e) {
        last = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the cluster started", e);
      }
      sleep(300);
    }
    throw new IllegalStateException("the standalone cluster did not start within "
        + START_TIMEOUT + " (" + last + "); logs in " + dir);
  }

  /**
   * A {@code SPARK_HOME} for the workers: {@code jars/} links to the class path's jars (the
   * executors' class path), {@code conf/} a log configuration writing INFO to the JVMs' output,
   * and the empty {@code launcher/target/scala-2.13} Spark's command builder looks for.
   */
  private void prepareSparkHome(List<String> classPath) throws IOException {
    Path jars = Files.createDirectories(sparkHome.resolve("jars"));
    Files.createDirectories(sparkHome.resolve("launcher/target/scala-2.13"));
    Set<String> names = new HashSet<>();
    for (String entry : classPath) {
      Path jar = Path.of(entry).toAbsolutePath();
      if (!entry.endsWith(".jar") || !Files.isRegularFile(jar)) {
        continue;
      }
      String name = jar.getFileName().toString();
      if (!names.add(name)) {
        name = names.size() + "-" + name;
        names.add(name);
      }
      Files.createSymbolicLink(jars.resolve(name), jar);
    }
    Path conf = Files.createDirectories(sparkHome.resolve("conf"));
    Files.writeString(conf.resolve("log4j2.properties"), String.join("\n",
        "rootLogger.level = info",
        "rootLogger.appenderRef.stdout.ref = console",
        "appender.console.type = Console",
        "appender.console.name = console",
        "appender.console.target = SYSTEM_ERR",
        "appender.console.layout.type = PatternLayout",
        "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n", ""));
  }

  /** The test JVM's class path (surefire sets java.class.path to it in the forked JVM). */
  static List<String> classPath() {
    String path = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    List<String> entries = new ArrayList<>();
    for (String entry : path.split(File.pathSeparator)) {
      if (!entry.isBlank() && Files.exists(Path.of(entry))) {
        entries.add(Path.of(entry).toAbsolutePath().toString());
      }
    }
    return entries;
  }

  /**
   * A port for the master that is free now and below the kernel's ephemeral range (Linux's
   * {@code ip_local_port_range}), other than {@code taken}: a port the kernel hands out for a
   * bind to port 0 could be handed again, to a worker's own port-0 services, before the master
   * binds it. That happened once (the master's UI moved to the next port and the readiness
   * probe asked a worker's RPC port, "HTTP/1.1 header parser received no bytes"). Without that
   * file, any free port.
   */
  private static int fixedPort(int taken) throws IOException {
    int low = ephemeralLow();
    if (low > FIXED_PORTS_FROM + 64) {
      int span = low - FIXED_PORTS_FROM;
      int start = java.util.concurrent.ThreadLocalRandom.current().nextInt(span);
      for (int i = 0; i < span; i++) {
        int port = FIXED_PORTS_FROM + (start + i) % span;
        if (port != taken && bindable(port)) {
          return port;
        }
      }
    }
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    }
  }

  /** The lowest ephemeral port, or 0 when the kernel does not say. */
  private static int ephemeralLow() {
    try {
      // Line by line: Files.readString sized the file by its length, which procfs gives as 0
      // (here it read 1 character).
      String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0);
      return Integer.parseInt(range.trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getByName(HOST))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Kills the workers, their executors and the master: a worker first gets SIGTERM (it stops its
   * executors), then every process still alive is killed, and close waits up to {@link
   * #STOP_WAIT_SECONDS} for them to be gone.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<ProcessHandle> all = new ArrayList<>();
    synchronized (seen) {
      all.addAll(seen);
    }
    for (Process worker : workers) {
      all.addAll(worker.toHandle().descendants().toList());
    }
    List<Process> processes;
    synchronized (started) {
      processes = new ArrayList<>(started);
    }
    for (Process p : processes) {
      all.addAll(p.toHandle().descendants().toList());
      p.destroy();
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    for (ProcessHandle h : all) {
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_WAIT_SECONDS);
    for (ProcessHandle h : all) {
      try {
        h.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        // allStopped() reports it
      }
    }
    if (Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting: the hook runs close() again, which returns at once
      }
    }
  }

  /** Whether every JVM this cluster started (executors seen included) has exited. */
  public boolean allStopped() {
    synchronized (started) {
      if (started.stream().anyMatch(Process::isAlive)) {
        return false;
      }
    }
    synchronized (seen) {
      return seen.stream().noneMatch(ProcessHandle::isAlive);
    }
  }
}

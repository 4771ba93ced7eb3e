package io.descent.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Where and when a bench ran, so that its numbers can be judged: a busy machine (a high load
 * average) or an ND4J pinned to one thread ({@code OMP_NUM_THREADS=1}) explains a slow row.
 *
 * @param cpu the CPU model, or "host CPU" where it cannot be read
 * @param cores the processors the JVM sees (also the host read bandwidth's threads)
 * @param os operating system name, version and architecture
 * @param java the Java runtime's version and VM
 * @param maxHeapBytes the JVM's heap limit
 * @param ompNumThreads the {@code OMP_NUM_THREADS} environment variable, which sets ND4J's worker
 *     count; null when unset (ND4J then uses every physical core)
 * @param loadAverageStart the one-minute load average when the run started; NaN where unknown
 * @param loadAverageEnd the same when it ended
 * @param started when it started, ISO-8601 UTC
 */
public record MachineInfo(String cpu, int cores, String os, String java, long maxHeapBytes,
    String ompNumThreads, double loadAverageStart, double loadAverageEnd, String started) {

  /** This machine now, with the end load average still unknown (NaN). */
  public static MachineInfo now() {
    return new MachineInfo(cpuName(), Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch"),
        System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")",
        Runtime.getRuntime().maxMemory(), System.getenv("OMP_NUM_THREADS"), loadAverage(),
        Double.NaN, Instant.now().toString());
  }

  /** This record with the end load average measured now. */
  public MachineInfo ended() {
    return new MachineInfo(cpu, cores, os, java, maxHeapBytes, ompNumThreads, loadAverageStart,
        loadAverage(), started);
  }

  /** The one-minute load average, or NaN where the platform has none. */
  static double loadAverage() {
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return load < 0 ? Double.NaN : load;
  }

  /** The CPU's model name from {@code /proc/cpuinfo}, or "host CPU" where there is none. */
  static String cpuName() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8);
      for (String line : lines) {
        if (line.startsWith("model name")) {
          int colon = line.indexOf(':');
          String name = colon < 0 ? "" : line.substring(colon + 1).strip().replaceAll("\\s+", " ");
          if (!name.isEmpty()) {
            return name;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or not readable: the generic name below is the honest answer.
    }
    return "host CPU";
  }
}

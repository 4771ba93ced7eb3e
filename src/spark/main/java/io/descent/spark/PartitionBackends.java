package io.descent.spark;

import io.descent.gradient.BackendKind;
import io.descent.gradient.Batch;
import io.descent.gradient.BatchedEvaluation;
import io.descent.gradient.Evaluation;
import io.descent.gradient.GradientBackend;
import io.descent.train.Verifier;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkEnv;

/**
 * The executor side of a fit: one open backend per (fit, partition), kept resident across the
 * evaluations of the fit in this executor's JVM. A task that finds no backend for its partition
 * (the first evaluation, or a retry on another executor) opens one from the cached block; a task
 * whose request carries a newer handle of the same fit (the driver reopened on fewer models, or
 * for the float64 finish) closes the older one first. The fit's last job closes what is left.
 */
final class PartitionBackends {
  private PartitionBackends() {}

  private record Key(String fit, int partition) {}

  /** An open backend and the handle it was opened for. */
  private static final class Entry {
    final long handle;
    final GradientBackend backend;
    final String where;
    Verifier[] verifiers;

    Entry(long handle, GradientBackend backend, String where) {
      this.handle = handle;
      this.backend = backend;
      this.where = where;
    }
  }

  private static final Map<Key, Entry> OPEN = new ConcurrentHashMap<>();

  /**
   * Held while a backend opens, and while an OpenCL backend evaluates: the tasks of one executor
   * run on several threads of one JVM, and OpenCL platforms (PoCL's device query among them) are
   * not safe to enter from two threads at once. An executor's OpenCL device serves one pass at
   * a time anyway.
   */
  private static final Object OPENCL = new Object();

  /** Where this task runs: the executor id and host. */
  static String here() {
    SparkEnv env = SparkEnv.get();
    String executor = env == null ? "?" : env.executorId();
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "?";
    }
    return "executor " + executor + " on " + host;
  }

  private static Entry entry(BackendRequest request, int partition, RowBlock block) {
    return OPEN.compute(new Key(request.fit(), partition), (k, old) -> {
      if (old != null && old.handle == request.handle()) {
        return old;
      }
      if (old != null) {
        synchronized (OPENCL) {
          old.backend.close();
        }
      }
      synchronized (OPENCL) {
        return new Entry(request.handle(), request.open(partition, block), here());
      }
    });
  }

  /** Opens (or finds) the partition's backend and says what it is. */
  static PartitionInfo open(BackendRequest request, int partition, RowBlock block) {
    Entry e = entry(request, partition, block);
    return new PartitionInfo(partition, block.rows, e.where, e.backend.info(),
        e.backend.tolerance());
  }

  /**
   * The partition's sums at {@code w}; on every {@code verifyEvery}-th evaluation each group's
   * figures are checked against the float64 reference over the same rows first.
   *
   * @throws io.descent.train.VerificationException when a check fails
   */
  static PartialSums evaluate(BackendRequest request, int partition, RowBlock block,
      double[] w, int evaluation) {
    Entry e = entry(request, partition, block);
    BatchedEvaluation r;
    synchronized (e.backend.info().kind() == BackendKind.OPENCL ? OPENCL : e) {
      r = e.backend.evaluateColumns(w, Batch.all(block.rows));
      if (request.verifyEvery() > 0 && evaluation % request.verifyEvery() == 0) {
        verify(request, block, e, w, r, evaluation);
      }
    }
    return new PartialSums(request.groups(), w.length).add(r, request.classes());
  }

  private static void verify(BackendRequest request, RowBlock block, Entry e, double[] w,
      BatchedEvaluation r, int evaluation) {
    if (e.verifiers == null) {
      e.verifiers = new Verifier[request.groups()];
    }
    int width = w.length / request.groups();
    for (int g = 0; g < request.groups(); g++) {
      if (r.weight()[g] == 0) {
        continue;
      }
      if (e.verifiers[g] == null) {
        e.verifiers[g] = new Verifier(block.dataset(), request.standardization(),
            request.oneGroup(block, g), e.backend.tolerance());
      }
      e.verifiers[g].verify(evaluation, Arrays.copyOfRange(w, g * width, (g + 1) * width),
          Batch.all(block.rows), new Evaluation(r.loss()[g],
              Arrays.copyOfRange(r.gradient(), g * width, (g + 1) * width)));
    }
  }

  /** Closes every backend of the fit open in this executor; returns how many. */
  static int closeFit(String fit) {
    int closed = 0;
    for (Key k : OPEN.keySet()) {
      if (k.fit().equals(fit)) {
        Entry e = OPEN.remove(k);
        if (e != null) {
          synchronized (OPENCL) {
            e.backend.close();
          }
          closed++;
        }
      }
    }
    return closed;
  }

  /** How many backends this JVM holds open (all fits). */
  static int openCount() {
    return OPEN.size();
  }
}

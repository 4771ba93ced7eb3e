#!/usr/bin/python3
"""End to end: `descent train` against pandas + scikit-learn lbfgs, on the same file, same run.

On a file written by `descent generate` (1M x 64 logistic by default), or one given with --csv
(its target column is y):

  * Descent: `java -jar descent.jar train --loss logistic --l2 L --json` (read, standardize,
    fit, judge, write nothing else), timed from outside, JVM start included;
  * scikit-learn: pandas.read_csv, StandardScaler, LogisticRegression(solver='lbfgs') with its
    defaults (C=1.0, tol=1e-4, max_iter=100), BLAS on 2 threads (n_jobs=2 as well, which binary
    lbfgs does not use), timed inside this process.

Both minimize the same objective. scikit-learn's lbfgs minimizes (1/2)||w||^2 + C sum_i l_i;
divided by C n that is Descent's mean loss + (l2/2)||w||^2 (README "The objective") with
l2 = 1 / (C n), on the standardized features, the intercept free. Both are scored by the same
float64 numpy code on the float32-rounded values Descent reads, against the exact optimum found
here by Newton's method (to rounding level), and reported as (J - J*) / J*.

Run from the repository root after `mvn -q package -DskipTests`:

    /usr/bin/python3 benchmarks/train_vs_sklearn.py                   # 1M x 64, median of 3
    /usr/bin/python3 benchmarks/train_vs_sklearn.py --rows 200000 --repeat 1   # quicker

Needs Debian's python3-sklearn and python3-pandas. Prints the figures and, with --out, writes
them as JSON.
"""
import os

# BLAS threads for scikit-learn and numpy, before numpy loads.
for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "2")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import sklearn  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def run(cmd, env=None):
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit("failed (%d): %s\n%s%s" % (p.returncode, " ".join(cmd), p.stdout, p.stderr))
    return p.stdout, wall


def standardize(x):
    mean = x.mean(axis=0)
    std = x.std(axis=0)  # population std, as Descent
    std[std == 0] = 1.0  # a constant column: z = 0
    return (x - mean) / std


def objective(z, y, b, w, l2):
    """Descent's objective: mean log loss + (l2/2)||w||^2, intercept free."""
    m = b + z @ w
    return float(np.mean(np.logaddexp(0.0, m) - y * m)) + 0.5 * l2 * float(w @ w)


def exact_optimum(z, y, l2):
    """Newton's method in float64 from the constant model, to rounding level."""
    n, d = z.shape
    a = np.hstack([np.ones((n, 1)), z])
    theta = np.zeros(d + 1)
    p0 = float(np.clip(y.mean(), 1e-12, 1 - 1e-12))
    theta[0] = np.log(p0 / (1 - p0))
    reg = np.full(d + 1, l2)
    reg[0] = 0.0
    for _ in range(50):
        m = a @ theta
        p = 0.5 * (1.0 + np.tanh(0.5 * m))  # the logistic function, without overflow
        g = a.T @ (p - y) / n + reg * theta
        h = (a * (p * (1 - p))[:, None]).T @ a / n + np.diag(reg)
        step = np.linalg.solve(h, g)
        theta -= step
        if np.max(np.abs(g)) < 1e-15 or np.max(np.abs(step)) < 1e-15:
            break
    return theta[0], theta[1:], objective(z, y, theta[0], theta[1:], l2)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--features", type=int, default=64)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--csv", help="use this file (target column y) instead of generating one")
    ap.add_argument("--C", type=float, default=1.0, help="scikit-learn's C (default 1.0)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each; medians are shown")
    ap.add_argument("--jar", default="target/descent.jar")
    ap.add_argument("--work", default="target/train-bench")
    ap.add_argument("--descent-args", default="", help="extra arguments for descent train")
    ap.add_argument("--out", help="also write the figures here (JSON)")
    a = ap.parse_args()
    if a.repeat < 1:
        ap.error("--repeat must be >= 1, got %d" % a.repeat)
    if a.csv and not os.path.isfile(a.csv):
        ap.error("--csv %s: no such file (without --csv the script generates one under --work)"
                 % a.csv)
    os.makedirs(a.work, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("POCL_CACHE_DIR", os.path.abspath("target/pocl-cache"))
    print("machine: %s, %d cores; scikit-learn %s, numpy %s, pandas %s" % (
        cpu_model(), os.cpu_count(), sklearn.__version__, np.__version__, pd.__version__))
    csv = a.csv or os.path.join(a.work, "logistic-%dx%d-s%d.csv" % (a.rows, a.features, a.seed))
    if not os.path.exists(csv):
        run(["java", "-jar", a.jar, "generate", "--rows", str(a.rows), "--features",
             str(a.features), "--loss", "logistic", "--seed", str(a.seed), "--out", csv])
    size_mb = os.path.getsize(csv) / 1e6

    descent, sk = [], []
    model_path = os.path.join(a.work, "descent-model.json")
    n = None
    for r in range(a.repeat):
        if n is None:
            n = sum(1 for _ in open(csv, "rb")) - 1
        l2 = 1.0 / (a.C * n)
        out, wall = run(["java", "-jar", a.jar, "train", "--data", csv, "--target", "y",
                         "--loss", "logistic", "--l2", repr(l2), "--out", model_path, "--json"]
                        + a.descent_args.split(), env)
        report = json.loads(out)
        model = json.load(open(model_path))
        descent.append({"wall": wall, "fit": report["result"]["seconds"],
                        "iterations": report["result"]["iterations"],
                        "evaluations": report["result"]["evaluations"],
                        "backend": report["backend"], "message": report["result"]["message"],
                        "b": model["standardizedIntercept"],
                        "w": np.array(model["standardizedCoef"], dtype=np.float64)})

        t = time.perf_counter()
        frame = pd.read_csv(csv)
        read_s = time.perf_counter() - t
        features = [c for c in frame.columns if c != "y"]
        x = frame[features].to_numpy(np.float64)
        y = frame["y"].to_numpy(np.float64)
        clf = LogisticRegression(C=a.C, solver="lbfgs", n_jobs=2)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            zs = StandardScaler().fit_transform(x)
            clf.fit(zs, y)
        total_s = time.perf_counter() - t
        sk.append({"wall": total_s, "read": read_s, "fit": total_s - read_s,
                   "iterations": int(clf.n_iter_[0]), "converged": not any(
                       issubclass(c.category, ConvergenceWarning) for c in caught),
                   "b": float(clf.intercept_[0]), "w": clf.coef_[0].astype(np.float64)})
        del frame, x, zs
        print("run %d: descent %.2f s (fit %.2f s, %d iterations, %d evaluations);"
              " pandas + scikit-learn %.2f s (read %.2f s, %d iterations)" % (
                  r + 1, wall, descent[-1]["fit"], descent[-1]["iterations"],
                  descent[-1]["evaluations"], total_s, read_s, sk[-1]["iterations"]),
              flush=True)

    # Score on the float32 values Descent reads, standardized in float64 as Descent does.
    frame = pd.read_csv(csv)
    features = [c for c in frame.columns if c != "y"]
    z = standardize(frame[features].to_numpy(np.float32).astype(np.float64))
    y = frame["y"].to_numpy(np.float64)
    del frame
    l2 = 1.0 / (a.C * n)
    _, _, best = exact_optimum(z, y, l2)
    jd = objective(z, y, descent[-1]["b"], descent[-1]["w"], l2)
    # scikit-learn standardized the float64 values; its weights apply to Descent's z as well
    # up to the float32 rounding of the file's values, which the score includes.
    js = objective(z, y, sk[-1]["b"], sk[-1]["w"], l2)
    med = lambda rows, k: statistics.median(r[k] for r in rows)  # noqa: E731
    row = {
        "file": csv, "megabytes": size_mb, "rows": n, "features": len(features), "C": a.C,
        "l2": l2, "repeat": a.repeat, "descentBackend": descent[-1]["backend"],
        "descentWallSeconds": med(descent, "wall"), "descentFitSeconds": med(descent, "fit"),
        "descentIterations": descent[-1]["iterations"],
        "descentEvaluations": descent[-1]["evaluations"],
        "sklearnWallSeconds": med(sk, "wall"), "pandasReadSeconds": med(sk, "read"),
        "sklearnFitSeconds": med(sk, "fit"), "sklearnIterations": sk[-1]["iterations"],
        "sklearnConverged": sk[-1]["converged"],
        "speedup": med(sk, "wall") / med(descent, "wall"),
        "exactObjective": best,
        "descentRelativeExcess": (jd - best) / abs(best),
        "sklearnRelativeExcess": (js - best) / abs(best),
        "descentMessage": descent[-1]["message"],
    }
    print("\nlogistic, %d x %d (%.0f MB), l2 = 1/(C n) = %.3g, median of %d" % (
        n, len(features), size_mb, l2, a.repeat))
    print("  descent train (%s): %.2f s wall (fit %.2f s, %d iterations, %d evaluations;"
          " JVM start and read included)" % (
              "%s %s" % (row["descentBackend"]["kind"], row["descentBackend"]["precision"]),
              row["descentWallSeconds"], row["descentFitSeconds"], row["descentIterations"],
              row["descentEvaluations"]))
    print("  pandas + scikit-learn lbfgs: %.2f s (read %.2f s, scale + fit %.2f s,"
          " %d iterations%s)" % (row["sklearnWallSeconds"], row["pandasReadSeconds"],
                                 row["sklearnFitSeconds"], row["sklearnIterations"],
                                 "" if row["sklearnConverged"] else ", not converged"))
    print("  end to end: scikit-learn time / Descent time = %.1fx" % row["speedup"])
    print("  objective above the exact optimum %.12f (relative): Descent %.1e,"
          " scikit-learn %.1e" % (best, row["descentRelativeExcess"],
                                  row["sklearnRelativeExcess"]))
    if a.out:
        with open(a.out, "w") as f:
            json.dump({"machine": cpu_model(), "cores": os.cpu_count(), "results": [row]}, f,
                      indent=2)


if __name__ == "__main__":
    main()

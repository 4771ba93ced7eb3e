#!/usr/bin/python3
"""Regularization paths: Descent's `path` command against scikit-learn, in the same run.

For each loss, on a file written by `descent generate` (a sparse truth: --zero-weights):

  * Descent: `descent path --loss L --l1-ratio A --penalties N --json` (the penalties it
    chooses: log-spaced from the smallest that zeroes every weight down to a ratio of it);
  * scikit-learn on the same float32-rounded data, standardized the same way, over the SAME
    penalties: logistic with LogisticRegression(penalty='elasticnet', solver='saga',
    C=1/(n lambda), l1_ratio=A, warm_start=True) looped from the largest penalty down; linear
    with enet_path(precompute=True) (the Gram matrix once, then coordinate descent).

Both sets of coefficients are scored by the same float64 numpy code: the objective
J = D + l1 ||w||_1 + (l2/2) ||w||^2 (l1 = lambda A, l2 = lambda (1 - A), intercept free) and
its largest KKT violation, so "at least as close to its optimum" is measured, not assumed.

Run from the repository root after `mvn -q package -DskipTests`:

    /usr/bin/python3 benchmarks/path_vs_sklearn.py                 # 1M x 64, both losses
    /usr/bin/python3 benchmarks/path_vs_sklearn.py --rows 100000   # quicker

Needs Debian's python3-sklearn and python3-pandas (apt-get install python3-sklearn
python3-pandas). Prints one summary table per loss and, with --out, writes it as JSON.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression, enet_path


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


def data_term(loss, z, y, b, w):
    m = b + z @ w
    if loss == "logistic":
        return float(np.mean(np.logaddexp(0.0, m) - y * m))
    r = y - m
    return float(0.5 * np.mean(r * r))


def smooth_gradient(loss, z, y, b, w, l2):
    m = b + z @ w
    r = (1.0 / (1.0 + np.exp(-m)) - y) if loss == "logistic" else (m - y)
    n = len(y)
    return float(r.sum() / n), z.T @ r / n + l2 * w


def score(loss, z, y, b, w, l1, l2):
    """Objective and largest KKT violation (absolute), as datasets/README.md defines it."""
    j = data_term(loss, z, y, b, w) + l1 * np.abs(w).sum() + 0.5 * l2 * float(w @ w)
    gb, g = smooth_gradient(loss, z, y, b, w, l2)
    nz = w != 0
    v = np.where(nz, np.abs(g + l1 * np.sign(w)), np.maximum(0.0, np.abs(g) - l1))
    return j, max(abs(gb), float(v.max()) if len(v) else 0.0), int(nz.sum())



def ratio(r):
    """A speedup as printed: two significant digits below 10 (0.011, 1.6), one decimal above."""
    if r is None:
        return "nan"
    return "%.2g" % r if r < 10 else "%.1f" % r

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--features", type=int, default=64)
    ap.add_argument("--zero-weights", type=int, default=32)
    ap.add_argument("--loss", default="logistic,linear")
    ap.add_argument("--l1-ratio", type=float, default=0.5)
    ap.add_argument("--penalties", type=int, default=50)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--jar", default="target/descent.jar")
    ap.add_argument("--work", default="target/path-bench")
    ap.add_argument("--descent-args", default="", help="extra arguments for descent path")
    ap.add_argument("--out", help="also write the figures here (JSON)")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("POCL_CACHE_DIR", os.path.abspath("target/pocl-cache"))
    print("machine: %s, %d cores; scikit-learn %s, numpy %s, pandas %s" % (
        cpu_model(), os.cpu_count(), sklearn.__version__, np.__version__, pd.__version__))
    results = []
    for loss in a.loss.split(","):
        csv = os.path.join(a.work, "%s-%dx%d-z%d-s%d.csv" % (
            loss, a.rows, a.features, a.zero_weights, a.seed))
        if not os.path.exists(csv):
            run(["java", "-jar", a.jar, "generate", "--rows", str(a.rows), "--features",
                 str(a.features), "--loss", loss, "--zero-weights", str(a.zero_weights),
                 "--seed", str(a.seed), "--out", csv])
        path_csv = csv[:-4] + "-path.csv"
        out, descent_wall = run(["java", "-jar", a.jar, "path", "--data", csv, "--target", "y",
                                 "--loss", loss, "--l1-ratio", str(a.l1_ratio), "--penalties",
                                 str(a.penalties), "--out", path_csv, "--json"]
                                + a.descent_args.split(), env)
        report = json.loads(out)
        path = pd.read_csv(path_csv)

        t = time.perf_counter()
        frame = pd.read_csv(csv)
        read_s = time.perf_counter() - t
        features = [c for c in frame.columns if c != "y"]
        # Descent fits the float32 values of the file: score both on exactly those.
        x = frame[features].to_numpy(np.float32).astype(np.float64)
        y = frame["y"].to_numpy(np.float64)
        z = standardize(x)
        n = len(y)
        lambdas = path["penalty"].to_numpy()
        l1s = path["l1"].to_numpy()
        l2s = path["l2"].to_numpy()

        t = time.perf_counter()
        sk = []
        if loss == "logistic":
            clf = LogisticRegression(penalty="elasticnet", solver="saga", l1_ratio=a.l1_ratio,
                                     warm_start=True)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                for lam in lambdas:
                    clf.set_params(C=1.0 / (n * lam))
                    clf.fit(z, y)
                    sk.append((float(clf.intercept_[0]), clf.coef_[0].copy()))
        else:
            ym = float(y.mean())
            _, coefs, _ = enet_path(z, y - ym, l1_ratio=a.l1_ratio, alphas=lambdas,
                                    precompute=True)
            sk = [(ym, coefs[:, k].copy()) for k in range(len(lambdas))]
        sk_fit_s = time.perf_counter() - t

        closer = 0
        worst = 0.0
        kkt_d = []
        kkt_s = []
        for k in range(len(lambdas)):
            b_d = float(path["intercept"].iloc[k])
            w_d = path[features].iloc[k].to_numpy(np.float64)
            jd, vd, _ = score(loss, z, y, b_d, w_d, l1s[k], l2s[k])
            js, vs, _ = score(loss, z, y, sk[k][0], sk[k][1], l1s[k], l2s[k])
            rel = (jd - js) / abs(js)
            worst = max(worst, rel)
            closer += rel <= 1e-12
            kkt_d.append(vd)
            kkt_s.append(vs)
        fit_d = report.get("fitSeconds")
        row = {
            "loss": loss, "rows": n, "features": len(features), "penalties": len(lambdas),
            "l1Ratio": a.l1_ratio, "descentWallSeconds": descent_wall,
            "descentReadSeconds": report.get("readSeconds"), "descentFitSeconds": fit_d,
            "descentBackend": report.get("backend"), "pandasReadSeconds": read_s,
            "sklearnFitSeconds": sk_fit_s,
            "sklearn": "saga loop, warm starts" if loss == "logistic" else "enet_path, Gram",
            "fitSpeedup": sk_fit_s / fit_d if fit_d else None,
            "endToEndSpeedup": (read_s + sk_fit_s) / descent_wall,
            "descentObjectiveAtMostSklearn": "%d of %d" % (closer, len(lambdas)),
            "worstRelativeExcess": worst,
            "descentMedianKkt": float(np.median(kkt_d)), "sklearnMedianKkt": float(np.median(kkt_s)),
            "descentMaxKkt": float(np.max(kkt_d)), "sklearnMaxKkt": float(np.max(kkt_s)),
        }
        results.append(row)
        print("\n%s, %d x %d, %d penalties, l1 ratio %g" % (loss, n, len(features),
                                                          len(lambdas), a.l1_ratio))
        print("  descent path (%s): %.2f s wall = %.2f s read + %.2f s fit (+ JVM start)" % (
            row["descentBackend"], descent_wall, row["descentReadSeconds"] or float("nan"),
            fit_d or float("nan")))
        print("  scikit-learn (%s): %.2f s pandas read + %.2f s fit" % (
            row["sklearn"], read_s, sk_fit_s))
        print("  fit speedup %sx, end to end %sx" % (ratio(row["fitSpeedup"]),
                                                      ratio(row["endToEndSpeedup"])))
        print("  Descent's objective <= scikit-learn's (1e-12 relative): %s penalties;"
              " worst relative excess %.2e" % (row["descentObjectiveAtMostSklearn"], worst))
        print("  KKT violation, median / max: Descent %.2e / %.2e, scikit-learn %.2e / %.2e" % (
            row["descentMedianKkt"], row["descentMaxKkt"], row["sklearnMedianKkt"],
            row["sklearnMaxKkt"]))
    if a.out:
        with open(a.out, "w") as f:
            json.dump({"machine": cpu_model(), "cores": os.cpu_count(), "results": results}, f,
                      indent=2)


if __name__ == "__main__":
    main()

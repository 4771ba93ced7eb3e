#!/bin/bash
# One `descent train` on a CSV, timed phase by phase (train --json's "timings").
# usage: benchmarks/train_phases.sh JAR TAG CSV [more train options, e.g. --cache-dir DIR]
# prints: TAG, wall and CPU seconds (/usr/bin/time), result.seconds, iterations, evaluations,
# objective and the timings. Alternate two jars (A, B, A, B, ...) to compare them.
set -e
if [ $# -lt 3 ]; then
  echo "usage: $0 JAR TAG CSV [more train options, e.g. --cache-dir DIR]" >&2
  exit 2
fi
JAR=$1; TAG=$2; CSV=$3; shift 3
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} POCL_CACHE_DIR=${POCL_CACHE_DIR:-$PWD/target/pocl-cache}
WORK=${TMPDIR:-/tmp}/train-phases-$TAG
mkdir -p "$WORK"
if ! /usr/bin/time -f "%e %U %S" -o "$WORK/time.txt" java -jar "$JAR" train --data "$CSV" \
  --target y --loss logistic --l2 1e-6 --out "$WORK/model.json" --json "$@" > "$WORK/out.json" \
  2> "$WORK/err.txt"; then
  cat "$WORK/err.txt" >&2 # the run's own message
  exit 1
fi
/usr/bin/python3 - "$TAG" "$WORK" <<'PY'
import json, sys
tag, work = sys.argv[1], sys.argv[2]
t = open(work + "/time.txt").read().split()
r = json.load(open(work + "/out.json"))
print("%-6s wall %6.2f cpu %6.2f fit %5.2f it %d ev %d obj %.16g %s" % (
    tag, float(t[0]), float(t[1]) + float(t[2]), r["result"]["seconds"],
    r["result"]["iterations"], r["result"]["evaluations"], r["objective"],
    json.dumps({k: round(v, 3) for k, v in r.get("timings", {}).items()})))
PY

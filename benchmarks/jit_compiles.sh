#!/bin/bash
# Where the JIT spends a `descent train`: the C2 compilations and uncommon traps of one run, from
# the second JVM's -XX:+LogCompilation log (the first JVM passes its options on).
# usage: benchmarks/jit_compiles.sh JAR CSV [more train options, e.g. --cache-dir DIR]
# prints: C2 seconds by package, the compilations of io.descent methods of 10 ms or more (start,
# seconds, OSR for a compilation on the stack), and the traps in io.descent code (a trap that
# "reinterprets" sends the method back to slower code until it is compiled again).
set -e
if [ $# -lt 2 ]; then
  echo "usage: $0 JAR CSV [more train options, e.g. --cache-dir DIR]" >&2
  exit 2
fi
JAR=$1; CSV=$2; shift 2
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} POCL_CACHE_DIR=${POCL_CACHE_DIR:-$PWD/target/pocl-cache}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/jit-compiles-XXXXXX")
trap 'rm -rf "$WORK"' EXIT # also when the run fails
java -XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile="$WORK/compile-%p.log" \
  -jar "$JAR" train --data "$CSV" --target y --loss logistic --l2 1e-6 --out "$WORK/model.json" \
  --json "$@" > "$WORK/out.json"
/usr/bin/python3 - "$WORK" <<'PY'
import collections, glob, os, re, sys
logs = sorted(glob.glob(os.path.join(sys.argv[1], "compile-*.log")), key=os.path.getsize)
text = open(logs[-1]).read()  # the second JVM's, the larger
tasks = {}
for m in re.finditer(r"<task (compile_id='(\d+)'[^>]*?method='([^']+)'[^>]*?stamp='([\d.]+)'"
                     r"[^>]*)>.*?<task_done([^>]*)/>", text, re.S):
    attrs, done = m.group(1), m.group(5)
    end = float(re.search(r"stamp='([\d.]+)'", done).group(1))
    level = re.search(r"level='(\d)'", attrs)
    tasks[m.group(2)] = (m.group(3), level.group(1) if level else "4", "osr_bci" in attrs,
                         float(m.group(4)), end - float(m.group(4)))
by = collections.Counter()
for method, level, osr, start, secs in tasks.values():
    if level == "4":
        parts = method.split(" ")[0].split(".")
        by[".".join(parts[:3])] += secs
print("C2 seconds in all: %.3f" % sum(by.values()))
for k, v in by.most_common(8):
    print("  %.3f %s" % (v, k))
print("C2 compilations of io.descent methods >= 10 ms (start s, seconds):")
for method, level, osr, start, secs in sorted(tasks.values(), key=lambda t: t[3]):
    if method.startswith("io.descent") and level == "4" and secs >= 0.01:
        print("  %6.3f %.3f %s %s" % (start, secs, "OSR" if osr else "   ", method.split(" (")[0]))
print("traps in io.descent code (at s, reason, action, method, bytecode index):")
for m in re.finditer(r"<uncommon_trap thread='\d+' reason='([^']+)' action='([^']+)'[^>]*"
                     r"compile_id='(\d+)'[^>]*stamp='([\d.]+)'[^>]*>(.*?)</uncommon_trap>",
                     text, re.S):
    frames = re.findall(r"<jvms bci='(\d+)' method='([^ ']+) ([^ ']+)", m.group(5))
    if frames and frames[0][1].startswith("io.descent"):
        bci, cls, name = frames[0]
        print("  %s %s %s %s.%s @%s" % (m.group(4), m.group(1), m.group(2), cls.split(".")[-1],
                                        name, bci))
PY

#!/usr/bin/env bash
# Issue 18's scoring goals on a machine with two CPUs, one core against two: local[1] with its
# whole process tree (driver, JVM, Python worker) pinned to CPU 0 by taskset, local[2] on both
# CPUs, and `credence score` pinned to CPU 0 ("one process per core"). Unpinned, local[1]'s JVM
# and Python worker run as a pipeline on both CPUs (about 1.7 CPU seconds a wall second), so
# local[2] has no second core to gain. Cold: the measured job is the session's first; warm: it
# follows an untimed job on the same table in the same session (--warm-up).
#
# Each Spark measurement comes twice:
#   ..._scores       the goal's figure, like for like with `credence score`: Spark hands back
#                    only the P(target=state) columns (score(..., keep=[])) and appends the
#                    most probable state by Spark expressions (bench_spark.py --scores-only
#                    --most-probable); `credence score` writes those plus a row number, which
#                    a Spark table has no equivalent of (keep a key column for that).
#   ..._all_columns  every input column handed back with the scores (score's default keep):
#                    more work than the command line does; what this script measured before
#                    2026-12-07 20:10 UTC under the names cold_local1, warm_local1, ...
#
# Usage (from the repository, release builds and `make test-spark`'s venv; PYTHON and CREDENCE
# override the interpreter and the binary, e.g. from a worktree without its own):
#   Benchmarks/spark/pinned_scoring.sh CSV [ROUNDS]   # CSV: credence sample alarm.bif --missing 0.3
# Prints one JSON line per measurement: round, measurement, wall s, CPU s, 1-min load at start.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
csv=${1:?usage: pinned_scoring.sh CSV [ROUNDS]}; rounds=${2:-3}
export CREDENCE_LIBRARY=${CREDENCE_LIBRARY:-$PWD/.build/release/libcredence_c.so} PYTHONPATH=$PWD/python
py=${PYTHON:-.venv/bin/python}; credence=${CREDENCE:-.build/release/credence}; bench=Benchmarks/spark/bench_spark.py
load() { cut -d' ' -f1 /proc/loadavg; }
for round in $(seq "$rounds"); do
    l=$(load); t=$(mktemp); out=$(mktemp --suffix .csv)
    s=$(date +%s.%N)
    /usr/bin/time -f "%U %S" -o "$t" taskset -c 0 "$credence" score ../shared/networks/alarm.bif "$csv" \
        --target CATECHOL --output "$out" --quiet > /dev/null
    e=$(date +%s.%N)
    printf '{"round": %d, "measurement": "cli_cpu0", "s": %s, "cpu_s": %s, "load": %s}\n' \
        "$round" "$(awk -v s="$s" -v e="$e" 'BEGIN{printf "%.3f", e - s}')" "$(awk '{print $1 + $2}' "$t")" "$l"
    rm -f "$t" "$out"
    for m in "cold_local1:taskset -c 0:1:" "cold_local2::2:" "warm_local1:taskset -c 0:1:--warm-up $csv" \
             "warm_local2::2:--warm-up $csv"; do
        IFS=: read -r name pin cores extra <<<"$m"
        for kind in "scores:--scores-only --most-probable" "all_columns:"; do
            IFS=: read -r suffix options <<<"$kind"
            l=$(load)
            # shellcheck disable=SC2086
            r=$($pin "$py" $bench --child score --cores "$cores" --csv "$csv" $extra $options 2>/dev/null | tail -1)
            printf '{"round": %d, "measurement": "%s_%s", "load": %s, "child": %s}\n' "$round" "$name" "$suffix" "$l" "$r"
        done
    done
done

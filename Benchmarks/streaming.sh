#!/usr/bin/env bash
# The streaming benchmark of BENCHMARKS.md ("Streaming", issue 18): `credence score` and EM
# (`credence fit --method em`) on alarm tables with 30 % of cells missing, at 1M and 10M
# rows, one core (taskset -c 0), the median of RUNS runs of wall seconds and peak RSS
# (/usr/bin/time -v), for a BEFORE binary and an AFTER binary (both release builds).
#
#   Benchmarks/streaming.sh BEFORE_BIN AFTER_BIN
#
# Environment: ROWS ("1000000 10000000"), RUNS (3), EM_ITERATIONS (10: EM runs exactly this
# many iterations, tolerance 0, so both binaries do the same work), EM_BEFORE_MAX (1000000:
# larger EM runs of BEFORE are skipped, as they need ~1.3 GB per million rows), EM_MAX and
# SCORE_BEFORE_MAX (no limit: larger runs are skipped, to fit a time budget), NET
# (../shared/networks/alarm.bif), WORK (/tmp/credence-streaming; the tables, ~100 MB per
# million rows, are deleted at the end). Prints a Markdown table.
set -euo pipefail
BEFORE=$(realpath "${1:?usage: streaming.sh BEFORE_BIN AFTER_BIN}")
AFTER=$(realpath "${2:?usage: streaming.sh BEFORE_BIN AFTER_BIN}")
ROWS=${ROWS:-"1000000 10000000"}
RUNS=${RUNS:-3}
EM_ITERATIONS=${EM_ITERATIONS:-10}
EM_BEFORE_MAX=${EM_BEFORE_MAX:-1000000}
EM_MAX=${EM_MAX:-100000000000}
SCORE_BEFORE_MAX=${SCORE_BEFORE_MAX:-100000000000}
NET=$(realpath "${NET:-$(dirname "$0")/../../shared/networks/alarm.bif}")
WORK=${WORK:-/tmp/credence-streaming}
mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT

# Every variable of the model missing at random in 30 % of the rows (MCAR).
VARS=$("$AFTER" info "$NET" --json | python3 -c 'import json,sys; print(" ".join(v["name"] for v in json.load(sys.stdin)["variables"]))')
echo "missing $VARS rate 0.3" > "$WORK/mcar30.missingness"

# median_of "cmd…": runs it RUNS times under /usr/bin/time -v on core 0; prints "seconds MB".
median_of() {
    local secs=() mbs=()
    for _ in $(seq "$RUNS"); do
        /usr/bin/time -v -o "$WORK/time.txt" taskset -c 0 "$@" > /dev/null 2> "$WORK/err.txt" || { cat "$WORK/err.txt" >&2; return 1; }
        secs+=("$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$WORK/time.txt")")
        mbs+=("$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$WORK/time.txt")")
    done
    local s m
    s=$(printf '%s\n' "${secs[@]}" | sort -g | sed -n "$(( (RUNS + 1) / 2 ))p")
    m=$(printf '%s\n' "${mbs[@]}" | sort -g | sed -n "$(( (RUNS + 1) / 2 ))p")
    echo "$s $m"
}

echo "| task | rows | binary | seconds (median of $RUNS) | rows/s | peak RSS (MB) |"
echo "|---|---:|---|---:|---:|---:|"
for n in $ROWS; do
    data="$WORK/alarm-$n.csv"
    "$AFTER" sample "$NET" -n "$n" --seed 18 --missingness "$WORK/mcar30.missingness" --output "$data" > /dev/null
    for which in before after; do
        bin=$BEFORE; [ "$which" = after ] && bin=$AFTER
        if [ "$which" = before ] && [ "$n" -gt "$SCORE_BEFORE_MAX" ]; then
            printf '| score | %d | before | (skipped: time) | | |\n' "$n"
            continue
        fi
        read -r s m < <(median_of "$bin" score "$NET" "$data" --target BP --output "$WORK/scores.csv" --quiet)
        printf '| score | %d | %s | %.1f | %.0f | %d |\n' "$n" "$which" "$s" "$(echo "$n / $s" | bc -l)" "$m"
    done
    for which in before after; do
        bin=$BEFORE; [ "$which" = after ] && bin=$AFTER
        if [ "$n" -gt "$EM_MAX" ]; then
            printf '| EM, %d iterations | %d | %s | (skipped: time) | | |\n' "$EM_ITERATIONS" "$n" "$which"
            continue
        fi
        if [ "$which" = before ] && [ "$n" -gt "$EM_BEFORE_MAX" ]; then
            printf '| EM, %d iterations | %d | before | (skipped: memory) | | |\n' "$EM_ITERATIONS" "$n"
            continue
        fi
        read -r s m < <(median_of "$bin" fit "$NET" "$data" --method em --max-iter "$EM_ITERATIONS" --tolerance 0 --output "$WORK/fitted.bif" --quiet)
        printf '| EM, %d iterations | %d | %s | %.1f | %.0f | %d |\n' "$EM_ITERATIONS" "$n" "$which" "$s" "$(echo "$n / $s" | bc -l)" "$m"
    done
    rm -f "$data" "$WORK/scores.csv" "$WORK/fitted.bif"
done

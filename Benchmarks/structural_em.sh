#!/usr/bin/env bash
# Structural EM against complete data (BENCHMARKS.md, "Structure learning with missing
# cells"): for each network and seed s, 10,000 rows sampled with seed s, once complete and
# once with 20 % of cells missing completely at random (the same rows), each learned with
# `credence learn --seed s --compare NET.bif` (BIC, hill climbing, max 4 parents). Prints a
# Markdown table: SHD between equivalence classes, wall-clock seconds of the whole process
# (median of RUNS runs), their ratio, structural EM rounds.
#
# usage: Benchmarks/structural_em.sh [NETWORKS_DIR] [WORK_DIR]
#   env: CREDENCE (binary, default .build/release/credence), RUNS (default 3),
#        NETS (default "asia child alarm"), SEEDS (default "1 2 3"), ROWS (default 10000),
#        MISSING (default 0.2)
set -euo pipefail
NETWORKS=${1:-/work/shared/networks}
WORK=${2:-$(mktemp -d)}
B=${CREDENCE:-.build/release/credence}
RUNS=${RUNS:-3}
NETS=${NETS:-asia child alarm}
SEEDS=${SEEDS:-1 2 3}
ROWS=${ROWS:-10000}
MISSING=${MISSING:-0.2}
mkdir -p "$WORK"

# run KIND NET SEED: prints "shd seconds rounds", the median seconds of $RUNS runs.
run() {
    local data=$1 net=$2 seed=$3 times=() out shd rounds
    for _ in $(seq "$RUNS"); do
        local start end
        start=$(date +%s.%N)
        out=$("$B" learn "$data" --compare "$NETWORKS/$net.bif" --seed "$seed" --json --output "$WORK/out.bn")
        end=$(date +%s.%N)
        times+=("$(echo "$end - $start" | bc -l)")
    done
    shd=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["comparison"]["shd"])')
    rounds=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["completionRounds"])')
    printf '%s %s %s\n' "$shd" "$(printf '%s\n' "${times[@]}" | sort -g | sed -n "$(( (RUNS + 1) / 2 ))p")" "$rounds"
}

echo "| network | seed | SHD complete | SHD with gaps | time complete (s) | time with gaps (s) | ratio | rounds |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for net in $NETS; do
    for s in $SEEDS; do
        full="$WORK/$net-$s.csv" gaps="$WORK/$net-$s-m.csv"
        [ -f "$full" ] || "$B" sample "$NETWORKS/$net.bif" -n "$ROWS" --seed "$s" --output "$full" > /dev/null
        [ -f "$gaps" ] || "$B" sample "$NETWORKS/$net.bif" -n "$ROWS" --seed "$s" --missing "$MISSING" --output "$gaps" > /dev/null
        read -r shd_c t_c _ < <(run "$full" "$net" "$s")
        read -r shd_g t_g rounds < <(run "$gaps" "$net" "$s")
        printf '| %s | %s | %s | %s | %.2f | %.2f | %.1fx | %s |\n' "$net" "$s" "$shd_c" "$shd_g" "$t_c" "$t_g" \
            "$(echo "$t_g / $t_c" | bc -l)" "$rounds"
    done
done

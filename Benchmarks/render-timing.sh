#!/usr/bin/env bash
# Times `credence render` end to end (process start, reading the model, posteriors, the
# Graphviz layout, the SVG, and for .png the rsvg-convert conversion): the median of 5 runs
# per case, in ms, as reported in BENCHMARKS.md ("Rendering").
# Usage: bash Benchmarks/render-timing.sh [CREDENCE_BINARY] [NETWORKS_FOLDER]
set -euo pipefail
credence="${1:-.build/release/credence}"
nets="${2:-../shared/networks}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

time_case() {   # name, then the render arguments
  local name="$1"; shift
  local runs=()
  for _ in 1 2 3 4 5; do
    local t0 t1
    t0=$(date +%s%N)
    "$credence" render "$@" >/dev/null
    t1=$(date +%s%N)
    runs+=($(( (t1 - t0) / 1000000 )))
  done
  local median
  median=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p)
  printf '| %s | %s | %s |\n' "$name" "$median" "${runs[*]}"
}

echo "| case | median ms | runs ms |"
echo "|---|---:|---|"
time_case "alarm, 3 findings + soft + do, .svg" "$nets/alarm.bif" --evidence HR=HIGH --evidence INTUBATION=NORMAL --soft CVP=0.2,0.3,0.5 --do VENTLUNG=LOW --targets LVFAILURE --output "$out/alarm.svg"
time_case "alarm, same findings, --arc-strength mi, .svg" "$nets/alarm.bif" --evidence HR=HIGH --evidence INTUBATION=NORMAL --soft CVP=0.2,0.3,0.5 --do VENTLUNG=LOW --targets LVFAILURE --arc-strength mi --output "$out/alarm-mi.svg"
time_case "alarm, same findings, .png" "$nets/alarm.bif" --evidence HR=HIGH --evidence INTUBATION=NORMAL --soft CVP=0.2,0.3,0.5 --do VENTLUNG=LOW --targets LVFAILURE --output "$out/alarm.png"
time_case "pathfinder (109 nodes, compact), 2 findings, .svg" "$nets/pathfinder.bif" --evidence F1=Present --evidence F39=Scanty --targets Fault --output "$out/pathfinder.svg"
time_case "pathfinder, .png" "$nets/pathfinder.bif" --evidence F1=Present --evidence F39=Scanty --targets Fault --output "$out/pathfinder.png"
time_case "andes (223 nodes, compact), .svg" "$nets/andes.bif" --output "$out/andes.svg"
time_case "dealer_winback given Complaint=yes, mi, .png (README)" models/dealer_winback.bn --evidence Complaint=yes --targets Returned --arc-strength mi --output "$out/winback.png"

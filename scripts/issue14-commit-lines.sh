#!/usr/bin/env bash
# Issue 14's "less code", counted by commit: the net .swift lines (added - removed) of the
# commits that did issue 14's work, per module of Sources/, against every other commit since
# the issue was filed (e68fd4f). scripts/line-counts.sh counts by file instead; it charges a
# file that existed at e68fd4f with every line later features wrote into it (the C ABI's
# learn options in LearningTasks, render's and decide's words in CommandLanguage, ...),
# which this count does not. Merge commits are left out (their own edits: 19 lines of
# Workbench).
#
# Issue 14's commits: those whose message names issue 14, and the refactors listed below
# (one place for a concept, trims, dead code, the contraction service's follow-ups and
# mends), each checked by its message and diff. Features and speed work of other issues
# are not listed, even where they touched these modules.
#
# Usage: scripts/issue14-commit-lines.sh [REV]   (default HEAD)
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
rev=${1:-HEAD}
base=e68fd4f
listed=(
    # Workbench: one place, trims, dead code
    18c7e96 0d73765 afbb626 14fc1b2 9efa837 b2e2c8c 1a0c05f 84b8034 f23847c 98a8d12
    abe7c83 ea1a96f 6c7545c f5b66bb 473fd6a e39ff16 4acb206 e6ca3dc 8194986 8038d72
    ffff876 0eb45f4 62d1076 31d12e8 95daa77
    # BNInference: the contraction service's follow-ups, one place, dead code, mends
    4c7fc7e 6c0d937 b4c639a 99bef51 1acecd0 02f7a0d 2748753 900bcd8 56851ae 53fd976 df83a4c
)
mine=$( { printf '%s\n' "${listed[@]}"; git log --no-merges --format=%h -i --grep='issue 14' "$base..$rev"; } \
        | xargs -n1 git rev-parse --short=7 | sort -u)
net() {   # net REV...: added - removed .swift lines per module, one "module n" line each
    for h in "$@"; do git show --numstat --no-renames --format= "$h" -- 'Sources/*.swift'; done |
        awk '$3 ~ /\.swift$/ { split($3, p, "/"); s[p[2]] += $1 - $2 } END { for (m in s) print m, s[m] }'
}
all=$(git log --no-merges --format=%h --abbrev=7 "$base..$rev")
mine=$(comm -12 <(sort <<<"$all") <(sort <<<"$mine"))   # those in the range only
others=$(comm -23 <(sort <<<"$all") <(sort <<<"$mine"))
declare -A a=() b=()
while read -r m n; do a[$m]=$n; done < <(net $mine)
while read -r m n; do b[$m]=$n; done < <(net $others)
printf "| module (net .swift lines) | issue 14's %d commits | the other %d commits | %s..%s |\n|---|---:|---:|---:|\n" \
    "$(wc -w <<<"$mine")" "$(wc -w <<<"$others")" "$base" "$rev"
ta=0; tb=0
for m in $(printf '%s\n' "${!a[@]}" "${!b[@]}" | sort -u); do
    x=${a[$m]:-0}; y=${b[$m]:-0}; ta=$((ta + x)); tb=$((tb + y))
    printf "| %s | %+d | %+d | %+d |\n" "$m" "$x" "$y" "$((x + y))"
done
printf "| all of Sources | %+d | %+d | %+d |\n" "$ta" "$tb" "$((ta + tb))"

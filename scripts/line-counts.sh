#!/usr/bin/env bash
# Line counts of BNInference, BNLearning and Workbench at two revisions (issue 14's "less
# code"), in total and split by where each file came from:
#
#   at BASE    files that existed at BASE (a file deleted since counts at BASE only);
#   split      new files that hold code of those (issue 14's contraction service and the
#              batched calibration moved in from BNLearning, and the files split out of
#              old ones for the later front ends);
#   features   new files of features that landed after BASE, with their issue.
#
# "the rest" = at BASE + split: the code a reader compares. Every line of every .swift file
# counts (comments and /// docs too; the READMEs do not). Files added after this script was
# written show up as "unclassified": add them below.
#
# Usage: scripts/line-counts.sh [BASE [REV]]   (defaults: e68fd4f, the issue filed; HEAD)
# REV may be "worktree" for the files as they are on disk.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
base=${1:-e68fd4f}
rev=${2:-HEAD}
modules=(BNInference BNLearning Workbench)

# The issue that brought each new file (git log --diff-filter=A --format=%s -- FILE).
classify() {
    case "$1" in
        BNInference/Contraction.swift|BNInference/Contraction+OneShot.swift) echo "split 14" ;;
        BNInference/JunctionTree+Batched.swift) echo "split 14" ;;   # moved from BNLearning/BatchedJunctionTreeExpectation
        Workbench/JSONDocument.swift|Workbench/LearningTasks+Text.swift|Workbench/FindingSet.swift) echo "split 14" ;;
        Workbench/SVGText.swift) echo "split 15" ;;                   # EvaluationPlot's chart pieces (73 lines) moved in, for render
        # Added whole by the commits of later features, nothing removed elsewhere in Workbench
        # (git show --numstat on the adding commit): the HTTP API's session, CPT and edit
        # views (570682e), render's beliefs (f062019), the C ABI's error kinds (501bf66: the
        # CLI's 15-line error text moved in from the executable, the rest new).
        Workbench/CPTView.swift|Workbench/SessionState.swift|Workbench/FindingSet+JSON.swift|Workbench/ModelEdit+JSON.swift)
            echo "feature 17" ;;
        Workbench/QueryService+Beliefs.swift) echo "feature 15" ;;
        Workbench/ErrorMessage.swift) echo "feature 16" ;;
        BNInference/InfluenceDiagramSolver.swift|Workbench/Decisions.swift) echo "feature 19" ;;
        Workbench/NetworkPicture.swift|Workbench/NetworkPicture+SVG.swift|Workbench/GraphLayout.swift|Workbench/PictureFile.swift|Workbench/Plots.swift)
            echo "feature 15" ;;
        Workbench/DataTable.swift) echo "feature 16" ;;
        BNInference/VariableElimination+PatternTables.swift|BNInference/ContractionProgram+Folding.swift)
            echo "feature 16" ;;                                      # warm-query pattern tables and constant folding, moved out
        BNLearning/DiscriminativeParameters.swift|BNLearning/LimitedMemoryBFGS.swift|BNLearning/DerivedIndex.swift) echo "feature 13" ;;
        BNLearning/RowPatterns.swift|BNLearning/ExpectationMaximization+Partial.swift|Workbench/RowScorer.swift|Workbench/StreamingTasks.swift|Workbench/DistributedLearning.swift)
            echo "feature 18" ;;
        BNLearning/AveragedOneDependence.swift|BNLearning/DiscriminativeNaiveBayes.swift) echo "feature 13" ;;
        BNLearning/GibbsImputation.swift) echo "feature 12" ;;
        *) echo "unclassified ?" ;;
    esac
}

files() {   # files() REV MODULE: the module's .swift files, relative to Sources/
    if [ "$1" = worktree ]; then
        (cd Sources && find "$2" -name '*.swift' | sort)
    else
        git ls-tree -r --name-only "$1" "Sources/$2" | grep '\.swift$' | sed 's|^Sources/||'
    fi
}
lines() {   # lines() REV FILE
    if [ "$1" = worktree ]; then wc -l < "Sources/$2"; else git show "$1:Sources/$2" | wc -l; fi
}
fmt() { sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta' <<<"$1"; }
delta() { local d=$(($2 - $1)); if [ "$d" -ge 0 ]; then echo "+$(fmt $d)"; else echo "-$(fmt ${d#-})"; fi; }
row() {     # row() LABEL BEFORE AFTER
    echo "| $1 | $(fmt $2) | $(fmt $3) | $(delta $2 $3) |"
}
printf "| module | files | %s | %s | change |\n|---|---|---:|---:|---:|\n" "$base" "$rev"
details=""
grown=""
declare -A all=()
for m in "${modules[@]}"; do
    old_files=$(files "$base" "$m")
    declare -A sum=([total0]=0 [total1]=0 [old0]=0 [old1]=0 [split1]=0 [feature1]=0 [unclassified1]=0)
    for f in $old_files; do sum[old0]=$((sum[old0] + $(lines "$base" "$f"))); done
    sum[total0]=${sum[old0]}
    for f in $(files "$rev" "$m"); do
        n=$(lines "$rev" "$f")
        sum[total1]=$((sum[total1] + n))
        if grep -qx "$f" <<<"$old_files"; then
            sum[old1]=$((sum[old1] + n))
            b=$(lines "$base" "$f")
            [ "$n" -eq "$b" ] || grown+="$((n - b)) | $m | ${f#*/} | $b | $n |"$'\n'
        else
            read -r kind issue <<<"$(classify "$f")"
            sum[${kind}1]=$((sum[${kind}1] + n))
            details+="| $m | ${f#*/} | $kind | $issue | $n |"$'\n'
        fi
    done
    rest1=$((sum[old1] + sum[split1]))
    row "$m | all" ${sum[total0]} ${sum[total1]}
    row " | features landed after $base" 0 ${sum[feature1]}
    row " | the rest" ${sum[old0]} $rest1
    row " | of which files at $base" ${sum[old0]} ${sum[old1]}
    row " | of which new files split from them or moved in" 0 ${sum[split1]}
    if [ "${sum[unclassified1]}" -gt 0 ]; then row " | unclassified new files (add them to this script)" 0 ${sum[unclassified1]}; fi
    for k in total0 total1 feature1 old0 old1 split1; do all[$k]=$((${all[$k]:-0} + sum[$k])); done
    if [ "$m" = BNLearning ]; then   # code moved between the two: their sum
        row "BNInference + BNLearning | all" ${all[total0]} ${all[total1]}
        row " | features landed after $base" 0 ${all[feature1]}
        row " | the rest" ${all[old0]} $((all[old1] + all[split1]))
    fi
    for f in $old_files; do   # deleted since
        [ -n "$(files "$rev" "$m" | grep -x "$f")" ] || grown+="-$(lines "$base" "$f") | $m | ${f#*/} (deleted) | $(lines "$base" "$f") | 0 |"$'\n'
    done
    unset sum
done
echo
echo "New files since $base:"
echo
printf "| module | file | kind | issue | lines at %s |\n|---|---|---|---:|---:|\n" "$rev"
printf "%s" "$details"
echo
echo "Files at $base that changed, largest growth first:"
echo
printf "| module | file | %s | %s | change |\n|---|---|---:|---:|---:|\n" "$base" "$rev"
sort -t'|' -k1,1nr <<<"${grown%$'\n'}" | while IFS='|' read -r d rest; do
    d=${d// /}; [ "$d" -ge 0 ] && d="+$d"
    echo "|$rest $d |"
done

#!/usr/bin/env bash
# Builds and runs a libFuzzer target over the Credence readers.
#
#   Fuzz/run.sh TARGET SECONDS [extra libFuzzer flags]
#
# TARGET is a file name in Fuzz/Targets/ without .swift (bif, csv, models, …). The
# FactorKernels, BNCore and BNFormats sources are compiled as modules with
# -sanitize=fuzzer,address, linked with Fuzz/Harness.swift and the target, and run for
# SECONDS with a corpus in Fuzz/.build/corpus-TARGET seeded from the test fixtures and the
# shipped networks. Crashes go to Fuzz/.build/artifacts-TARGET/. Run from anywhere.
set -euo pipefail
TARGET=${1:?usage: Fuzz/run.sh TARGET SECONDS}
SECONDS_TO_RUN=${2:?usage: Fuzz/run.sh TARGET SECONDS}
shift 2
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export PATH=/opt/swift/usr/bin:$PATH
OUT=Fuzz/.build/$TARGET
mkdir -p "$OUT" "Fuzz/.build/corpus-$TARGET" "Fuzz/.build/artifacts-$TARGET"
OPENBLAS_INC=/usr/include/x86_64-linux-gnu/openblas-pthread
FLAGS=(-O -sanitize=fuzzer,address -parse-as-library -swift-version 6 -g)

build_module() { # NAME FILES...
    local name=$1; shift
    swiftc "${FLAGS[@]}" -emit-library -static -emit-module -module-name "$name" \
        -I "$OUT" -I "$SNAP/_COpenBLAS" -I "$OPENBLAS_INC" -I "$SNAP/_CZlib" \
        -emit-module-path "$OUT/$name.swiftmodule" -o "$OUT/lib$name.a" "$@"
}

echo "building $TARGET in $OUT ..." >&2
# Compile a snapshot of the sources, so edits made meanwhile do not break the build.
SNAP=$OUT/src
rm -rf "$SNAP" && mkdir -p "$SNAP"
cp -R Sources/FactorKernels Sources/BNCore Sources/BNFormats Sources/_COpenBLAS Sources/_CZlib "$SNAP"/
build_module FactorKernels $(find "$SNAP/FactorKernels" -name '*.swift' | sort)
build_module BNCore $(find "$SNAP/BNCore" -name '*.swift' | sort)
build_module BNFormats $(find "$SNAP/BNFormats" -name '*.swift' | sort)
swiftc "${FLAGS[@]}" -I "$OUT" -I Sources/_COpenBLAS -I "$OPENBLAS_INC" -I Sources/_CZlib \
    Fuzz/Harness.swift "Fuzz/Targets/$TARGET.swift" \
    -L "$OUT" -lBNFormats -lBNCore -lFactorKernels -lopenblas -lz -o "$OUT/fuzz-$TARGET"

# Seed the corpus: fixtures of the matching kind, and small shipped networks.
CORPUS=Fuzz/.build/corpus-$TARGET
case $TARGET in
    bif) cp Tests/BNFormatsTests/Fixtures/bif/*.bif "$CORPUS"/ 2>/dev/null || true
         for n in asia cancer child sachs alarm; do cp "../shared/networks/$n.bif" "$CORPUS"/ 2>/dev/null || true; done ;;
    csv) cp Tests/BNFormatsTests/Fixtures/csv/*.csv "$CORPUS"/ 2>/dev/null || true ;;
    models) cp Tests/BNFormatsTests/Fixtures/{xmlbif,net,uai}/* "$CORPUS"/ 2>/dev/null || true ;;
    bn) cp Tests/BNFormatsTests/Fixtures/bn/*.bn Tests/BNFormatsTests/Fixtures/bn/*/*.bn models/*.bn "$CORPUS"/ 2>/dev/null || true ;;
    *) for d in Tests/BNFormatsTests/Fixtures/*/; do cp "$d"* "$CORPUS"/ 2>/dev/null || true; done ;;
esac

echo "fuzzing $TARGET for $SECONDS_TO_RUN s ..." >&2
"$OUT/fuzz-$TARGET" "$CORPUS" -max_total_time="$SECONDS_TO_RUN" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="Fuzz/.build/artifacts-$TARGET/" -print_final_stats=1 "$@"

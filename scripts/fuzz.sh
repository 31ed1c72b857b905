#!/usr/bin/env bash
# make fuzz: libFuzzer targets (Fuzz/Fuzz*.swift) for every parser the tools expose, built with
# AddressSanitizer and run for FUZZ_SECONDS each (default 600) from the committed seed corpus
# (Fuzz/corpus/<target>; what a run finds stays in .build-fuzz, the committed seeds are not
# changed). A crash, an allocation past 2 GB or an input taking over 10 s stops the run with the
# input saved in .build-fuzz/artifacts and a non-zero exit.
#
#   make fuzz                       # all targets, 10 minutes each
#   FUZZ_SECONDS=30 FUZZ_TARGETS="midi smiles" make fuzz
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${FUZZ_SECONDS:-600}
targets=${FUZZ_TARGETS:-"engine midi smiles level pipeline"}
root=${FUZZ_BUILD_PATH:-.build-fuzz}
build=$root/debug
# The engine once, instrumented and optimised with Swift's checks kept (-O, not -Ounchecked:
# unoptimised code runs some valid inputs past the 10 s limit that take 0.05 s in a release
# build). A library build: libFuzzer's main is linked per target below.
swift build --build-path "$root" --target GenEngine -Xswiftc -sanitize=fuzzer,address -Xswiftc -O \
  -Xcc -fsanitize=fuzzer-no-link,address >/dev/null
spec() {  # a target's fuzz file, and the app whose sources (all but main.swift) it compiles with
  case $1 in
    engine) echo "FuzzEngine" ;;
    midi) echo "FuzzMIDI gen-music" ;;
    smiles) echo "FuzzSMILES gen-molecule" ;;
    level) echo "FuzzLevel gen-level" ;;
    pipeline) echo "FuzzPipeline augment" ;;
    *) echo "fuzz: unknown target '$1' (engine midi smiles level pipeline)" >&2; exit 64 ;;
  esac
}
mkdir -p "$root/artifacts"
status=0
for target in $targets; do
  spec "$target" >/dev/null || exit 64
  read -r file folder <<<"$(spec "$target")"
  sources=("Fuzz/$file.swift")
  [ -n "${folder:-}" ] && sources+=($(ls Apps/"$folder"/*.swift | grep -v '/main.swift$'))
  swiftc -parse-as-library -sanitize=fuzzer,address -O -g -module-name "fuzz_$target" -I "$build/Modules" \
    -Xcc -fmodule-map-file="$build/CKernels.build/module.modulemap" -Xcc -fmodule-map-file="$build/CPNG.build/module.modulemap" \
    -Xcc -fmodule-map-file=Sources/CBLAS/module.modulemap -Xcc -fmodule-map-file=Sources/CZlib/module.modulemap \
    "${sources[@]}" "$build"/GenEngine.build/*.o "$build"/CKernels.build/*.o "$build"/CPNG.build/*.o \
    -lopenblas -lpng16 -lz -o "$build/fuzz-$target" 2>"$root/compile-$target.log" || {
    grep -v 'warning: Cannot export' "$root/compile-$target.log"
    exit 1
  }
  corpus=$root/corpus/$target
  mkdir -p "$corpus"
  cp -n Fuzz/corpus/"$target"/* "$corpus"/
  echo "== fuzz $target: $seconds s from $(ls "$corpus" | wc -l) inputs"
  if ! GEN_THREADS=1 "$build/fuzz-$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$root/artifacts/$target-" "$corpus" 2>"$root/fuzz-$target.log"; then
    status=1
    tail -30 "$root/fuzz-$target.log"
  fi
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$root/fuzz-$target.log" | tr '\n' ' '
  echo
done
exit $status

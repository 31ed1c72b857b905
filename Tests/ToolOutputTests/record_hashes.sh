#!/usr/bin/env bash
# Runs the tools' reference commands from BIN (a build folder, default .build/release) in a fresh
# temporary folder and prints "<sha256>  <output>" for every file they write. The SHA-256s in
# output-hashes.txt (Cooperlake kernel) were recorded with this script before the engine-seams
# refactor, those in output-hashes-haswell.txt with OPENBLAS_CORETYPE=Haswell in session 12; the
# test ToolOutputTests runs the same commands and compares with the file of the kernel in use.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "${1:-$root/.build/release}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# gen-image writes the model's path into each PNG's tEXt: reach the models through one fixed path
# so that the bytes do not depend on where the repository is checked out.
models=/tmp/gensuite-reference-models
ln -sfn "$root/SharedModels" "$models"
export GENSUITE_MODELS="$models" GEN_THREADS=${GEN_THREADS:-2}
"$bin/gen-image" --grid grid.png >/dev/null 2>&1
"$bin/gen-image" sample --count 8 --out samples >/dev/null 2>&1
"$bin/gen-image" interpolate --from-seed 1 --to-seed 2 --label 3 --out walk.png >/dev/null 2>&1
"$bin/gen-music" --bars 16 --out song.mid --quiet
"$bin/gen-music" --bars 16 --key Am --cadence --seed 7 --out a-minor.mid --quiet
"$bin/engine-demo" --data "$root/samples/data/shakespeare/shakespeare_1mb.txt.gz" --steps 40 --out demo --quiet >/dev/null
find . -type f ! -path './demo/training/*' ! -name metrics.jsonl ! -name '*.json' | LC_ALL=C sort | xargs sha256sum

#!/usr/bin/env bash
# The MOSES protocol for a gen-molecule model: 10,000 raw samples (every draw, valid or not) at
# temperature 1, seed 0, plain and constrained, each evaluated against the MOSES training set
# (novelty, scaffold novelty) and the 10,000 test molecules (SNN, Scaf, property distances).
#
#   bench/molecule-quality.sh molecule-moses-gru [OUT_DIR]
#
# Needs a release build (make release). Writes OUT_DIR/<mode>.smi, <mode>.json (sampling stats)
# and <mode>-metrics.json, and prints each metrics table.
set -euo pipefail
model=${1:?usage: bench/molecule-quality.sh MODEL [OUT_DIR]}
out=${2:-molecule-quality}
tool=.build/release/gen-molecule
mkdir -p "$out"
for mode in raw constrained; do
  extra=()
  [ "$mode" = constrained ] && extra=(--constrained)
  "$tool" --model "$model" --count 10000 --raw "${extra[@]}" --seed 0 --quiet --force \
    --out "$out/$mode.smi" --stats "$out/$mode.json"
  echo "== $model, $mode (10,000 draws, seed 0)"
  "$tool" eval "$out/$mode.smi" --train samples/data/moses/train.smi.gz \
    --test samples/data/moses/test-10k.smi.gz --json "$out/$mode-metrics.json" --force
done

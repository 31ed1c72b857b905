#!/bin/sh
# The numbers of a gen-music model card: 100 pieces of 16 bars (seed 0) with the model's own key,
# with --key C, with --key Am, and without the parallel-motion rule; each evaluated against the
# chorale corpus. Usage: bench/music-quality.sh MODEL [OUT_DIR]   (from the repository root, after
# swift build -c release). Writes OUT_DIR/<setting>/*.mid and OUT_DIR/<setting>.json.
set -eu
model=$1
out=${2:-music-quality}
bin=.build/release/gen-music
reference=samples/data/bach/chorales.jsonl.gz
for setting in own-key C Am allow-parallels; do
    mkdir -p "$out/$setting"
    case $setting in
        own-key) extra="" ;;
        allow-parallels) extra="--allow-parallels" ;;
        *) extra="--key $setting" ;;
    esac
    # shellcheck disable=SC2086
    "$bin" --model "$model" --bars 16 --count 100 --seed 0 --force --out "$out/$setting/piece.mid" $extra
    echo "== $model, $setting"
    "$bin" eval --in "$out/$setting" --reference "$reference" --json "$out/$setting.json" --force
done

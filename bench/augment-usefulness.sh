#!/bin/bash
# Does augmentation help downstream? A small CNN (gen-image's classifier) trained on 500 MNIST
# training digits (50 per class), with and without `augment images` (9 copies each), the same
# 700 optimiser steps, three seeds; test accuracy on the 10,000 MNIST test digits.
# Usage: bench/augment-usefulness.sh [WORK_DIR]   (needs python3 with numpy and Pillow to cut the subset)
set -euo pipefail
W=${1:-/tmp/augment-usefulness}
B=.build/release
mkdir -p "$W"
python3 - "$W" <<'PY'
import gzip, os, sys
import numpy as np
from PIL import Image
w = sys.argv[1]
images = np.frombuffer(gzip.open("samples/data/mnist/train-images-idx3-ubyte.gz").read()[16:], dtype=np.uint8).reshape(-1, 28, 28)
labels = np.frombuffer(gzip.open("samples/data/mnist/train-labels-idx1-ubyte.gz").read()[8:], dtype=np.uint8)
counts = {}
for i, (image, label) in enumerate(zip(images, labels)):
    if counts.get(label, 0) >= 50:
        continue
    counts[label] = counts.get(label, 0) + 1
    os.makedirs(f"{w}/train500/{label}", exist_ok=True)
    Image.fromarray(image).save(f"{w}/train500/{label}/train-{i:05d}.png")
PY
P="rotate:limit=15,p=0.8; affine:scale=0.9-1.1,translate=0.08,shear=8,p=0.7; elastic:alpha=25,sigma=4,p=0.3; noise:std=0.02-0.05,p=0.3; cutout:holes=1,size=5-8,p=0.3"
rm -rf "$W/aug"
$B/augment images --in "$W/train500" --out "$W/aug" --pipeline "$P" --copies 9 --include-originals --seed 7 --quiet
for seed in 1 2 3; do
  $B/gen-image train --data "$W/train500" --arch classifier --epochs 100 --batch 64 --seed $seed --out "$W/plain-$seed" --force --quiet
  $B/gen-image train --data "$W/aug" --arch classifier --epochs 10 --batch 64 --seed $seed --out "$W/aug-$seed" --force --quiet
  plain=$($B/gen-image eval --model "$W/plain-$seed" --data samples/data/mnist | awk '/test_accuracy/ {print $2}')
  aug=$($B/gen-image eval --model "$W/aug-$seed" --data samples/data/mnist | awk '/test_accuracy/ {print $2}')
  echo "seed $seed: test accuracy $plain without augmentation, $aug with"
done

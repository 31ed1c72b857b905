"""The yardstick for `augment images`: albumentations 2 + Pillow over a folder of PNGs, one
process (one worker), the same pipeline, PNGs written at the same zlib level.

Usage: python3 bench/augment_folder.py IN_DIR OUT_DIR [--copies N] [--level 6]
Also: python3 bench/augment_folder.py --make DIR --count N  (writes N 256x256 RGB PNG crops of
the CC0 photos in samples/augment/detection, the folder both sides read).
"""
import argparse, os, sys
import numpy as np
from PIL import Image

parser = argparse.ArgumentParser()
parser.add_argument("input", nargs="?")
parser.add_argument("output", nargs="?")
parser.add_argument("--copies", type=int, default=1)
parser.add_argument("--level", type=int, default=6)
parser.add_argument("--make")
parser.add_argument("--count", type=int, default=1000)
args = parser.parse_args()

if args.make:
    photos = [Image.open(f"samples/augment/detection/{n}").convert("RGB") for n in ("chelsea.png", "coffee.png")]
    for i in range(args.count):
        photo = photos[i % 2]
        w, h = photo.size
        x, y = (w - 256) * (i * 7 % 11) // 10, (h - 256) * (i * 3 % 5) // 4
        folder = os.path.join(args.make, f"class{i % 4}")
        os.makedirs(folder, exist_ok=True)
        photo.crop((x, y, x + 256, y + 256)).save(os.path.join(folder, f"img{i:05d}.png"))
    sys.exit(0)

import cv2
import albumentations as A

cv2.setNumThreads(1)
# The same ops as augment's "hflip; rotate:limit=15; crop:scale=0.8-1.0,size=224; jitter:brightness=0.2,contrast=0.2".
transform = A.Compose([
    A.HorizontalFlip(p=0.5),
    A.Rotate(limit=15, p=0.5, border_mode=cv2.BORDER_CONSTANT),
    A.RandomResizedCrop(size=(224, 224), scale=(0.8, 1.0), p=1),
    A.ColorJitter(brightness=0.2, contrast=0.2, saturation=0, hue=0, p=0.5),
])
for root, _, files in os.walk(args.input):
    for name in sorted(files):
        if not name.endswith(".png"):
            continue
        rel = os.path.relpath(os.path.join(root, name), args.input)
        image = np.array(Image.open(os.path.join(root, name)).convert("RGB"))
        os.makedirs(os.path.join(args.output, os.path.dirname(rel)), exist_ok=True)
        for k in range(args.copies):
            out = transform(image=image)["image"]
            Image.fromarray(out).save(os.path.join(args.output, rel[:-4] + f"__aug{k}.png"), compress_level=args.level)

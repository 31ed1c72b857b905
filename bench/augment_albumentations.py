"""Images per second of albumentations on the ops `augment bench` times, on the same images.

Usage: python3 bench/augment_albumentations.py [--size 256] [--images 500] [--runs 5] [--json FILE]
The op list and the images come from augment itself (`augment bench --list`, and the PNGs cut by
the same rule from samples/augment/detection), so the two sides time the same work; the median of
--runs passes. One thread for OpenCV, as the albumentations benchmark pins it.
"""
import argparse, json, subprocess, time
import cv2
import numpy as np
import albumentations as A
from PIL import Image
import glob

cv2.setNumThreads(1)
parser = argparse.ArgumentParser()
parser.add_argument("--augment", default=".build/release/augment")
parser.add_argument("--size", type=int, default=256)
parser.add_argument("--images", type=int, default=500)
parser.add_argument("--only", default="")
parser.add_argument("--runs", type=int, default=5)
parser.add_argument("--json")
args = parser.parse_args()

ops = [line.split("\t") for line in subprocess.run([args.augment, "bench", "--list"], capture_output=True, text=True, check=True).stdout.splitlines()]
photos = [np.array(Image.open(p).convert("RGB")) for p in sorted(glob.glob("samples/augment/detection/*.png"))]
images = []
for i in range(args.images):
    photo = photos[i % len(photos)]
    h, w = photo.shape[:2]
    side = min(w, h)
    x, y = (w - side) * (i * 7 % 11) // 10, (h - side) * (i * 3 % 5) // 4
    images.append(np.ascontiguousarray(cv2.resize(photo[y:y + side, x:x + side], (args.size, args.size), interpolation=cv2.INTER_LINEAR)))

results = {}
for spec, call in ops:
    if not spec.startswith(args.only):
        continue
    transform = eval(call)
    for image in images[:10]:
        transform(image=image)
    rates = []
    for _ in range(args.runs):
        start = time.perf_counter()
        for image in images:
            transform(image=image)["image"]
        rates.append(len(images) / (time.perf_counter() - start))
    results[spec] = sorted(rates)[len(rates) // 2]
    print(f"{spec}\t{results[spec]:.0f}")
if args.json:
    json.dump(results, open(args.json, "w"), indent=1)

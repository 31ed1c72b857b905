"""Regenerates the committed test fixtures with reference Python writers (not needed to run the tests).

    pip install numpy ml_dtypes safetensors pypng && python3 make_fixtures.py
"""
import json

import ml_dtypes
import numpy as np
import png
from safetensors.numpy import load_file, save_file

# A safetensors file written by Python's safetensors, with every dtype the engine converts.
save_file({
    "f32": np.arange(6, dtype=np.float32).reshape(2, 3) / 4 - 0.5,
    "f16": np.array([[1.5, -2.25], [0.0009765625, 65504.0]], dtype=np.float16),
    "bf16": np.array([1.0, -3.140625, 1e20, -0.0], dtype=np.float32).astype(ml_dtypes.bfloat16),
    "i64": np.array([-3, 0, 7], dtype=np.int64),
    "u8": np.array([0, 128, 255], dtype=np.uint8),
    "bool": np.array([True, False, True]),
    "f64": np.array([0.1, -2.5], dtype=np.float64),
}, "python_written.safetensors", metadata={"format": "np", "source": "safetensors.numpy"})
loaded = load_file("python_written.safetensors")
json.dump({"values": {k: [float(x) for x in np.asarray(v).astype(np.float32).ravel()] for k, v in loaded.items()},
           "shapes": {k: list(np.asarray(v).shape) for k, v in loaded.items()}},
          open("python_written.expected.json", "w"), indent=1, sort_keys=True)

# PNGs written by pypng in forms GenSuite's encoder never makes, with their expected 8-bit pixels.
rng = np.random.default_rng(7)
expected = {}


def save(name, rows, width, height, expect_pixels, channels, **kw):
    with open(name, "wb") as f:
        png.Writer(width, height, **kw).write(f, rows)
    expected[name] = {"width": width, "height": height, "channels": channels,
                      "pixels": [int(x) for x in np.asarray(expect_pixels).ravel()]}


pal = [(255, 0, 0, 255), (0, 255, 0, 128), (0, 0, 255, 0), (10, 20, 30, 255)]
idx = rng.integers(0, 4, size=(5, 7))
save("palette4_trns.png", idx.tolist(), 7, 5, np.array([pal[i] for i in idx.ravel()]), 4, palette=pal, bitdepth=4)
bits = rng.integers(0, 2, size=(3, 9))
save("gray1.png", bits.tolist(), 9, 3, bits * 255, 1, greyscale=True, bitdepth=1)
g16 = rng.integers(0, 65536, size=(4, 6))
save("gray16.png", g16.tolist(), 6, 4, g16 >> 8, 1, greyscale=True, bitdepth=16)
c16 = rng.integers(0, 65536, size=(3, 5 * 4))
save("rgba16.png", c16.tolist(), 5, 3, c16 >> 8, 4, greyscale=False, alpha=True, bitdepth=16)
ga = rng.integers(0, 256, size=(4, 4 * 2))
save("gray_alpha.png", ga.tolist(), 4, 4, ga, 2, greyscale=True, alpha=True, bitdepth=8)
rgb = rng.integers(0, 256, size=(11, 13 * 3))
save("interlaced_rgb.png", rgb.tolist(), 13, 11, rgb, 3, greyscale=False, bitdepth=8, interlace=True)
json.dump(expected, open("png_expected.json", "w"), sort_keys=True)

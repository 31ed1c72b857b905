#!/usr/bin/env python3
"""The numbers of a gen-level model card: 100 levels of 200 columns, then raw playability (levels
kept over levels drawn), novelty (8-column windows found in no training level) and tile density.

Usage (from the repository root, after swift build -c release):
    python3 bench/level-quality.py [MODEL] [OUT_DIR] [GEN-LEVEL OPTIONS...]
e.g. `python3 bench/level-quality.py level-smb-markov q --no-grammar` for the chain without its
level grammar, or `... --width 100` for the research baseline's width.
"""
import glob
import json
import subprocess
import sys

model = sys.argv[1] if len(sys.argv) > 1 else "level-smb-markov"
out = sys.argv[2] if len(sys.argv) > 2 else "level-quality"
subprocess.run([".build/release/gen-level", "--model", model, "--count", "100", "--seed", "0", "--out", out,
                "--stats", out + "/stats.json", "--force", "--quiet", "--max-attempts", "1000"] + sys.argv[3:], check=True)
stats = json.load(open(out + "/stats.json"))
attempts = [entry["attempts"] for entry in stats["levels"]]


def columns(path):
    rows = [r for r in open(path).read().split("\n") if r]
    return ["".join(r[x] for r in rows) for x in range(len(rows[0]))]


seen = set()
for path in glob.glob("samples/data/vglc/smb1/*.txt"):
    c = columns(path)
    seen.update(tuple(c[x:x + 8]) for x in range(len(c) - 7))
novelty = []
for path in sorted(glob.glob(out + "/*.txt")):
    c = columns(path)
    windows = [tuple(c[x:x + 8]) for x in range(len(c) - 7)]
    novelty.append(sum(w not in seen for w in windows) / len(windows))
print(f"levels {len(attempts)}, draws {sum(attempts)}, raw playability {stats['rawPlayability']:.3f}")
print(f"novelty mean {sum(novelty) / len(novelty):.3f}, lowest {min(novelty):.3f}")
print(f"density {sum(e['metrics']['density'] for e in stats['levels']) / len(attempts):.3f}, "
      f"enemies per column {sum(e['metrics']['enemiesPerColumn'] for e in stats['levels']) / len(attempts):.3f}")

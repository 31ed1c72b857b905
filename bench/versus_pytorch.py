"""GenSuite against PyTorch CPU, case by case, the two sides alternating (A B A B ...), so that a
noisy minute on a shared machine moves both sides of a pair rather than one side's whole run.

Usage: python3 bench/versus_pytorch.py [--rounds 3] [--only train.] [--gen-bench .build/release/gen-bench]
Each round runs `gen-bench --only CASE --json` and then `bench/pytorch_reference.py --only CASE
--json` for every case; the table gives each side's median and the median of the pairwise ratios
(GenSuite / PyTorch, higher is faster for GenSuite), with the ratios of every round.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

CASES = ["train.gpt", "train.lstm", "train.vae", "train.dcgan",
         "gemm.256x256x256", "gemm.1024x1024x1024", "gemm.64x512x2048", "gemm.4096x128x128"]

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--rounds", type=int, default=3)
parser.add_argument("--only", default="", help="only the cases whose name starts with this")
parser.add_argument("--gen-bench", default=".build/release/gen-bench")
parser.add_argument("--seconds", default="3")
args = parser.parse_args()


def value(command, case):
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(command + ["--only", case, "--json", out.name, "--seconds", args.seconds],
                       check=True, stdout=subprocess.DEVNULL)
        results = json.load(open(out.name))["results"]
    return next(r["value"] for r in results if r["name"] == case), next(r["unit"] for r in results if r["name"] == case)


ours_command = [args.gen_bench]
torch_command = [sys.executable, os.path.join(os.path.dirname(__file__), "pytorch_reference.py")]
print(f"{'case':<22}{'GenSuite':>12}{'PyTorch':>12}  unit       ratio  (rounds)")
for case in [c for c in CASES if c.startswith(args.only)]:
    ours, torch, unit = [], [], ""
    for _ in range(args.rounds):
        a, unit = value(ours_command, case)
        b, _ = value(torch_command, case)
        ours.append(a)
        torch.append(b)
    ratios = [a / b for a, b in zip(ours, torch)]
    print(f"{case:<22}{statistics.median(ours):>12.1f}{statistics.median(torch):>12.1f}  {unit:<9}"
          f"{statistics.median(ratios):>6.2f}  ({' '.join(f'{r:.2f}' for r in ratios)})", flush=True)

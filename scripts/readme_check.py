#!/usr/bin/env python3
"""Run every ```sh block of README.md as written, in order, and stop at the first failure.

    python3 scripts/readme_check.py [--bin .build/release] [--readme README.md] [--list] [--keep]

Each block runs as one bash script with `set -e`, in one temporary working folder shared by all
blocks (so a later block sees what an earlier one wrote), with:
  - the built tools first on PATH (--bin, default .build/release);
  - GENSUITE_MODELS=<repo>/SharedModels, so `--model NAME` and the defaults find the shipped models;
  - `samples` in the working folder a symlink to <repo>/samples (the README writes `samples/...`);
  - HOME a fresh folder inside the temporary one, so nothing is written to the user's home;
  - standard input /dev/null.

Markers: an HTML comment on the line right before the opening ``` (blank lines between are
allowed) changes how a block runs:
  <!-- readme-check: skip (REASON) -->   not run; REASON is required: `training` for long runs,
                                         or the optional tool or download the block needs
  <!-- readme-check: in-checkout -->     run in the repository instead of the temporary folder
                                         (for `make` targets); HOME is still the temporary one
Unmarked blocks always run. Other fences (```swift, plain ```) are never run.

Prints each block's first line, its status and time; on a failure, the block, the command that
failed and the end of its stderr, and exits 1. --list shows what would run or be skipped.
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

MARKER = re.compile(r"^\s*<!--\s*readme-check:\s*(skip\s*\((?P<reason>[^)]+)\)|(?P<checkout>in-checkout))\s*-->\s*$")
ANY_MARKER = re.compile(r"<!--\s*readme-check:")


class Block:
    def __init__(self, line, text, skip=None, in_checkout=False):
        self.line = line  # 1-based line of the opening fence
        self.text = text
        self.skip = skip
        self.in_checkout = in_checkout

    def first_line(self):
        return next((l.strip() for l in self.text.splitlines() if l.strip()), "(empty)")

    def commands(self):
        """The block's commands with their README line numbers; backslash continuations joined."""
        out, current, start = [], [], None
        for i, raw in enumerate(self.text.splitlines()):
            if not current and (not raw.strip() or raw.lstrip().startswith("#")):
                continue
            if not current:
                start = self.line + 1 + i
            current.append(raw)
            if not raw.rstrip().endswith("\\"):
                out.append((start, "\n".join(current)))
                current = []
        if current:
            out.append((start, "\n".join(current)))
        return out


def parse(readme):
    lines = open(readme, encoding="utf-8").read().splitlines()
    blocks, i = [], 0
    while i < len(lines):
        line = lines[i]
        fence = re.match(r"^(\s*)(```+)\s*(\S*)", line)
        if not fence:
            if ANY_MARKER.search(line) and not MARKER.match(line):
                sys.exit(f"{readme}:{i + 1}: malformed readme-check marker: {line.strip()}")
            i += 1
            continue
        ticks, lang = fence.group(2), fence.group(3)
        j = i + 1
        while j < len(lines) and not lines[j].strip().startswith(ticks):
            j += 1
        if lang == "sh":
            k = i - 1
            while k >= 0 and not lines[k].strip():
                k -= 1
            m = MARKER.match(lines[k]) if k >= 0 else None
            blocks.append(
                Block(
                    i + 1,
                    "\n".join(lines[i + 1 : j]),
                    skip=m.group("reason").strip() if m and m.group("reason") else None,
                    in_checkout=bool(m and m.group("checkout")),
                )
            )
        i = j + 1
    return blocks


def script_for(block, step_file):
    """The block as a bash script that records the README line of each command before running it."""
    parts = ["set -e"]
    for line, command in block.commands():
        parts.append(f"echo {line} > {shq(step_file)}")
        parts.append(command)
    return "\n".join(parts) + "\n"


def shq(s):
    return "'" + s.replace("'", "'\\''") + "'"


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description="Run the README's ```sh blocks in order (see the top of this file).")
    ap.add_argument("--bin", default=os.path.join(repo, ".build/release"), help="folder of the built tools")
    ap.add_argument("--readme", default=os.path.join(repo, "README.md"))
    ap.add_argument("--list", action="store_true", help="show what would run and what is skipped, run nothing")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder and print its path")
    ap.add_argument("--timeout", type=float, default=900, help="seconds one block may take (default 900)")
    args = ap.parse_args()

    blocks = parse(args.readme)
    if args.list:
        for b in blocks:
            status = f"skip ({b.skip})" if b.skip else ("run in checkout" if b.in_checkout else "run")
            print(f"{os.path.basename(args.readme)}:{b.line:<5} {status:<52} {b.first_line()}")
        return 0

    bin_dir = os.path.abspath(args.bin)
    if not os.path.isdir(bin_dir):
        sys.exit(f"readme-check: {bin_dir} does not exist (build first: swift build -c release)")
    root = tempfile.mkdtemp(prefix="readme-check-")
    work, home = os.path.join(root, "work"), os.path.join(root, "home")
    os.makedirs(work)
    os.makedirs(home)
    os.symlink(os.path.join(repo, "samples"), os.path.join(work, "samples"))
    step_file = os.path.join(root, "step")
    env = dict(os.environ)
    env.update(
        PATH=bin_dir + os.pathsep + env.get("PATH", ""),
        GENSUITE_MODELS=os.path.join(repo, "SharedModels"),
        HOME=home,
    )
    env.pop("MAKEFLAGS", None)
    env.pop("MAKELEVEL", None)

    started, ran, skipped = time.monotonic(), 0, 0
    try:
        for b in blocks:
            where = "%s:%d" % (os.path.basename(args.readme), b.line)
            if b.skip:
                skipped += 1
                print(f"{where:<16} skip    {'':>7}  {b.first_line()}   ({b.skip})", flush=True)
                continue
            with open(os.path.join(root, "block.sh"), "w", encoding="utf-8") as f:
                f.write(script_for(b, step_file))
            t0 = time.monotonic()
            try:
                proc = subprocess.run(
                    ["bash", os.path.join(root, "block.sh")],
                    cwd=repo if b.in_checkout else work,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    timeout=args.timeout,
                )
                code, stderr = proc.returncode, proc.stderr.decode("utf-8", "replace")
            except subprocess.TimeoutExpired as e:
                code, stderr = "timeout", (e.stderr or b"").decode("utf-8", "replace")
            seconds = time.monotonic() - t0
            ran += 1
            if code == 0:
                print(f"{where:<16} ok      {seconds:6.1f}s  {b.first_line()}", flush=True)
                continue
            print(f"{where:<16} FAILED  {seconds:6.1f}s  {b.first_line()}", flush=True)
            failed_line = open(step_file).read().strip() if os.path.exists(step_file) else "?"
            command = dict((str(l), c) for l, c in b.commands()).get(failed_line, "?")
            print(f"\nblock at {where}:\n{b.text}\n", file=sys.stderr)
            print(f"failed command (line {failed_line}, exit {code}):\n  {command}\n", file=sys.stderr)
            tail = "\n".join(stderr.rstrip().splitlines()[-30:])
            print(f"its stderr (last 30 lines):\n{tail}", file=sys.stderr)
            print(f"\nworking folder: {work if not b.in_checkout else repo} (kept)", file=sys.stderr)
            args.keep = True
            return 1
        print(f"readme-check: {ran} blocks passed, {skipped} skipped, in {time.monotonic() - started:.1f} s")
        return 0
    finally:
        if args.keep:
            print(f"readme-check: temporary folder {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
        # SwiftPM (make install's build) leaves a lock file in /tmp named after the temporary HOME.
        for leftover in glob.glob(os.path.join(tempfile.gettempdir(), "*" + root.replace("/", "_") + "*")):
            os.remove(leftover)


if __name__ == "__main__":
    sys.exit(main())

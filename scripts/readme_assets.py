#!/usr/bin/env python3
"""Remake every output README.md shows, so that none can drift from what the tools do now.

    python3 scripts/readme_assets.py [--bin .build/release] [--readme README.md] [--check]

Two markers, each an HTML comment on a line of its own:
  <!-- readme-output: COMMAND -->   right before a plain ``` block (blank lines between are
                                    allowed): the block becomes COMMAND's standard output
  <!-- readme-asset: COMMAND -->    anywhere (beside the picture it makes): COMMAND is run; it
                                    writes its file, e.g. under samples/outputs/
COMMAND runs with bash in the repository, the built tools first on PATH, GENSUITE_MODELS set to
the repository's SharedModels, and READMETMP a fresh temporary folder for scratch files. The
outputs are deterministic (each command gives its seed), but float results depend on the BLAS
kernel, so they are remade on the machine kind they were recorded on (see ToolOutputTests).

--check runs the output commands and reports blocks that differ, writing nothing; exit 1 if any.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

OUTPUT = re.compile(r"^\s*<!--\s*readme-output:\s*(?P<cmd>.+?)\s*-->\s*$")
ASSET = re.compile(r"^\s*<!--\s*readme-asset:\s*(?P<cmd>.+?)\s*-->\s*$")


def run(cmd, env, repo):
    done = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], cwd=repo, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"readme-assets: `{cmd}` failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return done.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=".build/release")
    parser.add_argument("--readme", default="README.md")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    repo = os.path.dirname(os.path.abspath(args.readme))
    scratch = tempfile.mkdtemp(prefix="readme-assets-")
    env = dict(os.environ, PATH=os.path.abspath(args.bin) + os.pathsep + os.environ["PATH"],
               GENSUITE_MODELS=os.path.join(repo, "SharedModels"), READMETMP=scratch)
    lines = open(args.readme, encoding="utf-8").read().split("\n")
    out, i, stale = [], 0, []
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        asset, output = ASSET.match(line), OUTPUT.match(line)
        if asset and not args.check:
            print(f"asset   {asset.group('cmd')}")
            run(asset.group("cmd"), env, repo)
        if not output:
            continue
        while i < len(lines) and not lines[i].strip():
            out.append(lines[i])
            i += 1
        if i >= len(lines) or lines[i].strip() != "```":
            sys.exit(f"{args.readme}:{i + 1}: a readme-output marker must come right before a plain ``` block")
        end = i + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        text = run(output.group("cmd"), env, repo).rstrip("\n").split("\n")
        if text != lines[i + 1:end]:
            stale.append(output.group("cmd"))
        print(f"{'stale ' if text != lines[i + 1:end] else 'same  '}  {output.group('cmd')}")
        out += ["```"] + text + ["```"]
        i = end + 1
    if args.check:
        if stale:
            sys.exit(f"readme-assets: {len(stale)} README block(s) differ from their commands; run make readme-assets")
        return
    open(args.readme, "w", encoding="utf-8").write("\n".join(out))


if __name__ == "__main__":
    main()

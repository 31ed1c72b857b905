"""RDKit's side of gen-molecule's `check` speed: MolFromSmiles over a SMILES file, one core.

    python3 bench/rdkit_check.py samples/data/moses/train-100k.smi.gz

Prints the SMILES per second and how many parsed. Compare with
`gen-molecule check` on the same file in the same run (README, "Speed").
"""
import gzip, sys, time
from rdkit import Chem, RDLogger

RDLogger.DisableLog("rdApp.*")
path = sys.argv[1]
with (gzip.open(path, "rt") if path.endswith(".gz") else open(path)) as f:
    lines = [line.split()[0] for line in f if line.strip()]
start = time.perf_counter()
valid = sum(Chem.MolFromSmiles(s) is not None for s in lines)
seconds = time.perf_counter() - start
print(f"rdkit MolFromSmiles: {len(lines) / seconds:,.0f} SMILES/s ({valid} of {len(lines)} valid, {seconds:.2f} s)")

"""Makes the RDKit-labelled fixtures of gen-molecule's tests (RDKit is the oracle here only).

    pip install rdkit
    python3 Tests/GenMoleculeTests/Fixtures/make_fixtures.py

Writes, beside this script:
- rdkit-verdicts.tsv: SMILES <tab> 1|0 (RDKit MolFromSmiles parses and sanitises it) <tab> RDKit's
  canonical SMILES without stereo ('-' when invalid). The cases are (a) hand-written probes from the
  RDKit Book and OpenSMILES (charges, isotopes, brackets, aromatic heterocycles, ring closures,
  valence limits) and (b) 4,000 single-edit mutants of MOSES test molecules (delete, insert, swap,
  case change, ring-digit change), the kind of near-miss a sampler writes.
- rdkit-spellings.tsv: for 3,000 MOSES test molecules, RDKit's canonical SMILES (no stereo) and
  two other spellings of the same molecule: a random atom order (aromatic) and a random atom
  order in Kekulé form. Two spellings of one molecule must canonicalise equal, different
  molecules differently.

hostile-aromatic-sheets.tsv (SMILES <tab> RDKit verdict) holds three graphene-like aromatic sheets
made with RDKit by a reviewer (an odd system, an even one without a Kekulé structure, and a valid
40-ring sheet); it is committed as it is, not made by this script.
"""
import gzip, os, random
from rdkit import Chem, RDLogger

RDLogger.DisableLog("rdApp.*")
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "../../.."))

PROBES = """
C
CC
c1ccccc1
C1=CC=CC=C1
c1cccc1
c1ccnc1
c1cc[nH]c1
c1ccc[nH]1
n1cccc1
C(C)(C)(C)(C)C
C1CC
C12CCCCC12
C0CC0
C%10CC%10
C%(100)CC%(100)
[Cu++]
[Cu+2]
O=N(=O)C
C[N+](=O)[O-]
C-1CCC=1
C=1CCC-1
[HH]
[H]
[H+]
[H-]
[2H]C
[0S]
[13CH4]
[CH4:2]
[C@H](F)(Cl)Br
F/C=C/F
F/C=C\\F
C11
C.1CC1
C..C
C(
C)
()C
C()C
(C)C
C=
=C
C==C
C(=O)=O
O=C=O
C#N
C#C#C
[N-]=[N+]=N
[N-]=[N+]=[N-]
CN(C)(C)C
C[N+](C)(C)C
[NH4+]
[NH3+]C
[O-]C
[OH3+]
[O+]
C[O+](C)C
O=S(=O)(O)O
CS(=O)(=O)C
OS(O)(O)(O)(O)O
S(F)(F)(F)(F)(F)F
P(Cl)(Cl)(Cl)(Cl)Cl
OP(=O)(O)O
CP(C)(C)(C)(C)C
ClCl
Cl(Cl)Cl
I(F)(F)F
IF(F)
Br
[Br-]
[Na+].[Cl-]
[Na]Cl
[Fe+3]
[Xe]
[Xe](F)F
[He]
[B-](F)(F)(F)F
B(F)(F)F
BF(F)(F)F
[BH4-]
[BH3-]C
[Si](C)(C)(C)C
[SiH4]
[SeH2]
c1cc[se]c1
C[se]1CC1
C1C[se]=C1C
C[s]1CC1
C1C[sH]C1
C[sH]1(C)CC1
C[p]1(C)CC1
C[pH]1(C)CC1
C[as]1(C)CC1
C[s+]1(C)CC1
C[te]1(C)(C)CC1
C1C[n]C1
C1C[c]C1
Cl(=O)(=O)O
OCl=O
OBr(=O)=O
I(=O)(=O)O
Br(=O)O
Cl(=O)(=O)[O-]
Cl(=O)(=O)OC
Cl(=O)(=O)(=O)=O
Cl(=O)=O
O=Cl
Cl(=O)(=O)C
FCl(=O)=O
Cl(=O)(O)O
Cl(=O)(=O)(=O)
OI(O)(O)(O)(O)=O
OCl(O)(O)=O
OI(=O)(=O)(O)O
[ClH](=O)(=O)=O
[O-]=Cl(=O)O
OBr(O)(O)=O
O[I](O)O
OCl(=O)(=O)(=O)=O
[S-](C)(C)
[S-](C)(C)(C)(C)(C)
[S-2](C)(C)(C)(C)
[Se-](C)(C)(C)
[P-2](C)(C)(C)
[As-2](C)(C)
C[S-](=O)=O
CCC(=O)S[S-](=S)=S
C1=CNC=C2C1=[S-](=O)C=C2
c1cc[s-]c1
c1cc[se-]c1
C[S-2](C)(C)(C)C
O=[S-](=O)(=O)C
C=[P-2]C
C1C[as]C1
C1C[o+]C1
C1C[c-]C1
C[n]1(C)CC1
C1CC[nH](C)C1
C[nH+]1(C)CC1
C[c]1(C)(C)CC1
c1cc[te]c1
[as]1cccc1
c1cc[o+]cc1
c1cc[nH+]cc1
c1cc[n+]cc1
C[n+]1ccccc1
[O-][n+]1ccccc1
c1cc[n-]c1
[cH-]1cccc1
c1ccc2ccccc2c1
c1ccc2c(c1)ccc1ccccc12
c1cc2cccc3c4cccc5cccc(c(c1)c23)c54
c1ccc2[nH]ccc2c1
c1ccc2occc2c1
c1ccc2sccc2c1
c1ncc2[nH]cnc2n1
Cn1cnc2c1c(=O)n(C)c(=O)n2C
O=c1cc[nH]cc1
O=c1ccocc1
O=c1cccccc1
c1ccc(cc1)-c1ccccc1
c1ccccc1c
cc
c1ccccc1C
C1=CC=CC=C1C
C1=CC=CC1
c1ccc1
c1cccccc1
c1ccccccc1
C1=CC=CC=CC=C1
c1cccccccc1
c1ccc2cc1cc2
o1cccc1
s1cccc1
c1ccsc1
c1ccoc1
c1cnoc1
c1cnsn1
c1nnn[nH]1
c1nnnn1
c1nn[nH]n1
n1cnc2c1ncn2
c12ccccc1cccc2
C1CC2CCC1C2
C12C3C4C1C5C2C3C45
N#N
C=N#N
O=O
[O][O]
[CH3]
[CH2]
[C]
C[C]C
[c]1ccccc1
c1ccc[c]c1
c1cc[c-]cc1
*C
c1cc*cc1
*
[*]
C*C
[Pt](Cl)(Cl)([NH3])[NH3]
Nc1nc(=O)[nH]c(N)n1
Cc1ccc(=O)[nH]n1
O=c1[nH]c(=O)c2[nH]cnc2[nH]1
c1ccc2c(c1)[nH]c1ccccc12
c1ccc-2c(c1)-c1ccccc-21
C1=Cc2ccccc2C1
c1ccc2c(c1)C=C2
c1ccc2c(c1)cc1ccccc12
O=C1C=CC(=O)C=C1
O=c1ccc(=O)cc1
S=c1cccc[nH]1
c1cs(=O)cc1
O=s1cccc1
c1ccs(=O)(=O)c1
O=S1(=O)C=CC=C1
CN1C=CC=C1
Cn1cccc1
c1ccn(C)c1
C1CCCCC1CC(
CC)C
C(C(C)C
CCC(=O))C
C(C)(C)(C)
[C@@H](N)(C)C(=O)O
N[C@@H](C)C(=O)O
C[C@](F)(Cl)Br
C[C@TH1](F)(Cl)Br
C[C@SP1](F)(Cl)Br
C[Co@OH1](F)(Cl)(Br)(I)N
[12C][13C]
[C-4]
[C+4]
[N+5]
[O-2]
[Cl+]
[S+]C
C[S+](C)C
C[S-]
[S-2]
C=S(=O)=O
[Mg+2]
[Ca]
[Li]C
CC(C)(C)(C)
C1CC1C1CC1
C1CC1.C1CC1
C1.C1
C1CCC1.C2CCC2
C%99CC%99
C%1CC%1
C%CC
C%%10
C[N]
N
[NH]
[N]
[NH2]
[N+]
[N-]
[NH2-]
[NH-]C
OO
[OH]
[OH-]
[O-2]
c1cccn1C
n1ccc[nH]1
[nH]1cccc1
n1c[nH]cc1
c1c[nH]c[nH]1
c1n[nH]cn1
c1nc[nH]n1
c1nnc[nH]1
c1cc2ccc3cccc4ccc(c1)c2c34
C1=CC2=CC=CC3=C2C1=CC=C3
B1C=CC=C1
b1cccc1
c1ccbcc1
[bH]1cccc1
c1ccpcc1
c1cc[pH]c1
p1cccc1
c1ccc(cc1)P(c1ccccc1)c1ccccc1
C(Cl)(Cl)(Cl)Cl
FC(F)(F)F
ClC(Cl)Cl
""".strip().split("\n")


def verdict(smiles):
    mol = Chem.MolFromSmiles(smiles)
    if mol is None or mol.GetNumAtoms() == 0:
        return 0, "-"
    return 1, Chem.MolToSmiles(mol, isomericSmiles=False)


def mutants(molecules, count, seed):
    rng = random.Random(seed)
    tokens = list("cCnNoOsS()=#123456[]+-") + ["[nH]", "Cl", "Br", "F", "%10", "[N+]", "[O-]"]
    out = []
    while len(out) < count:
        s = rng.choice(molecules)
        k = rng.randrange(len(s))
        op = rng.randrange(5)
        if op == 0:
            t = s[:k] + s[k + 1:]
        elif op == 1:
            t = s[:k] + rng.choice(tokens) + s[k:]
        elif op == 2 and k + 1 < len(s):
            t = s[:k] + s[k + 1] + s[k] + s[k + 2:]
        elif op == 3 and s[k].isalpha():
            t = s[:k] + (s[k].lower() if s[k].isupper() else s[k].upper()) + s[k + 1:]
        elif op == 4 and s[k].isdigit():
            t = s[:k] + str((int(s[k]) + 1) % 10) + s[k + 1:]
        else:
            continue
        if t and "\t" not in t:
            out.append(t)
    return out


def main():
    with gzip.open(os.path.join(root, "samples/data/moses/test-10k.smi.gz"), "rt") as f:
        molecules = [line.strip() for line in f if line.strip()]
    cases = PROBES + mutants(molecules, 4000, seed=7)
    seen = set()
    with open(os.path.join(here, "rdkit-verdicts.tsv"), "w") as f:
        for s in cases:
            if s in seen:
                continue
            seen.add(s)
            ok, canonical = verdict(s)
            f.write(f"{s}\t{ok}\t{canonical}\n")
    print(f"{len(seen)} cases")
    rng = random.Random(11)
    with open(os.path.join(here, "rdkit-spellings.tsv"), "w") as f:
        for s in molecules[:3000]:
            mol = Chem.MolFromSmiles(s)
            canonical = Chem.MolToSmiles(mol, isomericSmiles=False)
            Chem.rdBase.SeedRandomNumberGenerator(rng.randrange(1 << 30))
            shuffled = Chem.MolToSmiles(mol, isomericSmiles=False, doRandom=True, canonical=False)
            kekule = Chem.Mol(mol)
            Chem.Kekulize(kekule, clearAromaticFlags=True)
            kekulé = Chem.MolToSmiles(kekule, isomericSmiles=False, doRandom=True, canonical=False, kekuleSmiles=True)
            f.write(f"{canonical}\t{shuffled}\t{kekulé}\n")


if __name__ == "__main__":
    main()

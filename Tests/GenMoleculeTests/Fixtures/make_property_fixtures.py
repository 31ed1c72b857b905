"""Makes rdkit-properties.tsv, the RDKit-labelled fixture of gen-molecule's property tests (RDKit is
the oracle here only; gen-molecule computes every property itself).

    pip install rdkit
    python3 Tests/GenMoleculeTests/Fixtures/make_property_fixtures.py

Writes, beside this script, rdkit-properties.tsv: a header line, then one line per molecule,
tab-separated:

    SMILES  MW  logP  TPSA  HBD  HBA  rotatable  rings  aromaticRings  heavyAtoms

as RDKit computes them on Chem.MolFromSmiles(SMILES): Descriptors.MolWt, Crippen.MolLogP,
rdMolDescriptors.CalcTPSA (N and O only), Lipinski.NHOHCount, Lipinski.NOCount,
rdMolDescriptors.CalcNumRotatableBonds (default: strict), rdMolDescriptors.CalcNumRings,
rdMolDescriptors.CalcNumAromaticRings and Lipinski.HeavyAtomCount; real numbers with 4 decimals.
The molecules are (a) the first 2,000 lines of samples/data/moses/test-10k.smi.gz and (b) the
hand-picked molecules of EXTRA below, which cover chemistry MOSES leaves out (charges, nitro groups,
N-oxides, sulfur and phosphorus acids, explicit hydrogens, Kekulé-written aromatics, cages, rarer
elements, bridged natural products).
"""
import gzip, os
from rdkit import Chem, RDLogger, rdBase
from rdkit.Chem import Crippen, Descriptors, Lipinski, rdMolDescriptors

RDLogger.DisableLog("rdApp.*")
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "../../.."))

EXTRA = """
CC(=O)[O-]
CC(=O)O
C[N+](C)(C)C
[NH4+]
CC[NH3+]
C[NH2+]C
c1cc[nH+]cc1
C[n+]1ccccc1
[O-][n+]1ccccc1
C[N+](C)([O-])C
C[N+](=O)[O-]
O=[N+]([O-])c1ccc(Cl)cc1
CN(=O)=O
NS(=O)(=O)c1ccc(N)cc1
CS(=O)C
CS(=O)(=O)O
CS(=O)(=O)[O-]
COP(=O)(OC)OC
OP(=O)(O)O
O=P([O-])([O-])O
CP(C)C
C[S+](C)C
CSC
CSSC
CS
c1ccsc1
c1ccoc1
c1cc[nH]c1
c1c[nH]cn1
Cn1ccnc1
O=c1cccc[nH]1
Oc1ccccn1
c1ccncc1
c1cnc2[nH]ccc2c1
Cc1nnc(o1)-c1ccccc1
c1ccc2ncccc2c1
C1=CC=CC=C1O
C1=CC=C(C=C1)C(=O)O
CC1=CC=CC=C1
O=C1C=CC(=O)C=C1
CC(N)=O
CNC(C)=O
CN(C)C=O
NC(N)=O
NC(=N)N
NC(=[NH2+])N
CC#N
N#Cc1ccccc1
CC#C
C#CC#C
C=CC=C
C=C=C
CC(C)=CC
C=Cc1ccccc1
C/C=C/C(=O)OC
[H]OC([H])([H])[H]
[H]N([H])c1ccccc1
[2H]C([2H])([2H])O
F/C=C/[H]
[13CH3]C(=O)O
OCC(O)CO
OO
NO
NN
N=[N+]=[N-]
CN=[N+]=[N-]
C(F)(F)(F)C(=O)O
CC(C)(C)C(=O)O
ClC(Cl)(Cl)CO
BrC(Br)(Br)CC
C[Si](C)(C)C
B(O)(O)c1ccccc1
c1ccc[se]1
ICCI
Ic1ccccc1
[Na+].[Cl-]
[K+].CC(=O)[O-]
[Br-].C[N+](C)(C)C
O
N
C
[O-]C
C=O
CC=O
O=Cc1ccccc1
CC(=O)c1ccccc1
O=C(c1ccccc1)c1ccccc1
OC=O
COC=O
O=C=O
CN=C=O
CN=C=S
C1CC1
C1CO1
C1CN1
C1CC2CCC1CC2
C1CN2CCC1CC2
C1C2CC3CC1CC(C2)C3
C12C3C4C1C5C2C3C45
C1CC2CCC1C2
CN1C2CCC1CC(C2)OC(=O)C(CO)c1ccccc1
c1ccc2c(c1)Cc1ccccc1-2
c1ccc-2c(c1)-c1ccccc-21
c1ccc2ccccc2c1
c1ccc2cc3ccccc3cc2c1
C1=Cc2ccccc2C1
c1ccc(cc1)-c1ccccc1
Cc1cccc(C)c1-c1c(C)cccc1C
CC(C)(C)c1ccccc1
CCCCCCCCCC
CC(=O)Nc1ccc(O)cc1
CC(=O)Oc1ccccc1C(=O)O
CN1C=NC2=C1C(=O)N(C(=O)N2C)C
CC(C)Cc1ccc(cc1)C(C)C(=O)O
OC(=O)CCC(=O)O
CCOC(=O)C
CCSC(=O)C
CC(=S)N
C=CC(=O)N
[2H]OCC
CC[18F]
[18F]c1ccccc1
[125I]c1ccc(O)cc1
[3H]C([3H])O
[15NH3]
[0S]
[H][H]
[H+]
C1CC2CCC(C1)CC2
CC1(C)C2CCC1(C)C(=O)C2
COC(=O)C1C(OC(=O)c2ccccc2)CC2CCC1N2C
COc1ccc2nccc(C(O)C3CC4CCN3CC4C=C)c2c1
O=C1CC2OCC=C3CN4CCC56C4CC3C2C6N1c1ccccc15
CN1CCC23C4C1CC5=C2C(=C(C=C5)O)OC3C(C=C4)O
CC1CCC2C(C(=O)OC3C24C1CCC(O3)(OO4)C)C
CC(=O)OC1C(=O)C2(C)C(O)CC3OCC3(OC(C)=O)C2C(OC(=O)c2ccccc2)C2(O)CC(OC(=O)C(O)C(NC(=O)c3ccccc3)c3ccccc3)C(C)=C1C2(C)C
"""


def row(smiles):
    m = Chem.MolFromSmiles(smiles)
    assert m is not None, smiles
    values = [
        Descriptors.MolWt(m),
        Crippen.MolLogP(m),
        rdMolDescriptors.CalcTPSA(m),
        Lipinski.NHOHCount(m),
        Lipinski.NOCount(m),
        rdMolDescriptors.CalcNumRotatableBonds(m),
        rdMolDescriptors.CalcNumRings(m),
        rdMolDescriptors.CalcNumAromaticRings(m),
        Lipinski.HeavyAtomCount(m),
    ]
    return "\t".join([smiles] + ["%.4f" % v if isinstance(v, float) else str(v) for v in values])


def main():
    with gzip.open(os.path.join(root, "samples/data/moses/test-10k.smi.gz"), "rt") as f:
        moses = [line.split()[0] for _, line in zip(range(2000), f)]
    extra = [s for s in EXTRA.split("\n") if s.strip()]
    lines = ["# SMILES\tMW\tlogP\tTPSA\tHBD\tHBA\trotatable\trings\taromaticRings\theavyAtoms"
             + "\t(RDKit %s)" % rdBase.rdkitVersion]
    lines += [row(s) for s in moses + extra]
    with open(os.path.join(here, "rdkit-properties.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %d molecules (%d MOSES, %d hand-picked)" % (len(lines) - 1, len(moses), len(extra)))


if __name__ == "__main__":
    main()

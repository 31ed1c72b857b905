// Bemis–Murcko scaffolds: a molecule's ring systems and the chains that link them.

extension Molecule {
    /// The Bemis–Murcko framework (G. W. Bemis, M. A. Murcko, "The properties of known drugs. 1.
    /// Molecular frameworks", J. Med. Chem. 39, 2887, 1996) as RDKit's `MurckoScaffold` keeps it:
    /// the rings and the chains between them (what is left after pruning free ends atom by atom),
    /// plus each atom joined by a double bond to them (the O of a ring or linker C=O). An acyclic
    /// molecule's scaffold has no atoms. Kept atoms gain a hydrogen per bond order removed. Works
    /// on a sanitised (Kekulé) molecule.
    func murckoScaffold() -> Molecule {
        var degrees = atoms.indices.map { degree($0) }
        var inFramework = [Bool](repeating: true, count: atoms.count)
        var ends = atoms.indices.filter { degrees[$0] <= 1 }
        while let a = ends.popLast() {
            guard inFramework[a] else { continue }
            inFramework[a] = false
            for (n, _) in neighbours[a] where inFramework[n] {
                degrees[n] -= 1
                if degrees[n] <= 1 { ends.append(n) }
            }
        }
        var kept = inFramework
        for bond in bonds where bond.order == .double && inFramework[bond.a] != inFramework[bond.b] {
            kept[inFramework[bond.a] ? bond.b : bond.a] = true
        }
        var scaffold = Molecule()
        var index = [Int](repeating: -1, count: atoms.count)
        for i in atoms.indices where kept[i] {
            var atom = atoms[i]
            let lost = neighbours[i].filter { !kept[$0.atom] }.reduce(0) { $0 + bonds[$1.bond].order.valence }
            atom.hydrogens = hydrogens(i) + lost
            index[i] = scaffold.addAtom(atom)
        }
        for bond in bonds where kept[bond.a] && kept[bond.b] {
            scaffold.addBond(index[bond.a], index[bond.b], bond.order)
        }
        return scaffold
    }
}

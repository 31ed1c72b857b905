// RDKit's clean-up of non-standard valence states, applied before the valence check.

extension Molecule {
    /// Rewrites the valence states that RDKit's sanitisation normalises before checking valences
    /// (RDKit `MolOps::cleanUp`, RDKit Book "Molecular Sanitization", step 2), so that the same
    /// SMILES are valid here as there:
    /// - a neutral five-valent N with a double bond to a neutral O (nitro `N(=O)=O`, N-oxides
    ///   `C=N(=O)C`) becomes `[N+]-[O-]`;
    /// - a neutral five-valent N with a triple bond to a terminal N (diazo `C=N#N`, azide) becomes
    ///   `[N+]=[N-]`;
    /// - a neutral Cl, Br or I bonded only to oxygens, with valence 3, 5 or 7 (bonds and written
    ///   hydrogens: perhalates, halates, halites, `OI(O)(O)(O)(O)=O`), becomes `[X+k]` for its k
    ///   double bonds, each of those oxygens singly bonded `[O-]` (RDKit `halogenCleanup`).
    /// Aromatic bonds count 1.5 toward N's valence here, as in RDKit.
    mutating func cleanUpValences() {
        for i in atoms.indices where atoms[i].charge == 0 {
            switch atoms[i].element {
            case 7:
                let halves = neighbours[i].reduce(0) { $0 + (bonds[$1.bond].order == .aromatic ? 3 : 2 * bonds[$1.bond].order.rawValue) }
                guard (halves + 1) / 2 + (atoms[i].bracket ? hydrogens(i) : 0) == 5 else { continue }
                if let (o, bond) = neighbours[i].first(where: {
                    bonds[$0.bond].order == .double && atoms[$0.atom].element == 8 && atoms[$0.atom].charge == 0
                }) {
                    bonds[bond].order = .single
                    atoms[i].charge = 1
                    atoms[o].charge = -1
                } else if let (n, bond) = neighbours[i].first(where: {
                    bonds[$0.bond].order == .triple && atoms[$0.atom].element == 7 && atoms[$0.atom].charge == 0 && degree($0.atom) == 1
                }) {
                    bonds[bond].order = .double
                    atoms[i].charge = 1
                    atoms[n].charge = -1
                }
            case 17, 35, 53:
                guard neighbours[i].allSatisfy({ atoms[$0.atom].element == 8 }), [3, 5, 7].contains(explicitValence(i)) else { continue }
                let doubled = neighbours[i].filter { bonds[$0.bond].order == .double }
                for (o, bond) in doubled {
                    bonds[bond].order = .single
                    atoms[o].charge = -1
                }
                atoms[i].charge = doubled.count
            default: continue
            }
        }
    }

    /// Whether an atom is a metal (its valence is not checked: RDKit's unbounded valence lists).
    func isMetal(_ atom: Int) -> Bool {
        let e = atoms[atom].element
        return e > 2 && Element.table[e].unbounded || e > 2 && Element.table[e].valences.isEmpty
    }
}

// Validity as RDKit's sanitisation decides it: aromatic atoms on rings, a Kekulé structure, and
// every atom within its allowed valences.

extension Molecule {
    /// Checks and completes the molecule as RDKit's `MolFromSmiles` sanitisation does (RDKit Book,
    /// "Molecular Sanitization": updatePropertyCache, Kekulize): aromatic atoms and bonds must lie
    /// on rings, the aromatic bonds must have a Kekulé structure (`kekulize`), and each atom's bond
    /// orders plus hydrogens must be one of its allowed valences (`Atom.allowedValences`, charge
    /// adjusted). Organic-subset atoms get the implicit hydrogens that bring them to their lowest
    /// allowed valence. Aromatic bonds become single or double; aromatic atoms keep their flag.
    /// Throws `SMILESError` with the first problem and its position.
    mutating func sanitize() throws {
        let ringBonds = ringBondFlags()
        let ringAtoms = ringAtomFlags(ringBonds)
        for (i, atom) in atoms.enumerated() where atom.aromatic && !ringAtoms[i] {
            throw SMILESError("atom \(i + 1) (\(atom.symbol)) is aromatic but not on a ring", at: atom.position)
        }
        cleanUpValences()
        for i in atoms.indices { try checkValence(i) }
        // An aromatic atom on no aromatic bond fails only below its default valence (`C1C[n]C1`):
        // above it, RDKit counts the sum as the allowed valence below (`C[s]1CC1` is C[S]1CC1).
        for i in atoms.indices
        where atoms[i].aromatic && atoms[i].bracket && atoms[i].element != 0
            && atoms[i].allowedValences.flatMap(\.first).map({ explicitValence(i) < $0 }) ?? false
            && !neighbours[i].contains(where: { bonds[$0.bond].order == .aromatic })
        {
            throw SMILESError(
                "cannot kekulise atom \(i + 1) (\(atoms[i].symbol)): aromatic, but none of its bonds is aromatic", at: atoms[i].position)
        }
        try kekulize(ringBonds: ringBonds)
        for i in atoms.indices where !atoms[i].bracket {
            let used = explicitValence(i)
            atoms[i].hydrogens = atoms[i].allowedValences.flatMap { $0.first { $0 >= used } }.map { $0 - used } ?? 0
        }
    }

    /// RDKit's explicit-valence check (`Atom::calcExplicitValence`), made before kekulisation:
    /// bond orders with aromatic bonds counted 1.5, plus written hydrogens, rounded half up, must
    /// not exceed the largest allowed valence. On an atom that is aromatic (or has an aromatic
    /// bond), a sum up to 1.5 above an allowed valence counts as that valence (the N of
    /// `c1cccn1C`, benzyne's `c#c`). Single bonds to metals are left out when the atom would
    /// otherwise exceed its valence (RDKit makes them dative: `[NH3]->[Pt]`).
    private mutating func checkValence(_ i: Int) throws {
        let atom = atoms[i]
        guard let valences = atom.allowedValences else { return }
        var halves = neighbours[i].reduce(0) { $0 + (bonds[$1.bond].order == .aromatic ? 3 : 2 * bonds[$1.bond].order.rawValue) }
        halves += 2 * (atom.bracket ? (atom.hydrogens ?? 0) : 0)
        let top = valences.last ?? 0
        if halves > 2 * top {
            halves -= 2 * neighbours[i].filter { isMetal($0.atom) && bonds[$0.bond].order == .single }.count
        }
        if halves == 0 && atom.charge != 0 { return }  // a bare ion: [H+], [Na+], [Cl-]
        let onAromaticBond = neighbours[i].contains { bonds[$0.bond].order == .aromatic }
        if atom.aromatic || onAromaticBond, let first = valences.first, halves > 2 * first {
            let allowed = valences.last { 2 * $0 <= halves } ?? first
            if halves - 2 * allowed <= 3 {
                // Off any aromatic bond, the sum counts as `allowed` where it lies below the top
                // valence (`C1C[sH]C1` is C1C[SH]C1); only a neutral N's written hydrogen can give
                // way (RDKit reads `C1CN[nH](C)C1` as an N with no hydrogen, and refuses
                // `C1CCc(C)(C)(C)C1`).
                guard !onAromaticBond else { return }
                let written = 2 * (atom.bracket ? (atom.hydrogens ?? 0) : 0)
                if atom.element == 7 && atom.charge == 0 && halves - written <= 2 * allowed {
                    atoms[i].hydrogens = max(0, (atom.hydrogens ?? 0) - (halves - 2 * allowed + 1) / 2)
                    return
                }
            }
        }
        let used = (halves + 1) / 2
        if used > top {
            throw SMILESError(
                "atom \(i + 1) (\(chargedSymbol(atom))) has valence \(used), more than the \(top) it allows", at: atom.position)
        }
    }

    private func chargedSymbol(_ atom: Atom) -> String {
        atom.charge == 0
            ? atom.symbol : atom.symbol + (atom.charge > 0 ? "+" : "-") + (abs(atom.charge) > 1 ? String(abs(atom.charge)) : "")
    }
}

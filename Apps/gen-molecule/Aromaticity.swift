// Aromaticity perception on a Kekulé structure: which rings are aromatic, by Hückel's 4n+2 rule
// as RDKit's default model applies it.

extension Molecule {
    /// Elements with an aromatic SMILES symbol (b c n o p s, and se as te si in brackets) and the wildcard.
    static let aromaticElements: Set<Int> = [0, 5, 6, 7, 8, 14, 15, 16, 33, 34, 52]

    /// The π electrons an atom gives to a ring, or nil when it cannot be part of an aromatic ring
    /// (RDKit's default aromaticity model, RDKit Book "Aromaticity"): 1 for an atom with a double
    /// bond on a ring; 0 for one with an exocyclic double bond to a more electronegative atom (the
    /// C of pyridone's C=O) or a cation/boron with an empty orbital; 2 for an atom whose lone pair
    /// can join (N with three connections, O, S, Se, Te with two, a carbanion); nil for atoms with
    /// four or more connections (sp3, or a sulfone's S) and atoms with triple bonds. Needs `sanitize()` first (hydrogens known).
    func piElectrons(_ a: Int, _ ringBonds: [Bool]) -> Int? {
        let atom = atoms[a]
        // Only the elements SMILES can write aromatic (and the wildcard) join aromatic rings;
        // RDKit leaves the hypervalent anions (`[S-]`, `[Se-]`) out.
        guard Self.aromaticElements.contains(atom.element), !atom.hypervalentAnion else { return nil }
        var ringDouble = false
        var exocyclicDouble: Int?
        for (n, b) in neighbours[a] {
            switch bonds[b].order {
            case .double: if ringBonds[b] { ringDouble = true } else { exocyclicDouble = n }
            case .triple, .quadruple: return nil
            default: break
            }
        }
        let connections = degree(a) + hydrogens(a)
        guard connections <= 3 else { return nil }
        if ringDouble { return 1 }
        if let n = exocyclicDouble {
            // An exocyclic double bond to a more electronegative atom (N, O, S, Se) takes the
            // electron away; one to carbon leaves it.
            guard atom.element == 6 || atom.element == 7 else { return nil }
            return [7, 8, 16, 34].contains(atoms[n].element) ? 0 : 1
        }
        switch (atom.element, atom.charge) {
        case (6, 1), (5, 0): return connections <= 3 ? 0 : nil
        case (6, -1): return connections <= 3 ? 2 : nil
        case (7, 0), (15, 0), (33, 0): return connections == 3 ? 2 : nil
        case (7, -1): return connections == 2 ? 2 : nil
        case (8, 0), (16, 0), (34, 0), (52, 0): return connections == 2 ? 2 : nil
        case (0, _): return 1
        default: return nil
        }
    }

    /// Marks aromatic atoms and bonds (`atoms[i].aromatic`, `BondOrder.aromatic`): a ring of the
    /// symmetrized SSSR (RDKit's ring set) is aromatic when every atom can join and its π electrons number 4n+2; so is the union
    /// of two fused rings that share a bond (azulene, or a ring aromatic only with its neighbour),
    /// as RDKit checks fused systems. Atoms off aromatic rings lose the flag, and aromatic bonds
    /// that were written but are not perceived become their Kekulé orders. `ringBonds` is
    /// `ringBondFlags()`, when the caller has it.
    mutating func perceiveAromaticity(ringBonds known: [Bool]? = nil) {
        let ringBonds = known ?? ringBondFlags()
        // RDKit's symmetrized ring set differs from the SSSR only where an atom has three or more
        // ring bonds (fused and bridged systems); elsewhere the cheaper SSSR is the same set.
        var ringDegree = [Int](repeating: 0, count: atoms.count)
        for b in bonds.indices where ringBonds[b] {
            (ringDegree[bonds[b].a], ringDegree[bonds[b].b]) = (ringDegree[bonds[b].a] + 1, ringDegree[bonds[b].b] + 1)
        }
        let rings = ringDegree.contains { $0 >= 3 } ? symmetrizedRings(ringBonds: ringBonds) : smallestRings(ringBonds: ringBonds)
        for i in atoms.indices { atoms[i].aromatic = false }
        guard !rings.isEmpty else { return }
        let electrons = atoms.indices.map { piElectrons($0, ringBonds) }
        var aromaticBonds = [Bool](repeating: false, count: bonds.count)
        /// Whether the π electrons of `ring` (and of `fused`'s atoms not on it) number 4n+2.
        func hueckel(_ ring: [Int], _ fused: [Int] = []) -> Bool {
            var total = 0
            for a in ring {
                guard let e = electrons[a] else { return false }
                total += e
            }
            for a in fused where !ring.contains(a) {
                guard let e = electrons[a] else { return false }
                total += e
            }
            return total % 4 == 2
        }
        let ringBondLists = rings.map(ringBondIndices)
        var aromaticRing = [Bool](repeating: false, count: rings.count)
        for (k, ring) in rings.enumerated() where hueckel(ring) {
            aromaticRing[k] = true
            for b in ringBondLists[k] { aromaticBonds[b] = true }
        }
        // Pairs of fused rings (sharing a bond), not both aromatic already, up to 24 atoms.
        for i in rings.indices {
            for j in rings.indices where j > i && !(aromaticRing[i] && aromaticRing[j]) && max(rings[i].count, rings[j].count) <= 24 {
                guard ringBondLists[i].contains(where: ringBondLists[j].contains) else { continue }
                let shared = rings[j].filter(rings[i].contains).count
                if rings[i].count + rings[j].count - shared <= 24 && hueckel(rings[i], rings[j]) {
                    for b in ringBondLists[i] + ringBondLists[j] { aromaticBonds[b] = true }
                }
            }
        }
        for b in bonds.indices {
            if aromaticBonds[b] {
                bonds[b].order = .aromatic
                atoms[bonds[b].a].aromatic = true
                atoms[bonds[b].b].aromatic = true
            }
        }
    }
}

// Allowed valences with charges, as RDKit's sanitisation checks them.

extension Atom {
    /// The valences this atom may have: its element's list, or for a charged atom the list of the
    /// isoelectronic element (atomic number minus charge: N+ as C, O- as F, C- as N, B- as C), the
    /// rule of RDKit's valence model (RDKit Book, "Valence"). Nil: any valence (wildcard, metals).
    /// Exceptions found by probing RDKit 2026.09 (fixture rows): off aromatic rings, S and Se with
    /// charge −1 or −2 take any valence up to 6 + charge (`[S-](C)(C)`, `CCC(=O)S[S-](=S)=S`), P
    /// and As with charge −2 any up to 3 (`hypervalentAnion`).
    var allowedValences: [Int]? {
        let own = Element.table[element]
        if element == 0 || own.unbounded || own.valences.isEmpty && own.outerElectrons < 8 && element > 2 { return nil }
        guard charge != 0 else { return own.valences }
        if hypervalentAnion && !aromatic { return Array(1...(element == 16 || element == 34 ? 6 + charge : 3)) }
        let z = element - charge
        guard z >= 1, z < Element.table.count else { return [] }
        let iso = Element.table[z]
        if iso.unbounded { return nil }
        return iso.valences
    }
}

extension Atom {
    /// S or Se with charge −1 or −2, P or As with charge −2: anions that RDKit lets take any
    /// valence up to a bound (`allowedValences`) and never counts as aromatic.
    var hypervalentAnion: Bool {
        switch (element, charge) {
        case (16, -2...(-1)), (34, -2...(-1)), (15, -2), (33, -2): return true
        default: return false
        }
    }
}

extension Molecule {
    /// Sum of bond orders at an atom plus its written hydrogens, after kekulisation.
    func explicitValence(_ atom: Int) -> Int {
        bondValence(atom) + (atoms[atom].bracket ? (atoms[atom].hydrogens ?? 0) : 0)
    }
}

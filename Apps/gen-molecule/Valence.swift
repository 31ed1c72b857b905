// Allowed valences with charges, as RDKit's sanitisation checks them.

extension Atom {
    /// The valences this atom may have: its element's list, or for a charged atom the list of the
    /// isoelectronic element (atomic number minus charge: N+ as C, O- as F, C- as N, B- as C), the
    /// rule of RDKit's valence model (RDKit Book, "Valence"). Nil: any valence (wildcard, metals).
    var allowedValences: [Int]? {
        let own = Element.table[element]
        if element == 0 || own.unbounded || own.valences.isEmpty && own.outerElectrons < 8 && element > 2 { return nil }
        guard charge != 0 else { return own.valences }
        let z = element - charge
        guard z >= 1, z < Element.table.count else { return [] }
        let iso = Element.table[z]
        if iso.unbounded { return nil }
        return iso.valences
    }
}

extension Molecule {
    /// Sum of bond orders at an atom plus its written hydrogens, after kekulisation.
    func explicitValence(_ atom: Int) -> Int {
        bondValence(atom) + (atoms[atom].bracket ? (atoms[atom].hydrogens ?? 0) : 0)
    }
}

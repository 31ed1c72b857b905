// The drug-likeness properties of a molecule: weight, logP, polar surface, Lipinski counts, rings.

/// Properties of one molecule, each as RDKit computes it on `Chem.MolFromSmiles` of the same
/// SMILES (checked against RDKit on 2,000 MOSES molecules and hand-picked chemistry by
/// `PropertyTests`). Lipinski's rule of five reads `mw <= 500`, `logP <= 5`, `hbd <= 5`,
/// `hba <= 10` (C. A. Lipinski et al., Adv. Drug Deliv. Rev. 23, 3, 1997).
struct MolecularProperties: Equatable, Sendable {
    /// Average molecular weight, g/mol, hydrogens included (RDKit `Descriptors.MolWt`).
    var mw: Double
    /// Wildman–Crippen octanol/water logP (RDKit `Crippen.MolLogP`; `CrippenLogP`).
    var logP: Double
    /// Topological polar surface area of N and O, Å² (RDKit `rdMolDescriptors.CalcTPSA`; `TPSA`).
    var tpsa: Double
    /// Lipinski's donors: hydrogens on N and O (RDKit `Lipinski.NHOHCount`).
    var hbd: Int
    /// Lipinski's acceptors: N and O atoms (RDKit `Lipinski.NOCount`).
    var hba: Int
    /// Rotatable bonds, strict definition (RDKit `rdMolDescriptors.CalcNumRotatableBonds`).
    var rotatable: Int
    /// Rings of RDKit's ring set, the symmetrized SSSR (RDKit `rdMolDescriptors.CalcNumRings`).
    var rings: Int
    /// Rings of that set whose bonds are all aromatic (RDKit `CalcNumAromaticRings`).
    var aromaticRings: Int
    /// Atoms other than hydrogen and the wildcard (RDKit `Lipinski.HeavyAtomCount`).
    var heavyAtoms: Int

    /// The properties of a SMILES; throws `SMILESError` when RDKit would not read it either.
    init(smiles: String) throws { self.init(try readMolecule(smiles).get()) }

    /// The properties of a molecule that `sanitize()` has completed (`readMolecule`'s result),
    /// before or after `perceiveAromaticity()`.
    init(_ molecule: Molecule) {
        let g = DescriptorGraph(molecule)
        let m = g.molecule
        mw = MolecularWeight.average(m)
        logP = CrippenLogP.logP(g)
        tpsa = TPSA.area(g)
        let nitrogenOrOxygen = m.atoms.indices.filter { m.atoms[$0].element == 7 || m.atoms[$0].element == 8 }
        hbd = nitrogenOrOxygen.reduce(0) { $0 + g.hydrogens[$1] }
        hba = nitrogenOrOxygen.count
        rotatable = RotatableBonds.count(g)
        let ringSet = m.symmetrizedRings()
        rings = ringSet.count
        aromaticRings =
            ringSet.filter { ring in
                ring.indices.allSatisfy { m.bonds[m.bond(between: ring[$0], ring[($0 + 1) % ring.count])!].order == .aromatic }
            }.count
        heavyAtoms = m.atoms.filter { $0.element > 1 }.count
    }

    /// The names a `--require` filter may use, in display order.
    enum Name: String, CaseIterable, Sendable {
        case mw = "MW", logP, tpsa = "TPSA", hbd = "HBD", hba = "HBA", rotatable, rings, aromaticRings, heavyAtoms

        /// The name as written, ignoring case (`mw`, `logp`, `TPSA`); nil for an unknown name.
        init?(lenient name: String) {
            guard let found = Self.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else { return nil }
            self = found
        }

        /// Unit for display ("" for counts and logP).
        var unit: String {
            switch self {
            case .mw: "g/mol"
            case .tpsa: "Å²"
            default: ""
            }
        }
    }

    /// The value of one property (counts as whole numbers).
    func value(_ name: Name) -> Double {
        switch name {
        case .mw: mw
        case .logP: logP
        case .tpsa: tpsa
        case .hbd: Double(hbd)
        case .hba: Double(hba)
        case .rotatable: Double(rotatable)
        case .rings: Double(rings)
        case .aromaticRings: Double(aromaticRings)
        case .heavyAtoms: Double(heavyAtoms)
        }
    }

    /// The value of the property called `name` (`MW`, `logP`, `TPSA`, `HBD`, `HBA`, `rotatable`,
    /// `rings`, `aromaticRings`, `heavyAtoms`, any case), or nil for an unknown name.
    func value(named name: String) -> Double? { Name(lenient: name).map(value) }
}

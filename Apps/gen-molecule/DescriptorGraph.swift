// The molecule as RDKit's descriptors read it: aromaticity perceived, hydrogens counted on the
// atoms that carry them, and the bond kinds that SMARTS-defined rules tell apart.

/// A bond as SMARTS bond primitives see it after aromaticity perception: an aromatic bond matches
/// `:` only, a Kekulé single bond `-`, a double bond `=`, a triple bond `#`. The unwritten SMARTS
/// bond is "single or aromatic" (`singleOrAromatic`).
enum BondKind: Equatable, Sendable {
    case single, double, triple, aromatic, other

    init(_ order: BondOrder) {
        switch order {
        case .single: self = .single
        case .double: self = .double
        case .triple: self = .triple
        case .aromatic: self = .aromatic
        case .quadruple: self = .other
        }
    }

    /// The unwritten SMARTS bond.
    var singleOrAromatic: Bool { self == .single || self == .aromatic }
}

/// A sanitised molecule as RDKit's descriptor functions see it after `Chem.MolFromSmiles`:
/// - aromatic atoms and bonds as RDKit's default model perceives them (`perceiveAromaticity`), so
///   that `C1=CC=CC=C1O` is phenol here as there;
/// - hydrogens: every atom's total count, its own (implicit or written in brackets) plus hydrogen
///   atoms bonded to it (RDKit `Atom::getTotalNumHs(includeNeighbors: true)`, the SMARTS `H`);
/// - heavy neighbours: neighbours other than hydrogen atoms (a wildcard `*` counts as heavy);
/// - the explicit degree (SMARTS `D`): neighbours that RDKit keeps as atoms. `MolFromSmiles`
///   removes an ordinary written `[H]` (RDKit `RemoveHsParameters` defaults) but keeps isotopes
///   (`[2H]`), charged or unbonded hydrogens, `[H][H]`, a hydrogen on a wildcard, and a hydrogen
///   whose `/` or `\` bond is the only one that defines a double bond's stereo (`F/C=C/[H]`).
struct DescriptorGraph {
    /// The molecule with aromaticity perceived.
    let molecule: Molecule
    /// Per atom: its neighbours that are not hydrogen atoms, with the bond's kind and index.
    let heavyNeighbours: [[(atom: Int, kind: BondKind, bond: Int)]]
    /// Per atom: all hydrogens on it (its own count plus bonded hydrogen atoms).
    let hydrogens: [Int]
    /// Per atom: neighbours that RDKit keeps as atoms (SMARTS `D`).
    let explicitDegree: [Int]
    /// Per bond: whether it lies on a ring.
    let ringBond: [Bool]

    /// Reads a molecule that `sanitize()` has completed (Kekulé bonds: aromaticity is perceived
    /// here), or one whose aromaticity is already perceived (it has aromatic bonds; taken as is).
    init(_ sanitized: Molecule) {
        var m = sanitized
        if !m.bonds.contains(where: { $0.order == .aromatic }) { m.perceiveAromaticity() }
        molecule = m
        ringBond = m.ringBondFlags()
        let removed = m.atoms.indices.map { m.isRemovableHydrogen($0) }
        heavyNeighbours = m.atoms.indices.map { a in
            m.neighbours[a].filter { m.atoms[$0.atom].element != 1 }.map { ($0.atom, BondKind(m.bonds[$0.bond].order), $0.bond) }
        }
        hydrogens = m.atoms.indices.map { a in
            m.hydrogens(a) + m.neighbours[a].filter { m.atoms[$0.atom].element == 1 }.count
        }
        explicitDegree = m.atoms.indices.map { a in m.neighbours[a].filter { !removed[$0.atom] }.count }
    }

    var atomCount: Int { molecule.atoms.count }
    func element(_ a: Int) -> Int { molecule.atoms[a].element }
    func charge(_ a: Int) -> Int { molecule.atoms[a].charge }
    func isAromatic(_ a: Int) -> Bool { molecule.atoms[a].aromatic }
    /// SMARTS `X`: all connections, hydrogens included.
    func connections(_ a: Int) -> Int { heavyNeighbours[a].count + hydrogens[a] }
    /// SMARTS `[A;!#1]`: an aliphatic atom other than hydrogen.
    func isAliphaticHeavy(_ a: Int) -> Bool { !isAromatic(a) && element(a) != 1 }
    /// An aliphatic (SMARTS uppercase) atom of `element`: `C` is `isAliphatic(a, 6)`.
    func isAliphatic(_ a: Int, _ element: Int) -> Bool { !isAromatic(a) && self.element(a) == element }
    /// Heavy neighbours over bonds of the given kinds.
    func neighbours(_ a: Int, _ test: (BondKind) -> Bool) -> [Int] { heavyNeighbours[a].filter { test($0.kind) }.map(\.atom) }
}

extension Molecule {
    /// Whether atom `h` is a hydrogen that RDKit's `MolFromSmiles` removes (folding it into its
    /// neighbour's count): no isotope, no charge, one neighbour that is neither hydrogen nor a
    /// wildcard, and not the only stereo reference of a double bond.
    func isRemovableHydrogen(_ h: Int) -> Bool {
        let atom = atoms[h]
        guard atom.element == 1, atom.isotope == nil, atom.charge == 0, hydrogens(h) == 0, neighbours[h].count == 1 else {
            return false
        }
        let (n, b) = neighbours[h][0]
        if atoms[n].element <= 1 { return false }
        if bonds[b].direction != nil && degree(n) == 2 { return false }
        return true
    }
}

/// Whether distinct atoms can be picked, one from each candidate list: the injective matching of
/// a SMARTS pattern's neighbour atoms (`C(C)(C)C` needs three different carbons). Backtracking;
/// the lists are an atom's neighbours, so tiny.
func distinctPicks(_ candidates: [[Int]]) -> Bool {
    func pick(_ k: Int, _ used: inout [Int]) -> Bool {
        if k == candidates.count { return true }
        for a in candidates[k] where !used.contains(a) {
            used.append(a)
            if pick(k + 1, &used) { return true }
            used.removeLast()
        }
        return false
    }
    var used: [Int] = []
    return pick(0, &used)
}

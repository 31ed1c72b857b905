// A molecule as a graph: atoms, bonds, and what SMILES says about each.

/// The order of a bond. `aromatic` is the 1.5 of an aromatic ring before kekulisation and after
/// aromaticity perception.
enum BondOrder: Int, Equatable, Sendable {
    case single = 1, double = 2, triple = 3, quadruple = 4, aromatic = 5

    /// Bond order counted against valence (an aromatic bond counts 1 until kekulised).
    var valence: Int { self == .aromatic ? 1 : rawValue }
}

/// One atom as written: element, charge, isotope, hydrogens, aromatic flag.
struct Atom: Equatable, Sendable {
    /// Atomic number (0: the wildcard `*`).
    var element: Int
    var charge = 0
    /// Mass number, or nil when not written (`[0S]` is isotope 0, not nil).
    var isotope: Int?
    /// Written lowercase (or, after perception, in an aromatic ring).
    var aromatic = false
    /// Written in brackets: the hydrogen count is `hydrogens` as written, never implied.
    var bracket = false
    /// Hydrogens attached: as written for a bracket atom; for an organic-subset atom, the implicit
    /// count once `Sanitizer` has run (nil before).
    var hydrogens: Int?
    /// Chirality as written (`@`, `@@`, `@TH1` …), kept for the record; canonical forms leave it out.
    var chirality: String?
    /// Atom class (`[CH4:2]`), 0 when not written.
    var atomClass = 0
    /// 0-based offset of the atom in its SMILES, for error messages.
    var position = 0

    var symbol: String { Element.table[element].symbol }
}

/// One bond between atoms `a` and `b` (indices into `Molecule.atoms`).
struct Bond: Equatable, Sendable {
    var a: Int, b: Int
    var order: BondOrder
    /// `/` or `\` as written (directional single bond), else nil.
    var direction: Character?
    /// The bond was written as a ring closure.
    var ringClosure = false

    /// The atom at the other end from `atom`.
    func other(_ atom: Int) -> Int { atom == a ? b : a }
}

/// A molecular graph. `neighbours[i]` lists (atom, bond index) pairs in the order SMILES wrote them.
struct Molecule: Sendable {
    var atoms: [Atom] = []
    var bonds: [Bond] = []
    var neighbours: [[(atom: Int, bond: Int)]] = []

    mutating func addAtom(_ atom: Atom) -> Int {
        atoms.append(atom)
        neighbours.append([])
        return atoms.count - 1
    }

    mutating func addBond(_ a: Int, _ b: Int, _ order: BondOrder, direction: Character? = nil, ringClosure: Bool = false) {
        bonds.append(Bond(a: a, b: b, order: order, direction: direction, ringClosure: ringClosure))
        neighbours[a].append((b, bonds.count - 1))
        neighbours[b].append((a, bonds.count - 1))
    }

    /// The bond between two atoms, if any.
    func bond(between a: Int, _ b: Int) -> Int? { neighbours[a].first { $0.atom == b }?.bond }

    /// Sum of bond orders at an atom, aromatic bonds counted 1 (before kekulisation).
    func bondValence(_ atom: Int) -> Int { neighbours[atom].reduce(0) { $0 + bonds[$1.bond].order.valence } }

    /// Hydrogens on an atom (explicit or implicit; 0 before sanitising an organic-subset atom).
    func hydrogens(_ atom: Int) -> Int { atoms[atom].hydrogens ?? 0 }

    /// Heavy-atom neighbours (the graph degree).
    func degree(_ atom: Int) -> Int { neighbours[atom].count }
}

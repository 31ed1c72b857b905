// Circular (Morgan/ECFP) fingerprints and Tanimoto similarity.

/// A folded circular fingerprint of 1,024 bits: each atom's environment up to `radius` bonds,
/// hashed (D. Rogers, M. Hahn, "Extended-connectivity fingerprints", J. Chem. Inf. Model. 50,
/// 742, 2010; the Morgan fingerprint MOSES uses, radius 2 and 1,024 bits). Atom invariants as
/// ECFP's: atomic number, heavy neighbours, hydrogens, charge, isotope, ring membership;
/// bonds by order with aromatic bonds their own kind. The hash is this project's (FNV-1a over
/// 64-bit words), so bits are not RDKit's; similarities are comparable between molecules
/// fingerprinted here.
struct Fingerprint: Equatable, Sendable {
    static let bits = 1024
    static let words = bits / 64
    var words = [UInt64](repeating: 0, count: Fingerprint.words)

    /// The fingerprint of a molecule whose aromaticity has been perceived.
    init(_ molecule: Molecule, radius: Int = 2) {
        let ringAtoms = molecule.ringAtomFlags(molecule.ringBondFlags())
        var identifiers = molecule.atoms.indices.map { i -> UInt64 in
            let a = molecule.atoms[i]
            return Self.hash([
                UInt64(a.element), UInt64(molecule.degree(i)), UInt64(molecule.hydrogens(i)), UInt64(bitPattern: Int64(a.charge)),
                UInt64(a.isotope ?? 0), ringAtoms[i] ? 1 : 0,
            ])
        }
        for id in identifiers { set(id) }
        for _ in 0..<radius {
            identifiers = molecule.atoms.indices.map { i in
                let around = molecule.neighbours[i].map {
                    UInt64(molecule.bonds[$0.bond].order.rawValue) &* 0x9E37_79B9 ^ identifiers[$0.atom]
                }
                return Self.hash([identifiers[i]] + around.sorted())
            }
            for id in identifiers { set(id) }
        }
    }

    init(words: [UInt64]) { self.words = words }

    private mutating func set(_ id: UInt64) {
        let bit = Int(id % UInt64(Self.bits))
        words[bit / 64] |= 1 << UInt64(bit % 64)
    }

    /// FNV-1a over the bytes of 64-bit words.
    static func hash(_ values: [UInt64]) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for v in values {
            for k in 0..<8 {
                h ^= (v >> UInt64(8 * k)) & 0xFF
                h = h &* 0x100_0000_01B3
            }
        }
        return h
    }

    var count: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// Tanimoto (Jaccard) similarity: shared bits over bits in either; 1 for two empty prints.
    func tanimoto(_ other: Fingerprint) -> Double {
        var both = 0
        var either = 0
        for w in 0..<Self.words {
            both += (words[w] & other.words[w]).nonzeroBitCount
            either += (words[w] | other.words[w]).nonzeroBitCount
        }
        return either == 0 ? 1 : Double(both) / Double(either)
    }
}

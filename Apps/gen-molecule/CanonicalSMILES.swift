// Canonical SMILES: one spelling per molecule, so that two spellings compare equal.
import GenEngine

extension Molecule {
    /// Largest molecule canonicalised (heavy atoms); rank refinement grows with the square of a
    /// chain's length, so larger inputs get an error instead of a long run.
    static let maxCanonicalAtoms = 5_000

    /// The molecule without its ordinary explicit hydrogens (`[H]` with one heavy neighbour, no
    /// isotope, charge or class), each counted on its neighbour instead, as RDKit's
    /// `MolFromSmiles` removes them.
    func withoutExplicitHydrogens() -> Molecule {
        let removable = atoms.indices.map { i in
            let a = atoms[i]
            return a.element == 1 && a.isotope == nil && a.charge == 0 && a.atomClass == 0 && (a.hydrogens ?? 0) == 0
                && degree(i) == 1 && atoms[neighbours[i][0].atom].element != 1 && bonds[neighbours[i][0].bond].order == .single
        }
        guard removable.contains(true) else { return self }
        var result = Molecule()
        var index = [Int](repeating: -1, count: atoms.count)
        for i in atoms.indices where !removable[i] {
            var atom = atoms[i]
            let extra = neighbours[i].filter { removable[$0.atom] }.count
            if extra > 0 { atom.hydrogens = (atom.hydrogens ?? 0) + extra }
            index[i] = result.addAtom(atom)
        }
        for bond in bonds where !removable[bond.a] && !removable[bond.b] {
            result.addBond(index[bond.a], index[bond.b], bond.order, direction: bond.direction, ringClosure: bond.ringClosure)
        }
        return result
    }

    /// Canonical ranks 0..<atoms.count: atoms are ordered by an invariant (degree, element,
    /// isotope, charge, hydrogens, aromaticity, ring membership, atom class), refined by their neighbours'
    /// ranks and bond orders until stable (the iterative refinement of Weininger, Weininger and
    /// Weininger, "SMILES. 2. Algorithm for generation of unique SMILES notation", J. Chem. Inf.
    /// Comput. Sci. 29, 97, 1989), with ties broken one at a time and refined again. `ringBonds`
    /// is `ringBondFlags()`.
    func canonicalRanks(ringBonds: [Bool]) -> [Int] {
        let ringAtoms = ringAtomFlags(ringBonds)
        var invariants: [Int] = []
        invariants.reserveCapacity(8 * atoms.count)
        for (i, a) in atoms.enumerated() {
            invariants += [
                degree(i), a.element, a.isotope ?? -1, a.charge, hydrogens(i), a.aromatic ? 1 : 0, ringAtoms[i] ? 1 : 0, a.atomClass,
            ]
        }
        var ranks = refine(denseRanks(invariants, width: 8))
        while true {
            var counts = [Int](repeating: 0, count: atoms.count)
            for r in ranks { counts[r] += 1 }
            guard let tied = counts.indices.first(where: { counts[$0] > 1 }) else { return ranks }
            let chosen = ranks.firstIndex(of: tied)!
            ranks = ranks.indices.map { 2 * ranks[$0] + ($0 == chosen ? 0 : 1) }
            ranks = refine(denseRanks(ranks, width: 1))
        }
    }

    /// Ranks 0… of `keys.count / width` rows of `width` keys each (row i is
    /// `keys[i * width ..< (i + 1) * width]`), by sorted rows, equal rows sharing a rank.
    private func denseRanks(_ keys: [Int], width: Int) -> [Int] {
        let count = keys.count / width
        func less(_ x: Int, _ y: Int) -> Bool {
            for k in 0..<width where keys[x * width + k] != keys[y * width + k] { return keys[x * width + k] < keys[y * width + k] }
            return false
        }
        let order = (0..<count).sorted(by: less)
        var ranks = [Int](repeating: 0, count: count)
        var rank = 0
        for (k, i) in order.enumerated() {
            if k > 0 && less(order[k - 1], i) { rank += 1 }
            ranks[i] = rank
        }
        return ranks
    }

    /// Refines ranks by each atom's neighbourhood until the number of distinct ranks stops
    /// growing. The neighbourhood (the multiset of neighbour rank and bond order) is summarised
    /// by an order-independent sum of 64-bit mixes, so atoms are ordered by (rank, summary).
    private func refine(_ start: [Int]) -> [Int] {
        var ranks = start
        var classes = (ranks.max() ?? -1) + 1  // `start` is dense
        var keys = [(Int, UInt64)](repeating: (0, 0), count: atoms.count)
        var order = Array(atoms.indices)
        while classes < atoms.count {
            for i in atoms.indices {
                var summary: UInt64 = 0
                for (n, b) in neighbours[i] { summary &+= Self.mix(UInt64(ranks[n]) << 3 | UInt64(bonds[b].order.rawValue)) }
                keys[i] = (ranks[i], summary)
            }
            order.sort { keys[$0] < keys[$1] }
            var next = ranks
            var rank = 0
            for (k, i) in order.enumerated() {
                if k > 0 && keys[i] != keys[order[k - 1]] { rank += 1 }
                next[i] = rank
            }
            if rank + 1 == classes { break }
            (ranks, classes) = (next, rank + 1)
        }
        return ranks
    }

    /// SplitMix64's finaliser (Steele, Lea, Flood, "Fast splittable pseudorandom number
    /// generators", OOPSLA 2014).
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The canonical SMILES of a sanitised molecule: explicit hydrogens folded in, aromaticity
    /// perceived (`perceiveAromaticity`), atoms ranked (`canonicalRanks`), then written depth-first
    /// from the lowest-ranked atom of each component, branches in rank order, ring-closure labels
    /// from 1 reused as they free up; components sorted and joined by `.`. Stereochemistry is left
    /// out (MOSES and GuacaMol compare molecules without it). Throws `SMILESError` for molecules
    /// above `maxCanonicalAtoms`.
    func canonicalSMILES() throws -> String {
        var molecule = withoutExplicitHydrogens()
        guard molecule.atoms.count <= Self.maxCanonicalAtoms else {
            throw SMILESError("molecule of \(molecule.atoms.count) atoms is larger than \(Self.maxCanonicalAtoms) to canonicalise", at: 0)
        }
        let kekuleValence = molecule.atoms.indices.map { molecule.bondValence($0) }
        let ringBonds = molecule.ringBondFlags()
        molecule.perceiveAromaticity(ringBonds: ringBonds)
        let ranks = molecule.canonicalRanks(ringBonds: ringBonds)
        var writer = SMILESWriter(molecule: molecule, ranks: ranks, kekuleValence: kekuleValence)
        return writer.write()
    }
}

extension Molecule {
    /// A SMILES of this sanitised molecule written from a random atom order (a "randomised
    /// SMILES": Arús-Pous et al., "Randomized SMILES strings improve the quality of molecular
    /// generative models", J. Cheminform. 11, 71, 2019): aromatic form, no stereo, components
    /// sorted by their text. Throws as `canonicalSMILES` does.
    func randomSMILES(_ rng: inout RNG) throws -> String {
        var molecule = withoutExplicitHydrogens()
        guard molecule.atoms.count <= Self.maxCanonicalAtoms else {
            throw SMILESError("molecule of \(molecule.atoms.count) atoms is larger than \(Self.maxCanonicalAtoms) to write", at: 0)
        }
        let kekuleValence = molecule.atoms.indices.map { molecule.bondValence($0) }
        molecule.perceiveAromaticity()
        var writer = SMILESWriter(molecule: molecule, ranks: rng.permutation(molecule.atoms.count), kekuleValence: kekuleValence)
        return writer.write()
    }
}

/// Writes a molecule as SMILES in the order its ranks give (see `Molecule.canonicalSMILES`).
struct SMILESWriter {
    let molecule: Molecule
    let ranks: [Int]
    /// Each atom's bond-order sum in its Kekulé form, to tell which aromatic atoms need brackets.
    let kekuleValence: [Int]
    private var visited: [Bool]
    private var closures: [[Int]]  // ring-closure bonds at each atom
    private var reached: [Bool]
    private var treeBond: [Bool]
    private let ordered: [[(atom: Int, bond: Int)]]  // neighbours in rank order
    private var labels: [(bond: Int, label: Int)] = []  // open ring closures
    private var freeLabels: [Int] = []
    private var nextLabel = 1
    private var text: [UInt8] = []

    init(molecule: Molecule, ranks: [Int], kekuleValence: [Int]) {
        (self.molecule, self.ranks, self.kekuleValence) = (molecule, ranks, kekuleValence)
        visited = [Bool](repeating: false, count: molecule.atoms.count)
        closures = [[Int]](repeating: [], count: molecule.atoms.count)
        reached = visited
        treeBond = [Bool](repeating: false, count: molecule.bonds.count)
        ordered = molecule.neighbours.map { list in list.count < 2 ? list : list.sorted { ranks[$0.atom] < ranks[$1.atom] } }
    }

    mutating func write() -> String {
        var components: [String] = []
        let order = molecule.atoms.indices.sorted { ranks[$0] < ranks[$1] }
        for start in order where !visited[start] {
            findClosures(from: start)
            text.removeAll(keepingCapacity: true)
            (labels, freeLabels, nextLabel) = ([], [], 1)
            writeBranch(from: start, parentBond: nil)
            components.append(String(decoding: text, as: UTF8.self))
        }
        return components.count == 1 ? components[0] : components.sorted().joined(separator: ".")
    }

    /// Depth-first over the component (neighbours in rank order) to find the tree and the
    /// ring-closure bonds; leaves `visited` as it found it for the writing pass.
    private mutating func findClosures(from start: Int) {
        var seen = [start]
        reached[start] = true
        var stack: [(atom: Int, next: Int)] = [(start, 0)]
        while let (v, next) = stack.last {
            let list = ordered[v]
            if next == list.count {
                stack.removeLast()
                continue
            }
            stack[stack.count - 1].next += 1
            let (w, b) = list[next]
            if reached[w] {
                if !treeBond[b] && !closures[v].contains(b) {
                    closures[v].append(b)
                    closures[w].append(b)
                }
                continue
            }
            reached[w] = true
            seen.append(w)
            treeBond[b] = true
            stack.append((w, 0))
        }
        for a in seen where closures[a].count > 1 {
            closures[a].sort { ranks[molecule.bonds[$0].other(a)] < ranks[molecule.bonds[$1].other(a)] }
        }
    }

    private mutating func writeBranch(from start: Int, parentBond: Int?) {
        // An explicit stack of (atom, bond in, children still to write).
        var stack: [(atom: Int, children: [Int], written: Int)] = []
        stack.append((start, enter(start, via: parentBond), 0))
        while let top = stack.last {
            if top.written == top.children.count {
                stack.removeLast()
                if !stack.isEmpty && stack[stack.count - 1].written < stack[stack.count - 1].children.count {
                    text.append(UInt8(ascii: ")"))
                }
                continue
            }
            let bond = top.children[top.written]
            stack[stack.count - 1].written += 1
            let isLast = top.written + 1 == top.children.count
            if !isLast { text.append(UInt8(ascii: "(")) }
            let child = molecule.bonds[bond].other(top.atom)
            stack.append((child, enter(child, via: bond), 0))
        }
    }

    /// Writes atom `a` (after the bond into it, if any) with its ring-closure labels, and returns
    /// its tree bonds to atoms not yet written, in rank order.
    private mutating func enter(_ a: Int, via bond: Int?) -> [Int] {
        if let bond { appendBondSymbol(bond) }
        visited[a] = true
        appendAtomSymbol(a)
        for b in closures[a] {
            if let open = labels.firstIndex(where: { $0.bond == b }) {
                appendBondSymbol(b)
                appendLabel(labels[open].label)
                freeLabels.append(labels[open].label)
                labels.remove(at: open)
            } else {
                var label = nextLabel
                if let lowest = freeLabels.indices.min(by: { freeLabels[$0] < freeLabels[$1] }) {
                    label = freeLabels.remove(at: lowest)
                } else {
                    nextLabel += 1
                }
                labels.append((b, label))
                appendLabel(label)
            }
        }
        var children: [Int] = []
        for (w, b) in ordered[a] where treeBond[b] && !visited[w] { children.append(b) }
        return children
    }

    private mutating func appendLabel(_ label: Int) {
        if label >= 100 {
            text += Array("%(\(label))".utf8)
        } else {
            if label >= 10 { text += [UInt8(ascii: "%"), UInt8(ascii: "0") + UInt8(label / 10)] }
            text.append(UInt8(ascii: "0") + UInt8(label % 10))
        }
    }

    private mutating func appendBondSymbol(_ b: Int) {
        let bond = molecule.bonds[b]
        let bothAromatic = molecule.atoms[bond.a].aromatic && molecule.atoms[bond.b].aromatic
        switch bond.order {
        case .aromatic: if !bothAromatic { text.append(UInt8(ascii: ":")) }
        case .single: if bothAromatic { text.append(UInt8(ascii: "-")) }
        case .double: text.append(UInt8(ascii: "="))
        case .triple: text.append(UInt8(ascii: "#"))
        case .quadruple: text.append(UInt8(ascii: "$"))
        }
    }

    /// The organic subset (B C N O P S F Cl Br I), by atomic number.
    private static let organic: [Bool] = (0..<Element.table.count).map { [5, 6, 7, 8, 15, 16, 9, 17, 35, 53].contains($0) }
    /// Aromatic symbols by atomic number, empty where SMILES has none.
    private static let aromaticSymbols: [String] = (0..<Element.table.count).map {
        [5: "b", 6: "c", 7: "n", 8: "o", 15: "p", 16: "s", 34: "se", 33: "as", 52: "te", 14: "si"][$0] ?? ""
    }

    private mutating func appendAtomSymbol(_ i: Int) {
        let atom = molecule.atoms[i]
        let h = molecule.hydrogens(i)
        if atom.element == 0 && atom.charge == 0 && atom.isotope == nil && h == 0 && atom.atomClass == 0 {
            text.append(UInt8(ascii: "*"))
            return
        }
        let aromaticSymbol = Self.aromaticSymbols[atom.element]
        let symbol = atom.aromatic && !aromaticSymbol.isEmpty ? aromaticSymbol : atom.symbol
        if Self.organic[atom.element] && atom.charge == 0 && atom.isotope == nil && atom.atomClass == 0 {
            // The hydrogens a reader would give the unbracketed symbol.
            let used = atom.aromatic ? kekuleValence[i] : molecule.bondValence(i)
            let implied = atom.allowedValences?.first { $0 >= used }.map { $0 - used } ?? 0
            if h == implied && (!atom.aromatic || h == 0 || atom.element == 6) {
                text += symbol.utf8
                return
            }
        }
        var bracket = "["
        if let isotope = atom.isotope { bracket += String(isotope) }
        bracket += atom.element == 0 ? "*" : symbol
        if h > 0 { bracket += h == 1 ? "H" : "H\(h)" }
        if atom.charge != 0 { bracket += (atom.charge > 0 ? "+" : "-") + (abs(atom.charge) > 1 ? String(abs(atom.charge)) : "") }
        if atom.atomClass != 0 { bracket += ":\(atom.atomClass)" }
        text += bracket.utf8
        text.append(UInt8(ascii: "]"))
    }
}

// Kekulisation: single and double bonds for the aromatic bonds of a SMILES.

extension Molecule {
    /// Whether atom `a` of an aromatic bond must take one double bond in its ring: it still has
    /// valence to fill after its bonds (aromatic ones counted 1, a written `=` counted 2) and
    /// written hydrogens (RDKit's Kekulize candidates): `c`, `n` with two ring bonds, `[nH+]`, but
    /// not `[nH]`, `o`, `s` or a `c` with an exocyclic `=O`.
    func needsDoubleBond(_ a: Int) -> Bool {
        guard let valences = atoms[a].allowedValences else { return false }
        let used = explicitValence(a)
        guard let target = valences.first(where: { $0 >= used }) else { return false }
        return target - used >= 1
    }

    /// Largest connected aromatic system kekulised (atoms needing a double bond).
    static let maxAromaticSystem = 5_000

    /// Replaces every aromatic bond by a single or double bond so that each aromatic atom that
    /// needs one (`needsDoubleBond`) has exactly one double bond: a perfect matching of those atoms
    /// over aromatic bonds. A system with an odd number of such atoms (and no wildcard) has none;
    /// otherwise forced choices (an atom with one free partner) are taken first and the rest is a
    /// depth-first search. `budget` bounds the work of each system (atoms visited), so a
    /// pathological input ends with an error within milliseconds instead of running long. Throws
    /// `SMILESError` ("cannot kekulise") at the first atom of a ring that has no such assignment.
    /// `ringBonds` is `ringBondFlags()`.
    mutating func kekulize(budget: Int = 2_000_000, ringBonds: [Bool]) throws {
        let aromaticBonds = bonds.indices.filter { bonds[$0].order == .aromatic }
        guard !aromaticBonds.isEmpty else { return }
        // Atoms on an aromatic bond that need a double bond; a wildcard `*` may take one or not.
        var onAromatic = [Bool](repeating: false, count: atoms.count)
        for b in aromaticBonds { (onAromatic[bonds[b].a], onAromatic[bonds[b].b]) = (true, true) }
        let candidate = atoms.indices.map { onAromatic[$0] && atoms[$0].element != 0 && needsDoubleBond($0) }
        let partnerable = atoms.indices.map { candidate[$0] || onAromatic[$0] && atoms[$0].element == 0 }
        // Partners over aromatic ring bonds, and over all aromatic bonds: an aromatic bond off any
        // ring (between two rings written `c1ccccc1c1ccccc1`) takes a double bond only when the
        // rings beside it cannot be kekulised alone, as in RDKit.
        var ringOptions = [[Int]](repeating: [], count: atoms.count)
        var allOptions = ringOptions
        for b in aromaticBonds where partnerable[bonds[b].a] && partnerable[bonds[b].b] {
            let (x, y) = (bonds[b].a, bonds[b].b)
            allOptions[x].append(y)
            allOptions[y].append(x)
            if ringBonds[b] {
                ringOptions[x].append(y)
                ringOptions[y].append(x)
            }
        }
        var partner = [Int](repeating: -1, count: atoms.count)
        var failed: [Int] = []
        for system in systems(candidate, ringOptions) where try !matchSystem(system, candidate, ringOptions, &partner, budget) {
            failed.append(contentsOf: system)
        }
        if !failed.isEmpty {
            let retry = Set(failed)
            var seeds = [Bool](repeating: false, count: atoms.count)
            for a in retry { seeds[a] = true }
            for system in systems(seeds, allOptions) {
                for a in system {
                    if partner[a] >= 0 { partner[partner[a]] = -1 }
                    partner[a] = -1
                }
                guard try matchSystem(system, candidate, allOptions, &partner, budget) else {
                    let first = system.filter { candidate[$0] }.min()!
                    throw SMILESError(
                        "cannot kekulise the aromatic ring of atom \(first + 1) (\(atoms[first].symbol))", at: atoms[first].position)
                }
            }
        }
        for b in aromaticBonds {
            bonds[b].order = partner[bonds[b].a] == bonds[b].b ? .double : .single
        }
    }

    /// The connected systems (over `options`) that hold at least one atom flagged in `seeds`.
    private func systems(_ seeds: [Bool], _ options: [[Int]]) -> [[Int]] {
        var seen = [Bool](repeating: false, count: atoms.count)
        var result: [[Int]] = []
        for start in atoms.indices where seeds[start] && !seen[start] {
            var system = [start]
            seen[start] = true
            var k = 0
            while k < system.count {
                for n in options[system[k]] where !seen[n] {
                    seen[n] = true
                    system.append(n)
                }
                k += 1
            }
            result.append(system)
        }
        return result
    }

    /// Matches the candidates of one system; false when it has no perfect matching.
    private func matchSystem(_ system: [Int], _ candidate: [Bool], _ options: [[Int]], _ partner: inout [Int], _ budget: Int) throws -> Bool
    {
        if system.count > Self.maxAromaticSystem {
            throw SMILESError(
                "aromatic system of \(system.count) atoms is larger than \(Self.maxAromaticSystem); write it in Kekulé form",
                at: atoms[system.min()!].position)
        }
        var open = system.filter { candidate[$0] }.sorted()
        if open.count % 2 == 1 && !system.contains(where: { atoms[$0].element == 0 }) { return false }
        var steps = 0
        return try match(&open, &partner, options, &steps, budget, depth: 0)
    }

    /// Matches every atom of `open` (depth-first with forced moves first). Returns false when no
    /// perfect matching exists; throws when the search exceeds its budget.
    private func match(_ open: inout [Int], _ partner: inout [Int], _ options: [[Int]], _ steps: inout Int, _ budget: Int, depth: Int)
        throws -> Bool
    {
        var trail: [Int] = []  // atoms matched at this level, to undo
        func undo() { for a in trail { partner[a] = -1 } }
        // Forced moves: an atom with no or one free option.
        var changed = true
        while changed {
            changed = false
            steps += open.count
            if steps > budget || depth > 1_000 { throw SMILESError("aromatic system too large to kekulise", at: atoms[open[0]].position) }
            for a in open where partner[a] < 0 {
                var (free, freeCount) = (-1, 0)
                for o in options[a] where partner[o] < 0 {
                    (free, freeCount) = (o, freeCount + 1)
                    if freeCount > 1 { break }
                }
                if freeCount == 0 {
                    undo()
                    return false
                }
                if freeCount == 1 {
                    partner[a] = free
                    partner[free] = a
                    trail.append(a)
                    trail.append(free)
                    changed = true
                }
            }
        }
        open.removeAll { partner[$0] >= 0 }
        guard let a = open.first else { return true }
        for b in options[a] where partner[b] < 0 {
            partner[a] = b
            partner[b] = a
            var rest = open
            if try match(&rest, &partner, options, &steps, budget, depth: depth + 1) {
                open = rest
                return true
            }
            partner[a] = -1
            partner[b] = -1
        }
        undo()
        return false
    }
}

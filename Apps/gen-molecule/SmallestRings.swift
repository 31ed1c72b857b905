// The smallest set of smallest rings (SSSR): the rings that properties, aromaticity and
// fingerprints speak of.

extension Molecule {
    /// Largest ring system (atoms on ring bonds, per connected system) whose rings are enumerated;
    /// larger systems (not molecules) get no rings, so time stays bounded on any input.
    static let maxRingSystem = 2_000

    /// The smallest set of smallest rings: as many rings as the graph's cycle rank (bonds − atoms
    /// + components), each a shortest cycle through one of its ring bonds, chosen smallest first
    /// and independent over GF(2) (the bond-set basis of Horton, "A polynomial-time algorithm to
    /// find the shortest cycle basis of a graph", SIAM J. Comput. 16, 1987, with the candidates
    /// limited to one shortest cycle per bond, which suffices for the ring systems of drug-like
    /// molecules). Each ring lists its atoms in cyclic order. Rings are sorted by size, then by
    /// their smallest atom index. `ringBonds` is `ringBondFlags()`, when the caller has it.
    func smallestRings(ringBonds known: [Bool]? = nil) -> [[Int]] {
        let ringBonds = known ?? ringBondFlags()
        return smallestRings(of: ringSystems(ringBonds), ringBonds: ringBonds)
    }

    /// `smallestRings` of the ring systems `systems` (`ringSystems(ringBonds)`).
    func smallestRings(of systems: [(atoms: [Int], bonds: [Int])], ringBonds: [Bool]) -> [[Int]] {
        var rings: [[Int]] = []
        var parent = [Int](repeating: -1, count: atoms.count)
        var bondIndex = [Int](repeating: -1, count: bonds.count)
        for system in systems where system.atoms.count <= Self.maxRingSystem {
            let rank = system.bonds.count - system.atoms.count + 1
            if rank == 1 {  // a lone ring: the system is the cycle
                if let cycle = shortestCycle(through: system.bonds[0], ringBonds, &parent) { rings.append(cycle) }
                continue
            }
            var candidates: [[Int]] = []
            var seen = Set<[Int]>()
            for b in system.bonds {
                guard let cycle = shortestCycle(through: b, ringBonds, &parent) else { continue }
                let key = cycle.sorted()
                if seen.insert(key).inserted { candidates.append(cycle) }
            }
            candidates = Self.sortedBySizeThenLowestAtom(candidates)
            // GF(2) elimination over bond sets.
            for (j, b) in system.bonds.enumerated() { bondIndex[b] = j }
            let words = (system.bonds.count + 63) / 64
            var basis: [(pivot: Int, bits: [UInt64])] = []
            for cycle in candidates where basis.count < rank {
                var bits = [UInt64](repeating: 0, count: words)
                for bond in ringBondIndices(cycle) {
                    let j = bondIndex[bond]
                    bits[j / 64] |= 1 << UInt64(j % 64)
                }
                for (pivot, row) in basis where bits[pivot / 64] & (1 << UInt64(pivot % 64)) != 0 {
                    for w in 0..<words { bits[w] ^= row[w] }
                }
                guard let w = bits.firstIndex(where: { $0 != 0 }) else { continue }
                basis.append((w * 64 + bits[w].trailingZeroBitCount, bits))
                rings.append(cycle)
            }
        }
        return Self.sortedBySizeThenLowestAtom(rings)
    }

    /// Rings sorted by size, then by their smallest atom index (stably).
    private static func sortedBySizeThenLowestAtom(_ rings: [[Int]]) -> [[Int]] {
        let keys = rings.map { ($0.count, $0.min() ?? 0) }
        return rings.indices.sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }.map { rings[$0] }
    }

    /// Connected groups of ring bonds, with their atoms.
    func ringSystems(_ ringBonds: [Bool]) -> [(atoms: [Int], bonds: [Int])] {
        var seen = [Bool](repeating: false, count: atoms.count)
        var bondSeen = [Bool](repeating: false, count: bonds.count)
        var systems: [(atoms: [Int], bonds: [Int])] = []
        for start in atoms.indices where !seen[start] && neighbours[start].contains(where: { ringBonds[$0.bond] }) {
            var members = [start]
            var systemBonds: [Int] = []
            seen[start] = true
            var k = 0
            while k < members.count {
                for (n, b) in neighbours[members[k]] where ringBonds[b] {
                    if !bondSeen[b] {
                        bondSeen[b] = true
                        systemBonds.append(b)
                    }
                    if !seen[n] {
                        seen[n] = true
                        members.append(n)
                    }
                }
                k += 1
            }
            systems.append((members, systemBonds.sorted()))
        }
        return systems
    }

    /// A shortest cycle through ring bond `b`: its atoms in order, from a breadth-first search
    /// between the bond's ends that does not use the bond itself.
    private func shortestCycle(through b: Int, _ ringBonds: [Bool], _ parent: inout [Int]) -> [Int]? {
        let (source, target) = (bonds[b].a, bonds[b].b)
        parent[source] = source
        var queue = [source]
        defer { for v in queue { parent[v] = -1 } }
        var k = 0
        while k < queue.count {
            let v = queue[k]
            k += 1
            for (w, bond) in neighbours[v] where ringBonds[bond] && bond != b && parent[w] < 0 {
                parent[w] = v
                queue.append(w)
                if w == target {
                    var path = [target]
                    var x = target
                    while x != source {
                        x = parent[x]
                        path.append(x)
                    }
                    return path
                }
            }
        }
        return nil
    }
}

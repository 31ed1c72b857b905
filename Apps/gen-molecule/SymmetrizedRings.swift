// RDKit's ring set: the smallest set of smallest rings, plus the rings that symmetry makes
// equivalent to one of them.

extension Molecule {
    /// Most shortest cycles followed through one bond when looking for equivalent rings (a bound
    /// for cages; drug-like ring systems have one or two).
    static let maxCyclesPerBond = 64

    /// The rings RDKit's sanitisation stores and its ring counts report (`RingInfo`, "symmetrized
    /// SSSR", RDKit Book "Ring Finding and SSSR"): the SSSR (`smallestRings`) plus every other
    /// cycle that could stand in for one SSSR ring, so that the set does not depend on which of
    /// several equal rings the SSSR happened to pick. A cycle stands in for SSSR ring R when it is
    /// as large as R, shares a bond with it, and contains every bond that only R provides (RDKit
    /// `MolOps::symmetrizeSSSR`). Candidates are the shortest cycles through each ring bond.
    /// Bicyclo[2.2.2]octane and quinuclidine have 3 rings here (SSSR 2), adamantane 4 (SSSR 3),
    /// cubane 6 (SSSR 5); fused and spiro systems have their SSSR.
    /// `ringBonds` is `ringBondFlags()`, when the caller has it.
    func symmetrizedRings(ringBonds known: [Bool]? = nil) -> [[Int]] {
        let ringBonds = known ?? ringBondFlags()
        let systems = ringSystems(ringBonds)
        let sssr = smallestRings(of: systems, ringBonds: ringBonds)
        guard sssr.count >= 2 else { return sssr }
        let sssrBonds = sssr.map(ringBondIndices)
        var providers = [Int](repeating: 0, count: bonds.count)
        for ring in sssrBonds { for b in ring { providers[b] += 1 } }
        let sizes = Set(sssr.map(\.count))
        var seen = Set(sssr.map { $0.sorted() })
        // Which SSSR rings hold each atom (bit k: ring k), to tell an SSSR ring without a set
        // look-up; nil beyond 64 rings.
        var sssrOfAtom: [UInt64]?
        if sssr.count <= 64 {
            var masks = [UInt64](repeating: 0, count: atoms.count)
            for (k, ring) in sssr.enumerated() { for a in ring { masks[a] |= 1 << UInt64(k) } }
            sssrOfAtom = masks
        }
        func isSSSRRing(_ cycle: [Int]) -> Bool {
            guard let masks = sssrOfAtom else { return false }
            var common = UInt64.max
            for a in cycle { common &= masks[a] }
            while common != 0 {
                if sssr[common.trailingZeroBitCount].count == cycle.count { return true }
                common &= common - 1
            }
            return false
        }
        var rings = sssr
        var distance = [Int](repeating: -1, count: atoms.count)
        for system in systems where system.atoms.count <= Self.maxRingSystem && system.bonds.count > system.atoms.count {
            for b in system.bonds {
                for cycle in shortestCycles(through: b, ringBonds, &distance, sizes: sizes) where !isSSSRRing(cycle) {
                    guard seen.insert(cycle.sorted()).inserted else { continue }
                    let cycleBonds = ringBondIndices(cycle)
                    let standsIn = sssr.indices.contains { k in
                        sssr[k].count == cycle.count && sssrBonds[k].contains(where: cycleBonds.contains)
                            && sssrBonds[k].allSatisfy { providers[$0] != 1 || cycleBonds.contains($0) }
                    }
                    if standsIn { rings.append(cycle) }
                }
            }
        }
        return rings
    }

    /// All shortest cycles through ring bond `b` (up to `maxCyclesPerBond`), each as its atoms in
    /// order: the shortest paths between the bond's ends over the other ring bonds; none when
    /// their size is not in `sizes`. `distance` is scratch space of one entry per atom, all -1,
    /// and is left so.
    private func shortestCycles(through b: Int, _ ringBonds: [Bool], _ distance: inout [Int], sizes: Set<Int>) -> [[Int]] {
        let (source, target) = (bonds[b].a, bonds[b].b)
        distance[source] = 0
        var queue = [source]
        defer { for v in queue { distance[v] = -1 } }
        var k = 0
        while k < queue.count, distance[target] < 0 {
            let v = queue[k]
            k += 1
            for (w, bond) in neighbours[v] where ringBonds[bond] && bond != b && distance[w] < 0 {
                distance[w] = distance[v] + 1
                queue.append(w)
            }
        }
        guard distance[target] >= 0, sizes.contains(distance[target] + 1) else { return [] }
        // Walk back from the target along strictly decreasing distance.
        var cycles: [[Int]] = []
        var path = [target]
        func walk(_ v: Int) {
            if cycles.count >= Self.maxCyclesPerBond { return }
            if v == source {
                cycles.append(path)
                return
            }
            for (w, bond) in neighbours[v] where ringBonds[bond] && bond != b && distance[w] >= 0 && distance[w] == distance[v] - 1 {
                path.append(w)
                walk(w)
                path.removeLast()
            }
        }
        walk(target)
        return cycles
    }
}

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
    func symmetrizedRings() -> [[Int]] {
        let sssr = smallestRings()
        guard sssr.count >= 2 else { return sssr }
        let ringBonds = ringBondFlags()
        func bondSet(_ ring: [Int]) -> Set<Int> {
            Set(ring.indices.map { bond(between: ring[$0], ring[($0 + 1) % ring.count])! })
        }
        let sssrBonds = sssr.map(bondSet)
        var providers = [Int: Int]()
        for ring in sssrBonds { for b in ring { providers[b, default: 0] += 1 } }
        let sizes = Set(sssr.map(\.count))
        var seen = Set(sssr.map { $0.sorted() })
        var rings = sssr
        for system in ringSystems(ringBonds) where system.atoms.count <= Self.maxRingSystem && system.bonds.count > system.atoms.count {
            for b in system.bonds {
                for cycle in shortestCycles(through: b, ringBonds) where sizes.contains(cycle.count) {
                    guard seen.insert(cycle.sorted()).inserted else { continue }
                    let cycleBonds = bondSet(cycle)
                    let standsIn = sssr.indices.contains { k in
                        sssr[k].count == cycle.count && !sssrBonds[k].isDisjoint(with: cycleBonds)
                            && sssrBonds[k].allSatisfy { providers[$0] != 1 || cycleBonds.contains($0) }
                    }
                    if standsIn { rings.append(cycle) }
                }
            }
        }
        return rings
    }

    /// All shortest cycles through ring bond `b` (up to `maxCyclesPerBond`), each as its atoms in
    /// order: the shortest paths between the bond's ends over the other ring bonds.
    private func shortestCycles(through b: Int, _ ringBonds: [Bool]) -> [[Int]] {
        let (source, target) = (bonds[b].a, bonds[b].b)
        var distance = [Int: Int]()
        distance[source] = 0
        var queue = [source]
        var k = 0
        while k < queue.count, distance[target] == nil {
            let v = queue[k]
            k += 1
            for (w, bond) in neighbours[v] where ringBonds[bond] && bond != b && distance[w] == nil {
                distance[w] = distance[v]! + 1
                queue.append(w)
            }
        }
        guard distance[target] != nil else { return [] }
        // Walk back from the target along strictly decreasing distance.
        var cycles: [[Int]] = []
        var path = [target]
        func walk(_ v: Int) {
            if cycles.count >= Self.maxCyclesPerBond { return }
            if v == source {
                cycles.append(path)
                return
            }
            for (w, bond) in neighbours[v] where ringBonds[bond] && bond != b && distance[w] == distance[v]! - 1 {
                path.append(w)
                walk(w)
                path.removeLast()
            }
        }
        walk(target)
        return cycles
    }
}

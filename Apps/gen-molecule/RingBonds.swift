// Which bonds and atoms lie on a ring: every bond that is not a bridge of the graph.

extension Molecule {
    /// For each bond, whether it lies on a cycle (is not a bridge), by Tarjan's bridge-finding DFS
    /// (R. E. Tarjan, "A note on finding the bridges of a graph", Inf. Process. Lett. 2, 1974), run
    /// iteratively so that long chains need no deep recursion. O(atoms + bonds).
    func ringBondFlags() -> [Bool] {
        var inRing = [Bool](repeating: true, count: bonds.count)
        var order = [Int](repeating: -1, count: atoms.count)
        var low = [Int](repeating: 0, count: atoms.count)
        var counter = 0
        // stack of (atom, bond used to enter it, next neighbour index)
        var stack: [(atom: Int, via: Int, next: Int)] = []
        for root in atoms.indices where order[root] < 0 {
            order[root] = counter
            low[root] = counter
            counter += 1
            stack.append((root, -1, 0))
            while let top = stack.last {
                let (v, via, next) = top
                if next < neighbours[v].count {
                    stack[stack.count - 1].next += 1
                    let (w, bond) = neighbours[v][next]
                    if bond == via { continue }
                    if order[w] < 0 {
                        order[w] = counter
                        low[w] = counter
                        counter += 1
                        stack.append((w, bond, 0))
                    } else {
                        low[v] = min(low[v], order[w])
                    }
                } else {
                    stack.removeLast()
                    if let parent = stack.last {
                        low[parent.atom] = min(low[parent.atom], low[v])
                        if low[v] > order[parent.atom] { inRing[via] = false }
                    }
                }
            }
        }
        return inRing
    }

    /// The bonds of a ring given as its atoms in cyclic order, in the same order.
    func ringBondIndices(_ ring: [Int]) -> [Int] {
        ring.indices.map { bond(between: ring[$0], ring[($0 + 1) % ring.count])! }
    }

    /// For each atom, whether one of its bonds lies on a ring.
    func ringAtomFlags(_ ringBonds: [Bool]) -> [Bool] {
        atoms.indices.map { a in neighbours[a].contains { ringBonds[$0.bond] } }
    }
}

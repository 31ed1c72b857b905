// Topological polar surface area: a sum of nitrogen and oxygen fragment contributions.

/// Topological polar surface area after P. Ertl, B. Rohde, P. Selzer, "Fast Calculation of
/// Molecular Polar Surface Area as a Sum of Fragment-Based Contributions and Its Application to
/// the Prediction of Drug Transport Properties", J. Med. Chem. 43, 3714 (2000), Table 1, with
/// nitrogen and oxygen only, as RDKit's default `rdMolDescriptors.CalcTPSA` (includeSandP false).
///
/// Each N and O is a fragment described by its heavy neighbours, hydrogens, charge, bond orders
/// (aromatic bonds apart) and whether it lies on a three-membered ring; the fragment's surface
/// (Å²) comes from the paper's table. A fragment the table lacks gets RDKit's estimate from its
/// neighbours and hydrogens (30.5 − 8.2·neighbours + 1.5·hydrogens for N, 28.5 − 8.6·neighbours +
/// 1.5·hydrogens for O, not below 0).
enum TPSA {
    /// The polar surface area of a sanitised molecule in Å².
    static func area(_ g: DescriptorGraph) -> Double {
        var total = 0.0
        for a in 0..<g.atomCount where g.element(a) == 7 || g.element(a) == 8 {
            total += contribution(a, g)
        }
        return total
    }

    /// One atom's fragment: what the table's rows are keyed on.
    private struct Fragment {
        var neighbours = 0, hydrogens = 0, charge = 0
        var single = 0, double = 0, triple = 0, aromatic = 0
        var inThreeRing = false

        func matches(_ n: Int, _ h: Int, _ q: Int, s: Int = 0, d: Int = 0, t: Int = 0, ar: Int = 0) -> Bool {
            neighbours == n && hydrogens == h && charge == q && (s == 0 || single == s) && (d == 0 || double == d)
                && (t == 0 || triple == t) && (ar == 0 || aromatic == ar)
        }
    }

    /// Surface contribution of atom `a` (N or O), Å².
    static func contribution(_ a: Int, _ g: DescriptorGraph) -> Double {
        var f = Fragment(neighbours: g.heavyNeighbours[a].count, hydrogens: g.hydrogens[a], charge: g.charge(a))
        for (_, kind, _) in g.heavyNeighbours[a] {
            switch kind {
            case .single: f.single += 1
            case .double: f.double += 1
            case .triple: f.triple += 1
            case .aromatic: f.aromatic += 1
            case .other: break
            }
        }
        f.inThreeRing = g.molecule.isOnThreeMemberedRing(a)
        let table = g.element(a) == 7 ? nitrogen(f) : oxygen(f)
        if let table { return table }
        let estimate =
            g.element(a) == 7
            ? 30.5 - 8.2 * Double(f.neighbours) + 1.5 * Double(f.hydrogens) : 28.5 - 8.6 * Double(f.neighbours) + 1.5 * Double(f.hydrogens)
        return max(estimate, 0)
    }

    /// Ertl's nitrogen rows, in the order RDKit tries them (the first that fits wins).
    private static func nitrogen(_ f: Fragment) -> Double? {
        let three = f.inThreeRing
        let rows: [(Bool, Double)] = [
            (f.matches(1, 0, 0, t: 1), 23.79),  // N#
            (f.matches(1, 1, 0, d: 1), 23.85),  // [NH]=
            (f.matches(1, 2, 0, s: 1), 26.02),  // [NH2]-
            (f.matches(1, 2, 1, d: 1), 25.59),  // [NH2+]=
            (f.matches(1, 3, 1, s: 1), 27.64),  // [NH3+]-
            (f.matches(2, 0, 0, s: 1, d: 1), 12.36),  // -N=
            (f.matches(2, 0, 0, d: 1, t: 1), 13.60),  // =N# (RDKit's row; no such valence-3 N)
            (f.matches(2, 1, 0, s: 2) && three, 21.94),  // -[NH]- on a 3-ring
            (f.matches(2, 1, 0, s: 2) && !three, 12.03),  // -[NH]-
            (f.matches(2, 0, 1, s: 1, t: 1), 4.36),  // -[N+]#
            (f.matches(2, 1, 1, s: 1, d: 1), 13.97),  // -[NH+]=
            (f.matches(2, 2, 1, s: 2), 16.61),  // -[NH2+]-
            (f.matches(2, 0, 0, ar: 2), 12.89),  // :n:
            (f.matches(2, 1, 0, ar: 2), 15.79),  // :[nH]:
            (f.matches(2, 1, 1, ar: 2), 14.14),  // :[nH+]:
            (f.matches(3, 0, 0, s: 3) && three, 3.01),  // -N(-)- on a 3-ring
            (f.matches(3, 0, 0, s: 3) && !three, 3.24),  // -N(-)-
            (f.matches(3, 0, 0, s: 1, d: 2), 11.68),  // -N(=)=
            (f.matches(3, 0, 1, s: 2, d: 1), 3.01),  // =[N+](-)-
            (f.matches(3, 1, 1, s: 3), 4.44),  // -[NH+](-)-
            (f.matches(3, 0, 0, ar: 3), 4.41),  // :n(:):
            (f.matches(3, 0, 0, s: 1, ar: 2), 4.93),  // -n(:):
            (f.matches(3, 0, 0, d: 1, ar: 2), 8.39),  // =n(:):
            (f.matches(3, 0, 1, ar: 3), 4.10),  // :[n+](:):
            (f.matches(3, 0, 1, s: 1, ar: 2), 3.88),  // -[n+](:):
            (f.neighbours == 4 && f.hydrogens == 0 && f.single == 4 && f.charge == 1, 0.00),  // -[N+](-)(-)-
        ]
        return rows.first { $0.0 }?.1
    }

    /// Ertl's oxygen rows, in the order RDKit tries them.
    private static func oxygen(_ f: Fragment) -> Double? {
        let three = f.inThreeRing
        let rows: [(Bool, Double)] = [
            (f.matches(1, 0, 0, d: 1), 17.07),  // O=
            (f.matches(1, 1, 0, s: 1), 20.23),  // [OH]-
            (f.matches(1, 0, -1, s: 1), 23.06),  // [O-]-
            (f.matches(2, 0, 0, s: 2) && three, 12.53),  // -O- on a 3-ring
            (f.matches(2, 0, 0, s: 2) && !three, 9.23),  // -O-
            (f.matches(2, 0, 0, ar: 2), 13.14),  // :o:
        ]
        return rows.first { $0.0 }?.1
    }
}

extension Molecule {
    /// Whether atom `a` lies on a three-membered ring (two of its neighbours are bonded).
    func isOnThreeMemberedRing(_ a: Int) -> Bool {
        let n = neighbours[a].map(\.atom)
        for i in n.indices {
            for j in n.indices where j > i && bond(between: n[i], n[j]) != nil { return true }
        }
        return false
    }
}

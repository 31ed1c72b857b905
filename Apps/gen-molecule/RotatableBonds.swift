// Rotatable bonds: single bonds off rings whose rotation changes the molecule's shape.

/// Rotatable bonds as RDKit's `rdMolDescriptors.CalcNumRotatableBonds` counts them by default (the
/// strict definition, `NumRotatableBondsOptions.Strict`). RDKit states it as one SMARTS, a
/// single or aromatic bond off any ring between two atoms that each
/// - have no triple bond and more than one explicit neighbour (`!$(*#*)&!D1`),
/// - are not the carbon of a CF3, CCl3, CBr3 or tert-butyl group, nor a methyl carbon,
///
/// and of which at least one is also not the carbon or heteroatom of an amide-like link (a
/// carbon with three neighbours, double-bonded to N, O or S, and bonded off-ring to N, O or a
/// non-terminal S: amides, esters, thioesters, ureas, carbamates) nor of an amidinium. This file
/// states the same rule on the graph, without a SMARTS matcher.
enum RotatableBonds {
    /// The number of rotatable bonds of a sanitised molecule.
    static func count(_ g: DescriptorGraph) -> Int {
        let m = g.molecule
        var count = 0
        for (b, bond) in m.bonds.enumerated() where !g.ringBond[b] && (bond.order == .single || bond.order == .aromatic) {
            let (x, y) = (bond.a, bond.b)
            guard end(x, g), end(y, g) else { continue }
            if !amideLike(x, g) || !amideLike(y, g) { count += 1 }
        }
        return count
    }

    /// An atom that may end a rotatable bond (both ends of the SMARTS).
    private static func end(_ a: Int, _ g: DescriptorGraph) -> Bool {
        if g.element(a) == 1 || g.explicitDegree[a] == 1 { return false }
        if g.molecule.neighbours[a].contains(where: { g.molecule.bonds[$0.bond].order == .triple }) { return false }
        guard g.isAliphatic(a, 6) else { return true }
        if g.hydrogens[a] == 3 { return false }  // [CH3]
        let sa = g.neighbours(a) { $0.singleOrAromatic }
        for halogen in [9, 17, 35] where sa.filter({ g.element($0) == halogen }).count >= 3 { return false }  // C(F)(F)F …
        let methyls = sa.filter { g.isAliphatic($0, 6) && g.hydrogens[$0] == 3 }
        return methyls.count < 3  // C([CH3])([CH3])[CH3]
    }

    /// The four exclusions that apply to the first atom of RDKit's pattern only:
    /// `[CD3](=[N,O,S])-!@[#7,O,S!D1]`, `[#7,O,S!D1]-!@[CD3]=[N,O,S]`, `[CD3](=[N+])-!@[#7!D1]` and
    /// `[#7!D1]-!@[CD3]=[N+]`.
    private static func amideLike(_ a: Int, _ g: DescriptorGraph) -> Bool {
        if carbonyl(a, g, cationic: false), offRingSingle(a, g).contains(where: { heteroLink($0, g) }) { return true }
        if heteroLink(a, g), offRingSingle(a, g).contains(where: { carbonyl($0, g, cationic: false) }) { return true }
        if carbonyl(a, g, cationic: true), offRingSingle(a, g).contains(where: { g.element($0) == 7 && g.explicitDegree[$0] != 1 }) {
            return true
        }
        if g.element(a) == 7 && g.explicitDegree[a] != 1, offRingSingle(a, g).contains(where: { carbonyl($0, g, cationic: true) }) {
            return true
        }
        return false
    }

    /// `[CD3](=[N,O,S])` (or `[CD3](=[N+])` when `cationic`).
    private static func carbonyl(_ c: Int, _ g: DescriptorGraph, cationic: Bool) -> Bool {
        guard g.isAliphatic(c, 6) && g.explicitDegree[c] == 3 else { return false }
        return g.neighbours(c) { $0 == .double }.contains { n in
            cationic ? g.isAliphatic(n, 7) && g.charge(n) == 1 : !g.isAromatic(n) && [7, 8, 16].contains(g.element(n))
        }
    }

    /// `[#7,O,S!D1]`: any N, an aliphatic O, or an aliphatic S with more than one neighbour.
    private static func heteroLink(_ a: Int, _ g: DescriptorGraph) -> Bool {
        g.element(a) == 7 || g.isAliphatic(a, 8) || g.isAliphatic(a, 16) && g.explicitDegree[a] != 1
    }

    /// Neighbours over single bonds off rings (`-!@`).
    private static func offRingSingle(_ a: Int, _ g: DescriptorGraph) -> [Int] {
        g.heavyNeighbours[a].filter { $0.kind == .single && !g.ringBond[$0.bond] }.map(\.atom)
    }
}

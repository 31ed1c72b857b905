// Crippen logP: the octanol/water partition coefficient as a sum of atom-type contributions.

/// The atom types of the Wildman–Crippen model (S. A. Wildman, G. M. Crippen, "Prediction of
/// Physicochemical Parameters by Atomic Contributions", J. Chem. Inf. Comput. Sci. 39, 868, 1999,
/// Table 1) with their logP contributions (log units). Types are tried in the order RDKit's
/// `Crippen.txt` lists them; an atom takes the first type that fits (`CrippenLogP.type`).
enum CrippenType: String, CaseIterable, Sendable {
    case c1 = "C1", c2 = "C2", c3 = "C3", c4 = "C4", c5 = "C5", c6 = "C6", c7 = "C7", c8 = "C8", c9 = "C9", c10 = "C10"
    case c11 = "C11", c12 = "C12", c13 = "C13", c14 = "C14", c15 = "C15", c16 = "C16", c17 = "C17", c18 = "C18", c19 = "C19"
    case c20 = "C20", c21 = "C21", c22 = "C22", c23 = "C23", c24 = "C24", c25 = "C25", c26 = "C26", c27 = "C27", cs = "CS"
    case h1 = "H1", h2 = "H2", h3 = "H3", h4 = "H4", hs = "HS"
    case n1 = "N1", n2 = "N2", n3 = "N3", n4 = "N4", n5 = "N5", n6 = "N6", n7 = "N7", n8 = "N8", n9 = "N9", n10 = "N10"
    case n11 = "N11", n12 = "N12", n13 = "N13", n14 = "N14", ns = "NS"
    case o1 = "O1", o2 = "O2", o3 = "O3", o4 = "O4", o5 = "O5", o6 = "O6", o7 = "O7", o8 = "O8", o9 = "O9", o10 = "O10"
    case o11 = "O11", o12 = "O12", os = "OS"
    case f = "F", cl = "Cl", br = "Br", i = "I", hal = "Hal", p = "P", s1 = "S1", s2 = "S2", s3 = "S3", me1 = "Me1", me2 = "Me2"

    /// Contribution to logP (Wildman and Crippen 1999, Table 1; the values of RDKit's `Crippen.txt`).
    var logP: Double {
        switch self {
        case .c1: 0.1441
        case .c2: 0
        case .c3: -0.2035
        case .c4: -0.2051
        case .c5: -0.2783
        case .c6: 0.1551
        case .c7: 0.0017
        case .c8: 0.08452
        case .c9: -0.1444
        case .c10: -0.0516
        case .c11: 0.1193
        case .c12: -0.0967
        case .c13: -0.5443
        case .c14: 0
        case .c15: 0.245
        case .c16: 0.198
        case .c17: 0
        case .c18: 0.1581
        case .c19: 0.2955
        case .c20: 0.2713
        case .c21: 0.136
        case .c22: 0.4619
        case .c23: 0.5437
        case .c24: 0.1893
        case .c25: -0.8186
        case .c26: 0.264
        case .c27: 0.2148
        case .cs: 0.08129
        case .h1: 0.123
        case .h2: -0.2677
        case .h3: 0.2142
        case .h4: 0.298
        case .hs: 0.1125
        case .n1: -1.019
        case .n2: -0.7096
        case .n3: -1.027
        case .n4: -0.5188
        case .n5: 0.08387
        case .n6: 0.1836
        case .n7: -0.3187
        case .n8: -0.4458
        case .n9: 0.01508
        case .n10: -1.95
        case .n11: -0.3239
        case .n12: -1.119
        case .n13: -0.3396
        case .n14: 0.2887
        case .ns: -0.4806
        case .o1: 0.1552
        case .o2: -0.2893
        case .o3: -0.0684
        case .o4: -0.4195
        case .o5: 0.0335
        case .o6: -0.3339
        case .o7: -1.189
        case .o8: 0.1788
        case .o9: -0.1526
        case .o10: 0.1129
        case .o11: 0.4833
        case .o12: -1.326
        case .os: -0.1188
        case .f: 0.4202
        case .cl: 0.6895
        case .br: 0.8456
        case .i: 0.8857
        case .hal: -2.996
        case .p: 0.8612
        case .s1: 0.6482
        case .s2: -0.0024
        case .s3: 0.6237
        case .me1: -0.3808
        case .me2: -0.0025
        }
    }
}

/// Wildman–Crippen logP as RDKit's `Crippen.MolLogP` computes it: every atom, hydrogens included,
/// gets the first type whose rule it meets, and logP is the sum of the types' contributions. A
/// hydrogen's type follows from the atom it is bonded to (the paper's H1–H4, HS). Atoms no rule
/// covers (noble gases, lanthanides, the wildcard) add 0.
///
/// The rules restate RDKit's SMARTS definitions (the table compiled into RDKit 2026.09, which
/// matches `Crippen.txt` but for two H2 rules) by hand on the graph: `C` aliphatic carbon, `c`
/// aromatic carbon, `a`/`A` any aromatic/aliphatic atom, `H` total hydrogens, `X` all connections,
/// and an unwritten bond "single or aromatic"; atoms matched by one pattern are distinct.
enum CrippenLogP {
    /// logP of a sanitised molecule (log units of the octanol/water partition coefficient).
    static func logP(_ g: DescriptorGraph) -> Double {
        var total = 0.0
        for a in 0..<g.atomCount {
            if g.element(a) == 1 {
                // A hydrogen atom bonded to a heavy atom is counted in that atom's `hydrogens`; one
                // bonded to hydrogens only (`[H][H]`, `[HH]`) is H1, a lone one (`[H+]`) HS.
                if g.heavyNeighbours[a].isEmpty {
                    total += (g.hydrogens[a] > 0 ? CrippenType.h1 : .hs).logP + Double(g.molecule.hydrogens(a)) * CrippenType.h1.logP
                }
                continue
            }
            total += type(a, g)?.logP ?? 0
            if g.hydrogens[a] > 0 { total += Double(g.hydrogens[a]) * hydrogenType(on: a, g).logP }
        }
        return total
    }

    /// The type of heavy atom `a` (nil: no rule applies).
    static func type(_ a: Int, _ g: DescriptorGraph) -> CrippenType? {
        switch g.element(a) {
        case 6: carbon(a, g)
        case 7: nitrogen(a, g)
        case 8: oxygen(a, g)
        case 16: sulfur(a, g)
        case 9, 17, 35, 53: halogen(a, g)
        case 15: .p
        case 3, 11, 19, 37, 55: g.charge(a) == 1 ? .hal : .me1
        case 4, 12, 20, 38, 56, 5, 13, 31, 49, 81, 14, 32, 50, 82, 33, 51, 83, 34, 52, 84: .me1
        case 21...30, 39...48, 72...80: .me2
        default: nil
        }
    }

    /// Aliphatic N, O, P, S or a halogen: the heteroatoms of types C3 and C4 (`[N,O,P,S,F,Cl,Br,I]`).
    private static func isHetero(_ n: Int, _ g: DescriptorGraph) -> Bool {
        !g.isAromatic(n) && [7, 8, 15, 16, 9, 17, 35, 53].contains(g.element(n))
    }

    private static func carbon(_ a: Int, _ g: DescriptorGraph) -> CrippenType {
        let h = g.hydrogens[a]
        let x = g.connections(a)
        let sa = g.neighbours(a) { $0.singleOrAromatic }
        let single = g.neighbours(a) { $0 == .single }
        let double = g.neighbours(a) { $0 == .double }
        let aromaticBonds = g.neighbours(a) { $0 == .aromatic }.count
        let aliphaticC = sa.filter { g.isAliphatic($0, 6) }
        let aliphatic = sa.filter { g.isAliphaticHeavy($0) }
        let aromatic = sa.filter { g.isAromatic($0) }
        let hetero = sa.filter { isHetero($0, g) }
        let doubleC = double.filter { g.isAliphatic($0, 6) }
        if !g.isAromatic(a) {
            // C1: [CH4], [CH3]C, [CH2](C)C
            if h == 4 || h == 3 && !aliphaticC.isEmpty || h == 2 && aliphaticC.count >= 2 { return .c1 }
            // C2: [CH](C)(C)C, [C](C)(C)(C)C
            if h == 1 && aliphaticC.count >= 3 || aliphaticC.count >= 4 { return .c2 }
            // C3: [CH3][N,O,P,S,F,Cl,Br,I], [CH2X4](hetero)[A;!#1]
            if h == 3 && !hetero.isEmpty || h == 2 && x == 4 && distinctPicks([hetero, aliphatic]) { return .c3 }
            // C4: [CH1X4](hetero)([A;!#1])[A;!#1], [CH0X4](hetero)([A;!#1])([A;!#1])[A;!#1]
            if x == 4
                && (h == 1 && distinctPicks([hetero, aliphatic, aliphatic])
                    || h == 0 && distinctPicks([hetero, aliphatic, aliphatic, aliphatic]))
            {
                return .c4
            }
            // C5: [C]=[!C;A;!#1]
            if double.contains(where: { g.isAliphaticHeavy($0) && g.element($0) != 6 }) { return .c5 }
            // C6: [CH2]=C, [CH1](=C)[A;!#1], [CH0](=C)([A;!#1])[A;!#1], [C](=C)=C
            if !doubleC.isEmpty && (h == 2 || h == 1 && !aliphatic.isEmpty || h == 0 && aliphatic.count >= 2 || doubleC.count >= 2) {
                return .c6
            }
            // C7: [CX2]#[A;!#1]
            if x == 2 && g.neighbours(a, { $0 == .triple }).contains(where: { g.isAliphaticHeavy($0) }) { return .c7 }
            // C8: [CH3]c; C9: [CH3]a
            if h == 3 && aromatic.contains(where: { g.element($0) == 6 }) { return .c8 }
            if h == 3 && !aromatic.isEmpty { return .c9 }
            // C10–C12: [CH2X4]a, [CHX4]a, [CH0X4]a
            if x == 4 && !aromatic.isEmpty && h <= 2 { return [CrippenType.c12, .c11, .c10][h] }
        } else {
            // C13: [cH0]-[A;!C;!N;!O;!S;!F;!Cl;!Br;!I;!#1]
            if h == 0
                && single.contains(where: { g.isAliphaticHeavy($0) && ![6, 7, 8, 16, 9, 17, 35, 53].contains(g.element($0)) })
            {
                return .c13
            }
            // C14–C17: [c][#9], [c][#17], [c][#35], [c][#53]
            for (element, type) in [(9, CrippenType.c14), (17, .c15), (35, .c16), (53, .c17)]
            where sa.contains(where: { g.element($0) == element }) {
                return type
            }
            // C18: [cH]
            if h == 1 { return .c18 }
            // C19–C25: [c](:a)(:a) with a third aromatic bond, or an exocyclic bond to a, C, N, O, S
            if aromaticBonds >= 3 { return .c19 }
            if aromaticBonds >= 2 {
                if single.contains(where: { g.isAromatic($0) }) { return .c20 }
                for (element, type) in [(6, CrippenType.c21), (7, .c22), (8, .c23), (16, .c24)]
                where single.contains(where: { g.isAliphatic($0, element) }) {
                    return type
                }
                if double.contains(where: { [6, 7, 8].contains(g.element($0)) && !g.isAromatic($0) }) { return .c25 }
            }
        }
        if !g.isAromatic(a) {
            // C26: [C](=C)(a)[A;!#1], [C](=C)(c)a, [CH1](=C)a, [C]=c
            let aromaticC = aromatic.filter { g.element($0) == 6 }
            if !doubleC.isEmpty
                && (distinctPicks([aromatic, aliphatic]) || distinctPicks([aromaticC, aromatic]) || h == 1 && !aromatic.isEmpty)
                || double.contains(where: { g.isAromatic($0) && g.element($0) == 6 })
            {
                return .c26
            }
            // C27: [CX4][A;!C;!N;!O;!P;!S;!F;!Cl;!Br;!I;!#1]
            if x == 4 && sa.contains(where: { g.isAliphaticHeavy($0) && ![6, 7, 8, 15, 16, 9, 17, 35, 53].contains(g.element($0)) }) {
                return .c27
            }
        }
        return .cs
    }

    private static func nitrogen(_ a: Int, _ g: DescriptorGraph) -> CrippenType {
        let h = g.hydrogens[a]
        let q = g.charge(a)
        if g.isAromatic(a) { return q == 0 ? .n11 : (1...3).contains(q) ? .n12 : .ns }
        let sa = g.neighbours(a) { $0.singleOrAromatic }
        let double = g.neighbours(a) { $0 == .double }
        let triple = g.neighbours(a) { $0 == .triple }
        let aliphatic = sa.filter { g.isAliphaticHeavy($0) }
        let aromatic = sa.filter { g.isAromatic($0) }
        if q == 0 {
            if h == 2 && !aliphatic.isEmpty { return .n1 }  // [NH2+0][A;!#1]
            if h == 1 && aliphatic.count >= 2 { return .n2 }  // [NH+0]([A;!#1])[A;!#1]
            if h == 2 && !aromatic.isEmpty { return .n3 }  // [NH2+0]a
            if h == 1 && distinctPicks([aromatic, sa]) { return .n4 }  // [NH1+0]([!#1;A,a])a
            if h == 1 && !double.isEmpty { return .n5 }  // [NH+0]=[!#1;A,a]
            if !double.isEmpty && !sa.isEmpty { return .n6 }  // [N+0](=[!#1;A,a])[!#1;A,a]
            if aliphatic.count >= 3 { return .n7 }  // [N+0]([A;!#1])([A;!#1])[A;!#1]
            // [N+0](a)([!#1;A,a])[A;!#1], [N+0](a)(a)a
            if distinctPicks([aromatic, sa, aliphatic]) || aromatic.count >= 3 { return .n8 }
            if triple.contains(where: { g.isAliphaticHeavy($0) }) { return .n9 }  // [N+0]#[A;!#1]
        }
        let cation = (1...3).contains(q)
        if cation && (1...3).contains(h) { return .n10 }  // [NH3,NH2,NH;+,+2,+3]
        // N13: [NH0;+](A)(A)(A)A, [NH0;+](=A)(A)[!#1;A,a], [NH0;+](=[#6])=[#7]
        if cation && h == 0 {
            let doubleAliphatic = double.filter { g.isAliphaticHeavy($0) }
            if aliphatic.count >= 4 || !doubleAliphatic.isEmpty && distinctPicks([aliphatic, sa])
                || double.contains(where: { g.element($0) == 6 }) && double.contains(where: { g.element($0) == 7 })
            {
                return .n13
            }
        }
        // N14: [N;+]#[A;!#1], [N;-], [N;+](=[N;-])=N
        if cation && triple.contains(where: { g.isAliphaticHeavy($0) }) || (-3 ... -1).contains(q) { return .n14 }
        if cation && double.contains(where: { g.isAliphatic($0, 7) && (-3 ... -1).contains(g.charge($0)) }) && double.count >= 2 {
            let anion = double.filter { g.isAliphatic($0, 7) && (-3 ... -1).contains(g.charge($0)) }
            if distinctPicks([anion, double.filter { g.isAliphatic($0, 7) }]) { return .n14 }
        }
        return .ns
    }

    private static func oxygen(_ a: Int, _ g: DescriptorGraph) -> CrippenType {
        if g.isAromatic(a) { return .o1 }  // [o]
        let h = g.hydrogens[a]
        let q = g.charge(a)
        let x = g.connections(a)
        let sa = g.neighbours(a) { $0.singleOrAromatic }
        let double = g.neighbours(a) { $0 == .double }
        if h == 1 || h == 2 { return .o2 }  // [OH,OH2]
        if sa.filter({ g.isAliphaticHeavy($0) }).count >= 2 { return .o3 }  // [O]([A;!#1])[A;!#1]
        if distinctPicks([sa.filter { g.isAromatic($0) }, sa]) { return .o4 }  // [O](a)[!#1;A,a]
        let anion = (-3 ... -1).contains(q)
        // O5: [O]=[#7,#8], [OX1;-,-2,-3][#7]
        if double.contains(where: { [7, 8].contains(g.element($0)) }) || x == 1 && anion && sa.contains(where: { g.element($0) == 7 }) {
            return .o5
        }
        // O6: [OX1;-,-2][#16], [O;-0]=[#16;-0]
        if x == 1 && (q == -1 || q == -2) && sa.contains(where: { g.element($0) == 16 })
            || q == 0 && double.contains(where: { g.element($0) == 16 && g.charge($0) == 0 })
        {
            return .o6
        }
        // O12: [O-]C(=O)
        if q == -1
            && sa.contains(where: { c in g.isAliphatic(c, 6) && g.neighbours(c, { $0 == .double }).contains { g.isAliphatic($0, 8) } })
        {
            return .o12
        }
        // O7: [OX1;-,-2,-3][!#1;!N;!S]
        if x == 1 && anion && sa.contains(where: { !g.isAliphatic($0, 7) && !g.isAliphatic($0, 16) }) { return .o7 }
        // O8: [O]=c
        if double.contains(where: { g.isAromatic($0) && g.element($0) == 6 }) { return .o8 }
        // O9–O11: carbonyl oxygens, by the carbonyl carbon's other neighbours
        for c in double where g.isAliphatic(c, 6) {
            let others = g.neighbours(c) { $0.singleOrAromatic }
            let ch = g.hydrogens[c]
            let aliphatic = others.filter { g.isAliphaticHeavy($0) }
            let aliphaticC = others.filter { g.isAliphatic($0, 6) }
            // [O]=[CH]C, [O]=C(C)([A;!#1]), [O]=[CH][N,O], [O]=[CH2], [O]=[CX2]=O
            if ch == 1 && !aliphaticC.isEmpty || distinctPicks([aliphaticC, aliphatic])
                || ch == 1 && others.contains(where: { g.isAliphatic($0, 7) || g.isAliphatic($0, 8) }) || ch == 2
                || g.connections(c) == 2 && g.neighbours(c, { $0 == .double }).contains(where: { $0 != a && g.isAliphatic($0, 8) })
            {
                return .o9
            }
        }
        for c in double where g.isAliphatic(c, 6) {
            let others = g.neighbours(c) { $0.singleOrAromatic }
            let aromatic = others.filter { g.isAromatic($0) }
            let aromaticC = aromatic.filter { g.element($0) == 6 }
            // [O]=[CH]c, [O]=C([C,c])[a;!#1], [O]=C(c)[A;!#1]
            if g.hydrogens[c] == 1 && !aromaticC.isEmpty || distinctPicks([others.filter { g.element($0) == 6 }, aromatic])
                || distinctPicks([aromaticC, others.filter { g.isAliphaticHeavy($0) }])
            {
                return .o10
            }
        }
        for c in double where g.isAliphatic(c, 6) {
            // [O]=C([!#1;!#6])[!#1;!#6]
            if g.neighbours(c, { $0.singleOrAromatic }).filter({ g.element($0) != 6 }).count >= 2 { return .o11 }
        }
        return .os
    }

    private static func sulfur(_ a: Int, _ g: DescriptorGraph) -> CrippenType {
        if g.isAromatic(a) { return .s3 }  // [s;a]
        // S2: [S;-,-2,-3,-4,+1,+2,+3,+5,+6], [S-0]=[N,O,P,S]
        let q = g.charge(a)
        if [-4, -3, -2, -1, 1, 2, 3, 5, 6].contains(q) { return .s2 }
        if q == 0 && g.neighbours(a, { $0 == .double }).contains(where: { !g.isAromatic($0) && [7, 8, 15, 16].contains(g.element($0)) }) {
            return .s2
        }
        return .s1  // [S;A]
    }

    private static func halogen(_ a: Int, _ g: DescriptorGraph) -> CrippenType? {
        switch (g.element(a), g.charge(a)) {
        case (9, 0): .f
        case (17, 0): .cl
        case (35, 0): .br
        case (53, 0): .i
        case (_, -1): .hal
        case (53, 1...3): .hal
        default: nil
        }
    }

    /// The type of the hydrogens on heavy atom `a` (Wildman and Crippen's H1–H4, HS). RDKit's
    /// compiled table writes two H2 rules by element (`[#1]O[!#6;!#7;!#8;!#16]`,
    /// `[#1][!#6;!#7;!#8]`) where its `Crippen.txt` has aliphatic symbols: the hydrogen of an
    /// aromatic `[nH]` is H3, as the compiled table has it.
    static func hydrogenType(on a: Int, _ g: DescriptorGraph) -> CrippenType {
        let e = g.element(a)
        if e == 6 { return .h1 }  // [#1][#6,#1]
        let oxygen = g.isAliphatic(a, 8)
        // O's neighbours other than the hydrogen in question: heavy atoms, and its other hydrogens.
        let others = g.neighbours(a) { $0.singleOrAromatic }
        if oxygen {
            // [#1]O[CX4,c], [#1]O[!#6;!#7;!#8;!#16]
            if others.contains(where: { g.isAliphatic($0, 6) && g.connections($0) == 4 || g.isAromatic($0) && g.element($0) == 6 }) {
                return .h2
            }
            if g.hydrogens[a] >= 2 || others.contains(where: { ![6, 7, 8, 16].contains(g.element($0)) }) { return .h2 }
        }
        if ![6, 7, 8].contains(e) { return .h2 }  // [#1][!#6;!#7;!#8]
        // H3: [#1][#7], [#1]O[#7]
        if e == 7 || oxygen && others.contains(where: { g.element($0) == 7 }) { return .h3 }
        // H4: [#1]OC=[#6,#7,O,S], [#1]O[O,S]
        let acidic = others.contains { c in
            g.isAliphatic(c, 6)
                && g.neighbours(c, { $0 == .double }).contains {
                    [6, 7].contains(g.element($0)) || g.isAliphatic($0, 8) || g.isAliphatic($0, 16)
                }
        }
        if oxygen && (acidic || others.contains(where: { g.isAliphatic($0, 8) || g.isAliphatic($0, 16) })) { return .h4 }
        return .hs
    }
}

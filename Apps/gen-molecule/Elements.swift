// The periodic table as SMILES and valence rules need it.

/// One element: symbol, standard atomic weight, the valences RDKit allows by default, and the
/// number of outer-shell electrons. Atomic weights and valence lists are those of RDKit 2026.09's
/// periodic table (`Chem.GetPeriodicTable()`, IUPAC standard weights); index = atomic number, 0 is
/// the SMILES wildcard `*`.
struct Element {
    let symbol: String
    /// Standard atomic weight in g/mol (daltons).
    let weight: Double
    /// Allowed valences, ascending (empty for the wildcard and for metals).
    let valences: [Int]
    /// Any valence above the listed ones is allowed too (RDKit's `-1` entry: metals, alkali metals).
    let unbounded: Bool
    /// Valence-shell electrons.
    let outerElectrons: Int

    init(_ symbol: String, _ weight: Double, _ valences: [Int], _ unbounded: Bool, _ outerElectrons: Int) {
        (self.symbol, self.weight, self.valences, self.unbounded, self.outerElectrons) =
            (symbol, weight, valences, unbounded, outerElectrons)
    }

    /// Elements by atomic number (0: `*`).
    static let table: [Element] = [
        .init("*", 0.0, [], true, 0),
        .init("H", 1.008, [1], false, 1),
        .init("He", 4.003, [0], false, 2),
        .init("Li", 6.941, [1], true, 1),
        .init("Be", 9.012, [2], false, 2),
        .init("B", 10.812, [3], false, 3),
        .init("C", 12.011, [4], false, 4),
        .init("N", 14.007, [3], false, 5),
        .init("O", 15.999, [2], false, 6),
        .init("F", 18.998, [1], false, 7),
        .init("Ne", 20.18, [0], false, 8),
        .init("Na", 22.99, [1], true, 1),
        .init("Mg", 24.305, [2], true, 2),
        .init("Al", 26.982, [3], false, 3),
        .init("Si", 28.086, [4], false, 4),
        .init("P", 30.974, [3, 5], false, 5),
        .init("S", 32.067, [2, 4, 6], false, 6),
        .init("Cl", 35.453, [1], false, 7),
        .init("Ar", 39.948, [0], false, 8),
        .init("K", 39.098, [1], true, 1),
        .init("Ca", 40.078, [2], true, 2),
        .init("Sc", 44.956, [], true, 3),
        .init("Ti", 47.867, [], true, 4),
        .init("V", 50.944, [], true, 5),
        .init("Cr", 51.996, [], true, 6),
        .init("Mn", 54.938, [], true, 7),
        .init("Fe", 55.845, [], true, 8),
        .init("Co", 58.933, [], true, 9),
        .init("Ni", 58.693, [], true, 10),
        .init("Cu", 63.546, [], true, 11),
        .init("Zn", 65.39, [], true, 2),
        .init("Ga", 69.723, [3], false, 3),
        .init("Ge", 72.61, [4], false, 4),
        .init("As", 74.922, [3, 5], false, 5),
        .init("Se", 78.96, [2, 4, 6], false, 6),
        .init("Br", 79.904, [1], false, 7),
        .init("Kr", 83.8, [0], false, 8),
        .init("Rb", 85.468, [1], true, 1),
        .init("Sr", 87.62, [2], true, 2),
        .init("Y", 88.906, [], true, 3),
        .init("Zr", 91.224, [], true, 4),
        .init("Nb", 92.906, [], true, 5),
        .init("Mo", 95.94, [], true, 6),
        .init("Tc", 98.0, [], true, 7),
        .init("Ru", 101.07, [], true, 8),
        .init("Rh", 102.906, [], true, 9),
        .init("Pd", 106.42, [], true, 10),
        .init("Ag", 107.868, [], true, 11),
        .init("Cd", 112.412, [], true, 2),
        .init("In", 114.818, [3], false, 3),
        .init("Sn", 118.711, [2, 4], false, 4),
        .init("Sb", 121.76, [3, 5], false, 5),
        .init("Te", 127.6, [2, 4, 6], false, 6),
        .init("I", 126.904, [1, 3, 5], false, 7),
        .init("Xe", 131.29, [0, 2, 4, 6], false, 8),
        .init("Cs", 132.905, [1], false, 1),
        .init("Ba", 137.328, [2], true, 2),
        .init("La", 138.906, [], true, 3),
        .init("Ce", 140.116, [], true, 4),
        .init("Pr", 140.908, [], true, 3),
        .init("Nd", 144.24, [], true, 4),
        .init("Pm", 145.0, [], true, 5),
        .init("Sm", 150.36, [], true, 6),
        .init("Eu", 151.964, [], true, 7),
        .init("Gd", 157.25, [], true, 8),
        .init("Tb", 158.925, [], true, 9),
        .init("Dy", 162.5, [], true, 10),
        .init("Ho", 164.93, [], true, 11),
        .init("Er", 167.26, [], true, 12),
        .init("Tm", 168.934, [], true, 13),
        .init("Yb", 173.04, [], true, 14),
        .init("Lu", 174.967, [], true, 15),
        .init("Hf", 178.49, [], true, 4),
        .init("Ta", 180.948, [], true, 5),
        .init("W", 183.84, [], true, 6),
        .init("Re", 186.207, [], true, 7),
        .init("Os", 190.23, [], true, 8),
        .init("Ir", 192.217, [], true, 9),
        .init("Pt", 195.078, [], true, 10),
        .init("Au", 196.967, [], true, 11),
        .init("Hg", 200.59, [], true, 2),
        .init("Tl", 204.383, [], true, 3),
        .init("Pb", 207.2, [2, 4], false, 4),
        .init("Bi", 208.98, [3, 5], false, 5),
        .init("Po", 209.0, [2, 4, 6], false, 6),
        .init("At", 210.0, [1, 3, 5], false, 7),
        .init("Rn", 222.0, [0], false, 8),
        .init("Fr", 223.0, [1], false, 1),
        .init("Ra", 226.0, [2], true, 2),
        .init("Ac", 227.0, [], true, 3),
        .init("Th", 232.038, [], true, 4),
        .init("Pa", 231.036, [], true, 3),
        .init("U", 238.029, [], true, 4),
        .init("Np", 237.0, [], true, 5),
        .init("Pu", 244.0, [], true, 6),
        .init("Am", 243.0, [], true, 7),
        .init("Cm", 247.0, [], true, 8),
        .init("Bk", 247.0, [], true, 9),
        .init("Cf", 251.0, [], true, 10),
        .init("Es", 252.0, [], true, 11),
        .init("Fm", 257.0, [], true, 12),
        .init("Md", 258.0, [], true, 13),
        .init("No", 259.0, [], true, 14),
        .init("Lr", 262.0, [], true, 15),
        .init("Rf", 267.0, [], true, 2),
        .init("Db", 268.0, [], true, 2),
        .init("Sg", 269.0, [], true, 2),
        .init("Bh", 270.0, [], true, 2),
        .init("Hs", 269.0, [], true, 2),
        .init("Mt", 278.0, [], true, 2),
        .init("Ds", 281.0, [], true, 2),
        .init("Rg", 281.0, [], true, 2),
        .init("Cn", 285.0, [], true, 2),
        .init("Nh", 284.0, [], true, 2),
        .init("Fl", 289.0, [], true, 2),
        .init("Mc", 288.0, [], true, 2),
        .init("Lv", 293.0, [], true, 2),
        .init("Ts", 292.0, [], true, 2),
        .init("Og", 294.0, [], true, 2),
    ]

    /// Atomic numbers by symbol.
    static let numbers: [String: Int] = Dictionary(uniqueKeysWithValues: table.enumerated().map { ($1.symbol, $0) })
}

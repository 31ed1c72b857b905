// Average molecular weight, with isotope labels.

enum MolecularWeight {
    /// Average molecular weight in g/mol (daltons), hydrogens included, as RDKit's
    /// `Descriptors.MolWt`: each atom's standard atomic weight (`Element.weight`), or its isotope's
    /// mass when one is written (`[13CH4]`, `[2H]`), plus 1.008 per hydrogen it carries.
    static func average(_ molecule: Molecule) -> Double {
        var total = 0.0
        for (i, atom) in molecule.atoms.enumerated() {
            total += mass(atom) + Double(molecule.hydrogens(i)) * Element.table[1].weight
        }
        return total
    }

    /// An atom's mass: its isotope's (`isotopeMasses`; a mass number missing from the table counts
    /// as that many daltons, as RDKit does for isotopes it does not know) or its element's
    /// standard atomic weight (also for isotope 0, `[0S]`, which RDKit reads as no isotope).
    static func mass(_ atom: Atom) -> Double {
        guard let isotope = atom.isotope, isotope > 0 else { return Element.table[atom.element].weight }
        return isotopeMasses["\(atom.element):\(isotope)"] ?? Double(isotope)
    }

    /// Atomic masses in daltons of the isotopes that labelled compounds use, keyed
    /// "atomic number:mass number" (AME2020 / NIST "Atomic Weights and Isotopic Compositions";
    /// W. J. Huang et al., Chin. Phys. C 45, 030002, 2021). Others count as their mass number, at
    /// most 0.1 Da off for light elements.
    static let isotopeMasses: [String: Double] = [
        "1:1": 1.007_825_032, "1:2": 2.014_101_778, "1:3": 3.016_049_278,
        "5:10": 10.012_936_9, "5:11": 11.009_305_4,
        "6:11": 11.011_433_6, "6:12": 12, "6:13": 13.003_354_835, "6:14": 14.003_241_988,
        "7:13": 13.005_738_61, "7:14": 14.003_074_004, "7:15": 15.000_108_899,
        "8:15": 15.003_065_6, "8:16": 15.994_914_620, "8:17": 16.999_131_757, "8:18": 17.999_159_613,
        "9:18": 18.000_937_3, "9:19": 18.998_403_163,
        "15:31": 30.973_761_998, "15:32": 31.973_907_64, "15:33": 32.971_725_7,
        "16:32": 31.972_071_174, "16:33": 32.971_458_910, "16:34": 33.967_867_004, "16:35": 34.969_032_31, "16:36": 35.967_080_71,
        "17:35": 34.968_852_682, "17:36": 35.968_306_822, "17:37": 36.965_902_602,
        "35:76": 75.924_542, "35:77": 76.921_379_2, "35:79": 78.918_337_6, "35:81": 80.916_289_7, "35:82": 81.916_803_2,
        "53:123": 122.905_589_8, "53:124": 123.906_209_0, "53:125": 124.904_629_4, "53:127": 126.904_471_9, "53:131": 130.906_126_3,
    ]
}

import Foundation
import XCTest

@testable import gen_molecule

final class PropertyTests: XCTestCase {
    func properties(_ smiles: String) throws -> MolecularProperties { try MolecularProperties(smiles: smiles) }

    /// Known divergences from RDKit on the fixture: SMILES → the properties that differ, and why.
    static let divergences: [String: Set<MolecularProperties.Name>] = [:]

    /// RDKit's values (Fixtures/make_property_fixtures.py) on 2,000 MOSES test molecules and 136
    /// hand-picked ones: MW, logP and TPSA within 0.01, counts exact, on at least 99.5% of the
    /// molecules for every property; the molecules that differ are exactly `divergences`.
    func testAgreesWithRDKitOnTheFixture() throws {
        let rows = try Fixtures.rows("rdkit-properties.tsv").filter { !$0[0].hasPrefix("#") }
        XCTAssertGreaterThan(rows.count, 2100)
        let names: [MolecularProperties.Name] = [.mw, .logP, .tpsa, .hbd, .hba, .rotatable, .rings, .aromaticRings, .heavyAtoms]
        var agreeing = [MolecularProperties.Name: Int]()
        var found = [String: Set<MolecularProperties.Name>]()
        for row in rows {
            let p = try properties(row[0])
            for (k, name) in names.enumerated() {
                let expected = Double(row[k + 1])!
                let tolerance = [.mw, .logP, .tpsa].contains(name) ? 0.01 : 0
                if abs(p.value(name) - expected) <= tolerance {
                    agreeing[name, default: 0] += 1
                } else {
                    found[row[0], default: []].insert(name)
                    print("\(row[0]) \(name.rawValue): \(p.value(name)) vs RDKit \(expected)")
                }
            }
        }
        for name in names {
            let share = Double(agreeing[name, default: 0]) / Double(rows.count)
            print(String(format: "%@: %d of %d agree (%.2f%%)", name.rawValue, agreeing[name, default: 0], rows.count, 100 * share))
            XCTAssertGreaterThanOrEqual(share, 0.995, name.rawValue)
        }
        XCTAssertEqual(found, Self.divergences)
    }

    func testAspirin() throws {
        let p = try properties("CC(=O)Oc1ccccc1C(=O)O")
        XCTAssertEqual(p.mw, 180.159, accuracy: 0.001)
        XCTAssertEqual(p.logP, 1.3101, accuracy: 0.0001)
        XCTAssertEqual(p.tpsa, 63.60, accuracy: 0.001)
        XCTAssertEqual([p.hbd, p.hba, p.rotatable, p.rings, p.aromaticRings, p.heavyAtoms], [1, 4, 2, 1, 1, 13])
    }

    /// Two SMILES of one molecule give the same properties (up to summation order).
    func assertSame(_ a: String, _ b: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let (p, q) = (try properties(a), try properties(b))
        for name in MolecularProperties.Name.allCases {
            XCTAssertEqual(p.value(name), q.value(name), accuracy: 1e-9, "\(name.rawValue)", file: file, line: line)
        }
    }

    /// Aromaticity is perceived, not read from the SMILES: Kekulé benzene is aromatic.
    func testKekuleAndAromaticFormsAgree() throws {
        try assertSame("C1=CC=CC=C1O", "Oc1ccccc1")
        try assertSame("CN1C=NC2=C1C(=O)N(C(=O)N2C)C", "Cn1cnc2c1c(=O)n(C)c(=O)n2C")
    }

    /// A molecule whose aromaticity is already perceived gives the same properties.
    func testPerceivedMoleculeGivesTheSameProperties() throws {
        for smiles in ["C1=CC=CC=C1O", "Cc1ccc(S(=O)(=O)C2(C(=O)OCCn3cccn3)CCC2)cc1", "O=c1cccc[nH]1"] {
            var m = try readMolecule(smiles).get()
            m.perceiveAromaticity()
            XCTAssertEqual(MolecularProperties(m), try MolecularProperties(smiles: smiles), smiles)
        }
    }

    /// Written hydrogens count as RDKit counts them once `MolFromSmiles` has removed them.
    func testExplicitHydrogens() throws {
        try assertSame("[H]OC([H])([H])[H]", "CO")
        try assertSame("[H]N([H])c1ccccc1", "Nc1ccccc1")
        XCTAssertEqual(try properties("[2H]C([2H])([2H])O").mw, 35.0603, accuracy: 0.001)
    }

    func testNames() throws {
        let p = try properties("CCO")
        XCTAssertEqual(
            MolecularProperties.Name.allCases.map(\.rawValue),
            ["MW", "logP", "TPSA", "HBD", "HBA", "rotatable", "rings", "aromaticRings", "heavyAtoms"])
        XCTAssertEqual(p.value(named: "MW")!, 46.069, accuracy: 0.001)
        XCTAssertEqual(p.value(named: "logp"), p.logP)
        XCTAssertEqual(p.value(named: "heavyatoms"), 3)
        XCTAssertNil(p.value(named: "weight"))
    }

    /// Cages: RDKit's ring set adds the rings symmetry makes equal to an SSSR ring.
    func testRingCounts() throws {
        XCTAssertEqual(try properties("C1CC2CCC1CC2").rings, 3)  // bicyclo[2.2.2]octane
        XCTAssertEqual(try properties("C1C2CC3CC1CC(C2)C3").rings, 4)  // adamantane
        XCTAssertEqual(try properties("C12C3C4C1C5C2C3C45").rings, 6)  // cubane
        XCTAssertEqual(try properties("C1CC2CCC1C2").rings, 2)  // norbornane
        XCTAssertEqual(try properties("c1ccc2ccccc2c1").aromaticRings, 2)
    }

    /// 2,000 MOSES molecules in a few seconds (about 1 ms each in a debug build), and large
    /// molecules in time proportional to their size: a 100,000-atom chain, 10,000 linked benzene
    /// rings, 300 fused cyclohexanes.
    func testSpeed() throws {
        let file = try SMILESFile(Fixtures.root.appendingPathComponent("samples/data/moses/test-10k.smi.gz").path)
        let molecules = try file.entries.prefix(2_000).map { try readMolecule($0.0).get() }
        var started = Date()
        var total = 0.0
        for m in molecules { total += MolecularProperties(m).mw }
        XCTAssertGreaterThan(total, 0)
        XCTAssertLessThan(Date().timeIntervalSince(started), 15)
        started = Date()
        XCTAssertEqual(try properties(String(repeating: "C", count: 100_000)).rotatable, 99_997)
        XCTAssertEqual(try properties(String(repeating: "c1ccccc1", count: 10_000)).aromaticRings, 10_000)
        // Perhydro-polyacene: 300 linearly fused cyclohexanes (C1CCC2CC3CCCCC3CC2C1 for 3).
        let n = 300
        var ladder = "C%(1)CCC%(2)" + (3...n).map { "CC%(\($0))" }.joined() + "CCCC"
        ladder += (2...n).reversed().map { "C%(\($0))" + ($0 > 2 ? "C" : "") }.joined() + "C%(1)"
        XCTAssertEqual(try properties(ladder).rings, n)
        XCTAssertLessThan(Date().timeIntervalSince(started), 60)
    }
}

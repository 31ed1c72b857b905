import Foundation
import XCTest

@testable import gen_molecule

final class MetricTests: XCTestCase {
    func molecule(_ smiles: String) throws -> Molecule {
        var m = try readMolecule(smiles).get().withoutExplicitHydrogens()
        m.perceiveAromaticity()
        return m
    }

    func canonical(_ smiles: String) throws -> String { try readMolecule(smiles).get().canonicalSMILES() }

    func testTanimotoOnHandMadePrints() {
        var a = Fingerprint(words: [UInt64](repeating: 0, count: Fingerprint.words))
        var b = a
        a.words[0] = 0b1111  // bits 0-3
        b.words[0] = 0b0011_1100  // bits 2-5
        b.words[15] = 1 << 63
        XCTAssertEqual(a.tanimoto(b), 2.0 / 7.0, accuracy: 1e-12)  // shared {2,3}; either {0-5, 1023}
        XCTAssertEqual(a.tanimoto(a), 1)
        XCTAssertEqual(
            Fingerprint(words: [UInt64](repeating: 0, count: 16)).tanimoto(Fingerprint(words: [UInt64](repeating: 0, count: 16))), 1)
    }

    func testFingerprintsFollowTheMoleculeNotTheSpelling() throws {
        let benzene = Fingerprint(try molecule("c1ccccc1"))
        XCTAssertEqual(Fingerprint(try molecule("C1=CC=CC=C1")), benzene)
        let phenol = Fingerprint(try molecule("Oc1ccccc1"))
        XCTAssertEqual(Fingerprint(try molecule("c1cc(O)ccc1")), phenol)
        let similarity = benzene.tanimoto(phenol)
        XCTAssertGreaterThan(similarity, 0.1)
        XCTAssertLessThan(similarity, 1)
        XCTAssertGreaterThan(benzene.count, 1)
    }

    /// RDKit's MurckoScaffold on these molecules (rdkit 2026.09).
    func testMurckoScaffoldsAsRDKit() throws {
        let cases = [
            ("c1ccccc1C(=O)Nc1ccccc1", "O=C(Nc1ccccc1)c1ccccc1"), ("O=C1CCCC1CC", "O=C1CCCC1"), ("c1ccccc1CCO", "c1ccccc1"),
            ("CC(=O)c1ccccc1", "c1ccccc1"), ("O=S(=O)(c1ccccc1)N1CCCC1", "O=S(=O)(c1ccccc1)N1CCCC1"), ("C=C1CCCC1", "C=C1CCCC1"),
            ("CC(=CC1CC1)C", "C1CC1"), ("N#Cc1ccccc1", "c1ccccc1"), ("O=C(CC1CC1)C1CC1", "O=C(CC1CC1)C1CC1"),
        ]
        for (smiles, expected) in cases {
            let scaffold = try readMolecule(smiles).get().withoutExplicitHydrogens().murckoScaffold()
            XCTAssertEqual(try scaffold.canonicalSMILES(), try canonical(expected), smiles)
        }
        XCTAssertTrue(try readMolecule("CCCC").get().murckoScaffold().atoms.isEmpty)
    }

    func testWassersteinDistance() {
        XCTAssertEqual(Similarity.wasserstein([0, 1], [0, 1]), 0)
        XCTAssertEqual(Similarity.wasserstein([0], [1]), 1)
        XCTAssertEqual(Similarity.wasserstein([0, 0], [1, 3]), 2, accuracy: 1e-12)
        XCTAssertEqual(Similarity.wasserstein([1, 2, 3], [2, 3, 4]), 1, accuracy: 1e-12)
    }

    func testPropertyBounds() throws {
        XCTAssertEqual(try PropertyBound("MW <= 500"), PropertyBound(.mw, .atMost, 500))
        XCTAssertEqual(try PropertyBound("logp>1.5"), PropertyBound(.logP, .above, 1.5))
        XCTAssertEqual(try PropertyBound("rings=2"), PropertyBound(.rings, .equal, 2))
        XCTAssertThrowsError(try PropertyBound("Mass<3")) { XCTAssertTrue("\($0)".contains("unknown property 'Mass'")) }
        XCTAssertThrowsError(try PropertyBound("MW<=big")) { XCTAssertTrue("\($0)".contains("'big' is not a number")) }
        XCTAssertThrowsError(try PropertyBound("MW")) { XCTAssertTrue("\($0)".contains("write NAME<=N")) }
        let aspirin = try MolecularProperties(smiles: "CC(=O)Oc1ccccc1C(=O)O")
        XCTAssertTrue(PropertyBound.lipinski.allSatisfy { $0.holds(aspirin) })
        XCTAssertFalse(try PropertyBound("HBD>=2").holds(aspirin))
    }

    /// MOSES's internal diversity of a set: 1 − mean Tanimoto over all ordered pairs (the
    /// diagonal included).
    func testInternalDiversityAsMOSESDefinesIt() throws {
        let prints = try ["c1ccccc1", "CCO", "CCN"].map { Fingerprint(try molecule($0)) }
        var total = 0.0
        for a in prints { for b in prints { total += a.tanimoto(b) } }
        XCTAssertEqual(Similarity.meanTanimoto(prints, prints, power: 1), total / 9, accuracy: 1e-12)
    }
}

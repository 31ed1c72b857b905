import Foundation
import XCTest

@testable import gen_molecule

final class CanonicalTests: XCTestCase {
    func canonical(_ smiles: String) throws -> String { try readMolecule(smiles).get().canonicalSMILES() }

    /// Three spellings of each of 3,000 MOSES molecules (RDKit's canonical form, a random atom
    /// order, a random Kekulé spelling): one canonical form per molecule, a different one for
    /// each molecule.
    func testSpellingsOfOneMoleculeAgree() throws {
        let rows = try Fixtures.rows("rdkit-spellings.tsv")
        XCTAssertEqual(rows.count, 3000)
        var forms = Set<String>()
        for row in rows {
            let form = try canonical(row[0])
            XCTAssertEqual(try canonical(row[1]), form, row[1])
            XCTAssertEqual(try canonical(row[2]), form, row[2])
            forms.insert(form)
        }
        XCTAssertEqual(forms.count, rows.count)
    }

    /// On the valid RDKit-labelled cases, two SMILES share a canonical form exactly when they
    /// share RDKit's (isotopes aside: RDKit's non-isomeric form drops them, ours keeps them).
    func testEqualExactlyWhenRDKitsAre() throws {
        var ours: [String: Set<String>] = [:]
        var theirs: [String: Set<String>] = [:]
        for row in try Fixtures.rows("rdkit-verdicts.tsv") where row[1] == "1" {
            guard let form = try? canonical(row[0]) else { continue }
            if form.contains("[13C") { continue }
            ours[form, default: []].insert(row[2])
            theirs[row[2], default: []].insert(form)
        }
        XCTAssertGreaterThan(ours.count, 1000)
        XCTAssertTrue(ours.values.allSatisfy { $0.count == 1 }, "\(ours.filter { $0.value.count > 1 })")
        XCTAssertTrue(theirs.values.allSatisfy { $0.count == 1 }, "\(theirs.filter { $0.value.count > 1 })")
    }

    func testForms() throws {
        XCTAssertEqual(try canonical("C1=CC=CC=C1"), "c1ccccc1")
        XCTAssertEqual(try canonical("[H]C([H])([H])[H]"), "C")
        XCTAssertEqual(try canonical("OC(=O)c1ccccc1"), try canonical("c1ccccc1C(O)=O"))
        XCTAssertEqual(try canonical("C1=CC2=CC=CC=C2C=C1"), "c1cccc2ccccc12")
        XCTAssertEqual(try canonical("c1cc[nH]c1"), "c1ccc[nH]1")
        XCTAssertEqual(try canonical("O.C1CC1"), "C1CC1.O")
        XCTAssertEqual(try canonical("C[N+](C)(C)C"), "C[N+](C)(C)C")
        XCTAssertEqual(try canonical("F/C=C/F"), try canonical("F/C=C\\F"))  // stereo is left out
        XCTAssertNotEqual(try canonical("[13CH4]"), try canonical("C"))  // isotopes are kept
        XCTAssertEqual(try canonical("[CH3:1]C[CH3:2]"), try canonical("[CH3:2]C[CH3:1]"))  // classes rank atoms
        // Only elements with an aromatic symbol are perceived aromatic; the form reads back.
        let germole = try canonical("[Ge]1=CC=CC=C1")
        XCTAssertEqual(try canonical(germole), germole)
        // Eleven nested rings: labels past 9 read back to the same molecule.
        let labels = (1...11).map { $0 < 10 ? "\($0)" : "%\($0)" }
        let nested = "C" + labels.map { "C" + "C\($0)" }.joined() + labels.reversed().map { "CC\($0)" }.joined()
        let form = try canonical(nested)
        XCTAssertEqual(try canonical(form), form)
        XCTAssertEqual(try readMolecule(form).get().atoms.count, try readMolecule(nested).get().atoms.count)
    }
}

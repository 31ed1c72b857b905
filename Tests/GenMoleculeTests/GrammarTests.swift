import XCTest

@testable import gen_molecule

/// The constrained decoder's aromatic rule: after a prefix, is the end token (or a ring closure)
/// still allowed? Cases that the ring-size rule passes but no Kekulé structure exists.
final class GrammarTests: XCTestCase {
    private let vocabulary = [SMILESTokens.end, "C", "O", "c", "n", "=", "(", ")", "1", "2", "[nH]", "o"]

    /// Whether `next` may follow `prefix` (tokens of `vocabulary`), the start token first.
    private func allows(_ next: String, after prefix: [String]) -> Bool {
        let grammar = SMILESGrammar(kinds: vocabulary.map(SMILESTokenKind.init), maxLength: 100)
        for token in [SMILESTokens.end] + prefix { grammar.advance(Int32(vocabulary.firstIndex(of: token)!)) }
        var logits = [Float](repeating: 0, count: vocabulary.count)
        grammar.process(&logits)
        return logits[vocabulary.firstIndex(of: next)!] > -.infinity
    }

    func testEndWaitsForAKekulisableAromaticSystem() {
        let benzene = ["c", "1", "c", "c", "c", "c", "c", "1"]
        XCTAssertTrue(allows(SMILESTokens.end, after: benzene))
        XCTAssertTrue(allows(SMILESTokens.end, after: ["C"] + benzene))
        // O=c1ccccc1: five ring carbons left for the double bonds, one always without.
        XCTAssertFalse(allows(SMILESTokens.end, after: ["O", "="] + benzene))
        XCTAssertFalse(allows("C", after: ["O", "="] + benzene), "a substituent completes the last ring atom")
        XCTAssertTrue(allows("(", after: ["O", "="] + benzene), "a branch keeps the ring atom open")
        // A substituted pyrrole-type n (three bonds) needs no double bond: 1,2,5-trimethylpyrrole
        // Cc1ccc(C)n1C may take its N-methyl, and a fused n closes its second ring.
        XCTAssertTrue(allows("C", after: ["C", "c", "1", "c", "c", "c", "(", "C", ")", "n", "1"]))
        XCTAssertTrue(allows("2", after: ["c", "1", "c", "c", "n", "2", "c", "1", "C", "C", "C", "C"]))
        // Naphthalene's second ring closes onto a complete system that still kekulises.
        let naphthalene = ["c", "1", "c", "c", "c", "2", "c", "c", "c", "c", "c", "2", "c", "1"]
        XCTAssertTrue(allows(SMILESTokens.end, after: naphthalene))
    }
}

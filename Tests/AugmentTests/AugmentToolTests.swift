import XCTest

@testable import augment

final class AugmentToolTests: XCTestCase {
    func testRootListsSubcommands() {
        XCTAssertEqual(Set(root.subcommands.map(\.name)).isSuperset(of: ["text", "tabular"]), true)
    }
}

import GenEngine
import XCTest

@testable import augment

/// Reading pipelines: the inline grammar, JSON files, albumentations' saved pipelines, and the
/// errors a user sees.
final class PipelineSpecTests: XCTestCase {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    func message(_ spec: String) -> String {
        do {
            _ = try Pipeline.parse(spec)
            return "no error"
        } catch { return "\(error)" }
    }

    func testInlineGrammar() throws {
        let p = try Pipeline.parse("hflip:p=0.5; oneof(rotate:limit=15 | affine:shear=10,p=2e-1):p=0.8 ; crop:scale=0.8-1.0,size=28")
        XCTAssertEqual(p.steps.count, 3)
        guard case .oneOf(let members, let prob) = p.steps[1] else { return XCTFail("not a oneof") }
        XCTAssertEqual(prob, 0.8)
        XCTAssertEqual(members.map(\.p), [0.5, 0.2])
        XCTAssertEqual(p.steps[2].p, 1)
    }

    func testErrorsNameTheProblem() {
        XCTAssertTrue(message("hflip; twirl").contains("unknown op 'twirl'"))
        XCTAssertTrue(message("rotate:limit=999").contains("limit=999 is out of range"))
        XCTAssertTrue(message("rotate:angle=3").contains("rotate has no parameter 'angle'; it takes limit"))
        XCTAssertTrue(message("hflip:p=1.5").contains("p takes a number in 0.0...1.0"))
        XCTAssertTrue(message("crop:scale=1.0-0.5").contains("scale=1.0-0.5"))
        XCTAssertTrue(message("oneof(hflip | vflip").contains("missing ')'"))
        XCTAssertTrue(message("resize").contains("resize needs size"))
        XCTAssertTrue(message("rotate:border=mirror").contains("one of constant, replicate, reflect, wrap"))
        XCTAssertTrue(message("").contains("empty"))
    }

    func testOurJSONFormat() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(#"[{"op": "hflip", "p": 1}, {"oneof": [{"op": "rotate", "limit": [-5, 5]}, {"op": "vflip"}], "p": 0.3}]"#.utf8).write(
            to: url)
        let p = try Pipeline.parse(url.path)
        XCTAssertEqual(p.steps.map(\.p), [1, 0.3])
    }

    func testAlbumentationsPipelineImports() throws {
        let p = try Pipeline.parse(fixtures.appendingPathComponent("albumentations-supported.json").path)
        XCTAssertEqual(p.steps.count, 13)
        XCTAssertEqual(p.boxRules, BoxRules(minVisibility: 0.3, minArea: 0))
        var sample = Sample(image: Image(width: 40, height: 30, channels: 3, pixels: (0..<3600).map { UInt8($0 % 256) }))
        var rng = RNG(seed: 4)
        _ = try p.run(&sample, rng: &rng, context: OpContext())
        XCTAssertTrue(
            [[28, 24], [24, 28]].contains([sample.image.width, sample.image.height]), "RandomResizedCrop size=(24, 28) is height, width")
    }

    func testAlbumentationsPipelineNamesMissingOps() {
        let m = message(fixtures.appendingPathComponent("albumentations-unsupported.json").path)
        XCTAssertTrue(m.contains("no counterpart for CLAHE, Perspective"), m)
    }
}

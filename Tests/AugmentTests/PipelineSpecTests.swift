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
        XCTAssertTrue(message("resize:size=30000x30000").contains("at most 67,108,864 pixels"))  // memory stays bounded
        XCTAssertTrue(message("rotate:limit=abc").contains("limit=abc is not a number"))
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

    /// A 1.x pipeline (always_apply, max_holes, var_limit, height/width) reads as 1.x meant it; a
    /// parameter augment would silently not honour is refused by name.
    func testAlbumentationsParameters() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("albu-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        func load(_ transforms: String) throws -> Pipeline {
            try Data(
                #"{"__version__": "1.4.0", "transform": {"__class_fullname__": "Compose", "p": 1.0, "transforms": [\#(transforms)]}}"#.utf8
            )
            .write(to: url)
            return try Pipeline.parse(url.path)
        }
        let old = try load(
            #"{"__class_fullname__": "Rotate", "always_apply": true, "p": 0.0, "limit": [-10, 10], "border_mode": 4, "value": 255},"#
                + #"{"__class_fullname__": "CoarseDropout", "p": 1.0, "max_holes": 4, "min_holes": 2, "max_height": 6, "min_height": 3, "#
                + #""max_width": 6, "min_width": 3, "fill_value": 255, "mask_fill_value": null},"#
                + #"{"__class_fullname__": "GaussNoise", "p": 1.0, "var_limit": [100.0, 100.0], "mean": 0, "per_channel": true}"#)
        var sample = Sample(image: Image(width: 32, height: 32, channels: 1, pixels: [UInt8](repeating: 100, count: 1024)))
        var rng = RNG(seed: 1)
        let ops = try old.run(&sample, rng: &rng, context: OpContext()).map(\.json)
        XCTAssertEqual(ops.count, 3)
        XCTAssertTrue(ops[0].hasPrefix(#"{"op":"rotate""#), "always_apply runs the op whatever its p")
        XCTAssertTrue(ops[1].contains(#""fill":255"#), ops[1])
        XCTAssertTrue(ops[2].contains(#""std":0.039216"#), ops[2])
        for (transform, message) in [
            (#"{"__class_fullname__": "Affine", "p": 1, "translate_px": {"x": [-3, 3], "y": [-3, 3]}}"#, "translate_px"),
            (#"{"__class_fullname__": "Affine", "p": 1, "fit_output": true}"#, "fit_output=false only, not true"),
            (#"{"__class_fullname__": "Rotate", "p": 1, "limit": [-5, 5], "fill": [255, 0, 0], "border_mode": 0}"#, "not one value"),
            (#"{"__class_fullname__": "Resize", "p": 1, "height": 9, "width": 9, "interpolation": 3}"#, "interpolation=3"),
            (#"{"__class_fullname__": "HorizontalFlip", "p": 1, "sparkle": 2}"#, "no counterpart for its parameter sparkle=2"),
            (#"{"__class_fullname__": "HorizontalFlip", "p": "0.5"}"#, #"HorizontalFlip.p="0.5" is not a probability"#),
            (#"{"__class_fullname__": "VerticalFlip", "p": 1.5}"#, "VerticalFlip.p=1.5 is not a probability"),
            (#"{"__class_fullname__": "VerticalFlip", "p": true}"#, "VerticalFlip.p=true is not a probability"),
        ] {
            XCTAssertThrowsError(try load(transform), transform) { XCTAssertTrue("\($0)".contains(message), "\($0)") }
        }
    }

    func testAlbumentationsPipelineNamesMissingOps() {
        let m = message(fixtures.appendingPathComponent("albumentations-unsupported.json").path)
        XCTAssertTrue(m.contains("no counterpart for CLAHE, Perspective"), m)
    }
}

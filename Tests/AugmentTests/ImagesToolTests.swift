import Foundation
import GenEngine
import ToolTesting
import XCTest

@testable import augment

/// `augment images`, `preview` and `merge-manifests` as a user runs them.
final class ImagesToolTests: XCTestCase {
    var dir: URL!
    let pipeline =
        "hflip; rotate:limit=20,border=reflect; crop:scale=0.6-1,size=24; jitter:brightness=0.3,contrast=0.3; noise:std=0.02-0.05; cutout:holes=1-2,size=5; mixup:alpha=0.4,p=0.3"

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("augment-\(UUID().uuidString)")
        let input = dir.appendingPathComponent("in")
        var rng = RNG(seed: 9)
        for cls in ["cat", "dog"] {
            try FileManager.default.createDirectory(at: input.appendingPathComponent(cls), withIntermediateDirectories: true)
            for i in 0..<5 {
                let channels = i == 4 ? 1 : 3
                let image = Image(
                    width: 32, height: 28, channels: channels, pixels: (0..<(32 * 28 * channels)).map { _ in UInt8(rng.int(below: 256)) })
                try PNG.write(image, to: input.appendingPathComponent("\(cls)/img \(i).png"))
            }
        }
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func augment(_ args: [String]) throws -> ToolOutput { try runTool("augment", args, in: dir) }

    /// Every file under `folder` (relative path → bytes).
    func files(_ folder: String) throws -> [String: Data] {
        let root = dir.appendingPathComponent(folder)
        var out: [String: Data] = [:]
        for case let path as String in FileManager.default.enumerator(atPath: root.path)! {
            let url = root.appendingPathComponent(path)
            if !DataFolder.isFolder(url) { out[path] = try Data(contentsOf: url) }
        }
        return out
    }

    func testSameBytesForAnyWorkersAndShards() throws {
        let base = ["images", "--in", "in", "--pipeline", pipeline, "--copies", "3", "--seed", "5", "--quiet"]
        XCTAssertEqual(try augment(base + ["--out", "one", "--workers", "1"]).status, 0)
        let two = try augment(base + ["--out", "two", "--workers", "2"])
        XCTAssertEqual(two.status, 0, two.err)
        for k in 0..<3 { XCTAssertEqual(try augment(base + ["--out", "sharded", "--shard", "\(k)/3"]).status, 0) }
        let merged = try augment([
            "merge-manifests", "sharded/manifest.shard-2-of-3.jsonl", "sharded/manifest.shard-0-of-3.jsonl",
            "sharded/manifest.shard-1-of-3.jsonl",
        ])
        XCTAssertEqual(merged.status, 0, merged.err)
        let one = try files("one")
        XCTAssertEqual(one.count, 32)  // 30 images, the manifest and the run's settings (.augment-run.json)
        XCTAssertEqual(one, try files("two"))
        var sharded = try files("sharded")
        for k in 0..<3 { XCTAssertNotNil(sharded.removeValue(forKey: "manifest.shard-\(k)-of-3.jsonl")) }
        XCTAssertEqual(one, sharded)
        // The manifest: one line per output, in path order, with the drawn parameters.
        let lines = String(decoding: one["manifest.jsonl"]!, as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(lines.count, 30)
        XCTAssertTrue(lines[0].hasPrefix(#"{"source":"cat/img 0.png","output":"cat/img 0__aug0.png","label":"#), String(lines[0]))
        let mixed = lines.filter { $0.contains(#""op":"mixup""#) }
        XCTAssertFalse(mixed.isEmpty)
        for line in mixed where line.contains(#""label":{"#) {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let weights = (object["label"] as! [String: Double]).values
            XCTAssertEqual(weights.reduce(0, +), 1, accuracy: 1e-5)
        }
        // A different seed gives different images.
        XCTAssertEqual(try augment(base.map { $0 == "5" ? "6" : $0 } + ["--out", "other"]).status, 0)
        XCTAssertNotEqual(one["cat/img 0__aug0.png"], try files("other")["cat/img 0__aug0.png"])
    }

    func testResumeWritesOnlyWhatIsMissingAndRefusesOverwrites() throws {
        let base = ["images", "--in", "in", "--out", "out", "--pipeline", "rotate:limit=10; noise", "--copies", "2", "--quiet"]
        XCTAssertEqual(try augment(base).status, 0)
        let whole = try files("out")
        let again = try augment(base)
        XCTAssertEqual(again.status, 73, again.err)
        XCTAssertTrue(again.err.contains("exists"), again.err)
        // A killed run: some outputs and the manifest are missing.
        let out = dir.appendingPathComponent("out")
        for name in ["dog/img 3__aug1.png", "cat/img 0__aug0.png", "manifest.jsonl"] {
            try FileManager.default.removeItem(at: out.appendingPathComponent(name))
        }
        let before =
            try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("dog/img 2__aug0.png").path)[.modificationDate]
            as! Date
        Thread.sleep(forTimeInterval: 0.05)
        let resumed = try augment(base + ["--resume"])
        XCTAssertEqual(resumed.status, 0, resumed.err)
        XCTAssertEqual(try files("out"), whole)
        let after =
            try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("dog/img 2__aug0.png").path)[.modificationDate]
            as! Date
        XCTAssertEqual(before, after, "an existing output was rewritten")
        // --resume finishes that run, not another: other settings are refused.
        try FileManager.default.removeItem(at: out.appendingPathComponent("cat/img 0__aug0.png"))
        let other = try augment(base.map { $0 == "2" ? "3" : $0 } + ["--resume"])
        XCTAssertEqual(other.status, 64, other.err)
        XCTAssertTrue(other.err.contains("finishes the run already in"), other.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("cat/img 0__aug0.png").path))
    }

    func testBadInputs() throws {
        let base = ["images", "--in", "in", "--pipeline", "hflip", "--quiet"]
        // --out inside --in, and --in inside --out.
        for out in ["in/aug", "."] {
            let r = try augment(base + ["--out", out])
            XCTAssertEqual(r.status, 64, r.err)
            XCTAssertTrue(r.err.contains("overlap"), r.err)
        }
        // A truncated PNG: named, non-zero, and --skip-bad lists it.
        let png = try Data(contentsOf: dir.appendingPathComponent("in/dog/img 1.png"))
        try png.prefix(60).write(to: dir.appendingPathComponent("in/dog/broken.png"))
        let failed = try augment(base + ["--out", "o1"])
        XCTAssertEqual(failed.status, 65, failed.err)
        XCTAssertTrue(failed.err.contains("dog/broken.png"), failed.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("o1/manifest.jsonl").path))
        let skipped = try augment(["images", "--in", "in", "--pipeline", "hflip", "--out", "o2", "--skip-bad"])
        XCTAssertEqual(skipped.status, 0, skipped.err)
        XCTAssertTrue(skipped.err.contains("skipped 1:\n  dog/broken.png"), skipped.err)
        XCTAssertEqual(
            String(decoding: try Data(contentsOf: dir.appendingPathComponent("o2/manifest.jsonl")), as: UTF8.self).split(separator: "\n")
                .count, 10)
        // A JPEG is named as such.
        try Data([0xFF, 0xD8, 0xFF]).write(to: dir.appendingPathComponent("in/cat/photo.jpg"))
        let jpeg = try augment(base + ["--out", "o3"])
        XCTAssertEqual(jpeg.status, 65)
        XCTAssertTrue(jpeg.err.contains("cat/photo.jpg: a .jpg file; augment reads PNG only"), jpeg.err)
        // Bad specs and a missing folder.
        let unknown = try augment(["images", "--in", "in", "--out", "o4", "--pipeline", "hflip; sharpen"])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.err.contains("unknown op 'sharpen'"), unknown.err)
        let missing = try augment(["images", "--in", "nowhere", "--out", "o5", "--pipeline", "hflip"])
        XCTAssertEqual(missing.status, 66, missing.err)
        // A crop larger than the image.
        let big = try augment(["images", "--in", "in", "--out", "o6", "--pipeline", "randomcrop:size=64", "--skip-bad"])
        XCTAssertTrue(big.err.contains("does not fit a 32x28 image"), big.err)
    }

    func testYOLOBoxesAreWrittenBesideOutputs() throws {
        let input = dir.appendingPathComponent("det")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        try PNG.write(
            Image(width: 40, height: 20, channels: 3, pixels: [UInt8](repeating: 90, count: 2400)),
            to: input.appendingPathComponent("a.png"))
        try "0 0.25 0.5 0.2 0.4\n1 0.95 0.5 0.1 0.2\n".write(to: input.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        let r = try augment([
            "images", "--in", "det", "--out", "det-aug", "--pipeline", "hflip:p=1; centercrop:size=30x20", "--boxes", "yolo",
            "--min-visibility", "0.6", "--quiet",
        ])
        XCTAssertEqual(r.status, 0, r.err)
        let labels = try String(contentsOf: dir.appendingPathComponent("det-aug/a__aug0.txt"), encoding: .utf8)
        // Flipped: box 0 → centre x 30 px, box 1 → centre 2 px (4 px wide); the crop keeps x 5…35.
        XCTAssertEqual(labels, "0 0.833333 0.500000 0.266667 0.400000\n")
        let manifest = try String(contentsOf: dir.appendingPathComponent("det-aug/manifest.jsonl"), encoding: .utf8)
        XCTAssertTrue(manifest.contains(#""label":null"#) && manifest.contains(#""boxes":1"#), manifest)
    }

    /// COCO in, COCO out: boxes move with hflip; shards' annotation files merge into the one
    /// file a whole run writes; a box outside its image is refused with its annotation id.
    func testCOCOAnnotations() throws {
        let input = dir.appendingPathComponent("coco")
        try FileManager.default.createDirectory(at: input.appendingPathComponent("sub"), withIntermediateDirectories: true)
        for name in ["a.png", "sub/b.png", "c.png"] {
            try PNG.write(
                Image(width: 40, height: 20, channels: 3, pixels: [UInt8](repeating: 90, count: 2400)),
                to: input.appendingPathComponent(name))
        }
        let coco = """
            {"images": [{"id": 1, "file_name": "a.png", "width": 40, "height": 20}, {"id": 7, "file_name": "b.png", "width": 40, "height": 20}],
             "annotations": [{"id": 1, "image_id": 1, "category_id": 3, "bbox": [4, 2, 10, 8], "area": 80, "iscrowd": 0},
                             {"id": 2, "image_id": 7, "category_id": 1, "bbox": [30, 0, 10, 20], "area": 200, "iscrowd": 0}],
             "categories": [{"id": 1, "name": "cat"}, {"id": 3, "name": "dog"}]}
            """
        try coco.write(to: dir.appendingPathComponent("coco.json"), atomically: true, encoding: .utf8)
        let base = [
            "images", "--in", "coco", "--boxes", "coco", "--coco", "coco.json", "--pipeline", "hflip:p=1", "--copies", "2", "--quiet",
        ]
        XCTAssertEqual(try augment(base + ["--out", "whole"]).status, 0)
        for k in 0..<2 { XCTAssertEqual(try augment(base + ["--out", "parts", "--shard", "\(k)/2"]).status, 0) }
        let merged = try augment(["merge-manifests", "parts/annotations.shard-1-of-2.json", "parts/annotations.shard-0-of-2.json"])
        XCTAssertEqual(merged.status, 0, merged.err)
        let whole = try Data(contentsOf: dir.appendingPathComponent("whole/annotations.json"))
        XCTAssertEqual(whole, try Data(contentsOf: dir.appendingPathComponent("parts/annotations.json")))
        let object = try JSONSerialization.jsonObject(with: whole) as! [String: Any]
        XCTAssertEqual((object["images"] as! [Any]).count, 6)
        let annotations = object["annotations"] as! [[String: Any]]
        XCTAssertEqual(annotations.map { $0["id"] as! Int }, [1, 2, 3, 4])
        XCTAssertEqual(annotations[0]["bbox"] as! [Double], [26, 2, 10, 8])
        XCTAssertEqual(annotations[0]["category_id"] as! Int, 3)
        XCTAssertEqual(annotations[2]["bbox"] as! [Double], [0, 0, 10, 20])
        let bad = coco.replacingOccurrences(of: "[30, 0, 10, 20]", with: "[35, 0, 10, 20]")
        try bad.write(to: dir.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
        let refused = try augment(["images", "--in", "coco", "--out", "o", "--boxes", "coco", "--coco", "bad.json", "--pipeline", "hflip"])
        XCTAssertEqual(refused.status, 65)
        XCTAssertTrue(refused.err.contains("annotation 2: the box"), refused.err)
    }

    /// Labelled digits from the shipped cDCGAN: shards merge into the one run, and --resume
    /// remakes only a missing image.
    func testGenerateShardsAndResume() throws {
        let base = ["generate", "--per-class", "3", "--class", "3", "--class", "7", "--seed", "2", "--quiet"]
        XCTAssertEqual(try augment(base + ["--out", "g1"]).status, 0)
        for k in 0..<2 { XCTAssertEqual(try augment(base + ["--out", "g2", "--shard", "\(k)/2"]).status, 0) }
        XCTAssertEqual(try augment(["merge-manifests", "g2/manifest.shard-0-of-2.jsonl", "g2/manifest.shard-1-of-2.jsonl"]).status, 0)
        var sharded = try files("g2")
        for k in 0..<2 { sharded["manifest.shard-\(k)-of-2.jsonl"] = nil }
        let whole = try files("g1")
        XCTAssertEqual(
            whole.keys.sorted(),
            ["3/gen_0.png", "3/gen_1.png", "3/gen_2.png", "7/gen_0.png", "7/gen_1.png", "7/gen_2.png", "manifest.jsonl"])
        XCTAssertEqual(whole, sharded)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("g1/7/gen_1.png"))
        XCTAssertEqual(try augment(base + ["--out", "g1"]).status, 73)
        XCTAssertEqual(try augment(base + ["--out", "g1", "--resume"]).status, 0)
        XCTAssertEqual(try files("g1"), whole)
        let unknown = try augment(["generate", "--class", "x", "--out", "g3"])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.err.contains("no class 'x'"), unknown.err)
    }

    func testPreviewGrid() throws {
        let r = try augment([
            "preview", "--in", "in/cat/img 0.png", "--pipeline", "rotate:limit=30,p=1", "--count", "7", "--columns", "4", "--out",
            "grid.png",
        ])
        XCTAssertEqual(r.status, 0, r.err)
        let grid = try PNG.read(dir.appendingPathComponent("grid.png"))
        XCTAssertEqual([grid.width, grid.height], [4 + 4 * 36, 4 + 2 * 32])
        let mix = try augment(["preview", "--in", "in/cat/img 0.png", "--pipeline", "mixup", "--out", "g2.png"])
        XCTAssertEqual(mix.status, 64)
    }

    /// A class folder and an image whose names are Latin-1 bytes (not UTF-8): read, augmented into
    /// outputs with the same bytes, named escaped in the manifest.
    func testNamesThatAreNotUTF8() throws {
        let root = dir.appendingPathComponent("latin1")
        let folder = root.path + "/cl\u{10FFE0}ss"  // SystemPath's form of the byte 0xE0
        try SystemPath.createFolder(folder)
        let image = try PNG.read(dir.appendingPathComponent("in/cat/img 0.png"))
        try PNG.write(image, to: URL(fileURLWithPath: folder + "/caf\u{10FFE9}.png"))
        let run = try augment(["images", "--in", "latin1", "--out", "out", "--pipeline", "hflip:p=1", "--copies", "1"])
        XCTAssertEqual(run.status, 0, run.err)
        let written = try DataFolder.files(under: dir.appendingPathComponent("out"), extensions: ["png"])
        XCTAssertEqual(
            written.map { SystemPath.escaped($0.path.replacingOccurrences(of: dir.path + "/out/", with: "")) },
            ["cl\\xE0ss/caf\\xE9__aug0.png"])
        let (w, c) = (image.width, image.channels)
        let mirrored = (0..<(w * image.height * c)).map { i in
            image.pixels[(i / (w * c)) * w * c + (w - 1 - i / c % w) * c + i % c]
        }
        XCTAssertEqual(try PNG.read(written[0]).pixels, mirrored)
        let manifest = try String(contentsOf: dir.appendingPathComponent("out/manifest.jsonl"), encoding: .utf8)
        XCTAssertTrue(manifest.contains(#""source":"cl\\xE0ss/caf\\xE9.png""#), manifest)
    }
}

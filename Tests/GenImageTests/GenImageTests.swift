import Foundation
import XCTest

@testable import GenEngine
@testable import gen_image

final class GenImageTests: XCTestCase {
    var dir: URL!

    override func setUp() {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("gen-image-test-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    /// Writes an IDX file with the given dimensions and bytes.
    func writeIDX(_ name: String, dims: [Int], bytes: [UInt8]) -> URL {
        var data: [UInt8] = [0, 0, 8, UInt8(dims.count)]
        for d in dims { data += [UInt8(d >> 24 & 255), UInt8(d >> 16 & 255), UInt8(d >> 8 & 255), UInt8(d & 255)] }
        let url = dir.appendingPathComponent(name)
        try! Data(data + bytes).write(to: url)
        return url
    }

    func testIDXReaderAndItsErrors() throws {
        let pixels = (0..<(3 * 4 * 4)).map { UInt8($0 * 5) }
        let images = writeIDX("x-images-idx3-ubyte", dims: [3, 4, 4], bytes: pixels)
        _ = writeIDX("x-labels-idx1-ubyte", dims: [3], bytes: [7, 0, 9])
        let data = try IDX.mnist(images: images)
        XCTAssertEqual(data.images.shape, [3, 1, 4, 4])
        XCTAssertEqual(data.labels, [7, 0, 9])
        XCTAssertEqual(data.images[1, 0, 0, 1], Float(17 * 5) / 255, accuracy: 1e-6)

        let truncated = writeIDX("t-images-idx3-ubyte", dims: [3, 4, 4], bytes: Array(pixels.prefix(20)))
        XCTAssertThrowsError(try IDX.read(truncated)) { XCTAssertTrue("\($0)".contains("promises 48 bytes")) }
        let url = dir.appendingPathComponent("junk")
        try Data("hello world".utf8).write(to: url)
        XCTAssertThrowsError(try IDX.read(url)) { XCTAssertEqual(CLIError(from: $0).code, .dataError) }
        let orphan = writeIDX("o-images-idx3-ubyte", dims: [1, 2, 2], bytes: [0, 0, 0, 0])
        XCTAssertThrowsError(try IDX.mnist(images: orphan)) { XCTAssertEqual(CLIError(from: $0).code, .noInput) }
    }

    /// A folder dataset: class subfolders of 8×8 PNGs.
    func makeFolder(size: Int = 8, perClass: Int = 6) throws -> URL {
        let root = dir.appendingPathComponent("data")
        for (k, name) in ["circle", "cross"].enumerated() {
            let folder = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0..<perClass {
                let pixels = (0..<(size * size)).map { p -> UInt8 in UInt8(((p + i + k * 3) % 5) * 60) }
                try PNG.write(Image(width: size, height: size, channels: 1, pixels: pixels), to: folder.appendingPathComponent("\(i).png"))
            }
        }
        return root
    }

    func testFolderReaderNamesBadFilesAndWrongSizes() throws {
        let root = try makeFolder()
        let data = try loadImages(root.path, size: 8, channels: 1, resize: false, skipBad: false, maxPixels: PNG.defaultMaxPixels)
        XCTAssertEqual(data.count, 12)
        XCTAssertEqual(data.classNames, ["circle", "cross"])
        XCTAssertEqual(data.labels.filter { $0 == 1 }.count, 6)
        XCTAssertEqual(
            try loadImages(root.path, size: 8, channels: 3, resize: false, skipBad: false, maxPixels: PNG.defaultMaxPixels).images.shape,
            [12, 3, 8, 8])

        let bad = root.appendingPathComponent("cross/broken.png")
        try Data([137, 80, 78, 71, 13, 10, 26, 10, 0, 0]).write(to: bad)
        XCTAssertThrowsError(
            try loadImages(root.path, size: 8, channels: 1, resize: false, skipBad: false, maxPixels: PNG.defaultMaxPixels)
        ) { error in
            XCTAssertTrue("\(error)".contains("broken.png"), "\(error)")
            XCTAssertEqual(CLIError(from: error).code, .dataError)
        }
        let (skipping, skipped) = try ImageFolder.read(root, size: 8, channels: 1, resize: false, skipBad: true)
        XCTAssertEqual(skipped, 1)
        XCTAssertEqual(skipping.count, 12)
        try FileManager.default.removeItem(at: bad)

        try PNG.write(
            Image(width: 10, height: 10, channels: 3, pixels: [UInt8](repeating: 200, count: 300)),
            to: root.appendingPathComponent("circle/big.png"))
        XCTAssertThrowsError(
            try loadImages(root.path, size: 8, channels: 1, resize: false, skipBad: false, maxPixels: PNG.defaultMaxPixels)
        ) { error in
            XCTAssertTrue("\(error)".contains("--resize"), "\(error)")
        }
        let resized = try loadImages(root.path, size: 8, channels: 1, resize: true, skipBad: false, maxPixels: PNG.defaultMaxPixels)
        XCTAssertEqual(resized.count, 13)
    }

    func testAccuracyOnHandComputedCase() {
        var rng = RNG(seed: 1)
        let net = Classifier(channels: 1, size: 8, classes: 3, rng: &rng)
        let x = Tensor.uniform([6, 1, 8, 8], rng: &rng)
        let predicted = noGrad { net(x).argmax(axis: 1).scalars.map { Int32($0) } }
        var labels = predicted
        labels[0] = (labels[0] + 1) % 3
        labels[3] = (labels[3] + 1) % 3
        XCTAssertEqual(accuracy(net, ImageDataset(images: x, labels: labels, classNames: ["a", "b", "c"])), 4.0 / 6.0, accuracy: 1e-12)
    }

    func run(_ args: [String], _ command: Command) throws {
        guard case .run(_, let parsed) = try CLI.parse(args, root: command) else { return XCTFail("did not parse \(args)") }
        try command.run!(parsed)
    }

    func testTrainSampleInterpolateReconstructEndToEnd() throws {
        let root = try makeFolder(size: 8, perClass: 16)
        let bundle = dir.appendingPathComponent("cvae")
        try run(
            [
                "--data", root.path, "--arch", "cvae", "--size", "8", "--epochs", "2", "--batch", "8", "--latent", "4",
                "--out", bundle.path, "--quiet", "--seed", "3",
            ], trainCommand)
        for file in ["config.json", "model.safetensors", "metrics.jsonl", "curve.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: bundle.appendingPathComponent(file).path), file)
        }
        // The background the training images were composited over is the bundle's, for eval and
        // reconstruct to use by default.
        XCTAssertEqual(try loadImageModel(bundle).manifest.domain.background, 0)
        // Training again into the same folder without --force or --resume is refused.
        XCTAssertThrowsError(try run(["--data", root.path, "--size", "8", "--out", bundle.path, "--quiet"], trainCommand)) {
            XCTAssertEqual(CLIError(from: $0).code, .cannotCreate)
        }
        let out = dir.appendingPathComponent("images")
        try run(["--model", bundle.path, "--count", "3", "--seed", "42", "--label", "1", "--out", out.path], sampleCommand)
        let first = try PNG.read(out.appendingPathComponent("sample-42-0.png"))
        XCTAssertEqual(first.width, 8)
        XCTAssertTrue(first.text.contains(PNGText("seed", "42")))
        XCTAssertTrue(first.text.contains(PNGText("label", "1")))
        // The same seed gives the same bytes.
        let again = dir.appendingPathComponent("again")
        try run(["--model", bundle.path, "--count", "3", "--seed", "42", "--label", "1", "--out", again.path], sampleCommand)
        XCTAssertEqual(
            try Data(contentsOf: out.appendingPathComponent("sample-42-2.png")),
            try Data(contentsOf: again.appendingPathComponent("sample-42-2.png")))
        XCTAssertThrowsError(
            try run(["--model", bundle.path, "--label", "7", "--grid", dir.appendingPathComponent("g.png").path], sampleCommand)
        ) {
            XCTAssertEqual(CLIError(from: $0).code, .usage)
        }
        let grid = dir.appendingPathComponent("grid.png")
        let stats = dir.appendingPathComponent("stats.json")
        try run(["--model", bundle.path, "--count", "4", "--grid", grid.path, "--stats", stats.path], sampleCommand)
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(contentsOf: stats)) as? [String: Any])?["count"] as? Int, 4)
        let small = try PNG.read(grid)
        XCTAssertEqual(small.width, 2 * 10 + 2)
        // --scale 3: each pixel a 3×3 block of the same grid.
        let big = dir.appendingPathComponent("big.png")
        try run(["--model", bundle.path, "--count", "4", "--grid", big.path, "--scale", "3"], sampleCommand)
        let enlarged = try PNG.read(big)
        XCTAssertEqual([enlarged.width, enlarged.height], [small.width * 3, small.height * 3])
        for (x, y) in [(0, 0), (5, 7), (small.width - 1, small.height - 1)] {
            for (dx, dy) in [(0, 0), (2, 1), (1, 2)] {
                XCTAssertEqual(
                    enlarged.pixels[((y * 3 + dy) * enlarged.width + x * 3 + dx) * enlarged.channels],
                    small.pixels[(y * small.width + x) * small.channels])
            }
        }
        // --seeds: one file per seed, each made again alone; --labels: one grid row per class.
        let seeded = dir.appendingPathComponent("seeded")
        try run(["--model", bundle.path, "--seeds", "0-2,5", "--out", seeded.path, "--quiet"], sampleCommand)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: seeded.path).sorted(),
            ["seed0000.png", "seed0001.png", "seed0002.png", "seed0005.png"])
        // Without --label, image S's class is S mod the model's two classes.
        for (s, label) in [(0, "0"), (1, "1"), (2, "0"), (5, "1")] {
            let image = try PNG.read(seeded.appendingPathComponent(String(format: "seed%04d.png", s)))
            XCTAssertTrue(image.text.contains(PNGText("label", label)), "seed \(s): \(image.text)")
        }
        let alone = dir.appendingPathComponent("alone")
        try run(["--model", bundle.path, "--seeds", "5", "--out", alone.path, "--quiet"], sampleCommand)
        XCTAssertEqual(
            try Data(contentsOf: seeded.appendingPathComponent("seed0005.png")),
            try Data(contentsOf: alone.appendingPathComponent("seed0005.png")))
        // --label by the class folder's name (or its index); an unknown class names the model's.
        let named = dir.appendingPathComponent("named")
        try run(["--model", bundle.path, "--seeds", "3", "--label", "cross", "--out", named.path, "--quiet"], sampleCommand)
        XCTAssertTrue(try PNG.read(named.appendingPathComponent("seed0003.png")).text.contains(PNGText("label", "1")))
        XCTAssertThrowsError(
            try run(["--model", bundle.path, "--label", "bird", "--grid", named.appendingPathComponent("x.png").path], sampleCommand)
        ) {
            XCTAssertTrue(CLIError(from: $0).message.contains("its classes: circle, cross"), "\($0)")
        }
        XCTAssertThrowsError(try run(["--model", bundle.path, "--seeds", "4-2", "--out", alone.path], sampleCommand)) {
            XCTAssertEqual(CLIError(from: $0).code, .usage)
        }
        let rows = dir.appendingPathComponent("rows.png")
        try run(["--model", bundle.path, "--labels", "1,0", "--columns", "3", "--grid", rows.path, "--quiet"], sampleCommand)
        let labelled = try PNG.read(rows)
        XCTAssertEqual([labelled.width, labelled.height], [3 * 10 + 2, 2 * 10 + 2])
        let strip = dir.appendingPathComponent("strip.png")
        try run(["--model", bundle.path, "--steps", "5", "--out", strip.path, "--label", "0"], interpolateCommand)
        XCTAssertEqual(try PNG.read(strip).width, 5 * 10 + 2)
        let mask = dir.appendingPathComponent("mask.png")
        try PNG.write(Image(width: 8, height: 8, channels: 1, pixels: (0..<64).map { $0 < 32 ? 255 : 0 }), to: mask)
        let repaired = dir.appendingPathComponent("repaired.png")
        try run(
            [
                "--model", bundle.path, "--in", root.appendingPathComponent("cross/0.png").path, "--mask", mask.path,
                "--steps", "20", "--label", "1", "--out", repaired.path,
            ], reconstructCommand)
        XCTAssertEqual(try PNG.read(repaired).height, 12)
        // A missing bundle is the engine's bundle error with exit 66.
        XCTAssertThrowsError(try run(["--model", dir.appendingPathComponent("nope").path], sampleCommand)) {
            XCTAssertEqual(CLIError(from: $0).code, .noInput)
        }
    }

    /// `train`'s defaults for each architecture are the settings the shipped models were trained
    /// with (the commands recorded in their bundles).
    func testTrainDefaultsAreTheShippedModelsSettings() throws {
        let shipped = ["image-mnist-cvae", "image-mnist-dcgan", "image-mnist-classifier"].map { "SharedModels/\($0)/config.json" }
        guard shipped.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) else { throw XCTSkip("run from the repository root") }
        for path in shipped {
            let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
            let words = ((config["training"] as! [String: Any])["command"] as! String).split(separator: " ").map(String.init)
            func value(_ flag: String) -> String? { words.firstIndex(of: flag).map { words[$0 + 1] } }
            let arch = try XCTUnwrap(ImageArchitecture(rawValue: value("--arch")!))
            let d = arch.defaults
            XCTAssertEqual(Int(value("--epochs") ?? "\(d.epochs)"), d.epochs, path)
            XCTAssertEqual(Float(value("--lr") ?? "\(d.learningRate)"), d.learningRate, path)
            XCTAssertEqual(Int(value("--batch") ?? "128"), d.batch, path)
            XCTAssertEqual(Float(value("--beta") ?? "1"), d.beta, path)
        }
    }

    /// The shipped CVAE infers the class of a digit it is not told (here a 7 and a 3 of MNIST's test
    /// set): reconstructing without --label gives the same bytes as with the right label, and a
    /// walk between a 3 and an 8 starts and ends at their reconstructions.
    func testCVAEInfersTheClassOfItsInput() throws {
        let seven = "samples/augment/mnist-100/7/t10k-00000.png"
        let three = "samples/augment/mnist-100/3/t10k-00018.png"
        let eight = "samples/augment/mnist-100/8/t10k-00061.png"
        guard FileManager.default.fileExists(atPath: seven), FileManager.default.fileExists(atPath: "SharedModels/image-mnist-cvae")
        else { throw XCTSkip("run from the repository root (samples and SharedModels)") }
        func reconstruction(_ input: String, _ extra: [String]) throws -> Image {
            let out = dir.appendingPathComponent("r\(extra.joined()).png")
            try run(["--in", input, "--out", out.path, "--quiet", "--force"] + extra, reconstructCommand)
            return try PNG.read(out)
        }
        XCTAssertEqual(try reconstruction(seven, []), try reconstruction(seven, ["--label", "7"]))
        XCTAssertNotEqual(try reconstruction(seven, []), try reconstruction(seven, ["--label", "9"]))
        let strip = dir.appendingPathComponent("walk.png")
        try run(["--from", three, "--to", eight, "--steps", "4", "--out", strip.path, "--quiet"], interpolateCommand)
        let walk = try PNG.read(strip)
        // Frame k of a grid with 2-pixel padding starts at x = 2 + 30k; a reconstruction's output is frame 1.
        func frame(_ image: Image, _ k: Int) -> [UInt8] {
            (0..<28).flatMap { y in (0..<28).map { x in image.pixels[((2 + y) * image.width + 2 + 30 * k + x) * image.channels] } }
        }
        for (k, (input, label)) in [(0, (three, "3")), (3, (eight, "8"))] {
            let ends = zip(frame(walk, k), frame(try reconstruction(input, ["--label", label]), 1))
            XCTAssertLessThanOrEqual(ends.map { abs(Int($0) - Int($1)) }.max()!, 1, "frame \(k)")
        }
    }

    /// Users' folders: junk is never data nor a class; whatever cannot be read is named and, with
    /// --skip-bad, skipped; alpha is composited over black, or the gray level given.
    func testFoldersAsUsersHaveThem() throws {
        let fm = FileManager.default
        let three = dir.appendingPathComponent("3")
        try fm.createDirectory(at: three, withIntermediateDirectories: true)
        // A 4x4 gray+alpha digit: white everywhere, opaque only on the diagonal.
        var pixels: [UInt8] = []
        for y in 0..<4 { for x in 0..<4 { pixels += [255, x == y ? 255 : 0] } }
        try PNG.write(Image(width: 4, height: 4, channels: 2, pixels: pixels), to: three.appendingPathComponent("alpha.png"))
        try fm.createDirectory(at: three.appendingPathComponent("x.png"), withIntermediateDirectories: true)
        XCTAssertEqual(mkfifo(three.appendingPathComponent("pipe.png").path, 0o600), 0)
        try fm.createSymbolicLink(atPath: three.appendingPathComponent("gone.png").path, withDestinationPath: "/nonexistent/gone.png")
        try Data("junk".utf8).write(to: three.appendingPathComponent("._alpha.png"))
        try Data("junk".utf8).write(to: dir.appendingPathComponent(".DS_Store"))
        try fm.createDirectory(at: dir.appendingPathComponent("__MACOSX/3"), withIntermediateDirectories: true)
        try Data("junk".utf8).write(to: dir.appendingPathComponent("__MACOSX/3/._alpha.png"))

        XCTAssertThrowsError(
            try ImageFolder.read(dir, size: 4, channels: 1, resize: false, skipBad: false, maxPixels: PNG.defaultMaxPixels)
        ) { error in
            XCTAssertTrue("\(error)".contains("gone.png: a symbolic link to nothing"), "\(error)")
        }
        let (data, skipped) = try ImageFolder.read(dir, size: 4, channels: 1, resize: false, skipBad: true)
        XCTAssertEqual(data.classNames, ["3"])
        XCTAssertEqual(skipped, 3)  // x.png (a folder), pipe.png (a FIFO, never opened), gone.png
        XCTAssertEqual(data.images.scalars, (0..<16).map { $0 % 5 == 0 ? 1 : 0 })
        // Over a white background (--background 255) the transparent pixels are white too.
        let (white, _) = try ImageFolder.read(dir, size: 4, channels: 1, resize: false, skipBad: true, background: 255)
        XCTAssertEqual(white.images.scalars, [Float](repeating: 1, count: 16))
    }

    /// Classes map by name onto the model's: a folder of only 3s and 7s is scored as 3s and 7s.
    func testFolderClassesMapByName() throws {
        let data = ImageDataset(images: Tensor.zeros([3, 1, 2, 2]), labels: [0, 1, 1], classNames: ["3", "7"])
        let mapped = try data.relabelled(as: (0...9).map(String.init), source: "test/")
        XCTAssertEqual(mapped.labels, [3, 7, 7])
        XCTAssertThrowsError(try data.relabelled(as: ["0", "1", "3"], source: "test/")) {
            XCTAssertTrue("\($0)".contains("class '7' is not one the model knows"), "\($0)")
        }
    }
}

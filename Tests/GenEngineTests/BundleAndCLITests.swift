import Foundation
import XCTest
@testable import GenEngine

final class BundleAndCLITests: XCTestCase {
    struct Config: Codable, Equatable { var width: Int }

    final class Net: Module {
        let a: Linear, bn: BatchNorm
        init(width: Int) {
            var rng = RNG(seed: UInt64(width))
            a = Linear(width, 2, rng: &rng)
            bn = BatchNorm(2)
        }
    }

    func testBundleRoundTripAndMismatchErrors() throws {
        let dir = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("model")
        let net = Net(width: 3)
        let manifest = BundleManifest(family: "test", config: Config(width: 3),
                                      training: TrainingRecord(command: "train --x", data: "none", steps: 1, seconds: 0),
                                      metrics: ["loss": 0.5])
        try ModelBundle.save(net, manifest: manifest, to: folder)
        XCTAssertThrowsError(try ModelBundle.save(net, manifest: manifest, to: folder)) { XCTAssertTrue("\($0)".contains("already exists")) }

        let loaded = try ModelBundle.manifest(Config.self, from: folder)
        XCTAssertEqual(loaded.config, Config(width: 3))
        XCTAssertEqual(loaded.tensors["a.weight"], TensorSpec(shape: [2, 3]))
        XCTAssertEqual(loaded.metrics["loss"], 0.5)
        let copy = Net(width: 3)
        try ModelBundle.loadWeights(into: copy, manifest: loaded, from: folder)
        XCTAssertEqual(copy.a.weight.scalars, net.a.weight.scalars)

        // A model of another size: every mismatch is named.
        XCTAssertThrowsError(try ModelBundle.loadWeights(into: Net(width: 4), manifest: loaded, from: folder)) { error in
            XCTAssertTrue("\(error)".contains("a.weight"), "\(error)")
            XCTAssertTrue("\(error)".contains("[2, 4]"), "\(error)")
        }
        // A config whose tensor list disagrees with the weights file.
        var wrong = loaded
        wrong.tensors["a.bias"] = TensorSpec(shape: [7])
        wrong.tensors["ghost"] = TensorSpec(shape: [1])
        XCTAssertThrowsError(try ModelBundle.loadWeights(into: copy, manifest: wrong, from: folder)) { error in
            XCTAssertTrue("\(error)".contains("'a.bias' is [2]"), "\(error)")
            XCTAssertTrue("\(error)".contains("lacks tensor 'ghost'"), "\(error)")
        }
        // A truncated weights file.
        let weights = folder.appendingPathComponent(ModelBundle.weightsFile)
        try Data(contentsOf: weights).prefix(30).write(to: weights)
        XCTAssertThrowsError(try ModelBundle.loadWeights(into: copy, manifest: loaded, from: folder)) { error in
            XCTAssertEqual(CLIError(from: error).code, .dataError)
        }
        XCTAssertThrowsError(try ModelBundle.manifest(Config.self, from: dir.appendingPathComponent("nope"))) { error in
            XCTAssertEqual(CLIError(from: error).code, .noInput)
        }
    }

    let root = Command("tool", abstract: "A test tool.", options: [
        .value("seed", "N", default: "0", help: "Random seed."),
        .value("temperature", "T", default: "1.0", help: "Sampling temperature."),
        .flag("quiet", short: "q", help: "No progress."),
    ], positionals: [Positional("PROMPT", help: "Text to continue.", optional: true)],
       subcommands: [Command("train", abstract: "Train.", options: [.value("epochs", "E", default: "3", help: "Epochs.")])])

    func testParsingTypedValuesAndErrors() throws {
        guard case .run(let path, let args) = try CLI.parse(["--seed=7", "-q", "hello"], root: root) else { return XCTFail() }
        XCTAssertEqual(path.map(\.name), ["tool"])
        XCTAssertEqual(try args.seed(), 7)
        XCTAssertEqual(try args.float("temperature"), 1.0)
        XCTAssertTrue(args.flag("quiet"))
        XCTAssertEqual(args.positionals, ["hello"])
        guard case .run(let sub, let subArgs) = try CLI.parse(["train", "--epochs", "5"], root: root) else { return XCTFail() }
        XCTAssertEqual(sub.map(\.name), ["tool", "train"])
        XCTAssertEqual(try subArgs.int("epochs", in: 1...10), 5)
        guard case .help = try CLI.parse(["train", "--help"], root: root) else { return XCTFail() }
        guard case .version = try CLI.parse(["--version"], root: root) else { return XCTFail() }

        func usageError(_ args: [String], _ fragment: String, line: UInt = #line) {
            XCTAssertThrowsError(try CLI.parse(args, root: root), line: line) { error in
                let e = error as! CLIError
                XCTAssertEqual(e.code, .usage, line: line)
                XCTAssertTrue(e.message.contains(fragment), e.message, line: line)
            }
        }
        usageError(["--sed", "3"], "did you mean --seed")
        usageError(["--seed"], "needs a value")
        usageError(["--quiet=1"], "takes no value")
        usageError(["a", "b"], "unexpected argument 'b'")
        guard case .run(_, let bad) = try CLI.parse(["--seed", "x", "--temperature", "hot"], root: root) else { return XCTFail() }
        XCTAssertThrowsError(try bad.seed()) { XCTAssertTrue("\($0)".contains("--seed expects")) }
        XCTAssertThrowsError(try bad.float("temperature")) { XCTAssertTrue("\($0)".contains("--temperature expects a number")) }
        guard case .run(_, let range) = try CLI.parse(["train", "--epochs", "50"], root: root) else { return XCTFail() }
        XCTAssertThrowsError(try range.int("epochs", in: 1...10)) { XCTAssertTrue("\($0)".contains("1...10")) }
    }

    func testHelpShowsDefaultsAndSubcommands() {
        let text = CLI.help([root])
        XCTAssertTrue(text.contains("--seed N"))
        XCTAssertTrue(text.contains("(default: 1.0)"))
        XCTAssertTrue(text.contains("train"))
        XCTAssertTrue(text.contains("--version"))
        XCTAssertTrue(CLI.usage([root]).hasPrefix("Usage: tool"))
    }
}

import Foundation
import XCTest

@testable import GenEngine

final class BundleAndCLITests: XCTestCase {
    struct Config: Codable, Equatable { var width: Int }
    struct Domain: Codable, Equatable { var tokens: String }

    final class Net: Module, GenerativeModel {
        static let family = "test-net"
        let config: Config
        let a: Linear, bn: BatchNorm
        init(_ config: Config, rng: inout RNG) {
            self.config = config
            a = Linear(config.width, 2, rng: &rng)
            bn = BatchNorm(2)
        }
    }

    func testBundleRoundTripAndMismatchErrors() throws {
        let dir = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("model")
        var rng = RNG(seed: 3)
        let net = Net(Config(width: 3), rng: &rng)
        let manifest = BundleManifest(
            domain: Domain(tokens: "v1"),
            training: TrainingRecord(command: "train --x", data: "none", steps: 1, seconds: 0),
            metrics: ["loss": 0.5])
        try ModelBundle.save(net, manifest: manifest, to: folder)
        XCTAssertThrowsError(try ModelBundle.save(net, manifest: manifest, to: folder)) {
            XCTAssertTrue("\($0)".contains("already exists"))
        }

        let (copy, loaded) = try ModelBundle.load(Net.self, from: folder, domain: Domain.self)
        XCTAssertEqual(copy.config, Config(width: 3))
        XCTAssertEqual(loaded.family, "test-net")
        XCTAssertEqual(loaded.domain, Domain(tokens: "v1"))
        XCTAssertEqual(loaded.tensors["a.weight"], TensorSpec(shape: [2, 3]))
        XCTAssertEqual(loaded.metrics["loss"], 0.5)
        XCTAssertEqual(copy.a.weight.scalars, net.a.weight.scalars)
        XCTAssertFalse(copy.training, "a loaded model is in evaluation mode")

        // Another family, or a family the caller does not know: named.
        XCTAssertThrowsError(try ModelBundle.load(folder)) { error in
            XCTAssertTrue("\(error)".contains("holds a 'test-net' model; expected one of: ngram"), "\(error)")
        }
        // A domain of another shape.
        struct OtherDomain: Codable { var classNames: [String] }
        XCTAssertThrowsError(try ModelBundle.load(Net.self, from: folder, domain: OtherDomain.self)) { error in
            XCTAssertTrue("\(error)".contains("domain.classNames"), "\(error)")
            XCTAssertTrue("\(error)".contains("(it holds a 'test-net' model, made by train)"), "\(error)")
            XCTAssertTrue("\(error)".contains("reads bundles made by"), "\(error)")
        }
        // A config whose tensor list disagrees with the weights file, and a config of another size.
        let configURL = folder.appendingPathComponent(ModelBundle.configFile)
        let original = try String(contentsOf: configURL, encoding: .utf8)
        try original.replacingOccurrences(of: "\"width\" : 3", with: "\"width\" : 4").write(
            to: configURL, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ModelBundle.load(Net.self, from: folder, domain: Domain.self)) { error in
            XCTAssertTrue("\(error)".contains("a.weight"), "\(error)")
            XCTAssertTrue("\(error)".contains("[2, 4]"), "\(error)")
        }
        var wrong = loaded
        wrong.tensors["a.bias"] = TensorSpec(shape: [7])
        wrong.tensors["ghost"] = TensorSpec(shape: [1])
        XCTAssertThrowsError(try ModelBundle.loadTensors(manifest: wrong, from: folder)) { error in
            XCTAssertTrue("\(error)".contains("'a.bias' is [2]"), "\(error)")
            XCTAssertTrue("\(error)".contains("lacks tensor 'ghost'"), "\(error)")
        }
        // A folder where training stopped before writing the bundle says to resume it.
        let unfinished = dir.appendingPathComponent("unfinished")
        try FileManager.default.createDirectory(at: unfinished.appendingPathComponent("checkpoint"), withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: unfinished.appendingPathComponent("checkpoint/state.json"))
        XCTAssertThrowsError(try ModelBundle.load(Net.self, from: unfinished, domain: Domain.self)) { error in
            XCTAssertTrue("\(error)".contains("training has not finished here"), "\(error)")
            XCTAssertTrue("\(error)".contains("--resume"), "\(error)")
        }
        // A bundle of the previous format is named as such.
        try original.replacingOccurrences(of: ModelBundle.format, with: "gensuite-bundle/1").write(
            to: configURL, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ModelBundle.load(Net.self, from: folder, domain: Domain.self)) { error in
            XCTAssertTrue("\(error)".contains("format 'gensuite-bundle/1'"), "\(error)")
        }
        try original.write(to: configURL, atomically: true, encoding: .utf8)
        // A truncated weights file.
        let weights = folder.appendingPathComponent(ModelBundle.weightsFile)
        try Data(contentsOf: weights).prefix(30).write(to: weights)
        XCTAssertThrowsError(try ModelBundle.load(Net.self, from: folder, domain: Domain.self)) { error in
            XCTAssertEqual(CLIError(from: error).code, .dataError)
        }
        XCTAssertThrowsError(try ModelBundle.load(dir.appendingPathComponent("nope"))) { error in
            XCTAssertEqual(CLIError(from: error).code, .noInput)
        }
    }

    func testEveryEngineFamilyRoundTripsThroughTheLoader() throws {
        let dir = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var rng = RNG(seed: 5)
        let ngram = NGramModel(NGramConfig(order: 3, vocabSize: 6))
        ngram.fit([[0, 1, 2, 3, 4, 5, 0, 1, 2, 0, 1]])
        let gmm = GaussianMixture(GaussianMixtureConfig(components: 2, dimensions: 3))
        gmm.fit(Tensor.normal([50, 3], rng: &rng), rng: &rng)
        let models: [any GenerativeModel] = [
            ngram, gmm,
            VAE(VAEConfig(architecture: .mlp, channels: 1, height: 8, width: 8, latent: 2, hidden: [8]), rng: &rng),
            GAN(GANConfig(architecture: .mlp, shape: [4], latent: 3, width: 8), rng: &rng),
            RecurrentLM(RecurrentLMConfig(vocabSize: 7, embedding: 4, hidden: 8, layers: 1, cell: .gru), rng: &rng),
            TransformerLM(TransformerLMConfig(vocabSize: 7, contextLength: 8, layers: 1, heads: 2, width: 8), rng: &rng),
        ]
        for model in models {
            let family = type(of: model).family
            let folder = dir.appendingPathComponent(family)
            try ModelBundle.save(model, manifest: BundleManifest(), to: folder)
            let (copy, manifest) = try ModelBundle.load(folder)
            XCTAssertEqual(manifest.family, family)
            XCTAssertTrue(type(of: copy) == type(of: model), family)
            XCTAssertEqual(copy.parameterCount, model.parameterCount, family)
            let a = model.stateDict()
            let b = copy.stateDict()
            XCTAssertEqual(a.map(\.0), b.map(\.0), family)
            for ((name, x), (_, y)) in zip(a, b) { XCTAssertEqual(x.scalars, y.scalars, "\(family) \(name)") }
        }
        // Sequence models share the scoring: the n-gram's NLL is its mean log-likelihood.
        let sequence: [Int32] = [0, 1, 2, 3, 4]
        XCTAssertEqual(
            ngram.negativeLogLikelihood([sequence]), -ngram.logLikelihood(sequence).dropFirst().reduce(0, +) / 4, accuracy: 1e-12)
        XCTAssertThrowsError(try ModelBundle.loadSequenceModel(dir.appendingPathComponent("vae"))) { error in
            XCTAssertTrue("\(error)".contains("holds a 'vae' model"), "\(error)")
        }
    }

    enum Arch: String, CaseIterable { case ngram, lstm, gpt }
    static let seed = Opt.seed(help: "Random seed.")
    static let temperature = Opt.float("temperature", "T", default: 1, in: 0...5, help: "Sampling temperature.")
    static let quiet = Opt.flag("quiet", short: "q", help: "No progress.")
    static let stop = Opt.list("stop", "TEXT", help: "Stop at this text.")
    static let epochs = Opt.int("epochs", "E", default: 3, in: 1...10, help: "Epochs.")
    static let arch = Opt.choice("arch", "ARCH", default: Arch.lstm, help: "The model family.")
    static let metre = Opt<Arch?>.choice("family", "F", help: "An optional choice.")
    static let long = Opt.string("prompt-file", "FILE", help: String(repeating: "A long help text that must wrap. ", count: 6))

    let root = Command(
        "tool", abstract: "A test tool.", options: [seed, temperature, quiet, stop, long],
        positionals: [Positional("PROMPT", help: "Text to continue.", optional: true)],
        subcommands: [Command("train", abstract: "Train.", options: [epochs, arch, metre])])

    /// A resumed run's ETA is timed on the steps it did itself: 100 steps in 50 s from step 9,000
    /// of 28,000 leave 18,900 steps, 9,450 s (not 50 s spread over all 9,100 steps).
    func testProgressETACountsOnlyThisRunsSteps() {
        XCTAssertEqual(Progress.eta(elapsed: 50, done: 9_100, startedAt: 9_000, total: 28_000), 9_450, accuracy: 1e-9)
        XCTAssertEqual(Progress.eta(elapsed: 50, done: 100, startedAt: 0, total: 200), 50, accuracy: 1e-9)
        XCTAssertEqual(Progress.eta(elapsed: 3, done: 9_000, startedAt: 9_000, total: 28_000), 0)
        XCTAssertEqual(Progress.clock(9_450), "2:37:30")
    }

    /// An output under a regular file (not a folder) is refused before any work, with exit 73.
    func testOutputUnderAFileIsRefusedUpFront() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-folder-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        XCTAssertThrowsError(try OutputOptionGroup.checkWritable(file.appendingPathComponent("deeper/stats.json"))) {
            XCTAssertEqual(($0 as? IOFailure)?.exitCode, .cannotCreate)
            XCTAssertTrue("\($0)".contains("is a file, not a folder"), "\($0)")
        }
        XCTAssertNoThrow(try OutputOptionGroup.checkWritable(file.deletingLastPathComponent().appendingPathComponent("new/stats.json")))
    }

    /// `train --out`: a folder holding only macOS's `.DS_Store` is empty; one holding a file, even
    /// a hidden one, is refused without `--resume` or `--force` (exit 73).
    func testTrainingOutputFolderIgnoresJunk() throws {
        let group = TrainingOptionGroup(epochs: 1, learningRate: 0.001, batch: 1)
        let command = Command("train", abstract: "Train.", options: group.options)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func check(_ extra: [String] = []) throws {
            guard case .run(_, let args) = try CLI.parse(["--out", folder.path] + extra, root: command) else { return XCTFail() }
            _ = try group.outputFolder(args)
        }
        try Data().write(to: folder.appendingPathComponent(".DS_Store"))
        XCTAssertNoThrow(try check())
        try Data("KEY=1".utf8).write(to: folder.appendingPathComponent(".env"))
        XCTAssertThrowsError(try check()) {
            XCTAssertEqual(CLIError(from: $0).code, .cannotCreate)
            XCTAssertTrue("\($0)".contains("holds 1 file(s)"), "\($0)")
        }
        XCTAssertNoThrow(try check(["--force"]))
    }

    func testParsingTypedValuesAndErrors() throws {
        typealias T = BundleAndCLITests
        guard case .run(let path, let args) = try CLI.parse(["--seed=7", "-q", "hello", "--stop", "a", "--stop", "b"], root: root) else {
            return XCTFail()
        }
        XCTAssertEqual(path.map(\.name), ["tool"])
        XCTAssertEqual(args[T.seed], 7)
        XCTAssertEqual(args[T.temperature], 1.0)
        XCTAssertFalse(args.has(T.temperature))
        XCTAssertTrue(args[T.quiet])
        XCTAssertEqual(args[T.stop], ["a", "b"])
        XCTAssertEqual(args.positionals, ["hello"])
        guard case .run(let sub, let subArgs) = try CLI.parse(["train", "--epochs", "5", "--arch", "gpt"], root: root) else {
            return XCTFail()
        }
        XCTAssertEqual(sub.map(\.name), ["tool", "train"])
        XCTAssertEqual(subArgs[T.epochs], 5)
        XCTAssertEqual(subArgs[T.arch], .gpt)
        XCTAssertNil(subArgs[T.metre])
        guard case .help = try CLI.parse(["train", "--help"], root: root) else { return XCTFail() }
        guard case .version = try CLI.parse(["--version"], root: root) else { return XCTFail() }
        guard case .help(let helpPath) = try CLI.parse(["help", "train"], root: root) else { return XCTFail() }
        XCTAssertEqual(helpPath.map(\.name), ["tool", "train"])

        func usageError(_ args: [String], _ fragment: String, line: UInt = #line) {
            XCTAssertThrowsError(try CLI.parse(args, root: root), line: line) { error in
                let e = error as! CLIError
                XCTAssertEqual(e.code, .usage, line: line)
                XCTAssertTrue(e.message.contains(fragment), e.message, line: line)
            }
        }
        // Every bad value is a usage error when the command line is parsed, before any work.
        usageError(["--sed", "3"], "did you mean --seed")
        usageError(["--seed"], "needs a value")
        usageError(["--quiet=1"], "takes no value")
        usageError(["a", "b"], "unexpected argument 'b'")
        usageError(["--seed", "x"], "--seed expects")
        usageError(["--temperature", "hot"], "--temperature expects a number")
        usageError(["train", "--epochs", "50"], "1...10")
        usageError(["train", "--arch", "lstn"], "--arch must be one of ngram, lstm, gpt, got 'lstn' (did you mean lstm?)")
        usageError(["train", "--family", "rnn"], "--family must be one of")
        usageError(["--seed", "1", "--seed", "2"], "--seed is given more than once")
        let noPositionals = Command("tool", abstract: "A tool.", subcommands: root.subcommands)
        XCTAssertThrowsError(try CLI.parse(["trian"], root: noPositionals)) {
            XCTAssertTrue("\($0)".contains("did you mean 'train'"), "\($0)")
        }
    }

    func testDefaultSubcommandTakesItsOptions() throws {
        let sample = Command("sample", abstract: "Sample.", options: [BundleAndCLITests.seed]) { _ in }
        let tool = Command(
            "tool", abstract: "A tool.", subcommands: [sample, Command("train", abstract: "Train.")], defaultSubcommand: "sample")
        guard case .run(let path, let args) = try CLI.parse(["--seed", "9"], root: tool) else { return XCTFail() }
        XCTAssertEqual(path.map(\.name), ["tool", "sample"])
        XCTAssertEqual(args[BundleAndCLITests.seed], 9)
        guard case .run(let none, _) = try CLI.parse([], root: tool) else { return XCTFail() }
        XCTAssertEqual(none.map(\.name), ["tool", "sample"])
        guard case .run(let train, _) = try CLI.parse(["train"], root: tool) else { return XCTFail() }
        XCTAssertEqual(train.map(\.name), ["tool", "train"])
        guard case .help(let help) = try CLI.parse(["--help"], root: tool) else { return XCTFail() }
        XCTAssertTrue(CLI.help(help).contains("--seed N"), CLI.help(help))
        // A misspelt subcommand lands in the default one as an argument: the message names the
        // subcommand meant.
        XCTAssertThrowsError(try CLI.parse(["trian"], root: tool)) {
            XCTAssertTrue("\($0)".contains("unexpected argument 'trian' (did you mean the subcommand 'train'?)"), "\($0)")
        }
    }

    func testHelpShowsDefaultsChoicesAndWrapsAt80Columns() {
        let text = CLI.help([root])
        XCTAssertTrue(text.contains("--seed N"))
        XCTAssertTrue(text.contains("(default: 1.0)"))
        XCTAssertTrue(text.contains("train"))
        XCTAssertTrue(text.contains("--version"))
        XCTAssertTrue(text.contains("Repeatable."))
        XCTAssertTrue(CLI.help([root, root.subcommands[0]]).contains("One of: ngram, lstm, gpt."))
        for line in (text + CLI.help([root, root.subcommands[0]])).split(separator: "\n") {
            XCTAssertLessThanOrEqual(line.count, 80, String(line))
        }
        XCTAssertTrue(CLI.usage([root]).hasPrefix("Usage: tool"))
    }

    func testOutputNamesAreNumberedAndSortable() {
        XCTAssertEqual(OutputOptionGroup.numberedPaths("out/song.mid", count: 1, seed: 3, extension: "mid"), ["out/song.mid"])
        let many = OutputOptionGroup.numberedPaths("/tmp/x/song.mid", count: 12, seed: 3, extension: "mid")
        XCTAssertEqual(many.first, "/tmp/x/song-3-00.mid")
        XCTAssertEqual(many.last, "/tmp/x/song-3-11.mid")
        XCTAssertEqual(many, many.sorted())
    }
}

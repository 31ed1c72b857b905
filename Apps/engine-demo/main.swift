// The engine end to end, before the domain tools exist: trains a small character-level GPT on
// Shakespeare for a few hundred steps, reports train/validation loss, samples text, and saves
// the model as a bundle.
import Foundation
import GenEngine

/// The shipped Shakespeare sample, found from any folder (`ShippedFile`).
let defaultData = "samples/data/shakespeare/shakespeare_1mb.txt.gz"

enum Options {
    static let data = Opt.string("data", "PATH", default: defaultData, help: "Training text (.txt or .txt.gz).")
    static let out = Opt.string("out", "DIR", default: "demo/engine", help: "Folder for the model bundle and the sample.")
    static let steps = Opt.int("steps", default: 600, in: 1...1_000_000, help: "Training steps.")
    static let seed = Opt.seed(default: 1337, help: "Random seed.")
    static let prompt = Opt.string("prompt", "TEXT", default: "ROMEO:", help: "Start of the generated sample.")
    static let quiet = Opt.flag("quiet", help: "No progress output.")
}

let root = Command(
    "engine-demo", abstract: "Train a tiny character-level GPT on Shakespeare and sample from it.",
    options: [
        Options.data, Options.out, Options.steps, Options.seed, Options.prompt, Options.quiet,
    ]
) { args in
    let seed = args[Options.seed]
    let steps = args[Options.steps]
    let quiet = args[Options.quiet]
    let out = URL(fileURLWithPath: args[Options.out])
    let given = args[Options.data]
    let dataPath = given == defaultData ? ShippedFile.locate(defaultData)?.path ?? given : given
    let text = String(decoding: try Gzip.readMaybeCompressed(URL(fileURLWithPath: dataPath)), as: UTF8.self)
    guard text.count > 10_000 else { throw CLIError.badData("\(dataPath): need at least 10,000 characters of text") }

    // Character vocabulary, sorted so that ids do not depend on hashing.
    let vocabulary = Array(Set(text.unicodeScalars)).sorted { $0.value < $1.value }
    let index = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, Int32($0)) })
    let ids = text.unicodeScalars.map { index[$0]! }
    // The last tenth is held out; 20,000 characters of it are enough to validate on.
    let split = ids.count * 9 / 10
    let train = Array(ids[..<split])
    let validation = Array(ids[split...].prefix(20_000))

    let config = TransformerLMConfig(vocabSize: vocabulary.count, contextLength: 64, layers: 2, heads: 4, width: 64)
    var plan = LanguageModelPlan(batch: 16, length: config.contextLength, learningRate: 3e-3)
    (plan.steps, plan.weightDecay, plan.seed) = (steps, 0.1, seed)
    var recipe = LanguageModelTraining(train: [train], validation: [validation], plan: plan)
    recipe.quiet = quiet
    let (trained, summary) = try recipe.run(.transformer(config), folder: out.appendingPathComponent("training"))
    let model = trained as! TransformerLM
    let final = model.negativeLogLikelihood([validation])
    printError(
        String(
            format: "engine-demo: %d parameters, %d characters; %d steps in %.1f s (%.0f tokens/s), validation loss %.3f nats",
            model.parameterCount, vocabulary.count, steps, summary.seconds, Double(steps * 16 * 64) / summary.seconds, final))

    let prompt = args[Options.prompt].unicodeScalars.compactMap { index[$0] }
    guard !prompt.isEmpty else { throw CLIError.usage("--prompt has no character of the training text") }
    var sampler = RNG(seed: seed, stream: "sample")
    let generated = model.generate(
        prompt: prompt, options: GenerationOptions(sampling: SamplingOptions(temperature: 0.8), maxTokens: 400),
        rng: &sampler
    ).tokens
    var sample = String.UnicodeScalarView()
    for id in prompt + generated { sample.append(vocabulary[Int(id)]) }
    let sampleText = String(sample)

    let manifest = BundleManifest(
        training: TrainingRecord(
            command: (["engine-demo"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
            data: dataPath, steps: summary.steps, seconds: summary.seconds),
        metrics: ["validation_loss_nats": final].merging(summary.lastTrainLoss.map { ["train_loss_nats": $0] } ?? [:]) { a, _ in a })
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    try ModelBundle.save(model, manifest: manifest, to: out.appendingPathComponent("model"), overwrite: true)
    try AtomicFile.write(Data((sampleText + "\n").utf8), to: out.appendingPathComponent("sample.txt"))
    print(sampleText)
    printError("engine-demo: wrote \(out.path)/model (bundle) and \(out.path)/sample.txt")
}

CLI.main(version: "0.1.0", root: root)

// The engine end to end, before the domain tools exist: trains a small character-level GPT on
// Shakespeare for a few hundred steps, reports train/validation loss, samples text, and saves
// the model as a bundle.
import Foundation
import GenEngine

let root = Command("engine-demo", abstract: "Train a tiny character-level GPT on Shakespeare and sample from it.", options: [
    .value("data", "PATH", default: "samples/data/shakespeare/shakespeare_1mb.txt.gz", help: "Training text (.txt or .txt.gz)."),
    .value("out", "DIR", default: "demo/engine", help: "Folder for the model bundle and the sample."),
    .value("steps", "N", default: "600", help: "Training steps."),
    .value("seed", "N", default: "1337", help: "Random seed."),
    .value("prompt", "TEXT", default: "ROMEO:", help: "Start of the generated sample."),
    .flag("quiet", help: "No progress output."),
]) { args in
    let seed = try args.seed()!
    let steps = try args.int("steps", in: 1...1_000_000)!
    let quiet = args.flag("quiet")
    let out = URL(fileURLWithPath: args.string("out")!)
    let text = String(decoding: try Gzip.readMaybeCompressed(URL(fileURLWithPath: args.string("data")!)), as: UTF8.self)
    guard text.count > 10_000 else { throw CLIError.badData("\(args.string("data")!): need at least 10,000 characters of text") }

    // Character vocabulary, sorted so that ids do not depend on hashing.
    let vocabulary = Array(Set(text.unicodeScalars)).sorted { $0.value < $1.value }
    let index = Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, Int32($0)) })
    let ids = text.unicodeScalars.map { index[$0]! }
    let split = ids.count * 9 / 10
    let train = Array(ids[..<split]), validation = Array(ids[split...])

    let config = TransformerLMConfig(vocabSize: vocabulary.count, contextLength: 64, layers: 2, heads: 4, width: 64)
    var rng = RNG(seed: seed, stream: "model")
    let model = TransformerLM(config, rng: &rng)
    let batch = 16, context = config.contextLength
    var batches = RNG(seed: seed, stream: "batches")
    func sampleBatch(_ data: [Int32], _ rng: inout RNG) -> (x: [Int32], y: [Int32]) {
        var x: [Int32] = [], y: [Int32] = []
        for _ in 0..<batch {
            let start = rng.int(below: data.count - context - 1)
            x += data[start..<(start + context)]
            y += data[(start + 1)...(start + context)]
        }
        return (x, y)
    }
    func validationLoss() -> Float {
        var evalRNG = RNG(seed: seed, stream: "validation")
        return noGrad {
            (0..<8).map { _ in
                let (x, y) = sampleBatch(validation, &evalRNG)
                return model.loss(inputs: x, targets: y, batch: batch).item
            }.reduce(0, +) / 8
        }
    }

    let optimizer = Adam.adamW(learningRate: 3e-3, weightDecay: 0.1)
    let schedule = CosineSchedule(peak: 3e-3, minimum: 3e-4, warmup: 20, total: steps)
    let initial = validationLoss()
    printError("engine-demo: \(model.parameterCount) parameters, \(vocabulary.count) characters, validation loss \(String(format: "%.3f", initial)) nats before training")
    let progress = Progress(total: steps, label: "training", quiet: quiet)
    let started = Date()
    var trainLoss: Float = 0
    for step in 0..<steps {
        let (x, y) = sampleBatch(train, &batches)
        let (loss, grads) = valueAndGrad(model) { m in m.loss(inputs: x, targets: y, batch: batch) }()
        optimizer.learningRate = schedule(step)
        optimizer.update(model, clipGradNorm(grads, maxNorm: 1).0)
        trainLoss = loss.item
        progress.update(step + 1, note: String(format: "loss %.3f", trainLoss))
    }
    let seconds = Date().timeIntervalSince(started)
    let final = validationLoss()
    printError(String(format: "engine-demo: %d steps in %.1f s (%.0f tokens/s); train loss %.3f, validation loss %.3f nats (from %.3f)",
                      steps, seconds, Double(steps * batch * context) / seconds, trainLoss, final, initial))

    let prompt = args.string("prompt")!.unicodeScalars.compactMap { index[$0] }
    guard !prompt.isEmpty else { throw CLIError.usage("--prompt has no character of the training text") }
    var sampler = RNG(seed: seed, stream: "sample")
    let generated = model.generate(prompt: prompt, options: GenerationOptions(sampling: SamplingOptions(temperature: 0.8), maxTokens: 400),
                                   rng: &sampler).tokens
    var sample = String.UnicodeScalarView()
    (prompt + generated).forEach { sample.append(vocabulary[Int($0)]) }
    let sampleText = String(sample)

    let manifest = BundleManifest(family: "transformer-lm", config: config,
                                  training: TrainingRecord(command: (["engine-demo"] + CommandLine.arguments.dropFirst()).joined(separator: " "),
                                                           data: args.string("data")!, steps: steps, seconds: seconds),
                                  metrics: ["validation_loss_nats": Double(final), "train_loss_nats": Double(trainLoss)])
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    try ModelBundle.save(model, manifest: manifest, to: out.appendingPathComponent("model"), overwrite: true)
    try AtomicFile.write(Data((sampleText + "\n").utf8), to: out.appendingPathComponent("sample.txt"))
    print(sampleText)
    printError("engine-demo: wrote \(out.path)/model (bundle) and \(out.path)/sample.txt")
}

CLI.main(version: "0.1.0", root: root)

// gen-music train: a Markov, LSTM or Transformer model on chorales (JSON lines) or MIDI files,
// with the training pieces transposed to every key.
import Foundation
import GenEngine

/// The token sequences of `scores`, each also transposed by −5…+6 semitones when `allKeys`
/// (a transposition is kept when every pitch still has a token).
func tokenSequences(_ scores: [Score], allKeys: Bool) -> [[Int32]] {
    scores.flatMap { score in
        (allKeys ? Array(-5...6) : [0]).compactMap { ChoraleTokens.encode(score.transposed(by: $0)) }
    }
}

func train(_ args: Arguments) throws {
    guard let dataPath = args.string("data") else { throw CLIError.usage("--data is required (chorales.jsonl[.gz], a MIDI file or a folder of MIDI files)") }
    guard let outPath = args.string("out") else { throw CLIError.usage("--out is required (the bundle folder to write)") }
    guard let arch = MusicBundleConfig.Arch(rawValue: args.string("arch")!) else {
        throw CLIError.usage("--arch must be markov, lstm or transformer, got '\(args.string("arch")!)'")
    }
    let seed = try args.seed()!
    let out = URL(fileURLWithPath: outPath)
    let resume = args.flag("resume")
    if FileManager.default.fileExists(atPath: out.appendingPathComponent(ModelBundle.configFile).path) && !resume && !args.flag("force") {
        throw IOFailure.exists(out.path)
    }
    let (scores, skipped) = try Corpus.load(dataPath, skipBad: args.flag("skip-bad"))
    let usable = scores.filter { ChoraleTokens.encode($0) != nil }
    guard usable.count >= 2 else {
        throw CLIError.badData("\(dataPath): \(usable.count) usable four-voice pieces in 4/4 or 3/4 (need at least 2; \(skipped) skipped)")
    }
    let (trainIndices, validationIndices) = trainValidationSplit(count: usable.count, validationFraction: 0.05, seed: seed)
    var orderRNG = RNG(seed: seed, stream: "order")
    let trainSequences = orderRNG.permutation(trainIndices.count).map { trainIndices[$0] }
        .flatMap { tokenSequences([usable[$0]], allKeys: !args.flag("no-transpose")) }
    let validation = tokenSequences(validationIndices.map { usable[$0] }, allKeys: false)
    let stream = trainSequences.flatMap { $0 }
    printError("gen-music: \(usable.count) pieces (\(scores.count - usable.count + skipped) skipped), \(trainIndices.count) for training "
               + "as \(trainSequences.count) transposed sequences of \(stream.count) tokens, \(validation.count) held out")

    var config = MusicBundleConfig(arch: arch)
    let vocabulary = ChoraleTokens.vocabularySize
    let started = Date()
    var steps = 0
    let model: MusicModel
    var rng = RNG(seed: seed, stream: "init")
    switch arch {
    case .markov:
        config.markov = NGramConfig(order: try args.int("order", in: 1...12)!, vocabSize: vocabulary)
        let ngram = NGramModel(config.markov!)
        ngram.fit(trainSequences)
        model = .markov(ngram)
    case .lstm:
        let plan = try NeuralPlan(args, stream: stream, seed: seed, data: dataPath)
        config.lstm = RecurrentLMConfig(vocabSize: vocabulary, embedding: try args.int("embedding", in: 4...4096)!, hidden: plan.hidden,
                                        layers: plan.layers, dropout: plan.dropout)
        let lstm = RecurrentLM(config.lstm!, rng: &rng)
        model = .lstm(lstm)
        printError("gen-music: training lstm, \(plan.describe)")
        // Truncated backpropagation through time: each stream's state carries over to its next chunk
        // (and into checkpoints, so that --resume continues exactly).
        var carried: RecurrentLM.State?
        let trainer = Trainer(model: lstm, optimizer: Adam(learningRate: plan.trainer.learningRate), config: plan.trainer, folder: out,
                              loss: { m, _, step in
                                  let chunk = plan.batches.chunk(step)
                                  let (loss, next) = m.loss(inputs: chunk.inputs, targets: chunk.targets, batch: plan.batches.batch,
                                                            state: chunk.startsEpoch ? nil : carried)
                                  carried = next
                                  return loss
                              }, validate: { _ in model.negativeLogLikelihood(validation) })
        trainer.extraState = (save: { carried.map { [("h", $0.h), ("c", $0.c!)] } ?? [] },
                              load: { t in carried = t["h"].map { RecurrentLM.State(h: $0, c: t["c"]) } })
        trainer.quiet = args.flag("quiet")
        steps = try trainer.run(resume: resume).steps
    case .transformer:
        let plan = try NeuralPlan(args, stream: stream, seed: seed, data: dataPath)
        config.transformer = TransformerLMConfig(vocabSize: vocabulary, contextLength: plan.batches.length, layers: plan.layers,
                                                 heads: try args.int("heads", in: 1...64)!, width: plan.hidden, dropout: plan.dropout)
        let gpt = TransformerLM(config.transformer!, rng: &rng)
        model = .transformer(gpt)
        printError("gen-music: training transformer, \(plan.describe)")
        // Windows of the stream (the context long) at offsets drawn from each step's generator.
        let (batch, length) = (plan.batches.batch, plan.batches.length)
        let trainer = Trainer(model: gpt, optimizer: Adam.adamW(learningRate: plan.trainer.learningRate, weightDecay: 0.01),
                              config: plan.trainer, folder: out, loss: { m, rng, _ in
                                  var x: [Int32] = [], y: [Int32] = []
                                  for _ in 0..<batch {
                                      let at = rng.int(below: stream.count - length - 1)
                                      x += stream[at..<(at + length)]
                                      y += stream[(at + 1)...(at + length)]
                                  }
                                  return m.loss(inputs: x, targets: y, batch: batch)
                              }, validate: { _ in model.negativeLogLikelihood(validation) })
        trainer.quiet = args.flag("quiet")
        steps = try trainer.run(resume: resume).steps
    }
    var metrics: [String: Double] = [:]
    metrics["validation_nll_nats_per_token"] = model.negativeLogLikelihood(validation)
    let command = (["gen-music"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
    let manifest = BundleManifest(family: MusicModel.family, config: config,
                                  training: TrainingRecord(command: command, data: dataPath, steps: steps, seconds: Date().timeIntervalSince(started)),
                                  metrics: metrics)
    try model.save(manifest, to: out)
    printError("gen-music: wrote \(out.path) in \(Int(Date().timeIntervalSince(started))) s; validation NLL "
               + String(format: "%.4f", metrics["validation_nll_nats_per_token"]!) + " nats per token")
}

/// Sizes and schedule of a neural model's training, from the command line.
struct NeuralPlan {
    let batches: StreamBatches
    let trainer: TrainerConfig
    let hidden: Int, layers: Int, dropout: Float

    init(_ args: Arguments, stream: [Int32], seed: UInt64, data: String) throws {
        let batch = try args.int("batch", in: 1...1024)!, length = try args.int("length", in: 8...4096)!
        hidden = try args.int("hidden", in: 8...4096)!
        layers = try args.int("layers", in: 1...16)!
        dropout = try args.float("dropout", in: 0...0.9)!
        guard stream.count > batch * (length + 1) else {
            throw CLIError.badData("\(data): \(stream.count) training tokens are too few for --batch \(batch) × --length \(length)")
        }
        batches = StreamBatches(tokens: stream, batch: batch, length: length)
        let epochs = try args.int("epochs", in: 1...10_000)!
        let steps = try args.int("steps", in: 1...10_000_000) ?? epochs * batches.stepsPerEpoch
        let evalEvery = max(1, min(steps, batches.stepsPerEpoch / 2))
        trainer = TrainerConfig(steps: steps, learningRate: try args.float("lr", in: 1e-6...1)!, warmupSteps: min(100, steps / 10),
                                clipNorm: 1, evalEvery: evalEvery, checkpointEvery: evalEvery, seed: seed)
    }

    var describe: String { "\(trainer.steps) steps of \(batches.batch)×\(batches.length) tokens" }
}

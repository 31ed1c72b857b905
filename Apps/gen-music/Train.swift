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
    typealias O = TrainOptions
    guard let dataPath = args[O.data] else {
        throw CLIError.usage("--data is required (chorales.jsonl[.gz], a MIDI file or a folder of MIDI files)")
    }
    let out = try O.group.outputFolder(args)
    let arch = args[O.arch]
    let seed = args[O.group.seed]
    let resume = args[O.group.resume]
    let (scores, skipped) = try Corpus.load(dataPath, skipBad: args[O.skipBad])
    let usable = scores.filter { ChoraleTokens.encode($0) != nil }
    guard usable.count >= 2 else {
        throw CLIError.badData("\(dataPath): \(usable.count) usable four-voice pieces in 4/4 or 3/4 (need at least 2; \(skipped) skipped)")
    }
    let (trainIndices, validationIndices) = trainValidationSplit(count: usable.count, validationFraction: 0.05, seed: seed)
    var orderRNG = RNG(seed: seed, stream: "order")
    let trainSequences = orderRNG.permutation(trainIndices.count).map { trainIndices[$0] }
        .flatMap { tokenSequences([usable[$0]], allKeys: !args[O.noTranspose]) }
    let validation = tokenSequences(validationIndices.map { usable[$0] }, allKeys: false)
    printError(
        "gen-music: \(usable.count) pieces (\(scores.count - usable.count + skipped) skipped), \(trainIndices.count) for training "
            + "as \(trainSequences.count) transposed sequences of \(trainSequences.reduce(0) { $0 + $1.count }) tokens, "
            + "\(validation.count) held out")

    let vocabulary = ChoraleTokens.vocabularySize
    var plan = LanguageModelPlan(batch: args[O.group.batch], length: args[O.length], learningRate: args[O.group.learningRate])
    (plan.epochs, plan.steps, plan.seed) = (args[O.group.epochs], args[O.steps], seed)
    let hidden = args[O.hidden]
    let layers = args[O.layers]
    let dropout = args[O.dropout]
    let architecture: LanguageModelArchitecture
    switch arch {
    case .markov:
        architecture = .ngram(NGramConfig(order: args[O.order], vocabSize: vocabulary))
    case .lstm:
        architecture = .recurrent(
            RecurrentLMConfig(
                vocabSize: vocabulary, embedding: args[O.embedding],
                hidden: hidden, layers: layers, dropout: dropout))
    case .transformer:
        architecture = .transformer(
            TransformerLMConfig(
                vocabSize: vocabulary, contextLength: plan.length, layers: layers,
                heads: args[O.heads], width: hidden, dropout: dropout))
    }
    var recipe = LanguageModelTraining(train: trainSequences, validation: validation, plan: plan)
    recipe.quiet = args[O.group.quiet]
    if arch != .markov {
        printError("gen-music: training \(arch.rawValue), \(recipe.totalSteps) steps of \(plan.batch)×\(plan.length) tokens")
    }
    let (model, summary) = try recipe.run(architecture, folder: out, resume: resume)
    var metrics: [String: Double] = [:]
    metrics["validation_nll_nats_per_token"] = model.negativeLogLikelihood(validation)
    let command = (["gen-music"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
    let manifest = BundleManifest(
        domain: MusicDomain(),
        training: TrainingRecord(command: command, data: dataPath, steps: summary.steps, seconds: summary.seconds),
        metrics: metrics)
    try ModelBundle.save(model, manifest: manifest, to: out, overwrite: true)
    printError(
        "gen-music: wrote \(out.path) in \(Int(summary.seconds)) s; validation NLL "
            + String(format: "%.4f", metrics["validation_nll_nats_per_token"]!) + " nats per token")
}

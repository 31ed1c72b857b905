// gen-text train: a language model and its tokenizer from text files, as a bundle with a model
// card.
import Foundation
import GenEngine

/// The documents of the corpus: each file, or, with fewer than 20 files, each file cut at blank
/// lines into about 20 / files documents, so that validation still holds out whole passages.
func corpusDocuments(_ paths: [String], lossy: Bool) throws -> [(text: String, source: String)] {
    guard !paths.isEmpty else { throw CLIError.usage("--corpus FILE is required (UTF-8 text; repeat it for several files)") }
    var documents: [(text: String, source: String)] = []
    let pieces = max(1, (20 + paths.count - 1) / paths.count)
    for path in paths {
        let text = try readText(path, lossy: lossy)
        if text.unicodeScalars.contains(where: { $0.value == 0 }) {
            throw CLIError.badData("\(path): holds NUL bytes, so it is not text; pass UTF-8 text files")
        }
        guard !text.isEmpty else { throw CLIError.badData("\(path): is empty; pass text to train on") }
        guard pieces > 1 else {
            documents.append((text, path))
            continue
        }
        let paragraphs = text.components(separatedBy: "\n\n")
        let per = max(1, (paragraphs.count + pieces - 1) / pieces)
        for start in stride(from: 0, to: paragraphs.count, by: per) {
            let end = min(paragraphs.count, start + per)
            documents.append((paragraphs[start..<end].joined(separator: "\n\n") + (end < paragraphs.count ? "\n\n" : ""), path))
        }
    }
    return documents
}

func train(_ args: Arguments) throws {
    typealias O = TrainOptions
    let out = try O.group.outputFolder(args)
    let seed = args[O.group.seed]
    // Fine-tuning (--init, a gen-text bundle or a GPT-2 folder) keeps that model's tokenizer.
    let initial = try args[O.model.initial].map { try loadTextModel($0) }
    _ = try O.model.fineTuning(args, initial: initial?.model, folder: out)
    if initial != nil && (args.has(O.tokenizer) || args.has(O.vocabSize)) {
        throw CLIError.usage("--init keeps its bundle's tokenizer; leave out --tokenizer and --vocab-size")
    }
    var documents = try corpusDocuments(args[O.corpus] + args.positionals, lossy: args[Shared.lossy])
    guard documents.count >= 2 else { throw CLIError.badData("the corpus is too short to hold out any text for validation") }
    let (trainIndices, validationIndices) = trainValidationSplit(
        count: documents.count, validationFraction: Double(args[O.validation]), seed: seed)
    let tokenizer: any Tokenizer
    let kind = initial.map { $0.tokenizer is CharacterTokenizer ? TextTokenizerKind.char : .bpe } ?? args[O.tokenizer]
    var encoded: [[Int32]] = []
    if let initial {
        // Characters the --init vocabulary lacks stop the run, named with their file, or are
        // left out with --skip-unknown (as in prompts and eval).
        tokenizer = initial.tokenizer
        for (i, document) in documents.enumerated() {
            let (ids, kept) = try encode(
                document.text, tokenizer, skipUnknown: args[GenerateOptions.skipUnknown],
                source: "\(document.source) (for --init's vocabulary)")
            documents[i].text = kept
            encoded.append(ids)
        }
    } else {
        // A char vocabulary holds every character of the corpus, so that held-out text encodes too
        // (as nanoGPT's); BPE is trained on the training documents.
        tokenizer =
            kind == .char
            ? CharacterTokenizer(corpus: documents.map(\.text).joined())
            : try ByteLevelBPE.train(texts: trainIndices.map { documents[$0].text }, vocabSize: args[O.vocabSize])
        encoded = try documents.map { try tokenizer.encode($0.text) }
    }
    let train = trainIndices.map { encoded[$0] }
    let validation = validationIndices.map { encoded[$0] }
    let characters = trainIndices.reduce(0) { $0 + documents[$1].text.unicodeScalars.count }
    printError(
        "gen-text: \(documents.count) documents, \(trainIndices.count) for training (\(characters) characters, "
            + "\(train.reduce(0) { $0 + $1.count }) tokens of a \(tokenizer.vocabSize)-token vocabulary), \(validationIndices.count) held out"
    )

    let (model, summary) = try O.model.train(
        args, train: train, validation: validation, vocabSize: tokenizer.vocabSize, folder: out, tool: "gen-text",
        initial: initial?.model)
    let nll = model.negativeLogLikelihood(validation)
    let validationCharacters = validationIndices.reduce(0) { $0 + documents[$1].text.unicodeScalars.count }
    let validationTokens = validation.reduce(0) { $0 + max($1.count - 1, 0) }
    let natsPerCharacter = nll * Double(validationTokens) / Double(max(validationCharacters - validationIndices.count, 1))
    let command = (["gen-text"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
    let manifest = BundleManifest(
        domain: TextDomain(tokenizer: kind.rawValue),
        training: TrainingRecord(
            command: command, data: (args[O.corpus] + args.positionals).joined(separator: " "), steps: summary.steps,
            seconds: summary.seconds),
        metrics: ["validation_nats_per_token": nll, "validation_nats_per_character": natsPerCharacter])
    try ModelBundle.save(model, manifest: manifest, to: out, overwrite: true)
    try TokenizerFile.write(tokenizer, to: out.appendingPathComponent(TokenizerFile.fileName))
    printError(
        "gen-text: wrote \(out.path) after \(summary.steps) steps in \(Int(summary.seconds)) s; validation "
            + String(format: "%.4f nats per token, %.4f nats per character", nll, natsPerCharacter))
}

// gen-molecule train: a SMILES language model from a file of molecules, as a bundle with a model card.
import Foundation
import GenEngine

func train(_ args: Arguments) throws {
    typealias O = TrainOptions
    let out = try O.group.outputFolder(args)
    let seed = args[O.group.seed]
    guard let path = args[O.data] else { throw CLIError.usage("--data FILE.smi is required (one SMILES per line)") }
    // Fine-tuning keeps the --init model's vocabulary (a token it lacks reads as <unk>).
    let initial = try args[O.model.initial].map { try MoleculeModel(loading: $0) }
    _ = try O.model.fineTuning(args, initial: initial?.model, folder: out)
    var molecules = try SMILESFile(path).entries.map(\.smiles)
    if args[O.randomised] {
        // Each molecule spelled from a random atom order (its own stream of the seed); lines that
        // are not molecules stay as they are.
        molecules = Threads.map(Array(molecules.enumerated())) { i, smiles in
            var rng = RNG(seed: seed, stream: "randomise-\(i)")
            return (try? readMolecule(smiles).get().randomSMILES(&rng)) ?? smiles
        }
    }
    guard molecules.count >= 2 else {
        throw CLIError.badData("\(path): holds \(molecules.count) SMILES; pass a file with one SMILES per line (at least 2)")
    }
    let (trainIndices, validationIndices) = trainValidationSplit(
        count: molecules.count, validationFraction: Double(args[O.validation]), seed: seed)
    let tokenizer: any Tokenizer
    let train: [[Int32]]
    let validation: [[Int32]]
    do {
        tokenizer = try initial?.tokenizer ?? SMILESTokens.tokenizer(corpus: trainIndices.map { molecules[$0] })
        train = try trainIndices.map { try SMILESTokens.document(molecules[$0], tokenizer) }
        // Each held-out molecule is scored after an end token, as the training stream and sampling see it.
        validation = try validationIndices.map {
            [tokenizer.specialTokenID(SMILESTokens.end)!] + (try SMILESTokens.document(molecules[$0], tokenizer))
        }
    } catch let error as TokenizerError {
        throw CLIError.badData("\(path): \(error.message); is it a SMILES file?")
    }
    if initial != nil, let unknown = tokenizer.specialTokenID(SMILESTokens.unknown) {
        let lacking = (train + validation).filter { $0.contains(unknown) }.count
        if lacking > 0 {
            printError(
                "gen-molecule: \(lacking) molecules hold tokens the --init model's vocabulary lacks; they read as "
                    + "\(SMILESTokens.unknown), which sampling never writes")
        }
    }
    printError(
        "gen-molecule: \(molecules.count) molecules, \(trainIndices.count) for training (\(train.reduce(0) { $0 + $1.count }) tokens "
            + "of a \(tokenizer.vocabSize)-token vocabulary), \(validationIndices.count) held out")

    let (model, summary) = try O.model.train(
        args, train: train, validation: validation, vocabSize: tokenizer.vocabSize, folder: out, tool: "gen-molecule",
        initial: initial?.model)
    let nll = model.negativeLogLikelihood(validation)
    let command = (["gen-molecule"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
    let manifest = BundleManifest(
        domain: MoleculeDomain(tokenization: SMILESTokens.pattern, randomised: args[O.randomised]),
        training: TrainingRecord(command: command, data: path, steps: summary.steps, seconds: summary.seconds),
        metrics: ["validation_nats_per_token": nll])
    try ModelBundle.save(model, manifest: manifest, to: out, overwrite: true)
    try TokenizerFile.write(tokenizer, to: out.appendingPathComponent(TokenizerFile.fileName))
    printError(
        "gen-molecule: wrote \(out.path) after \(summary.steps) steps in \(Int(summary.seconds)) s; validation "
            + String(format: "%.4f nats per token", nll))
}

// Drawing SMILES from a model: batched decoding, one generator per attempt, each molecule judged.
import Foundation
import GenEngine

/// One drawn SMILES and its verdict.
struct DrawnMolecule {
    /// Index of the attempt (its random stream is `sample-<attempt>` of the seed).
    let attempt: Int
    /// As the model wrote it.
    let smiles: String
    /// Negative log-likelihood of the tokens under the model (nats, the end token included).
    let nll: Double
    /// The canonical form when valid; else why not.
    let verdict: Result<(canonical: String, molecule: Molecule), SMILESError>
}

/// Records the negative log-likelihood of the drawn tokens under the model's own logits (it runs
/// first, before any constraint or temperature changes them).
final class NLLRecorder: LogitsProcessor {
    private(set) var nll = 0.0
    private var logSoftmax: [Float]?

    func process(_ logits: inout [Float]) {
        let top = logits.max() ?? 0
        let lse = top + log(logits.reduce(Float(0)) { $0 + exp($1 - top) })
        logSoftmax = logits.map { $0 - lse }
    }

    func advance(_ token: Int32) {
        if let row = logSoftmax { nll -= Double(row[Int(token)]) }
        logSoftmax = nil
    }
}

/// Draws molecules from a model in batches of `batch` attempts.
struct MoleculeSampler {
    let model: MoleculeModel
    let sampling: SamplingOptions
    /// CTRL's repetition penalty (1: none).
    let repetitionPenalty: Float
    let maxLength: Int
    let constrained: Bool
    let seed: UInt64
    let batch: Int
    private let kinds: [SMILESTokenKind]

    init(
        model: MoleculeModel, sampling: SamplingOptions, repetitionPenalty: Float = 1, maxLength: Int, constrained: Bool, seed: UInt64,
        batch: Int = 128
    ) {
        (self.model, self.sampling, self.repetitionPenalty, self.maxLength, self.constrained, self.seed, self.batch) =
            (model, sampling, repetitionPenalty, maxLength, constrained, seed, batch)
        kinds = SMILESGrammar.kinds(of: model.tokenizer)
    }

    /// The molecules of attempts `attempts` (any range; the same attempt always gives the same
    /// molecule, whatever the batch it is decoded in).
    func draw(_ attempts: Range<Int>) -> [DrawnMolecule] {
        let end = model.endToken
        var recorders: [NLLRecorder] = []
        var options: [GenerationOptions] = []
        for _ in attempts {
            let recorder = NLLRecorder()
            recorders.append(recorder)
            var factories: [LogitsProcessorFactory] = [{ recorder }]
            if constrained {
                let (kinds, maxLength) = (kinds, maxLength)
                factories.append { SMILESGrammar(kinds: kinds, maxLength: maxLength) }
            }
            options.append(
                GenerationOptions(
                    sampling: sampling, maxTokens: maxLength + 1, stopSequences: [[end]], repetitionPenalty: repetitionPenalty,
                    processors: factories))
        }
        var rngs = attempts.map { RNG(seed: seed, stream: "sample-\($0)") }
        let results = model.model.generate(prompts: Array(repeating: [end], count: attempts.count), options: options, rngs: &rngs)
        return zip(attempts, results).enumerated().map { k, pair in
            let (attempt, result) = pair
            let smiles = model.tokenizer.decode(result.tokens, skippingSpecialTokens: true)
            let verdict: Result<(canonical: String, molecule: Molecule), SMILESError>
            if let unknown = model.tokenizer.specialTokenID(SMILESTokens.unknown), result.tokens.contains(unknown) {
                verdict = .failure(SMILESError("the model drew the unknown token", at: 0))
            } else if result.stop == .noAllowedToken {
                verdict = .failure(SMILESError("constrained decoding left no token to draw", at: smiles.utf8.count))
            } else if result.stop != .stopSequence {
                verdict = .failure(SMILESError("no end within \(maxLength) tokens", at: smiles.utf8.count))
            } else {
                verdict = readMolecule(smiles).flatMap { m in
                    Result { (try m.canonicalSMILES(), m) }.mapError { $0 as? SMILESError ?? SMILESError("\($0)", at: 0) }
                }
            }
            return DrawnMolecule(attempt: attempt, smiles: smiles, nll: recorders[k].nll, verdict: verdict)
        }
    }
}

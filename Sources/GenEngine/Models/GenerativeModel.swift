import Foundation

/// What every model family shares, so that one bundle loader builds, saves and loads any of
/// them: a configuration type, the family's name in `config.json`, the named tensors in and out
/// (PyTorch `state_dict` names), and a parameter count.
public protocol GenerativeModel: AnyObject {
    associatedtype Config: Codable & Equatable
    /// The family's name in a bundle's `config.json` (`"transformer-lm"`, `"ngram"`, …).
    static var family: String { get }
    /// The hyper-parameters the model was built from.
    var config: Config { get }
    /// A model of this configuration with initial parameters drawn from `rng` (families without
    /// random initialisation ignore it).
    init(_ config: Config, rng: inout RNG)
    /// Every stored tensor by name, in a fixed order.
    func stateDict() -> [(String, Tensor)]
    /// Replaces every tensor; throws `ModelLoadError` naming each one that is missing, extra or of
    /// the wrong shape, and then changes nothing.
    func load(stateDict: [String: Tensor]) throws
    /// Number of stored parameters (n-gram entries, mixture parameters, network weights).
    var parameterCount: Int { get }
}

/// A generative model of token sequences: it continues prompts (`BatchGenerator`) and scores
/// sequences.
public protocol SequenceModel: GenerativeModel, BatchGenerator {
    /// Number of token ids the model predicts.
    var vocabSize: Int { get }
    /// Mean negative log-likelihood of whole sequences in nats per predicted token, each scored
    /// from its start (the first token is given, not predicted). Models with a context window
    /// score consecutive windows, each from its own start.
    func negativeLogLikelihood(_ sequences: [[Int32]]) -> Double
}

extension SequenceModel {
    /// `nats(sequence)` (the summed negative log-likelihood of a sequence's predicted tokens)
    /// over every sequence longer than one token, divided by the tokens predicted.
    func meanPerPredictedToken(_ sequences: [[Int32]], _ nats: ([Int32]) -> Double) -> Double {
        let scored = sequences.filter { $0.count > 1 }
        let total = scored.reduce(0.0) { $0 + nats($1) }
        return total / Double(max(scored.reduce(0) { $0 + $1.count - 1 }, 1))
    }
}

/// The engine's model families, by the name a bundle records.
public enum ModelFamilies {
    /// Every family of the engine.
    public static let engine: [any GenerativeModel.Type] = [
        NGramModel.self, GaussianMixture.self, VAE.self, GAN.self, RecurrentLM.self, TransformerLM.self,
    ]
}

// MARK: the families

extension NGramModel: SequenceModel {
    public static let family = "ngram"
    public convenience init(_ config: NGramConfig, rng: inout RNG) { self.init(config) }
    public var parameterCount: Int { entryCount }
    public var vocabSize: Int { config.vocabSize }

    public func negativeLogLikelihood(_ sequences: [[Int32]]) -> Double {
        meanPerPredictedToken(sequences) { -logLikelihood($0).dropFirst().reduce(0, +) }
    }
}

extension GaussianMixture: GenerativeModel {
    public static let family = "gaussian-mixture"
    public convenience init(_ config: GaussianMixtureConfig, rng: inout RNG) { self.init(config) }
    public var parameterCount: Int { stateDict().reduce(0) { $0 + $1.1.count } }
}

extension VAE: GenerativeModel {
    public static let family = "vae"
}

extension GAN: GenerativeModel {
    public static let family = "gan"
}

extension RecurrentLM: SequenceModel {
    public static let family = "recurrent-lm"
    public var vocabSize: Int { config.vocabSize }

    /// Scored in chunks of 1,024 tokens with the state carried between them, so memory stays
    /// bounded however long a sequence is.
    public func negativeLogLikelihood(_ sequences: [[Int32]]) -> Double {
        meanPerPredictedToken(sequences) { s in
            var state: State?
            var nats = 0.0
            for start in stride(from: 0, to: s.count - 1, by: 1024) {
                let end = min(s.count - 1, start + 1024)
                let inputs = Array(s[start..<end])
                let targets = Array(s[(start + 1)...end])
                let chunk: (loss: Tensor, state: State) = noGrad { self.loss(inputs: inputs, targets: targets, batch: 1, state: state) }
                state = chunk.state
                nats += Double(chunk.loss.item) * Double(end - start)
            }
            return nats
        }
    }
}

extension TransformerLM: SequenceModel {
    public static let family = "transformer-lm"
    public var vocabSize: Int { config.vocabSize }

    /// Consecutive windows of the context, each predicted from its own start; full windows are
    /// scored 16 at a time in one batch.
    public func negativeLogLikelihood(_ sequences: [[Int32]]) -> Double {
        let length = config.contextLength
        let batchSize = 16
        var total = 0.0
        var predicted = 0
        var inputs: [Int32] = []
        var targets: [Int32] = []
        func score(_ batch: Int) {
            guard batch > 0 else { return }
            total += noGrad { Double(loss(inputs: inputs, targets: targets, batch: batch).item) } * Double(inputs.count)
            inputs = []
            targets = []
        }
        for s in sequences where s.count > 1 {
            for start in stride(from: 0, to: s.count - 1, by: length) {
                let end = min(s.count - 1, start + length)
                if end - start < length {
                    let tail = inputs.count / length
                    score(tail)
                    inputs = Array(s[start..<end])
                    targets = Array(s[(start + 1)...end])
                    score(1)
                    continue
                }
                inputs += s[start..<end]
                targets += s[(start + 1)...end]
                if inputs.count == batchSize * length { score(batchSize) }
            }
            predicted += s.count - 1
        }
        score(inputs.count / length)
        return total / Double(max(predicted, 1))
    }
}

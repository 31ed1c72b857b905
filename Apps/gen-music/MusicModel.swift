// The sequence models a gen-music bundle can hold — variable-order Markov (interpolated
// Kneser–Ney n-gram), LSTM, Transformer — over the chorale tokens, and their bundle config.
import Foundation
import GenEngine

/// `config.json`'s `config` of every gen-music bundle.
struct MusicBundleConfig: Codable {
    enum Arch: String, Codable, CaseIterable { case markov, lstm, transformer }
    var arch: Arch
    /// The token language (`ChoraleTokens`); a bundle of another version cannot be sampled.
    var tokens = MusicBundleConfig.tokensVersion
    var markov: NGramConfig?
    var lstm: RecurrentLMConfig?
    var transformer: TransformerLMConfig?
    static let tokensVersion = "satb-16th-grid/1"
}

enum MusicModel {
    case markov(NGramModel)
    case lstm(RecurrentLM)
    case transformer(TransformerLM)

    static let family = "music-chorale"

    static func build(_ config: MusicBundleConfig, seed: UInt64) -> MusicModel {
        var rng = RNG(seed: seed, stream: "init")
        switch config.arch {
        case .markov: return .markov(NGramModel(config.markov!))
        case .lstm: return .lstm(RecurrentLM(config.lstm!, rng: &rng))
        case .transformer: return .transformer(TransformerLM(config.transformer!, rng: &rng))
        }
    }

    static func load(_ folder: URL) throws -> (model: MusicModel, manifest: BundleManifest<MusicBundleConfig>) {
        let manifest = try ModelBundle.manifest(MusicBundleConfig.self, from: folder)
        guard manifest.family == family, manifest.config.tokens == MusicBundleConfig.tokensVersion else {
            throw BundleError(path: folder.path, problems: ["holds a '\(manifest.family)' model with tokens '\(manifest.config.tokens)', "
                                                           + "not a \(family) model with tokens \(MusicBundleConfig.tokensVersion)"])
        }
        let model = build(manifest.config, seed: 0)
        switch model {
        case .markov: return (.markov(try NGramModel(manifest.config.markov!, tensors: try ModelBundle.loadTensors(manifest: manifest, from: folder))), manifest)
        case .lstm(let m): try ModelBundle.loadWeights(into: m, manifest: manifest, from: folder)
        case .transformer(let m): try ModelBundle.loadWeights(into: m, manifest: manifest, from: folder)
        }
        return (model, manifest)
    }

    func save(_ manifest: BundleManifest<MusicBundleConfig>, to folder: URL) throws {
        switch self {
        case .markov(let m): try ModelBundle.save(tensors: m.tensors(), manifest: manifest, to: folder, overwrite: true)
        case .lstm(let m): try ModelBundle.save(m, manifest: manifest, to: folder, overwrite: true)
        case .transformer(let m): try ModelBundle.save(m, manifest: manifest, to: folder, overwrite: true)
        }
    }

    /// The model as a generator: the neural models advance all sequences of a batch together.
    var generator: BatchGenerator {
        switch self {
        case .markov(let m): return m
        case .lstm(let m): return m
        case .transformer(let m): return m
        }
    }

    /// Mean negative log-likelihood (nats per token) of whole token sequences, each from its start
    /// (the Transformer's in consecutive windows of its context).
    func negativeLogLikelihood(_ sequences: [[Int32]]) -> Double {
        var total = 0.0, count = 0
        for s in sequences where s.count > 1 {
            switch self {
            case .markov(let m):
                total -= m.logLikelihood(s).dropFirst().reduce(0, +)
            case .lstm(let m):
                total += noGrad { Double(m.loss(inputs: Array(s.dropLast()), targets: Array(s.dropFirst()), batch: 1).loss.item) } * Double(s.count - 1)
            case .transformer(let m):
                // Consecutive windows of the context, each predicted from its own start.
                for start in stride(from: 0, to: s.count - 1, by: m.config.contextLength) {
                    let end = min(s.count - 1, start + m.config.contextLength)
                    total += noGrad { Double(m.loss(inputs: Array(s[start..<end]), targets: Array(s[(start + 1)...end]), batch: 1).item) }
                        * Double(end - start)
                }
            }
            count += s.count - 1
        }
        return total / Double(max(count, 1))
    }
}

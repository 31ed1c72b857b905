// Side-scrolling levels as sequences of columns (Snodgrass & Ontañón's column Markov chains):
// every distinct column of the training levels is one token, a level is the sequence of its
// columns after a start token, and any of the engine's sequence models learns the sequences.
import Foundation
import GenEngine

/// The `domain` of a gen-level bundle: the column vocabulary and the legend's game.
struct LevelDomain: Codable, Equatable {
    /// The game (legend) the columns are made of: "smb".
    var game: String
    /// Rows of every column.
    var height: Int
    /// The column of each token id (token `columns.count` is the start of a level).
    var columns: [String]

    var startToken: Int32 { Int32(columns.count) }
    var vocabularySize: Int { columns.count + 1 }

    /// The vocabulary of `levels` (sorted, so ids do not depend on hashing) and each level's tokens.
    static func make(game: String, levels: [Level]) -> (LevelDomain, [[Int32]]) {
        let columns = Set(levels.flatMap { level in (0..<level.width).map(level.column) }).sorted()
        let index = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, Int32($0)) })
        let domain = LevelDomain(game: game, height: levels[0].height, columns: columns)
        return (domain, levels.map { level in [domain.startToken] + (0..<level.width).map { index[level.column($0)]! } })
    }

    /// A column Markov chain of `order` (interpolated Kneser–Ney, `NGramModel`) fitted to `levels`,
    /// with its vocabulary.
    static func chain(game: String, levels: [Level], order: Int) -> (LevelDomain, NGramModel) {
        let (domain, sequences) = make(game: game, levels: levels)
        let model = NGramModel(NGramConfig(order: order, vocabSize: domain.vocabularySize))
        model.fit(sequences)
        return (domain, model)
    }
}

/// A trained column model with its vocabulary.
struct ColumnModel: LevelSampler {
    let model: any SequenceModel
    let domain: LevelDomain
    let source: String

    /// Whether the level grammar applies (`PipeGrammar`, `PathGrammar`; levels up to 64 rows);
    /// off, the chain draws as it learned.
    var grammar = true
    /// The legend the columns are of (the grammar's solid tiles and pipes).
    var legend = Legend.smb

    /// One level of `width` columns drawn from `rng`.
    func sample(width: Int, temperature: Float, rng: inout RNG) -> Level? {
        let start = domain.startToken
        let pipes = PipeGrammar(domain: domain, legend: legend, width: width)
        let options = GenerationOptions(
            sampling: SamplingOptions(temperature: temperature), maxTokens: width,
            processors: [{ ForbidTokens([start]) }]
                + (grammar && domain.height <= 64 ? [{ pipes }, { PathGrammar(domain: domain, legend: legend, width: width) }] : []))
        let tokens = model.generate(prompt: [start], options: options, rng: &rng).tokens
        return Level(columns: tokens.map { domain.columns[Int($0)] })
    }

    static func load(_ folder: URL) throws -> ColumnModel {
        let (model, manifest) = try ModelBundle.loadSequenceModel(folder, domain: LevelDomain.self)
        guard model.vocabSize == manifest.domain.vocabularySize else {
            throw BundleError(
                path: folder.path,
                problems: ["the model predicts \(model.vocabSize) tokens but the domain lists \(manifest.domain.columns.count) columns"])
        }
        return ColumnModel(model: model, domain: manifest.domain, source: folder.path)
    }
}

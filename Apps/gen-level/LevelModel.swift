// The trained level generators a bundle may hold, behind one protocol.
import Foundation
import GenEngine

/// A trained generator of levels: the column model, the tile chain or WaveFunctionCollapse's
/// patterns.
protocol LevelSampler {
    /// The bundle it was loaded from.
    var source: String { get }
    /// One level of `width` columns (the model's own height) drawn from `rng`, or nil when the
    /// draw failed (a contradiction WaveFunctionCollapse did not undo).
    func sample(width: Int, temperature: Float, rng: inout RNG) -> Level?
}

/// WaveFunctionCollapse's patterns from a bundle, drawn at the training levels' height.
struct PatternSampler: LevelSampler {
    let model: OverlappingModel
    let height: Int, backtracks: Int
    let source: String

    /// `temperature` does not apply: patterns are drawn by their counts.
    func sample(width: Int, temperature: Float, rng: inout RNG) -> Level? {
        model.run(width: width, height: height, rng: &rng, backtracks: backtracks)
    }
}

/// The `domain` of a WaveFunctionCollapse bundle.
struct PatternDomain: Codable, Equatable {
    /// The game (legend) of the levels, and their rows.
    var game: String, height: Int
}

/// Loads the generator of a gen-level bundle: WaveFunctionCollapse's patterns (backtracking up
/// to `backtracks` choices), a tile chain when its domain names a neighbourhood, else a column
/// model (keeping pipes whole unless `grammar` is false). Throws `BundleError`, `ModelLoadError`
/// and `IOFailure`.
func loadLevelSampler(_ folder: URL, grammar: Bool = true, backtracks: Int = 1000) throws -> any LevelSampler {
    struct Kind: Codable { var neighbourhood: [String]? }
    let kind = try ModelBundle.readManifest(Kind.self, from: folder).manifest
    if kind.family == PatternSet.family {
        let (patterns, manifest) = try ModelBundle.load(PatternSet.self, from: folder, domain: PatternDomain.self)
        guard manifest.domain.game == "smb", patterns.config.tiles.allSatisfy({ Legend.smb.tiles[$0] != nil }),
            manifest.domain.height >= patterns.config.n
        else {
            throw BundleError(
                path: folder.path, problems: ["the patterns' tiles or height do not fit the smb legend and the patterns' size"])
        }
        return PatternSampler(model: patterns.model, height: manifest.domain.height, backtracks: backtracks, source: folder.path)
    }
    guard kind.domain.neighbourhood != nil else {
        var model = try ColumnModel.load(folder)
        model.grammar = grammar
        return model
    }
    let (model, manifest) = try ModelBundle.load(NGramModel.self, from: folder, domain: TileChainDomain.self)
    guard model.config.vocabSize == manifest.domain.vocabularySize, model.config.order == manifest.domain.neighbourhood.count + 1 else {
        throw BundleError(
            path: folder.path, problems: ["the n-gram's order or vocabulary does not fit the domain's tiles and neighbourhood"])
    }
    try TileChain.check(manifest.domain.neighbourhood)
    let domain = manifest.domain
    guard domain.height > 0, !domain.tiles.isEmpty, domain.tiles.allSatisfy({ Legend.smb.tiles[$0] != nil }) else {
        throw BundleError(path: folder.path, problems: ["the domain's tiles '\(domain.tiles)' are not tiles of the smb legend"])
    }
    return TileChain(model: model, domain: manifest.domain, source: folder.path)
}

// The trained level generators a bundle may hold, behind one protocol.
import Foundation
import GenEngine

/// A trained generator of levels: the column model or the tile chain.
protocol LevelSampler {
    /// The bundle it was loaded from.
    var source: String { get }
    /// One level of `width` columns (the model's own height) drawn from `rng`.
    func sample(width: Int, temperature: Float, rng: inout RNG) -> Level
}

/// Loads the generator of a gen-level bundle: a tile chain when its domain names a
/// neighbourhood, else a column model (keeping pipes whole unless `grammar` is false). Throws
/// `BundleError` and `IOFailure`.
func loadLevelSampler(_ folder: URL, grammar: Bool = true) throws -> any LevelSampler {
    struct Kind: Codable { var neighbourhood: [String]? }
    guard try ModelBundle.readManifest(Kind.self, from: folder).manifest.domain.neighbourhood != nil else {
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

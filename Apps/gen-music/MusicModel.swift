// What a gen-music bundle holds: any of the engine's sequence models (variable-order Markov,
// LSTM, Transformer) over the chorale tokens, with the token language's version beside it.
import Foundation
import GenEngine

/// The `domain` of every gen-music bundle.
struct MusicDomain: Codable, Equatable {
    /// The token language (`ChoraleTokens`); a bundle of another version cannot be sampled.
    var tokens = MusicDomain.tokensVersion
    static let tokensVersion = "satb-16th-grid/1"
}

/// The architectures `gen-music train --arch` offers.
enum MusicArchitecture: String, CaseIterable { case markov, lstm, transformer }

/// Loads a gen-music bundle: a sequence model over this version's chorale tokens.
func loadMusicModel(_ folder: URL) throws -> (model: any SequenceModel, manifest: BundleManifest<MusicDomain>) {
    let loaded = try ModelBundle.loadSequenceModel(folder, domain: MusicDomain.self)
    guard loaded.manifest.domain.tokens == MusicDomain.tokensVersion, loaded.model.vocabSize == ChoraleTokens.vocabularySize else {
        throw BundleError(
            path: folder.path,
            problems: [
                "holds a model of tokens '\(loaded.manifest.domain.tokens)' with "
                    + "\(loaded.model.vocabSize) ids, not \(MusicDomain.tokensVersion) with "
                    + "\(ChoraleTokens.vocabularySize)"
            ])
    }
    return loaded
}

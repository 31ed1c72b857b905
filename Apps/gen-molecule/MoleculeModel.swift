// What gen-molecule samples and scores with: a sequence model over SMILES tokens and its tokenizer.
import Foundation
import GenEngine

/// The `domain` of every gen-molecule bundle.
struct MoleculeDomain: Codable, Equatable {
    /// How SMILES were cut into tokens: the split pattern (the vocabulary is tokenizer.json).
    var tokenization: String
    /// Training SMILES were rewritten from random atom orders (randomised-SMILES augmentation).
    var randomised: Bool
}

/// A model with its tokenizer.
struct MoleculeModel {
    let model: any SequenceModel
    let tokenizer: any Tokenizer
    /// Where it came from (the bundle's path).
    let source: String
    /// The token that ends a molecule (and starts the next).
    var endToken: Int32 { tokenizer.specialTokenID(SMILESTokens.end)! }

    /// Loads `--model` (a bundle folder or a shipped model's name). Throws `BundleError` when the
    /// folder is not a gen-molecule bundle or its tokenizer does not fit the model.
    init(loading argument: String?) throws {
        let folder = try ModelBundle.resolve(argument, default: defaultModel)
        let (model, _) = try ModelBundle.loadSequenceModel(folder, domain: MoleculeDomain.self)
        let tokenizerURL = folder.appendingPathComponent(TokenizerFile.fileName)
        guard FileManager.default.fileExists(atPath: tokenizerURL.path) else {
            throw BundleError(path: folder.path, problems: ["no \(TokenizerFile.fileName) beside the model"])
        }
        let tokenizer = try TokenizerFile.read(contentsOf: tokenizerURL)
        guard tokenizer.vocabSize == model.vocabSize, tokenizer.specialTokenID(SMILESTokens.end) != nil else {
            throw BundleError(
                path: folder.path,
                problems: ["\(TokenizerFile.fileName) (\(tokenizer.vocabSize) tokens) is not the SMILES vocabulary of this model"])
        }
        (self.model, self.tokenizer, source) = (model, tokenizer, folder.path)
    }
}

// What gen-text generates and scores with: a sequence model and its tokenizer, from a gen-text
// bundle (the model, and tokenizer.json beside it) or a Hugging Face GPT-2 folder.
import Foundation
import GenEngine

/// The `domain` of every gen-text bundle.
struct TextDomain: Codable, Equatable {
    /// How the text was tokenised: "char", "bpe" (the tokenizer is the bundle's tokenizer.json).
    var tokenizer: String
}

/// A model with its tokenizer.
struct TextModel {
    let model: any SequenceModel
    let tokenizer: any Tokenizer
    /// Where it came from (the bundle's path).
    let source: String

    /// Longest context the model reads at once (nil: no limit).
    var contextLength: Int? { (model as? TransformerLM)?.config.contextLength }

    /// The token that starts a text from nothing: GPT-2's `<|endoftext|>`, else a newline.
    func startTokens() throws -> [Int32] {
        if let id = tokenizer.specialTokenID("<|endoftext|>") { return [id] }
        return try tokenizer.encode("\n")
    }
}

/// The default model: the character GPT, which scores lower than the n-gram on the plays
/// neither saw (SharedModels/text-shakespeare-gpt/MODEL_CARD.md).
let defaultModel = "text-shakespeare-gpt"

/// Loads `--model` (a path or a shipped name; default text-shakespeare-gpt).
func loadTextModel(_ argument: String?) throws -> TextModel {
    let folder = try ModelBundle.resolve(argument, default: defaultModel)
    if GPT2Checkpoint.isCheckpoint(folder) { return try GPT2Checkpoint.load(folder) }
    let (model, _) = try ModelBundle.loadSequenceModel(folder, domain: TextDomain.self)
    let tokenizerURL = folder.appendingPathComponent(TokenizerFile.fileName)
    guard FileManager.default.fileExists(atPath: tokenizerURL.path) else {
        throw BundleError(path: folder.path, problems: ["no \(TokenizerFile.fileName) beside the model"])
    }
    let tokenizer = try TokenizerFile.read(contentsOf: tokenizerURL)
    guard tokenizer.vocabSize == model.vocabSize else {
        throw BundleError(
            path: folder.path,
            problems: ["\(TokenizerFile.fileName) has \(tokenizer.vocabSize) tokens but the model predicts \(model.vocabSize)"])
    }
    return TextModel(model: model, tokenizer: tokenizer, source: folder.path)
}

/// Text of a file (or standard input for `-`), checked as UTF-8: invalid bytes are an error with
/// their offset, or U+FFFD with `lossy`. `.gz` files are decompressed.
func readText(_ path: String, lossy: Bool) throws -> String {
    let data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Gzip.readMaybeCompressed(URL(fileURLWithPath: path))
    if lossy { return UTF8Text.normalisingNewlines(String(decoding: data, as: UTF8.self)) }
    do {
        return UTF8Text.normalisingNewlines(try UTF8Text.decode([UInt8](data)))
    } catch let error as TokenizerError {
        throw CLIError.badData("\(path == "-" ? "standard input" : path): \(error.message); or pass --lossy to replace bad bytes")
    }
}

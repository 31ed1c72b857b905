import Foundation

/// Text ↔ token ids. Ids are `Int32` in `0..<vocabSize`, the type the models' embedding tables and
/// generation loops take. Special tokens (`<unk>`, `<eos>`, `<|endoftext|>`, …) are tokens with a
/// name that `encode(_:)` never produces from text (text is only ever text: a prompt containing
/// `<eos>` cannot end a sequence): a caller adds them by id, or asks for them explicitly with
/// `encode(_:recognisingSpecialTokens:)`.
///
/// Conforming types: `CharacterTokenizer` (one token per Unicode scalar), `ByteLevelBPE` (GPT-2's
/// byte-level BPE) and `RegexTokenizer` (one token per match of a pattern); `TokenizerFile` saves
/// and loads all three as Hugging Face `tokenizer.json`.
public protocol Tokenizer: Sendable {
    /// Number of ids: every id the tokenizer produces or decodes is in `0..<vocabSize`.
    var vocabSize: Int { get }
    /// Special tokens by name (`"<unk>"`, `"<eos>"`, …) to their ids.
    var specialTokens: [String: Int32] { get }
    /// Token ids of `text`. Throws `TokenizerError` (`.unknownCharacters`, `.unknownToken`,
    /// `.unmatchedText`) when the text holds something the vocabulary cannot express.
    func encode(_ text: String) throws -> [Int32]
    /// Text of `ids` (special tokens as their names); never fails: ids outside the vocabulary and
    /// byte sequences that are not UTF-8 decode to U+FFFD.
    func decode(_ ids: [Int32]) -> String
    /// Text of `ids`, leaving special tokens out when `skippingSpecialTokens` (what Hugging Face
    /// `decode(skip_special_tokens=True)` does).
    func decode(_ ids: [Int32], skippingSpecialTokens: Bool) -> String
    /// Text placed between consecutive tokens when decoding (`""` unless a word-level tokenizer
    /// split on whitespace).
    var joiner: String { get }
    /// The vocabulary entry of `id` as stored (for byte-level BPE the byte-mapped form, `Ġthe`),
    /// or nil outside the vocabulary.
    func token(forID id: Int32) -> String?
    /// The id of a vocabulary entry (stored form), or nil.
    func id(forToken token: String) -> Int32?
    /// The bytes `id` contributes to decoded text (a special token: its name in UTF-8), or nil
    /// outside the vocabulary. A byte-level token may hold part of a multi-byte character.
    func bytes(forID id: Int32) -> [UInt8]?
}

extension Tokenizer {
    public func decode(_ ids: [Int32]) -> String { decode(ids, skippingSpecialTokens: false) }

    public func decode(_ ids: [Int32], skippingSpecialTokens: Bool) -> String {
        let special = skippingSpecialTokens ? Set(specialTokens.values) : []
        let joiner = Array(self.joiner.utf8)
        var bytes: [UInt8] = []
        var first = true
        for id in ids where !special.contains(id) {
            if !first { bytes += joiner }
            first = false
            bytes += self.bytes(forID: id) ?? Array("\u{FFFD}".utf8)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// No text between tokens.
    public var joiner: String { "" }

    /// The id of the special token `name` (`"<eos>"`), or nil.
    public func specialTokenID(_ name: String) -> Int32? { specialTokens[name] }

    /// Token ids of UTF-8 `bytes`: throws `TokenizerError.invalidUTF8` with the byte offset of
    /// the first ill-formed sequence (see `UTF8Text.decode`) before anything is tokenised.
    public func encode(bytes: [UInt8]) throws -> [Int32] {
        try encode(UTF8Text.decode(bytes))
    }

    /// Token ids of `text` where occurrences of special-token names are their ids (the Hugging
    /// Face `tokenizers` added-token split: at each position the longest name wins, and the text
    /// between names is encoded with `encode(_:)`). With `false` this is `encode(_:)`.
    public func encode(_ text: String, recognisingSpecialTokens: Bool) throws -> [Int32] {
        guard recognisingSpecialTokens, !specialTokens.isEmpty else { return try encode(text) }
        let names = specialTokens.keys.filter { !$0.isEmpty }.map { Array($0.utf8) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.lexicographicallyPrecedes($1) }
        let utf8 = Array(text.utf8)
        var ids: [Int32] = []
        var start = 0
        var i = 0
        func flush(_ end: Int) throws {
            // Names start with a scalar's first byte, so `start..<end` never splits a character.
            if end > start { ids += try encode(String(decoding: utf8[start..<end], as: UTF8.self)) }
        }
        while i < utf8.count {
            if let name = names.first(where: { utf8.count - i >= $0.count && utf8[i..<(i + $0.count)].elementsEqual($0) }) {
                try flush(i)
                ids.append(specialTokens[String(decoding: name, as: UTF8.self)]!)
                i += name.count
                start = i
            } else {
                i += 1
            }
        }
        try flush(utf8.count)
        return ids
    }

    /// A decoder that turns ids arriving one at a time into text (see `TokenStreamDecoder`).
    public func streamDecoder(skippingSpecialTokens: Bool = false) -> TokenStreamDecoder {
        TokenStreamDecoder(self, skippingSpecialTokens: skippingSpecialTokens)
    }
}

/// Decodes ids one at a time (as a model generates them) into text that is always whole UTF-8:
/// a byte-level token can end in the middle of a multi-byte character (half a Hangul syllable,
/// a third of an emoji), and those bytes are held back until the tokens that complete them
/// arrive. Concatenating every `append` result and `finish()` gives `tokenizer.decode(ids)`.
///
///     var stream = tokenizer.streamDecoder()
///     for id in generated { print(stream.append(id), terminator: "") }
///     print(stream.finish())
public struct TokenStreamDecoder {
    /// The tokenizer whose ids are decoded.
    public let tokenizer: any Tokenizer
    /// Special tokens contribute nothing to the text.
    public let skippingSpecialTokens: Bool
    private let special: Set<Int32>
    private let joiner: [UInt8]
    private var started = false
    /// Bytes of an incomplete character at the end of the stream, not yet returned.
    public private(set) var heldBytes: [UInt8] = []

    /// A stream with nothing decoded yet.
    public init(_ tokenizer: any Tokenizer, skippingSpecialTokens: Bool = false) {
        self.tokenizer = tokenizer
        self.skippingSpecialTokens = skippingSpecialTokens
        special = skippingSpecialTokens ? Set(tokenizer.specialTokens.values) : []
        joiner = Array(tokenizer.joiner.utf8)
    }

    /// The text that `id` completes: everything up to the last whole character; an unfinished
    /// character's bytes are kept for the next call. Ill-formed bytes that no later byte can
    /// complete are returned as U+FFFD at once.
    public mutating func append(_ id: Int32) -> String {
        guard !special.contains(id) else { return "" }
        if started { heldBytes += joiner }
        started = true
        heldBytes += tokenizer.bytes(forID: id) ?? Array("\u{FFFD}".utf8)
        let end = UTF8Text.completePrefixLength(heldBytes)
        guard end > 0 else { return "" }
        let text = String(decoding: heldBytes[..<end], as: UTF8.self)
        heldBytes.removeFirst(end)
        return text
    }

    /// Ends the stream: the held-back bytes of an incomplete character, each maximal ill-formed
    /// run replaced by U+FFFD (the Unicode "maximal subpart" rule Swift's decoder follows), or ""
    /// when nothing is held.
    public mutating func finish() -> String {
        defer {
            heldBytes = []
            started = false
        }
        return String(decoding: heldBytes, as: UTF8.self)
    }
}

/// A tokenizer failure that names what is wrong, where (byte offset in the input, or file and
/// line) and what to do about it.
public struct TokenizerError: Error, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Input bytes are not UTF-8.
        case invalidUTF8
        /// Characters outside a character vocabulary that has no `<unk>`.
        case unknownCharacters
        /// A token (a pattern match, or a byte) outside the vocabulary and no `<unk>`.
        case unknownToken
        /// Text that the split pattern of a `RegexTokenizer` does not match.
        case unmatchedText
        /// A malformed or unsupported tokenizer file.
        case invalidFile
        /// An argument that cannot work (a vocabulary size below the base alphabet, a bad pattern).
        case invalidArgument
    }
    /// What kind of failure, for callers that branch on it.
    public let kind: Kind
    /// What, where and what to do, in one sentence.
    public let message: String
    /// Byte offset of the problem in the input text or file, when there is one.
    public let byteOffset: Int?
    /// 1-based line of the problem in a line-oriented file (`merges.txt`), when there is one.
    public let line: Int?

    /// An error; `message` should say what is wrong, where, and what to do.
    public init(_ kind: Kind, _ message: String, byteOffset: Int? = nil, line: Int? = nil) {
        self.kind = kind
        self.message = message
        self.byteOffset = byteOffset
        self.line = line
    }

    /// `tokenizer: <message>`.
    public var description: String { "tokenizer: \(message)" }
}

extension TokenizerError: UserFacingError {
    /// 64 (usage) for an argument that cannot work, 65 (data error) for input and files.
    public var exitCode: ExitCode { kind == .invalidArgument ? .usage : .dataError }
}

/// A tokenizer whose tokens are the UTF-8 text of vocabulary entries (characters, regex-split
/// tokens), as opposed to byte-level BPE whose tokens are byte strings.
public protocol VocabularyTokenizer: Tokenizer {
    /// Token strings by id.
    var vocabulary: [String] { get }
}

extension VocabularyTokenizer {
    public func bytes(forID id: Int32) -> [UInt8]? { vocabulary.indices.contains(Int(id)) ? Array(vocabulary[Int(id)].utf8) : nil }
}

import Foundation

/// One token per Unicode scalar: the vocabulary of character-level language models (Karpathy's
/// char-rnn, nanoGPT's Shakespeare). Scalars, not grapheme clusters, so a Hangul syllable is one
/// token (U+D55C 한), a decomposed é is two (e + U+0301) and a ZWJ emoji family is seven; decoding
/// is exact for any text the vocabulary covers.
///
/// Ids: the unknown token (if any), then the other special tokens in the order given, then the
/// corpus's scalars in ascending scalar value, so the same corpus gives the same ids on every
/// run and platform.
public struct CharacterTokenizer: VocabularyTokenizer {
    /// Vocabulary entries by id: special-token names, then one-scalar strings.
    public let vocabulary: [String]
    /// Name of the token that stands for scalars outside the vocabulary, or nil.
    public let unknownToken: String?
    /// Drop scalars outside the vocabulary instead of throwing (when there is no unknown token).
    public var skipUnknown: Bool
    /// Special-token names (the unknown token among them) to ids.
    public let specialTokens: [String: Int32]
    private let ids: [UInt32: Int32]

    /// Builds the vocabulary from every scalar of `corpus`.
    /// - Parameters:
    ///   - specialTokens: names such as `"<eos>"`, given ids before the scalars.
    ///   - unknownToken: e.g. `"<unk>"`: encoding maps unseen scalars to it (id 0).
    ///   - skipUnknown: drop unseen scalars instead of throwing (ignored with `unknownToken`).
    public init(corpus: String, specialTokens: [String] = [], unknownToken: String? = nil, skipUnknown: Bool = false) {
        var seen = Set<UInt32>()
        for scalar in corpus.unicodeScalars { seen.insert(scalar.value) }
        let names = Self.specialNames(specialTokens, unknownToken: unknownToken)
        let taken = Set(names)
        let scalars = seen.sorted().map { String(Unicode.Scalar($0)!) }.filter { !taken.contains($0) }
        // Cannot throw: every entry is one scalar or a distinct special name.
        try! self.init(vocabulary: names + scalars, specialTokens: names, unknownToken: unknownToken, skipUnknown: skipUnknown)
    }

    /// A tokenizer with exactly this vocabulary (what `TokenizerFile` restores). Throws
    /// `.invalidArgument` if an entry that is not a special token is not exactly one scalar, an
    /// entry repeats, or a special token (or the unknown token) is missing from the vocabulary.
    public init(vocabulary: [String], specialTokens: [String], unknownToken: String?, skipUnknown: Bool = false) throws {
        let names = Self.specialNames(specialTokens, unknownToken: unknownToken)
        var ids: [UInt32: Int32] = [:]
        var special: [String: Int32] = [:]
        let nameSet = Set(names)
        for (i, entry) in vocabulary.enumerated() {
            if nameSet.contains(entry) {
                guard special[entry] == nil else {
                    throw TokenizerError(.invalidArgument, "special token '\(entry)' appears twice in the character vocabulary")
                }
                special[entry] = Int32(i)
                // A one-scalar special name is also how that scalar encodes.
                if entry.unicodeScalars.count == 1 { ids[entry.unicodeScalars.first!.value] = Int32(i) }
                continue
            }
            let scalars = entry.unicodeScalars
            guard scalars.count == 1, let scalar = scalars.first else {
                throw TokenizerError(
                    .invalidArgument,
                    "character vocabulary entry \(i) '\(entry)' is \(scalars.count) scalars, not 1; "
                        + "list it in specialTokens or rebuild the vocabulary")
            }
            guard ids.updateValue(Int32(i), forKey: scalar.value) == nil else {
                throw TokenizerError(.invalidArgument, "character vocabulary entry \(i) repeats U+\(scalarHex(scalar.value))")
            }
        }
        for name in names where special[name] == nil {
            throw TokenizerError(.invalidArgument, "special token '\(name)' is not in the character vocabulary")
        }
        self.vocabulary = vocabulary
        self.unknownToken = unknownToken
        self.skipUnknown = skipUnknown
        self.specialTokens = special
        self.ids = ids
    }

    /// The unknown token first, then the other names in order, without repeats.
    private static func specialNames(_ names: [String], unknownToken: String?) -> [String] {
        var out: [String] = []
        for name in (unknownToken.map { [$0] } ?? []) + names where !out.contains(name) { out.append(name) }
        return out
    }

    /// Special tokens plus distinct scalars.
    public var vocabSize: Int { vocabulary.count }

    /// One id per scalar of `text`. A scalar outside the vocabulary becomes the unknown token, is
    /// dropped (`skipUnknown`), or makes this throw `.unknownCharacters` listing the first ten
    /// such scalars with their UTF-8 byte offsets in `text` (`byteOffset`: the first).
    public func encode(_ text: String) throws -> [Int32] {
        var out: [Int32] = []
        out.reserveCapacity(text.unicodeScalars.count)
        let unknown = unknownToken.flatMap { specialTokens[$0] }
        // Each missing scalar with its byte offset, line and column (1-based, in characters): the
        // line and column also hold in the file before its line ends were made LF.
        var missing: [(scalar: Unicode.Scalar, offset: Int, line: Int, column: Int)] = []
        var missingCount = 0
        var (offset, line, column) = (0, 1, 1)
        for scalar in text.unicodeScalars {
            defer {
                offset += UTF8.width(scalar)
                (line, column) = scalar == "\n" ? (line + 1, 1) : (line, column + 1)
            }
            if let id = ids[scalar.value] {
                out.append(id)
            } else if let unknown {
                out.append(unknown)
            } else if !skipUnknown {
                missingCount += 1
                if missing.count < 10 { missing.append((scalar, offset, line, column)) }
            }
        }
        guard missing.isEmpty else {
            let list = missing.map { "U+\(scalarHex($0.scalar.value)) \(quotedScalar($0.scalar)) at line \($0.line), column \($0.column)" }
                .joined(separator: ", ")
            throw TokenizerError(
                .unknownCharacters,
                "\(missingCount) character(s) are not in the \(vocabSize)-token character vocabulary: \(list)"
                    + (missingCount > 10 ? ", …" : "")
                    + "; rebuild the vocabulary from text that has them, add an unknown token, or skip unknown characters",
                byteOffset: missing[0].offset)
        }
        return out
    }

    public func token(forID id: Int32) -> String? { vocabulary.indices.contains(Int(id)) ? vocabulary[Int(id)] : nil }

    public func id(forToken token: String) -> Int32? {
        if let id = specialTokens[token] { return id }
        let scalars = token.unicodeScalars
        return scalars.count == 1 ? ids[scalars.first!.value] : nil
    }

}

/// Upper-case hex of a scalar value, at least four digits (`00E9`, `1F600`).
func scalarHex(_ value: UInt32) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

/// A scalar quoted for an error message; control and invisible characters are shown by name only.
func quotedScalar(_ scalar: Unicode.Scalar) -> String {
    switch scalar.properties.generalCategory {
    case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator, .nonspacingMark, .unassigned, .surrogate,
        .privateUse:
        return "(\(scalar.properties.name ?? "unnamed"))"
    default:
        return "'\(scalar)'"
    }
}

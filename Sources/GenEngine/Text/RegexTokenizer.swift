import Foundation

/// A word-level tokenizer for domain token languages: a split rule cuts text into tokens, and each
/// distinct token seen in a corpus gets an id. For SMILES, the atom-level pattern of Schwaller et
/// al. 2019 ("Molecular Transformer", ACS Cent. Sci. 5, 1572; reference: pschwllr/MolecularTransformer
/// `smi_tokenizer`) makes `[nH]`, `Cl`, `Br` and ring-bond labels `%10` one token each:
///
///     let smiles = #"(\[[^\]]+]|Br?|Cl?|N|O|S|P|F|I|b|c|n|o|s|p|\(|\)|\.|=|#|-|\+|\\|\/|:|~|@|\?|>|\*|\$|\%[0-9]{2}|[0-9])"#
///     let tokenizer = try RegexTokenizer(pattern: smiles, corpus: ["CCO", "c1ccccc1Br"], unknownToken: "<unk>")
///     try tokenizer.encode("CC(=O)Cl")   // "(", "=" and "O" were never seen: <unk> ids
///
/// A level map with one token per tile column would use a pattern such as `[^\n]+`, with the
/// newline `joiner` restoring the text on decode.
///
/// Ids: the unknown token (if any), then the other special tokens in the order given, then the
/// corpus's tokens in ascending order of their scalar values, so the same corpus gives the same ids.
public struct RegexTokenizer: VocabularyTokenizer {
    /// What becomes of text between matches of the pattern.
    public enum Unmatched: String, Sendable {
        /// Throw `.unmatchedText` with its byte offset (the default: the pattern describes the whole language).
        case reject
        /// Drop it (whitespace between words).
        case skip
        /// One unknown token per unmatched stretch (needs `unknownToken`).
        case unknown
    }

    /// How text is cut into tokens: the matches of an `NSRegularExpression` pattern, or a closure
    /// (which cannot be saved to `tokenizer.json`).
    public enum SplitRule: Sendable {
        case pattern(String)
        case custom(@Sendable (String) -> [String])
    }

    /// How text is cut into tokens.
    public let rule: SplitRule
    /// Vocabulary entries by id.
    public let vocabulary: [String]
    /// Name of the token that stands for tokens outside the vocabulary (`<unk>`), or nil.
    public let unknownToken: String?
    /// What becomes of text the pattern does not match.
    public let unmatched: Unmatched
    /// Placed between tokens by `decode` (`""` for SMILES, `" "` for whitespace-split words).
    public let joiner: String
    /// Special-token names (the unknown token among them) to ids.
    public let specialTokens: [String: Int32]
    private let ids: [String: Int32]
    private let regex: NSRegularExpression?

    /// Builds the vocabulary from the tokens of `corpus`.
    /// - Parameters:
    ///   - pattern: an `NSRegularExpression` pattern; every match is one token.
    ///   - minFrequency: tokens seen fewer times are left out (and encode as `unknownToken`).
    /// - Throws: `.invalidArgument` for a pattern that does not compile, matches the empty string,
    ///   or `.unknown` without `unknownToken`; `.unmatchedText` when a corpus text has text the
    ///   pattern does not match and `unmatched` is `.reject`.
    public init(
        pattern: String, corpus: [String], specialTokens: [String] = [], unknownToken: String? = "<unk>",
        unmatched: Unmatched = .reject, joiner: String = "", minFrequency: Int = 1
    ) throws {
        try self.init(
            rule: .pattern(pattern), corpus: corpus, specialTokens: specialTokens, unknownToken: unknownToken,
            unmatched: unmatched, joiner: joiner, minFrequency: minFrequency)
    }

    /// As `init(pattern:…)`, with any split rule.
    public init(
        rule: SplitRule, corpus: [String], specialTokens: [String] = [], unknownToken: String? = "<unk>",
        unmatched: Unmatched = .reject, joiner: String = "", minFrequency: Int = 1
    ) throws {
        // A provisional tokenizer with no vocabulary does the splitting and its checks.
        let splitter = try RegexTokenizer(
            rule: rule, vocabulary: [], specialTokens: [], unknownToken: nil,
            unmatched: unmatched == .unknown ? .skip : unmatched, joiner: joiner)
        var counts: [String: Int] = [:]
        for text in corpus {
            for token in try splitter.split(text) { counts[token.text, default: 0] += 1 }
        }
        var names: [String] = []
        for name in (unknownToken.map { [$0] } ?? []) + specialTokens where !names.contains(name) { names.append(name) }
        let taken = Set(names)
        let tokens = counts.filter { $0.value >= minFrequency && !taken.contains($0.key) }.keys
            .sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) { $0.value < $1.value } }
        try self.init(
            rule: rule, vocabulary: names + tokens, specialTokens: specialTokens, unknownToken: unknownToken,
            unmatched: unmatched, joiner: joiner)
    }

    /// A tokenizer with exactly this vocabulary (what `TokenizerFile` restores). Throws
    /// `.invalidArgument` for a bad pattern, a repeated entry, or a special token missing from the vocabulary.
    public init(
        rule: SplitRule, vocabulary: [String], specialTokens: [String], unknownToken: String?,
        unmatched: Unmatched = .reject, joiner: String = ""
    ) throws {
        if case .pattern(let pattern) = rule {
            do {
                regex = try NSRegularExpression(pattern: pattern)
            } catch {
                throw TokenizerError(.invalidArgument, "split pattern /\(pattern)/ does not compile (\(error)); fix the regular expression")
            }
            if regex!.firstMatch(in: "", range: NSRange(location: 0, length: 0)) != nil {
                throw TokenizerError(
                    .invalidArgument,
                    "split pattern /\(pattern)/ matches the empty string; "
                        + "every token must be at least one character")
            }
        } else {
            regex = nil
        }
        if unmatched == .unknown && unknownToken == nil {
            throw TokenizerError(.invalidArgument, "unmatched text can only become an unknown token when there is one; pass unknownToken")
        }
        var ids: [String: Int32] = [:]
        for (i, token) in vocabulary.enumerated() {
            guard ids.updateValue(Int32(i), forKey: token) == nil else {
                throw TokenizerError(.invalidArgument, "vocabulary entry \(i) '\(token)' appears twice")
            }
        }
        var special: [String: Int32] = [:]
        for name in (unknownToken.map { [$0] } ?? []) + specialTokens {
            guard let id = ids[name] else {
                throw TokenizerError(.invalidArgument, "special token '\(name)' is not in the vocabulary")
            }
            special[name] = id
        }
        self.rule = rule
        self.vocabulary = vocabulary
        self.unknownToken = unknownToken
        self.unmatched = unmatched
        self.joiner = joiner
        self.specialTokens = special
        self.ids = ids
    }

    /// The pattern, or nil for a closure rule.
    public var pattern: String? {
        if case .pattern(let p) = rule { return p }
        return nil
    }

    /// Special tokens plus distinct corpus tokens.
    public var vocabSize: Int { vocabulary.count }

    /// Tokens of `text` with their UTF-8 byte offsets; unmatched stretches come back as
    /// `matched: false` (`.unknown`), are dropped (`.skip`) or throw (`.reject`).
    func split(_ text: String) throws -> [(text: String, offset: Int, matched: Bool)] {
        guard let regex else {
            guard case .custom(let f) = rule else { return [] }
            var offset = 0
            return f(text).map { token in
                defer { offset += token.utf8.count }
                return (token, offset, true)
            }
        }
        var out: [(text: String, offset: Int, matched: Bool)] = []
        var cursor = text.startIndex
        func gap(upTo end: String.Index) throws {
            guard cursor < end else { return }
            let offset = text.utf8.distance(from: text.startIndex, to: cursor)
            switch unmatched {
            case .skip: break
            case .unknown: out.append((String(text[cursor..<end]), offset, false))
            case .reject:
                let stretch = String(text[cursor..<end].prefix(20))
                throw TokenizerError(
                    .unmatchedText,
                    "'\(stretch)' at byte offset \(offset) matches no token of /\(pattern ?? "")/; "
                        + "extend the pattern, or build the tokenizer with unmatched: .skip or .unknown",
                    byteOffset: offset)
            }
        }
        for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let range = Range(match.range, in: text) else { continue }
            try gap(upTo: range.lowerBound)
            out.append((String(text[range]), text.utf8.distance(from: text.startIndex, to: range.lowerBound), true))
            cursor = range.upperBound
        }
        try gap(upTo: text.endIndex)
        return out
    }

    /// Token ids of `text`. A token outside the vocabulary becomes the unknown token, or throws
    /// `.unknownToken` with its byte offset when there is none; unmatched text follows `unmatched`.
    public func encode(_ text: String) throws -> [Int32] {
        let unknown = unknownToken.flatMap { specialTokens[$0] }
        return try split(text).map { token in
            if token.matched, let id = ids[token.text] { return id }
            if let unknown { return unknown }
            throw TokenizerError(
                .unknownToken,
                "token '\(token.text)' at byte offset \(token.offset) is not in the "
                    + "\(vocabSize)-token vocabulary; add an unknown token or rebuild the vocabulary from text that has it",
                byteOffset: token.offset)
        }
    }

    public func token(forID id: Int32) -> String? { vocabulary.indices.contains(Int(id)) ? vocabulary[Int(id)] : nil }

    public func id(forToken token: String) -> Int32? { ids[token] }

    /// The token's UTF-8 (`decode` and `TokenStreamDecoder` put `joiner` between tokens).
}

import Foundation

/// GPT-2's byte-level byte-pair encoding (Radford et al. 2019, "Language Models are Unsupervised
/// Multitask Learners" §2.2; reference: openai/gpt-2 `src/encoder.py`, and the Hugging Face
/// `tokenizers` `ByteLevel` pre-tokenizer with the `BPE` model and `BpeTrainer`).
///
/// Encoding: the text is cut into pre-tokens by GPT-2's pattern (`preTokenize`), each pre-token's
/// UTF-8 bytes become the 256 base tokens, and merges are applied lowest rank first until none
/// applies. Every byte has a token, so any text encodes and decoding is exact. Vocabulary entries
/// are stored in GPT-2's printable byte alphabet (`byteToUnicode`: space is `Ġ`, newline `Ċ`), the
/// form `vocab.json`, `merges.txt` and `tokenizer.json` use.
public struct ByteLevelBPE: Tokenizer {
    /// One merge rule: the adjacent tokens `left` `right` become `left + right`.
    public struct Merge: Hashable, Sendable, CustomStringConvertible {
        /// The first token, byte-mapped (`Ġ`).
        public let left: String
        /// The token after it (`t`).
        public let right: String
        /// The merge `left right`.
        public init(_ left: String, _ right: String) {
            self.left = left
            self.right = right
        }
        /// The `merges.txt` line, `"Ġ t"`.
        public var description: String { "\(left) \(right)" }
    }

    /// Vocabulary entries (byte-mapped strings) to ids.
    public let vocabulary: [String: Int32]
    /// Merge rules, highest priority (rank 0) first.
    public let merges: [Merge]
    /// Special-token names to ids (`<|endoftext|>`); they decode as their names.
    public let specialTokens: [String: Int32]
    /// Put a space before text that does not start with one, so a first word encodes like a later
    /// one (`tokenizers` `ByteLevel(add_prefix_space=True)`; GPT-2 itself does not).
    public let addPrefixSpace: Bool
    /// Emit a whole pre-token as one id when it is in the vocabulary, before any merge
    /// (`tokenizers` BPE `ignore_merges`, used by Llama 3's vocabulary).
    public let ignoreMerges: Bool
    /// One more than the largest id of a vocabulary entry or special token.
    public let vocabSize: Int

    private let tokens: [String?]
    private let tokenBytes: [[UInt8]?]
    /// Key `left << 32 | right` (ids) to the merge's rank and the merged token's id.
    private let mergeTable: [UInt64: (rank: Int32, id: Int32)]
    /// Id of each byte's base token, or -1 when the vocabulary lacks it.
    private let byteIDs: [Int32]
    private let cache = PreTokenCache()

    /// A tokenizer from a vocabulary and merge list (what `vocab.json` + `merges.txt` hold).
    /// - Parameters:
    ///   - specialTokens: names to ids; an id may lie outside `vocabulary` (GPT-2's
    ///     `<|endoftext|>` is both) but not on a different entry.
    /// - Throws: `TokenizerError.invalidFile` when a merge names a token (or makes one) that is not
    ///   in the vocabulary, or ids are negative or repeated.
    public init(
        vocabulary: [String: Int32], merges: [Merge], specialTokens: [String: Int32] = [:],
        addPrefixSpace: Bool = false, ignoreMerges: Bool = false
    ) throws {
        try self.init(
            vocabulary: vocabulary, merges: merges, specialTokens: specialTokens, addPrefixSpace: addPrefixSpace,
            ignoreMerges: ignoreMerges, mergeLocation: { ("merge \($0)", nil) })
    }

    /// As the public initialiser; `mergeLocation(i)` names where merge `i` came from (file and
    /// line) for error messages.
    init(
        vocabulary: [String: Int32], merges: [Merge], specialTokens: [String: Int32], addPrefixSpace: Bool,
        ignoreMerges: Bool, mergeLocation: (Int) -> (String, Int?)
    ) throws {
        var maxID: Int32 = -1
        for (token, id) in vocabulary {
            guard id >= 0 else { throw TokenizerError(.invalidFile, "vocabulary entry '\(token)' has negative id \(id)") }
            maxID = max(maxID, id)
        }
        for (name, id) in specialTokens {
            guard id >= 0 else { throw TokenizerError(.invalidFile, "special token '\(name)' has negative id \(id)") }
            maxID = max(maxID, id)
        }
        var tokens = [String?](repeating: nil, count: Int(maxID) + 1)
        for (token, id) in vocabulary {
            if let other = tokens[Int(id)] {
                let pair = [other, token].sorted()
                throw TokenizerError(
                    .invalidFile,
                    "vocabulary entries '\(pair[0])' and '\(pair[1])' share id \(id); "
                        + "each id needs one entry")
            }
            tokens[Int(id)] = token
        }
        for (name, id) in specialTokens {
            if let other = tokens[Int(id)], other != name {
                throw TokenizerError(.invalidFile, "special token '\(name)' has id \(id), which is vocabulary entry '\(other)'")
            }
            tokens[Int(id)] = name
        }
        var table: [UInt64: (rank: Int32, id: Int32)] = [:]
        table.reserveCapacity(merges.count)
        for (rank, merge) in merges.enumerated() {
            func missing(_ what: String) -> TokenizerError {
                let (place, line) = mergeLocation(rank)
                return TokenizerError(
                    .invalidFile,
                    "\(place) ('\(merge)'): \(what) is not in the vocabulary; "
                        + "the merges and the vocabulary must come from the same tokenizer", line: line)
            }
            guard let a = vocabulary[merge.left] else { throw missing("'\(merge.left)'") }
            guard let b = vocabulary[merge.right] else { throw missing("'\(merge.right)'") }
            guard let ab = vocabulary[merge.left + merge.right] else { throw missing("the merged token '\(merge.left + merge.right)'") }
            // A repeated merge takes its later rank, as in encoder.py's dict and tokenizers' map.
            table[Self.pairKey(a, b)] = (Int32(rank), ab)
        }
        let special = Set(specialTokens.values)
        self.vocabulary = vocabulary
        self.merges = merges
        self.specialTokens = specialTokens
        self.addPrefixSpace = addPrefixSpace
        self.ignoreMerges = ignoreMerges
        self.vocabSize = tokens.count
        self.tokens = tokens
        self.mergeTable = table
        self.byteIDs = (0..<256).map { vocabulary[String(Self.byteToUnicode[$0])] ?? -1 }
        self.tokenBytes = tokens.enumerated().map { id, token in
            guard let token else { return nil }
            if special.contains(Int32(id)) { return Array(token.utf8) }
            // A token with a character outside the byte alphabet decodes as its own UTF-8, as in
            // the `tokenizers` ByteLevel decoder.
            var bytes: [UInt8] = []
            for scalar in token.unicodeScalars {
                guard let b = Self.unicodeToByte[scalar.value] else { return Array(token.utf8) }
                bytes.append(b)
            }
            return bytes
        }
    }

    static func pairKey(_ a: Int32, _ b: Int32) -> UInt64 { UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b)) }

    // MARK: Tokenizer

    /// Token ids of `text`. Throws `.unknownToken` only for a vocabulary that lacks some of the
    /// 256 byte tokens (one trained on a limited alphabet) when `text` needs a missing byte.
    public func encode(_ text: String) throws -> [Int32] {
        let text = addPrefixSpace && !text.hasPrefix(" ") ? " " + text : text
        let (utf8, pieces) = Self.preTokenRanges(text)
        var out: [Int32] = []
        out.reserveCapacity(utf8.count / 3)
        try utf8.withUnsafeBufferPointer { buffer in
            for piece in pieces {
                try encodePiece(UnsafeBufferPointer(rebasing: buffer[piece]), offset: piece.lowerBound, into: &out)
            }
        }
        return out
    }

    public func token(forID id: Int32) -> String? { tokens.indices.contains(Int(id)) ? tokens[Int(id)] : nil }

    public func id(forToken token: String) -> Int32? { vocabulary[token] ?? specialTokens[token] }

    public func bytes(forID id: Int32) -> [UInt8]? { tokenBytes.indices.contains(Int(id)) ? tokenBytes[Int(id)] : nil }

    /// The ids of one pre-token's bytes, appended to `out`.
    private func encodePiece(_ bytes: UnsafeBufferPointer<UInt8>, offset: Int, into out: inout [Int32]) throws {
        let key = Array(bytes)
        if let ids = cache.get(key) {
            out += ids
            return
        }
        if ignoreMerges, let id = vocabulary[String(String.UnicodeScalarView(bytes.map { Self.byteToUnicode[Int($0)] }))] {
            out.append(id)
            cache.put(key, [id])
            return
        }
        var symbols: [Int32] = []
        symbols.reserveCapacity(bytes.count)
        for (i, b) in bytes.enumerated() {
            let id = byteIDs[Int(b)]
            guard id >= 0 else {
                throw TokenizerError(
                    .unknownToken,
                    String(format: "byte 0x%02X at byte offset %d has no token: ", b, offset + i)
                        + "the vocabulary lacks some of the 256 byte tokens; retrain it with the full byte alphabet",
                    byteOffset: offset + i)
            }
            symbols.append(id)
        }
        let ids = applyMerges(symbols)
        cache.put(key, ids)
        out += ids
    }

    /// Applies merges to one pre-token, lowest rank first and left to right among equal ranks:
    /// the order of encoder.py's `bpe` loop, done with a heap of (rank, position) over a linked
    /// list as in `tokenizers` `Word::merge_all`, so a long pre-token costs O(n log n).
    func applyMerges(_ symbols: [Int32]) -> [Int32] {
        let n = symbols.count
        guard n > 1 else { return symbols }
        var ids = symbols
        var next = Array(1...n)
        var prev = Array(-1..<(n - 1))
        next[n - 1] = -1
        var alive = [Bool](repeating: true, count: n)
        var heap = MinHeap<MergeCandidate>()
        for i in 0..<(n - 1) {
            if let m = mergeTable[Self.pairKey(ids[i], ids[i + 1])] {
                heap.push(MergeCandidate(rank: m.rank, position: Int32(i), id: m.id))
            }
        }
        while let top = heap.pop() {
            let i = Int(top.position)
            guard alive[i], next[i] >= 0 else { continue }
            let j = next[i]
            // Skip entries made stale by an earlier merge at i or j.
            guard let m = mergeTable[Self.pairKey(ids[i], ids[j])], m.rank == top.rank, m.id == top.id else { continue }
            ids[i] = m.id
            alive[j] = false
            next[i] = next[j]
            if next[j] >= 0 { prev[next[j]] = i }
            if prev[i] >= 0, let left = mergeTable[Self.pairKey(ids[prev[i]], ids[i])] {
                heap.push(MergeCandidate(rank: left.rank, position: Int32(prev[i]), id: left.id))
            }
            if next[i] >= 0, let right = mergeTable[Self.pairKey(ids[i], ids[next[i]])] {
                heap.push(MergeCandidate(rank: right.rank, position: Int32(i), id: right.id))
            }
        }
        var out: [Int32] = []
        var i = 0
        while i >= 0 {
            out.append(ids[i])
            i = next[i]
        }
        return out
    }

    // MARK: The byte alphabet

    /// GPT-2's `bytes_to_unicode`: printable Latin-1 bytes (`!`…`~`, `¡`…`¬`, `®`…`ÿ`) stand for
    /// themselves, the other 68 bytes for U+0100… in byte order, so every byte is a visible
    /// character and no token holds whitespace or control characters.
    public static let byteToUnicode: [Unicode.Scalar] = {
        var map = [Unicode.Scalar?](repeating: nil, count: 256)
        for b in 0..<256 where (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b) {
            map[b] = Unicode.Scalar(UInt32(b))!
        }
        var n: UInt32 = 0
        for b in 0..<256 where map[b] == nil {
            map[b] = Unicode.Scalar(256 + n)!
            n += 1
        }
        return map.map { $0! }
    }()

    /// The inverse of `byteToUnicode`, keyed by scalar value.
    public static let unicodeToByte: [UInt32: UInt8] =
        Dictionary(uniqueKeysWithValues: byteToUnicode.enumerated().map { ($1.value, UInt8($0)) })

    /// The 256 bytes in the order of their characters' scalar values: the id order of GPT-2's
    /// first 256 tokens and of a `BpeTrainer` alphabet.
    static let bytesInAlphabetOrder: [UInt8] =
        (0..<256).map { UInt8($0) }.sorted { byteToUnicode[Int($0)].value < byteToUnicode[Int($1)].value }

    // MARK: Pre-tokenisation

    /// Splits `text` exactly as GPT-2's pattern
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+` does under
    /// `regex.findall` (a hand-written scanner over scalars: no regex engine). The pieces
    /// concatenate to `text`. Letter (`L*`), number (`N*`) and whitespace (`White_Space`) come
    /// from `Unicode.Scalar.Properties`: the same class as Python's `regex` 2026.5 for every code
    /// point; `tokenizers` 0.23 (Oniguruma, an older Unicode) differs only on 4,657 letters and
    /// numbers of recently encoded scripts, which it sees as unassigned.
    public static func preTokenize(_ text: String) -> [String] {
        let (utf8, ranges) = preTokenRanges(text)
        return ranges.map { String(decoding: utf8[$0], as: UTF8.self) }
    }

    enum CharClass: UInt8 { case letter, number, space, other }

    static let asciiClasses: [CharClass] = (0..<128).map { propertyClass(Unicode.Scalar(UInt8($0))) }

    static func charClass(_ s: Unicode.Scalar) -> CharClass {
        s.value < 128 ? asciiClasses[Int(s.value)] : propertyClass(s)
    }

    static func propertyClass(_ s: Unicode.Scalar) -> CharClass {
        let p = s.properties
        if p.isWhitespace { return .space }
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return .letter
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        default: return .other
        }
    }

    /// The UTF-8 of `text` and the byte ranges of its pre-tokens.
    static func preTokenRanges(_ text: String) -> (utf8: [UInt8], ranges: [Range<Int>]) {
        let utf8 = Array(text.utf8)
        var values: [UInt32] = []
        var classes: [CharClass] = []
        var starts: [Int] = []
        values.reserveCapacity(utf8.count)
        classes.reserveCapacity(utf8.count)
        starts.reserveCapacity(utf8.count + 1)
        var offset = 0
        for scalar in text.unicodeScalars {
            values.append(scalar.value)
            classes.append(charClass(scalar))
            starts.append(offset)
            offset += UTF8.width(scalar)
        }
        starts.append(offset)
        let n = values.count
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(n / 3)
        let apostrophe: UInt32 = 0x27
        let space: UInt32 = 0x20
        func ascii(_ c: Character) -> UInt32 { c.unicodeScalars.first!.value }
        var i = 0
        while i < n {
            var end = -1
            // 's 't 're 've 'm 'll 'd (case-sensitive, as in GPT-2).
            if values[i] == apostrophe, i + 1 < n {
                let a = values[i + 1]
                if a == ascii("s") || a == ascii("t") || a == ascii("m") || a == ascii("d") {
                    end = i + 2
                } else if i + 2 < n {
                    let b = values[i + 2]
                    if (a == ascii("r") && b == ascii("e")) || (a == ascii("v") && b == ascii("e"))
                        || (a == ascii("l") && b == ascii("l"))
                    {
                        end = i + 3
                    }
                }
            }
            if end < 0 {
                // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: an optional space, then a run of
                // one class; the first non-space character decides which alternative matches.
                let j = values[i] == space && i + 1 < n && classes[i + 1] != .space ? i + 1 : i
                let kind = classes[j]
                if kind != .space {
                    end = j + 1
                    while end < n && classes[end] == kind { end += 1 }
                } else {
                    // `\s+(?!\S)` then `\s+`: a whitespace run keeps its last character for the
                    // word after it (which takes it if it is a space), unless the text ends.
                    var e = i + 1
                    while e < n && classes[e] == .space { e += 1 }
                    end = e == n ? n : (e - i >= 2 ? e - 1 : i + 1)
                }
            }
            ranges.append(starts[i]..<starts[end])
            i = end
        }
        return (utf8, ranges)
    }
}

// MARK: - Training

extension ByteLevelBPE {
    /// Learns merges from `texts` (Sennrich et al. 2016, "Neural Machine Translation of Rare Words
    /// with Subword Units", on GPT-2's byte alphabet), the algorithm of `tokenizers`'
    /// `BpeTrainer::do_train`, so it learns the same merges in the same order:
    ///
    /// 1. Ids: `specialTokens` first, then the 256 byte tokens in `byteToUnicode` scalar order.
    /// 2. Each text is pre-tokenised (`preTokenize`) and distinct pre-tokens are counted.
    /// 3. Repeatedly the adjacent pair with the highest count (summed over pre-token frequencies,
    ///    overlapping windows counted, so `aaa` holds `a a` twice) is merged into a new token with
    ///    the next id. Ties go to the pair with the smaller (left id, right id), i.e. the pair
    ///    whose tokens were created first; not the lexicographic order of their strings.
    /// 4. Stops at `vocabSize` entries, when no pair is left, or when the best count is below
    ///    `minFrequency`.
    ///
    /// Pair counts are updated incrementally: each pair keeps the set of pre-tokens it occurs in,
    /// and a merge rewrites only those, adjusting the counts of the pairs around it. A heap gives
    /// the best pair; stale entries are refreshed when popped.
    ///
    /// - Parameters:
    ///   - texts: training sequences (pre-tokens never cross two texts).
    ///   - vocabSize: target size including the special and byte tokens.
    ///   - progress: called after each merge with the number of merges so far.
    /// - Throws: `.invalidArgument` if `vocabSize` is below the special tokens plus 256 bytes.
    public static func train(
        texts: [String], vocabSize: Int, specialTokens: [String] = [], minFrequency: Int = 0,
        progress: ((Int) -> Void)? = nil
    ) throws -> ByteLevelBPE {
        var idToToken: [String] = []
        var tokenToID: [String: Int32] = [:]
        func add(_ token: String) {
            guard tokenToID[token] == nil else { return }
            tokenToID[token] = Int32(idToToken.count)
            idToToken.append(token)
        }
        specialTokens.forEach(add)
        let specialIDs = Dictionary(uniqueKeysWithValues: specialTokens.map { ($0, tokenToID[$0]!) })
        for b in bytesInAlphabetOrder { add(String(byteToUnicode[Int(b)])) }
        guard vocabSize >= idToToken.count else {
            throw TokenizerError(
                .invalidArgument,
                "a vocabulary of \(vocabSize) cannot hold the \(idToToken.count) special "
                    + "and byte tokens; ask for at least \(idToToken.count)")
        }
        let byteIDs = (0..<256).map { tokenToID[String(byteToUnicode[$0])]! }

        // Distinct pre-tokens with their frequencies, in byte order for a fixed word numbering.
        var wordCounts: [[UInt8]: Int] = [:]
        for text in texts {
            let (utf8, ranges) = preTokenRanges(text)
            for r in ranges { wordCounts[Array(utf8[r]), default: 0] += 1 }
        }
        let sortedWords = wordCounts.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        var words = sortedWords.map { $0.key.map { byteIDs[Int($0)] } }
        let counts = sortedWords.map(\.value)

        var pairCounts: [UInt64: Int] = [:]
        var whereToUpdate: [UInt64: Set<Int32>] = [:]
        for (w, word) in words.enumerated() where word.count > 1 {
            for k in 0..<(word.count - 1) {
                let key = pairKey(word[k], word[k + 1])
                pairCounts[key, default: 0] += counts[w]
                whereToUpdate[key, default: []].insert(Int32(w))
            }
        }
        var queue = MinHeap<PairCandidate>()
        func drainUpdates() {
            // Sorted so that equal entries enter the heap in a fixed order.
            for key in whereToUpdate.keys.sorted() {
                let count = pairCounts[key]!
                if count > 0 { queue.push(PairCandidate(count: count, pair: key, words: Array(whereToUpdate[key]!))) }
            }
            whereToUpdate.removeAll(keepingCapacity: true)
        }
        drainUpdates()

        var merges: [Merge] = []
        while idToToken.count < vocabSize, var top = queue.pop() {
            let current = pairCounts[top.pair]!
            if top.count != current {
                top.count = current
                queue.push(top)
                continue
            }
            if top.count < 1 || minFrequency > top.count { break }
            let a = Int32(truncatingIfNeeded: top.pair >> 32)
            let b = Int32(truncatingIfNeeded: top.pair & 0xFFFF_FFFF)
            let merged = idToToken[Int(a)] + idToToken[Int(b)]
            add(merged)
            let newID = tokenToID[merged]!
            merges.append(Merge(idToToken[Int(a)], idToToken[Int(b)]))
            for w in top.words {
                let word = words[Int(w)]
                guard word.count > 1 else { continue }
                var out: [Int32] = []
                out.reserveCapacity(word.count)
                var changed = false
                var k = 0
                let count = counts[Int(w)]
                func change(_ x: Int32, _ y: Int32, _ delta: Int) {
                    let key = pairKey(x, y)
                    pairCounts[key, default: 0] += delta * count
                    if delta > 0 { whereToUpdate[key, default: []].insert(w) }
                }
                // `tokenizers` `Word::merge`: left to right, each merge retiring the pairs it
                // breaks and counting the pairs it makes.
                while k < word.count {
                    if k + 1 < word.count && word[k] == a && word[k + 1] == b {
                        if let before = out.last {
                            change(before, a, -1)
                            change(before, newID, 1)
                        }
                        out.append(newID)
                        if k + 2 < word.count {
                            change(b, word[k + 2], -1)
                            change(newID, word[k + 2], 1)
                        }
                        k += 2
                        changed = true
                    } else {
                        out.append(word[k])
                        k += 1
                    }
                }
                if changed { words[Int(w)] = out }
            }
            drainUpdates()
            progress?(merges.count)
        }
        let vocabulary = Dictionary(uniqueKeysWithValues: idToToken.enumerated().map { ($1, Int32($0)) })
        return try ByteLevelBPE(vocabulary: vocabulary, merges: merges, specialTokens: specialIDs)
    }

    /// Trains on one text; see `train(texts:vocabSize:specialTokens:minFrequency:progress:)`.
    public static func train(text: String, vocabSize: Int, specialTokens: [String] = [], minFrequency: Int = 0) throws -> ByteLevelBPE {
        try train(texts: [text], vocabSize: vocabSize, specialTokens: specialTokens, minFrequency: minFrequency)
    }
}

// MARK: - Support

extension ByteLevelBPE {
    /// A merge that may apply at `position` of a pre-token; lower rank first, then leftmost.
    struct MergeCandidate: Comparable {
        var rank: Int32
        var position: Int32
        var id: Int32
        static func < (x: Self, y: Self) -> Bool { (x.rank, x.position) < (y.rank, y.position) }
        static func == (x: Self, y: Self) -> Bool { x.rank == y.rank && x.position == y.position }
    }

    /// A training pair with its count when queued and the pre-tokens to rewrite; the highest count
    /// comes first, then the smaller (left id, right id) (`tokenizers`' `Merge` ordering).
    struct PairCandidate: Comparable {
        var count: Int
        var pair: UInt64
        var words: [Int32]
        static func < (x: Self, y: Self) -> Bool { x.count != y.count ? x.count > y.count : x.pair < y.pair }
        static func == (x: Self, y: Self) -> Bool { x.count == y.count && x.pair == y.pair }
    }

    /// Encoded pre-tokens, shared by copies of a tokenizer (a pure function of its merges). Like
    /// `tokenizers`' BPE cache it stops growing at 10,000 entries.
    final class PreTokenCache: @unchecked Sendable {
        private var entries: [[UInt8]: [Int32]] = [:]
        private let lock = NSLock()
        static let capacity = 10_000

        func get(_ key: [UInt8]) -> [Int32]? {
            lock.lock()
            defer { lock.unlock() }
            return entries[key]
        }

        func put(_ key: [UInt8], _ ids: [Int32]) {
            lock.lock()
            defer { lock.unlock() }
            if entries.count < Self.capacity { entries[key] = ids }
        }
    }
}

// English synonyms from a WordNet 3.0 database (the wndb(5) files Debian's wordnet-base installs),
// read directly: index.<pos> by binary search, data.<pos> at byte offsets, <pos>.exc for morphology.
import Foundation
import GenEngine

/// Where synonyms come from: WordNet when its files are found, a small built-in list otherwise.
protocol SynonymLexicon: AnyObject {
    /// The synonyms of `word` (lowercase, without surrounding punctuation): lowercase words or
    /// phrases (a space between words), never `word` itself, in an order fixed by the lexicon's
    /// files (never a hash order); empty when the word is unknown.
    func synonyms(of word: String) -> [String]
    /// What the run summary and `--stats` call the lexicon (`wordnet:/usr/share/wordnet`, `built-in`).
    var name: String { get }
}

/// A WordNet 3.0 database read as the `wndb(5)` manual page describes it
/// (https://wordnet.princeton.edu/documentation/wndb5wn):
/// - `index.noun|verb|adj|adv`: one line per lemma, sorted by byte, `lemma pos synset_cnt p_cnt
///   [ptr_symbol…] sense_cnt tagsense_cnt synset_offset…` (lemmas lowercase, `_` for spaces); the
///   licence lines at the top start with two spaces.
/// - `data.<pos>`: a synset per line, found at its `synset_offset` (a byte offset into the file):
///   `synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id…] …`, `w_cnt` two hex
///   digits; an adjective may carry a syntactic marker, `word(a)`, `(p)` or `(ip)`.
/// - `<pos>.exc`: irregular forms, `inflected base…` per line (morphy(7WN)).
///
/// A word's synonyms are every lemma of every synset of the word in all four parts of speech, as
/// eda_nlp's `get_synonyms` takes them from NLTK's `wordnet.synsets(word)` (Wei & Zou, EMNLP 2019;
/// jasonwei20/eda_nlp), with NLTK's `morphy` base forms (so "movies" finds "movie"'s synsets).
/// Files are read whole at `init` (about 28 MB); lookups are cached and safe from several
/// threads at once.
final class WordNet: SynonymLexicon {
    /// The database folder.
    let folder: URL
    /// The parts of speech in NLTK's order, with their file suffixes.
    static let parts = ["noun", "verb", "adj", "adv"]
    /// NLTK's `MORPHOLOGICAL_SUBSTITUTIONS` (suffix, replacement) per part of speech.
    static let substitutions: [[(String, String)]] = [
        [("s", ""), ("ses", "s"), ("ves", "f"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"), ("ies", "y")],
        [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")],
        [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
        [],
    ]
    private let index: [[UInt8]]
    private let data: [[UInt8]]
    private let exceptions: [[String: [String]]]

    var name: String { "wordnet:\(folder.path)" }

    /// Reads the database in `folder`. Throws `IOFailure.missing` when an `index.*` or `data.*`
    /// file is absent, `IOFailure.unreadable` when one cannot be read (the `.exc` files are
    /// optional).
    init(folder: URL) throws {
        self.folder = folder
        func read(_ name: String) throws -> [UInt8] { [UInt8](try AtomicFile.read(folder.appendingPathComponent(name))) }
        index = try WordNet.parts.map { try read("index.\($0)") }
        data = try WordNet.parts.map { try read("data.\($0)") }
        exceptions = WordNet.parts.map { part in
            var map: [String: [String]] = [:]
            let url = folder.appendingPathComponent("\(part).exc")
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { return map }
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: " ").map(String.init)
                if fields.count >= 2 && map[fields[0]] == nil { map[fields[0]] = Array(fields.dropFirst()) }
            }
            return map
        }
    }

    /// The folder of the first WordNet database found: `$WNSEARCHDIR` when set (the variable the
    /// WordNet tools read), then `/usr/share/wordnet` (Debian's `wordnet-base`); nil when neither
    /// holds `index.noun` and `data.noun`.
    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL? {
        let candidates = [environment["WNSEARCHDIR"], "/usr/share/wordnet"].compactMap { $0 }.filter { !$0.isEmpty }
        return candidates.map { URL(fileURLWithPath: $0) }.first { folder in
            ["index.noun", "data.noun"].allSatisfy { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }
        }
    }

    /// Synonyms already looked up (a word repeats across a row's copies and across rows), behind
    /// `lock`; at most `cacheLimit` words are kept. The cache never changes an answer.
    private var cache: [String: [String]] = [:]
    private let lock = NSLock()
    private let cacheLimit = 500_000

    func synonyms(of word: String) -> [String] {
        lock.lock()
        let cached = cache[word]
        lock.unlock()
        if let cached { return cached }
        let found = lookUp(word)
        lock.lock()
        if cache.count < cacheLimit { cache[word] = found }
        lock.unlock()
        return found
    }

    /// `synonyms(of:)` read from the files.
    private func lookUp(_ word: String) -> [String] {
        let lemma = word.lowercased().replacingOccurrences(of: " ", with: "_")
        guard !lemma.isEmpty else { return [] }
        var result: [String] = []
        var seen: Set<String> = [word.lowercased()]
        var bases: [String] = []
        for part in 0..<WordNet.parts.count {
            for form in morphy(lemma, part: part) {
                bases.append(form.replacingOccurrences(of: "_", with: " "))
                for offset in synsetOffsets(form, part: part) {
                    for synonym in synsetWords(at: offset, part: part) where seen.insert(synonym).inserted { result.append(synonym) }
                }
            }
        }
        // A base form of the word itself ("movie" for "movies") is not a synonym.
        return result.filter { !bases.contains($0) }
    }

    /// The base forms of `form` (lowercase, `_` for spaces) that `index.<part>` holds, as NLTK's
    /// `_morphy` finds them: the irregular forms of `<part>.exc` when `form` is listed there,
    /// else `form` itself and the forms its suffix substitutions give (repeated on those forms
    /// while none is found, at most three rounds).
    func morphy(_ form: String, part: Int) -> [String] {
        func known(_ forms: [String]) -> [String] {
            var out: [String] = []
            for f in forms where !out.contains(f) && indexLine(f, part: part) != nil { out.append(f) }
            return out
        }
        if let irregular = exceptions[part][form] { return known([form] + irregular) }
        func applyRules(_ forms: [String]) -> [String] {
            forms.flatMap { f in
                WordNet.substitutions[part].compactMap { (old, new) in f.hasSuffix(old) ? String(f.dropLast(old.count)) + new : nil }
            }
        }
        var forms = applyRules([form])
        var found = known([form] + forms)
        var rounds = 0
        while found.isEmpty && !forms.isEmpty && rounds < 3 {
            forms = applyRules(forms)
            found = known(forms)
            rounds += 1
        }
        return found
    }

    /// The synset offsets (bytes into `data.<part>`) of a lemma's line in `index.<part>`, in the
    /// file's order (most frequent sense first); empty when the lemma is absent.
    func synsetOffsets(_ lemma: String, part: Int) -> [Int] {
        guard let line = indexLine(lemma, part: part) else { return [] }
        let fields = line.split(separator: 0x20)
        guard fields.count >= 4, let synsets = Int(ascii: fields[2]), let pointers = Int(ascii: fields[3]) else { return [] }
        let first = 4 + pointers + 2
        guard synsets >= 0, pointers >= 0, fields.count >= first + synsets else { return [] }
        return fields[first..<(first + synsets)].compactMap { Int(ascii: $0) }
    }

    /// The words of the synset at byte `offset` of `data.<part>`: `_` read as a space, markers
    /// such as `(a)` dropped, lowercase; empty when the offset does not start a synset line.
    func synsetWords(at offset: Int, part: Int) -> [String] {
        let bytes = data[part]
        guard offset >= 0, offset < bytes.count, offset == 0 || bytes[offset - 1] == 0x0A else { return [] }
        // Only the first 4 + 2·w_cnt fields are read: the pointers that follow can run long.
        var position = offset
        func field() -> ArraySlice<UInt8>? {
            let start = position
            while position < bytes.count && bytes[position] != 0x20 && bytes[position] != 0x0A { position += 1 }
            guard position > start, position < bytes.count, bytes[position] == 0x20 else { return nil }
            position += 1
            return bytes[start..<(position - 1)]
        }
        guard field() != nil, field() != nil, field() != nil, let hex = field(),
            let count = Int(String(decoding: hex, as: UTF8.self), radix: 16)
        else { return [] }
        var words: [String] = []
        for _ in 0..<count {
            guard let token = field(), field() != nil else { return [] }
            var word = String(decoding: token, as: UTF8.self)
            if word.hasSuffix(")"), let open = word.lastIndex(of: "(") { word = String(word[..<open]) }
            words.append(word.replacingOccurrences(of: "_", with: " ").lowercased())
        }
        return words
    }

    /// The line of `index.<part>` whose lemma is `lemma` (without its line end), found by binary
    /// search over the byte-sorted file; nil when absent.
    func indexLine(_ lemma: String, part: Int) -> ArraySlice<UInt8>? {
        let key = Array(lemma.utf8)
        let bytes = index[part]
        var low = 0
        var high = bytes.count
        // `low` and `high` are always line starts (or the end of the file).
        while low < high {
            var start = (low + high) / 2
            while start > low && bytes[start - 1] != 0x0A { start -= 1 }
            let end = bytes[start..<high].firstIndex(of: 0x0A) ?? high
            let lemmaEnd = bytes[start..<end].firstIndex(of: 0x20) ?? end
            let order = compare(bytes[start..<lemmaEnd], key)
            if order == 0 { return bytes[start..<end] }
            if order < 0 {
                low = end + 1
            } else {
                high = start
            }
        }
        return nil
    }

    /// Byte-wise order of `a` and `b`: negative, zero or positive.
    private func compare(_ a: ArraySlice<UInt8>, _ b: [UInt8]) -> Int {
        for (x, y) in zip(a, b) where x != y { return Int(x) - Int(y) }
        return a.count - b.count
    }
}

extension Int {
    /// A decimal number written in ASCII bytes; nil when the bytes are not one.
    fileprivate init?(ascii bytes: ArraySlice<UInt8>) {
        guard !bytes.isEmpty, bytes.count < 19, bytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        self = bytes.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }
}

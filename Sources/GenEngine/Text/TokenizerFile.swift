import Foundation

/// Tokenizers on disk in the Hugging Face `tokenizers` `tokenizer.json` layout (the format of
/// `Tokenizer.save` in `tokenizers` ≥ 0.10; reference: huggingface/tokenizers
/// `tokenizer/serialization.rs`), and GPT-2's `vocab.json` + `merges.txt` pair (openai/gpt-2
/// `encoder.py`, `get_encoder`).
///
///     {"version": "1.0",
///      "added_tokens": [{"id": 0, "content": "<|endoftext|>", "special": true, …}],
///      "normalizer": null,
///      "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
///      "decoder": {"type": "ByteLevel", …},
///      "model": {"type": "BPE", "vocab": {"!": 1, …}, "merges": [["Ġ", "t"], …], …}}
///
/// A `ByteLevelBPE` is a `BPE` model with the `ByteLevel` pre-tokenizer. `CharacterTokenizer` and
/// `RegexTokenizer` are `WordLevel` models with a `Split` pre-tokenizer (`[\s\S]`, or the split
/// pattern) that carries a `"gensuite"` object with what `tokenizers` has no field for (`kind`,
/// `pattern`, `unmatched`, `joiner`, `skip_unknown`, `version`). It sits inside the pre-tokenizer
/// because `tokenizers` (0.23) fails on unknown keys at the top level and in models but ignores
/// them there; so every file written here also loads in `tokenizers` and, checked on samples,
/// gives the same ids (a `RegexTokenizer` up to `unmatched` and `joiner`, which it cannot express).
/// Reading accepts merges as `"a b"` strings (`tokenizers` < 0.20) or `["a", "b"]` pairs, and
/// treats every added token as a special token.
public enum TokenizerFile {
    /// The file's name in a model bundle.
    public static let fileName = "tokenizer.json"
    /// Version of the `"gensuite"` key this code writes and the newest it reads.
    public static let formatVersion = 1

    // MARK: Writing

    /// The `tokenizer.json` bytes of `tokenizer` (keys sorted, so the same tokenizer gives the
    /// same bytes). Throws `.invalidArgument` for a `RegexTokenizer` with a closure rule or a
    /// tokenizer type this file format does not know.
    public static func encode(_ tokenizer: any Tokenizer) throws -> Data {
        let added: [[String: Any]] = tokenizer.specialTokens.sorted { $0.value < $1.value }.map { name, id in
            ["id": Int(id), "content": name, "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": true]
        }
        var root: [String: Any] = [
            "version": "1.0", "truncation": NSNull(), "padding": NSNull(), "added_tokens": added,
            "normalizer": NSNull(), "post_processor": NSNull(),
        ]
        switch tokenizer {
        case let bpe as ByteLevelBPE:
            let byteLevel: [String: Any] = [
                "type": "ByteLevel", "add_prefix_space": bpe.addPrefixSpace, "trim_offsets": true,
                "use_regex": true,
            ]
            root["pre_tokenizer"] = byteLevel
            root["decoder"] = byteLevel
            root["model"] =
                [
                    "type": "BPE", "dropout": NSNull(), "unk_token": NSNull(), "continuing_subword_prefix": NSNull(),
                    "end_of_word_suffix": NSNull(), "fuse_unk": false, "byte_fallback": false, "ignore_merges": bpe.ignoreMerges,
                    "vocab": bpe.vocabulary.mapValues { Int($0) },
                    "merges": bpe.merges.map { [$0.left, $0.right] },
                ] as [String: Any]
        case let chars as CharacterTokenizer:
            root["pre_tokenizer"] = split(#"[\s\S]"#, extra: ["kind": "character", "skip_unknown": chars.skipUnknown])
            root["decoder"] = ["type": "Fuse"]
            root["model"] = wordLevel(chars.vocabulary, unknownToken: chars.unknownToken)
        case let words as RegexTokenizer:
            guard let pattern = words.pattern else {
                throw TokenizerError(.invalidArgument, "a RegexTokenizer with a closure split rule cannot be saved; give it a pattern")
            }
            root["pre_tokenizer"] = split(
                pattern,
                extra: [
                    "kind": "regex", "pattern": pattern, "unmatched": words.unmatched.rawValue,
                    "joiner": words.joiner,
                ])
            // `tokenizers` joins WordLevel tokens with spaces unless a decoder says otherwise.
            root["decoder"] = words.joiner == "" ? ["type": "Fuse"] as Any : NSNull()
            root["model"] = wordLevel(words.vocabulary, unknownToken: words.unknownToken)
        default:
            throw TokenizerError(
                .invalidArgument,
                "cannot save a \(type(of: tokenizer)) as tokenizer.json; "
                    + "only ByteLevelBPE, CharacterTokenizer and RegexTokenizer have a file form")
        }
        return try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }

    /// A `tokenizers` `Split` pre-tokenizer (matches and the text between them become pieces)
    /// carrying GenSuite's own fields.
    private static func split(_ pattern: String, extra: [String: Any]) -> [String: Any] {
        [
            "type": "Split", "pattern": ["Regex": pattern], "behavior": "Isolated", "invert": false,
            "gensuite": extra.merging(["version": formatVersion]) { a, _ in a },
        ]
    }

    private static func wordLevel(_ vocabulary: [String], unknownToken: String?) -> [String: Any] {
        var model: [String: Any] = [
            "type": "WordLevel",
            "vocab": Dictionary(uniqueKeysWithValues: vocabulary.enumerated().map { ($1, $0) }),
        ]
        if let unknownToken { model["unk_token"] = unknownToken }
        return model
    }

    /// Writes `tokenizer.json` atomically (`AtomicFile`).
    public static func write(_ tokenizer: any Tokenizer, to url: URL) throws {
        try AtomicFile.write(encode(tokenizer), to: url)
    }

    // MARK: Reading tokenizer.json

    /// Reads a `tokenizer.json` written by GenSuite or by `tokenizers` (a byte-level BPE).
    public static func read(contentsOf url: URL) throws -> any Tokenizer {
        try decode(AtomicFile.read(url), source: url.path)
    }

    /// Parses `tokenizer.json` bytes; `source` names the file in errors. Throws
    /// `TokenizerError.invalidFile` naming the JSON key path of what is malformed or unsupported
    /// (a normalizer, a pre-tokenizer other than ByteLevel for BPE, subword prefixes, …).
    public static func decode(_ data: Data, source: String = fileName) throws -> any Tokenizer {
        let root = try jsonObject(data, source: source)
        let json = JSONReader(source: source)
        guard let object = root as? [String: Any] else { throw json.fail("", "the file is not a JSON object") }
        // GenSuite's fields: in the pre-tokenizer, or at the top level (tolerated when reading).
        let extra = (object["pre_tokenizer"] as? [String: Any])?["gensuite"] as? [String: Any] ?? object["gensuite"] as? [String: Any]
        if let version = extra?["version"] {
            let v = try json.int(version, at: "pre_tokenizer.gensuite.version")
            guard v <= formatVersion else {
                throw json.fail(
                    "pre_tokenizer.gensuite.version",
                    "is \(v), newer than this GenSuite reads (\(formatVersion)); update GenSuite")
            }
        }
        if let normalizer = object["normalizer"], !(normalizer is NSNull) {
            throw json.fail("normalizer", "is set; GenSuite tokenizers have no normalizer, so this tokenizer would encode differently")
        }
        guard let model = object["model"] as? [String: Any] else { throw json.fail("model", "is missing or not an object") }
        var special: [(name: String, id: Int32)] = []
        for (i, entry) in (try json.array(object["added_tokens"] ?? [Any](), at: "added_tokens")).enumerated() {
            guard let token = entry as? [String: Any], let content = token["content"] as? String else {
                throw json.fail("added_tokens[\(i)]", "needs a string \"content\"")
            }
            special.append((content, try json.id(token["id"], at: "added_tokens[\(i)].id")))
        }
        special.sort { $0.id < $1.id }
        switch model["type"] as? String {
        case "BPE": return try byteLevelBPE(object, model: model, special: special, json: json)
        case "WordLevel": return try wordLevel(extra, model: model, special: special, json: json)
        case let other:
            throw json.fail(
                "model.type",
                "is \(other.map { "'\($0)'" } ?? "missing"); GenSuite reads BPE (byte-level) and WordLevel models")
        }
    }

    private static func byteLevelBPE(
        _ object: [String: Any], model: [String: Any], special: [(name: String, id: Int32)],
        json: JSONReader
    ) throws -> ByteLevelBPE {
        guard let pre = object["pre_tokenizer"] as? [String: Any], pre["type"] as? String == "ByteLevel" else {
            throw json.fail("pre_tokenizer", "is not {\"type\": \"ByteLevel\"}; GenSuite reads byte-level BPE (GPT-2 style) only")
        }
        if let useRegex = pre["use_regex"], !(try json.bool(useRegex, at: "pre_tokenizer.use_regex")) {
            throw json.fail("pre_tokenizer.use_regex", "is false; GenSuite always splits with GPT-2's pattern")
        }
        let addPrefixSpace = try pre["add_prefix_space"].map { try json.bool($0, at: "pre_tokenizer.add_prefix_space") } ?? true
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let value = model[key], !(value is NSNull) {
                throw json.fail("model.\(key)", "is set; byte-level BPE has no subword affixes")
            }
        }
        if let fallback = model["byte_fallback"], try json.bool(fallback, at: "model.byte_fallback") {
            throw json.fail("model.byte_fallback", "is true (SentencePiece-style <0xNN> tokens); GenSuite reads byte-level BPE only")
        }
        let ignoreMerges = try model["ignore_merges"].map { try json.bool($0, at: "model.ignore_merges") } ?? false
        let vocabulary = try json.vocabulary(model["vocab"], at: "model.vocab")
        let mergeList = try json.array(model["merges"] ?? [Any](), at: "model.merges")
        let merges = try mergeList.enumerated().map { i, entry -> ByteLevelBPE.Merge in
            if let line = entry as? String { return try json.merge(line, at: "model.merges[\(i)]", line: nil) }
            guard let pair = entry as? [Any], pair.count == 2, let a = pair[0] as? String, let b = pair[1] as? String else {
                throw json.fail("model.merges[\(i)]", "is neither \"left right\" nor [\"left\", \"right\"]")
            }
            return ByteLevelBPE.Merge(a, b)
        }
        return try ByteLevelBPE(
            vocabulary: vocabulary, merges: merges, specialTokens: try json.specialMap(special),
            addPrefixSpace: addPrefixSpace, ignoreMerges: ignoreMerges,
            mergeLocation: { ("\(json.source): model.merges[\($0)]", nil) })
    }

    private static func wordLevel(
        _ extra: [String: Any]?, model: [String: Any], special: [(name: String, id: Int32)],
        json: JSONReader
    ) throws -> any Tokenizer {
        guard let extra, let kind = extra["kind"] as? String else {
            throw json.fail(
                "pre_tokenizer.gensuite.kind",
                "is missing; GenSuite reads only the WordLevel files it wrote (character or regex tokenizers)")
        }
        let map = try json.vocabulary(model["vocab"], at: "model.vocab")
        var vocabulary = [String?](repeating: nil, count: map.count)
        for (token, id) in map {
            guard Int(id) < map.count else {
                throw json.fail("model.vocab", "ids are not 0..<\(map.count) ('\(token)' has \(id)); a GenSuite vocabulary has no gaps")
            }
            vocabulary[Int(id)] = token
        }
        let tokens = vocabulary.map { $0! }
        let unknownToken = try model["unk_token"].map { value -> String in
            guard let s = value as? String else { throw json.fail("model.unk_token", "is not a string") }
            return s
        }.flatMap { map[$0] == nil ? nil : $0 }
        let names = special.map(\.name).filter { $0 != unknownToken }
        for (name, id) in special where map[name] != id {
            throw json.fail("added_tokens", "'\(name)' has id \(id), which is not its id in model.vocab")
        }
        do {
            switch kind {
            case "character":
                let skip = try extra["skip_unknown"].map { try json.bool($0, at: "pre_tokenizer.gensuite.skip_unknown") } ?? false
                return try CharacterTokenizer(vocabulary: tokens, specialTokens: names, unknownToken: unknownToken, skipUnknown: skip)
            case "regex":
                guard let pattern = extra["pattern"] as? String else {
                    throw json.fail("pre_tokenizer.gensuite.pattern", "is missing or not a string")
                }
                let unmatchedName = extra["unmatched"] as? String ?? "reject"
                guard let unmatched = RegexTokenizer.Unmatched(rawValue: unmatchedName) else {
                    throw json.fail("pre_tokenizer.gensuite.unmatched", "is '\(unmatchedName)'; expected reject, skip or unknown")
                }
                let joiner = extra["joiner"] as? String ?? ""
                return try RegexTokenizer(
                    rule: .pattern(pattern), vocabulary: tokens, specialTokens: names, unknownToken: unknownToken,
                    unmatched: unmatched, joiner: joiner)
            default:
                throw json.fail("pre_tokenizer.gensuite.kind", "is '\(kind)'; expected character or regex")
            }
        } catch let error as TokenizerError where error.kind == .invalidArgument {
            throw json.fail("model", error.message)
        }
    }

    // MARK: GPT-2 vocab.json + merges.txt

    /// Reads GPT-2's `vocab.json` (token → id) and `merges.txt` (an optional `#version` line, then
    /// one `left right` merge per line, highest priority first), the files of openai/gpt-2 and of
    /// `tokenizers` `BPE.save`. `<|endoftext|>`, when in the vocabulary, becomes a special token.
    public static func readGPT2(vocabulary: URL, merges: URL) throws -> ByteLevelBPE {
        try decodeGPT2(
            vocabulary: AtomicFile.read(vocabulary), merges: AtomicFile.read(merges),
            vocabularySource: vocabulary.path, mergesSource: merges.path)
    }

    /// Parses `vocab.json` and `merges.txt` bytes. Throws `.invalidFile` with the line of a bad
    /// merge (`TokenizerError.line`) or the key of a bad vocabulary entry.
    public static func decodeGPT2(
        vocabulary: Data, merges: Data, vocabularySource: String = "vocab.json",
        mergesSource: String = "merges.txt"
    ) throws -> ByteLevelBPE {
        let json = JSONReader(source: vocabularySource)
        let vocab = try json.vocabulary(try jsonObject(vocabulary, source: vocabularySource), at: "")
        if let (offset, reason) = UTF8Text.firstError(Array(merges)) {
            throw TokenizerError(.invalidFile, "\(mergesSource): not UTF-8 at byte offset \(offset) (\(reason))", byteOffset: offset)
        }
        let text = String(decoding: merges, as: UTF8.self)
        var list: [ByteLevelBPE.Merge] = []
        var lines: [Int] = []
        let mergeReader = JSONReader(source: mergesSource)
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.isEmpty || (i == 0 && line.hasPrefix("#version")) { continue }
            list.append(try mergeReader.merge(String(line), at: "line \(i + 1)", line: i + 1))
            lines.append(i + 1)
        }
        let special = vocab["<|endoftext|>"].map { ["<|endoftext|>": $0] } ?? [:]
        return try ByteLevelBPE(
            vocabulary: vocab, merges: list, specialTokens: special, addPrefixSpace: false, ignoreMerges: false,
            mergeLocation: { ("\(mergesSource) line \(lines[$0])", lines[$0]) })
    }

    /// Parses JSON, reporting bad UTF-8 by byte offset and bad syntax with the parser's position.
    private static func jsonObject(_ data: Data, source: String) throws -> Any {
        if let (offset, reason) = UTF8Text.firstError(Array(data)) {
            throw TokenizerError(.invalidFile, "\(source): not UTF-8 at byte offset \(offset) (\(reason))", byteOffset: offset)
        }
        do {
            return try JSONSerialization.jsonObject(with: data)
        } catch {
            let detail = (error as NSError).userInfo["NSDebugDescription"] as? String ?? "\(error)"
            throw TokenizerError(.invalidFile, "\(source): not valid JSON (\(detail)); the file is damaged or not a tokenizer file")
        }
    }
}

/// Typed access to parsed JSON with errors that name the file and key path.
private struct JSONReader {
    let source: String

    func fail(_ path: String, _ what: String) -> TokenizerError {
        TokenizerError(.invalidFile, "\(source): \(path.isEmpty ? "" : path + " ")\(what)")
    }

    func int(_ value: Any, at path: String) throws -> Int {
        guard !JSONValue.isBoolean(value), let n = value as? NSNumber, let i = Int(exactly: n.doubleValue), Double(i) == n.doubleValue
        else {
            throw fail(path, "is not an integer")
        }
        return i
    }

    func id(_ value: Any?, at path: String) throws -> Int32 {
        guard let value else { throw fail(path, "is missing") }
        let i = try int(value, at: path)
        guard let id = Int32(exactly: i), id >= 0 else { throw fail(path, "is \(i), not a token id (0…\(Int32.max))") }
        return id
    }

    func bool(_ value: Any, at path: String) throws -> Bool {
        guard JSONValue.isBoolean(value), let b = value as? Bool else { throw fail(path, "is not true or false") }
        return b
    }

    func array(_ value: Any, at path: String) throws -> [Any] {
        guard let a = value as? [Any] else { throw fail(path, "is not a JSON array") }
        return a
    }

    /// A `{token: id}` object.
    func vocabulary(_ value: Any?, at path: String) throws -> [String: Int32] {
        guard let object = value as? [String: Any] else { throw fail(path, "is missing or not a {token: id} object") }
        var out: [String: Int32] = [:]
        for (token, id) in object { out[token] = try self.id(id, at: path.isEmpty ? "entry '\(token)'" : "\(path)['\(token)']") }
        return out
    }

    /// A `"left right"` merge line.
    func merge(_ line: String, at path: String, line number: Int?) throws -> ByteLevelBPE.Merge {
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw TokenizerError(
                .invalidFile, "\(source): \(path) '\(line.prefix(40))' is not two tokens separated by one space",
                line: number)
        }
        return ByteLevelBPE.Merge(String(parts[0]), String(parts[1]))
    }

    func specialMap(_ special: [(name: String, id: Int32)]) throws -> [String: Int32] {
        var out: [String: Int32] = [:]
        for (name, id) in special {
            guard out.updateValue(id, forKey: name) == nil else { throw fail("added_tokens", "lists '\(name)' twice") }
        }
        return out
    }
}

// augment text: EDA (synonym replacement, random insertion, random swap, random deletion) over a
// CSV column or a JSON-lines key, every other field copied unchanged.
import Foundation
import GenEngine

/// The options of `augment text`.
enum TextOptions {
    static let input = Opt.string(
        "in", "FILE", help: "The rows: a CSV file with a header (.csv) or JSON lines, one object per line (.jsonl).")
    static let field = Opt.string("field", "NAME", default: "text", help: "The column (CSV) or key (JSON lines) holding the text.")
    static let labelField = Opt.string(
        "label-field", "NAME", help: "The label's column or key: checked on every row and counted in --stats (it is copied like any field)."
    )
    static let format: Opt<TextFormat?> = .choice(
        "format", "FORMAT", help: "The input's (and output's) format (default: from the --in extension: .csv, .jsonl or .ndjson).")
    static let ops = Opt.string(
        "ops", "LIST", default: "eda",
        help:
            "eda (sr, ri, rs and rd) or a comma list of sr, ri, rs, rd; each copy uses one of them, dealt as eda_nlp does (each N/k+1 times, shuffled, the first N kept). Chain operations with +, e.g. sr,rs+rd."
    )
    static let copies = Opt.int("copies", "N", default: 9, in: 1...1000, help: "Augmented copies per row (eda_nlp's num_aug).")
    static let alphaSR = Opt.float(
        "alpha-sr", "A", default: 0.1, in: 0...1, help: "Synonym replacement: share of the words replaced (at least one); 0 disables it.")
    static let alphaRI = Opt.float(
        "alpha-ri", "A", default: 0.1, in: 0...1, help: "Random insertion: synonyms inserted per word (at least one); 0 disables it.")
    static let alphaRS = Opt.float(
        "alpha-rs", "A", default: 0.1, in: 0...1, help: "Random swap: swaps per word (at least one); 0 disables it.")
    static let alphaRD = Opt.float(
        "alpha-rd", "P", default: 0.1, in: 0...1,
        help: "Random deletion: probability that each word goes (one always stays); 0 disables it.")
    static let noOriginals = Opt.flag(
        "no-originals", help: "Write only the augmented copies (by default each row is written first, then its copies, as eda_nlp does).")
    static let provenance = Opt.string(
        "provenance-field", "NAME", default: "augment",
        help: "The column or key added to every row: the operations that made a copy (sr, rs+rd, …), empty for an original.")
    static let wordnet = Opt.string(
        "wordnet", "DIR", help: "WordNet 3.0 database folder (default: $WNSEARCHDIR, then /usr/share/wordnet).")
    static let builtinSynonyms = Opt.flag(
        "builtin-synonyms", help: "Use the small built-in English synonym list even when WordNet is installed.")
    static let seed = Opt.seed(help: "Random seed; the same seed and input give the same output on any --workers and --shard.")
    static let workers = Opt.int("workers", "N", in: 1...1024, help: "Threads (default: every core, or GEN_THREADS).")
    static let shard = Opt.shard(
        help:
            "Augment the K-th of N contiguous slices of the rows (0-based); only slice 0 writes the CSV header, so the slices' outputs concatenated in order equal one run byte for byte."
    )
    static let output = OutputOptionGroup(
        outPlaceholder: "FILE", outHelp: "File to write, in the input's format (default: standard output).")
    static let all: [any OptionConvertible] =
        [
            input, field, labelField, format, ops, copies, alphaSR, alphaRI, alphaRS, alphaRD, noOriginals, provenance, wordnet,
            builtinSynonyms, seed, workers, shard,
        ] + output.options
}

let textCommand = Command(
    "text", abstract: "EDA text augmentation of a CSV column or JSON-lines key: synonym replacement, random insertion, swap, deletion.",
    discussion: """
        EDA as Wei & Zou (EMNLP 2019) describe it and jasonwei20/eda_nlp implements it, on whitespace-separated words: \
        words keep their case and punctuation (synonyms are matched case-insensitively and written in the word's case), \
        and the text's own spacing stays. English synonyms come from WordNet 3.0 ($WNSEARCHDIR or /usr/share/wordnet, \
        Debian's wordnet-base); without it, from a small built-in list of about 300 common words (the run says which). \
        Stop words are never replaced. Swap and deletion need no lexicon and work in any language; synonym replacement and \
        insertion leave a text with no known word unchanged. Each row is written first (unless --no-originals), then its \
        copies; every other column or key is copied unchanged. \
        Example: augment text --in reviews.csv --field review --label-field label --copies 4 --out reviews-aug.csv
        """,
    options: TextOptions.all
) { try augmentText($0) }

/// What `--stats` writes.
struct TextAugmentStats: Encodable {
    var input: String
    var output: String
    var format: String
    var seed: UInt64
    var shard: String
    var copies: Int
    var ops: [String]
    var alpha: [String: Float]
    /// `wordnet:<folder>`, `built-in`, or `none` when no operation needed synonyms.
    var lexicon: String
    /// Data rows in the whole input.
    var rowsInFile: Int
    /// Data rows of this shard (all of them without `--shard`).
    var rowsRead: Int
    var rowsWritten: Int
    var originalsWritten: Int
    /// Augmented copies written per recipe (`sr`, `rs+rd`, …).
    var copiesPerOperation: [String: Int]
    /// Copies identical to their row (no synonym known, a one-word text, …).
    var unchangedCopies: Int
    /// Rows read per label (with `--label-field`).
    var rowsPerLabel: [String: Int]?
    var seconds: Double
    var rowsPerSecond: Double
}

/// The lexicon the command line asks for: `--builtin-synonyms`, the `--wordnet` folder (which
/// must hold WordNet: `IOFailure.missing` otherwise), or the first WordNet `WordNet.locate`
/// finds, else the built-in list.
func synonymLexicon(_ args: Arguments) throws -> any SynonymLexicon {
    if args[TextOptions.builtinSynonyms] { return BuiltInSynonyms() }
    if let folder = args[TextOptions.wordnet] { return try WordNet(folder: URL(fileURLWithPath: folder)) }
    if let folder = WordNet.locate() { return try WordNet(folder: folder) }
    return BuiltInSynonyms()
}

/// One row's output lines and what they count for the statistics.
private struct AugmentedRow {
    var text: String
    var recipes: [Int]
    var unchanged: Int
}

func augmentText(_ args: Arguments) throws {
    typealias O = TextOptions
    let started = Date()
    guard let input = args[O.input] else { throw CLIError.usage("--in is required (the CSV or JSON-lines file to augment)") }
    if input == "-" { throw CLIError.usage("--in must name a file: augment text reads it twice (checked first, then augmented)") }
    guard FileManager.default.fileExists(atPath: input) else { throw IOFailure.missing(input) }
    guard let format = args[O.format] ?? TextFormat(path: input) else {
        throw CLIError.usage("cannot tell the format of \(input) from its extension; name it with --format csv or --format jsonl")
    }
    let alpha: [EDAOperation: Float] = [.sr: args[O.alphaSR], .ri: args[O.alphaRI], .rs: args[O.alphaRS], .rd: args[O.alphaRD]]
    let asked = try EDARecipe.parse(args[O.ops])
    // An alpha of 0 disables its operation (eda_nlp makes no sentence for it).
    let recipes = asked.filter { $0.operations.allSatisfy { alpha[$0]! > 0 } }
    if recipes.isEmpty {
        throw CLIError.usage(
            "every recipe of --ops '\(args[O.ops])' uses an operation whose --alpha-* is 0; raise an alpha or change --ops")
    }
    let out = args[O.output.out] ?? "-"
    if out != "-" && URL(fileURLWithPath: out).resolvingSymlinksInPath() == URL(fileURLWithPath: input).resolvingSymlinksInPath() {
        throw CLIError.usage("--out is the input file; write the augmented rows to another file")
    }
    try O.output.check([out] + (args[O.output.stats].map { [$0] } ?? []), args)
    let needsLexicon = recipes.contains { $0.operations.contains { $0 == .sr || $0 == .ri } }
    let lexicon: any SynonymLexicon = needsLexicon ? try synonymLexicon(args) : BuiltInSynonyms()
    let eda = EDA(alpha: alpha, lexicon: lexicon)
    let (field, labelField, provenance) = (args[O.field], args[O.labelField], args[O.provenance])
    func open() throws -> TextRowReader {
        try TextRowReader(path: input, format: format, field: field, labelField: labelField, provenanceField: provenance)
    }

    // Pass 1: every row checked and counted before anything is written (the shard's range needs
    // the count, and a bad row must not leave a partial output even on standard output).
    let counter = try open()
    var total = 0
    while try counter.next() != nil { total += 1 }
    let shard = args[O.shard]
    let range = shard.range(of: total)

    // Pass 2: the shard's rows in chunks, each chunk augmented on every core, written in order.
    let reader = try open()
    let writer = TextRowWriter(
        format: format, textColumn: reader.header.flatMap { $0.firstIndex(of: field) } ?? 0, provenanceField: provenance)
    let output = try StreamedFile(URL(fileURLWithPath: out))
    if shard.index == 0 { try output.write(writer.headerLine(reader.header)) }
    let (copies, seed, originals) = (args[O.copies], args[O.seed], !args[O.noOriginals])
    let workers = args[O.workers] ?? Threads.count
    let progress = Progress(total: range.count, label: "rows", quiet: args[O.output.quiet])
    var perRecipe = [Int](repeating: 0, count: recipes.count)
    var (written, unchanged, done) = (0, 0, 0)
    var labels: [String: Int] = [:]
    var index = 0
    Interrupt.begin()
    while index < range.upperBound {
        var chunk: [(row: TextRow, index: Int)] = []
        while index < range.upperBound && chunk.count < 4096, let row = try reader.next() {
            if index >= range.lowerBound { chunk.append((row, index)) }
            index += 1
        }
        if chunk.isEmpty { break }
        let results = Threads.map(chunk, workers: workers, chunk: 128) { item -> AugmentedRow in
            var text = originals ? writer.line(item.row, text: nil, provenance: "") : ""
            var used: [Int] = []
            var same = 0
            for copy in eda.augment(item.row.text, row: item.index, recipes: recipes, copies: copies, seed: seed) {
                text += writer.line(item.row, text: copy.text == item.row.text ? nil : copy.text, provenance: recipes[copy.recipe].name)
                used.append(copy.recipe)
                if copy.text == item.row.text { same += 1 }
            }
            return AugmentedRow(text: text, recipes: used, unchanged: same)
        }
        for (item, result) in zip(chunk, results) {
            try output.write(result.text)
            for r in result.recipes { perRecipe[r] += 1 }
            unchanged += result.unchanged
            written += result.recipes.count + (originals ? 1 : 0)
            if let label = item.row.label { labels[label, default: 0] += 1 }
        }
        done += chunk.count
        progress.update(done)
        if Interrupt.requested {
            output.discard()
            throw CLIError(
                "interrupted after \(done) of \(range.count) rows; \(output.isAtomic ? "\(out) was not written" : "the output is incomplete")",
                code: .interrupted)
        }
    }
    try output.commit()
    let seconds = Date().timeIntervalSince(started)
    let lexiconName = needsLexicon ? lexicon.name : "none"
    if let path = args[O.output.stats] {
        let stats = TextAugmentStats(
            input: input, output: out, format: format.rawValue, seed: seed, shard: shard.description, copies: copies,
            ops: recipes.map(\.name), alpha: ["sr": alpha[.sr]!, "ri": alpha[.ri]!, "rs": alpha[.rs]!, "rd": alpha[.rd]!],
            lexicon: lexiconName, rowsInFile: total, rowsRead: done, rowsWritten: written, originalsWritten: originals ? done : 0,
            copiesPerOperation: Dictionary(uniqueKeysWithValues: zip(recipes.map(\.name), perRecipe)), unchangedCopies: unchanged,
            rowsPerLabel: labelField == nil ? nil : labels, seconds: seconds, rowsPerSecond: Double(done) / max(seconds, 1e-9))
        try JSONOutput.write(stats, to: URL(fileURLWithPath: path))
    }
    if !args[O.output.quiet] {
        let counts = zip(recipes, perRecipe).map { "\($0.name) \($1)" }.joined(separator: ", ")
        let source: String
        if !needsLexicon {
            source = "no synonyms needed"
        } else if let wordnet = lexicon as? WordNet {
            source = "synonyms from WordNet in \(wordnet.folder.path)"
        } else {
            source =
                "synonyms from the small built-in list"
                + (args[O.builtinSynonyms] ? "" : " (no WordNet in $WNSEARCHDIR or /usr/share/wordnet; install wordnet-base for more)")
        }
        if let note = disabledNote(asked, recipes) { printError("augment text: \(note)") }
        printError(
            "augment text: \(done) rows read, \(written) written (\(counts); \(unchanged) copies unchanged), \(source), "
                + String(format: "%.1f s", seconds))
    }
}

/// A note naming the recipes an alpha of 0 removed from `--ops`; nil when none was.
private func disabledNote(_ asked: [EDARecipe], _ kept: [EDARecipe]) -> String? {
    let dropped = asked.filter { !kept.contains($0) }.map(\.name)
    return dropped.isEmpty ? nil : "\(dropped.joined(separator: ", ")) disabled by an --alpha-* of 0"
}

// augment tabular: SMOTE, Gaussian-mixture and VAE rows for a CSV table; options, input and output.
import Foundation
import GenEngine

/// The synthesis methods of `augment tabular`.
enum TabularMethod: String, CaseIterable { case smote, gmm, vae }

/// The options of `augment tabular`.
enum TabularOptions {
    static let input = Opt.string("in", "FILE.csv", help: "The table: CSV with a header row (- for standard input).")
    static let target = Opt.string(
        "target", "COLUMN", help: "The class column: rows are made per class. Without it, all rows are one class and --rows N is needed.")
    static let method = Opt.choice(
        "method", "METHOD", default: TabularMethod.smote,
        help:
            "smote: interpolate between a row and one of its k nearest neighbours of the same class (SMOTE-NC with categorical columns); "
            + "gmm: a Gaussian mixture per class; vae: a small class-conditional VAE.")
    static let balance = Opt.flag(
        "balance", help: "Raise every class to the largest class's count (the default with --target; imbalanced-learn's 'auto').")
    static let rows = Opt.int(
        "rows", "N", in: 0...10_000_000, help: "Make N new rows, shared among classes in proportion to their sizes (largest remainder).")
    static let k = Opt.int("k", "K", default: 5, in: 1...1000, help: "smote: nearest neighbours per row.")
    static let components = Opt.int(
        "components", "K", default: 3, in: 1...100, help: "gmm: most mixture components per class (fewer when a class is small).")
    static let steps = Opt.int("steps", "N", default: 300, in: 1...1_000_000, help: "vae: training steps (batches of 64 rows).")
    static let seed = Opt.seed(help: "Random seed; the same seed gives the same bytes on any number of threads.")
    static let onlyNew = Opt.flag("only-new", help: "Write the header and the new rows only, not the original rows.")
    static let shard = Opt.shard(
        help:
            "Make the K-th of N contiguous slices of the new rows (0-based). Slice 0 also writes the header and the original rows, "
            + "so the slices' files concatenated in order equal one run's.")
    static let output = OutputOptionGroup(outPlaceholder: "FILE.csv", outHelp: "CSV file to write (default: standard output).")
    static let all: [any OptionConvertible] =
        [input, target, method, balance, rows, k, components, steps, seed, onlyNew, shard] + output.options
}

let tabularCommand = Command(
    "tabular", abstract: "Add synthetic rows to a CSV table: SMOTE/SMOTE-NC, a Gaussian mixture or a VAE per class.",
    discussion: """
        Numeric columns are those whose every value is a number; every other column (and the target) is categorical, \
        empty cells included. The original file is copied byte for byte, then the new rows follow in the column order, \
        grouped by class in order of first appearance; integer columns stay integers and decimals keep the originals' \
        decimal places. A fidelity report (SDV's quality report: KS/TV complements, correlation and contingency \
        similarity) compares the new rows with the originals on stderr and in --stats. \
        Example: augment tabular --in train.csv --target label --method smote --balance --out train-balanced.csv
        """,
    options: TabularOptions.all
) { try augmentTable($0) }

/// What `--stats` writes.
struct TabularStats: Encodable {
    struct ClassCount: Encodable {
        var label: String
        var rows: Int
        var newRows: Int
    }
    var method: String
    var input: String
    var target: String?
    var seed: UInt64
    var shard: String
    var k: Int?
    var components: [Int]?
    var vaeSteps: Int?
    var vaeNegativeELBO: [Float]?
    var numericColumns: [String]
    var categoricalColumns: [String]
    var notes: [String]
    var classes: [ClassCount]
    var originalRows: Int
    /// New rows of the whole run, and of this shard.
    var newRows: Int
    var newRowsWritten: Int
    var seconds: Double
    var rowsPerSecond: Double
    /// Nil when this shard wrote no new rows.
    var fidelity: FidelityReport?
}

/// The whole result of a run before anything is written.
struct TabularResult {
    var data: TabularData
    /// The input file's bytes.
    var original: Data
    var plan: SynthesisPlan
    /// This shard's new rows as CSV fields.
    var rows: [[String]]
    var stats: TabularStats
}

/// Reads, types and synthesises; writes nothing. Throws `IOFailure` (66) for a missing input,
/// `CSVError` (65) for malformed CSV, `CLIError` (65 bad data, 64 bad options).
func synthesiseTable(_ args: Arguments, started: Date = Date()) throws -> TabularResult {
    typealias O = TabularOptions
    guard let path = args[O.input] else { throw CLIError.usage("--in is required (the CSV table to augment)") }
    if args.has(O.rows) && args[O.balance] { throw CLIError.usage("--balance and --rows exclude each other; give one") }
    if args[O.target] == nil && !args.has(O.rows) {
        throw CLIError.usage("without --target there are no classes to balance; give --target COLUMN or --rows N")
    }
    let method = args[O.method]
    let seed = args[O.seed]
    let bytes = try AtomicFile.read(URL(fileURLWithPath: path))
    let source = path == "-" ? "standard input" : path
    let table = try CSV.decode(bytes, source: source)
    let data = try TabularData(table, source: source, target: args[O.target])
    let plan = args[O.rows].map { SynthesisPlan.proportional($0, classCounts: data.classCounts) } ?? .balance(data.classCounts)
    let range = args[O.shard].range(of: plan.total)
    let classes = plan.classes(range)
    var stats = TabularStats(
        method: method.rawValue, input: path, target: args[O.target], seed: seed, shard: args[O.shard].description,
        numericColumns: data.numericColumns.map { data.header[$0] }, categoricalColumns: data.categoricalColumns.map { data.header[$0] },
        notes: data.notes,
        classes: data.classes.indices.map {
            TabularStats.ClassCount(label: data.classes[$0], rows: data.classCounts[$0], newRows: plan.counts[$0])
        },
        originalRows: data.rows.count, newRows: plan.total, newRowsWritten: range.count, seconds: 0, rowsPerSecond: 0)
    let synthetic: [SyntheticRow]
    switch method {
    case .smote:
        let smote = try SMOTE(data, k: args[O.k], plan: plan)
        stats.k = args[O.k]
        synthetic = Threads.map(Array(zip(range, classes)), chunk: 256) { smote.row($0.0, classIndex: $0.1, seed: seed) }
    case .gmm:
        let gmm = GaussianMixtureSynthesizer(data, plan: plan, components: args[O.components], seed: seed)
        stats.components = gmm.components
        synthetic = Threads.map(Array(zip(range, classes)), chunk: 256) { gmm.row($0.0, classIndex: $0.1, seed: seed) }
    case .vae:
        let vae = VAESynthesizer(data, steps: args[O.steps], seed: seed)
        (stats.vaeSteps, stats.vaeNegativeELBO) = (args[O.steps], [vae.initialLoss, vae.finalLoss])
        synthetic = vae.rows(range, plan: plan, seed: seed)
    }
    let rows = synthetic.map(data.fields)
    if !rows.isEmpty {
        let numeric = data.header.indices.map { data.numericColumns.contains($0) }
        stats.fidelity = FidelityReport(header: data.header, numeric: numeric, real: data.rows, synthetic: rows)
    }
    stats.seconds = Date().timeIntervalSince(started)
    stats.rowsPerSecond = Double(rows.count) / max(stats.seconds, 1e-9)
    return TabularResult(data: data, original: bytes, plan: plan, rows: rows, stats: stats)
}

/// The bytes `augment tabular` writes: on shard 0 the original file verbatim (a final newline
/// added when missing) or, with `only-new`, the header alone; then the new rows, one CSV line each.
func tableOutput(_ result: TabularResult, shard: Shard, onlyNew: Bool) -> Data {
    let original = result.original
    var out = Data()
    if shard.index == 0 {
        if onlyNew {
            out += Data(CSV.line(result.data.header).utf8)
        } else {
            out += original
            if let last = original.last, last != 10, last != 13 { out.append(10) }
        }
    }
    out += Data(result.rows.map { CSV.line($0) }.joined().utf8)
    return out
}

/// `augment tabular`: checks the outputs, synthesises, then writes the CSV (atomically, or to
/// standard output) and `--stats`, and prints the fidelity report on stderr.
func augmentTable(_ args: Arguments) throws {
    typealias O = TabularOptions
    let started = Date()
    let out = args[O.output.out] ?? "-"
    try O.output.check([out] + (args[O.output.stats].map { [$0] } ?? []), args)
    let result = try synthesiseTable(args, started: started)
    let bytes = tableOutput(result, shard: args[O.shard], onlyNew: args[O.onlyNew])
    if args[O.output.stats] != nil { _ = try JSONOutput.encode(result.stats) }  // fail before writing anything
    try AtomicFile.write(bytes, to: URL(fileURLWithPath: out))
    if let path = args[O.output.stats] { try JSONOutput.write(result.stats, to: URL(fileURLWithPath: path)) }
    guard !args[O.output.quiet] else { return }
    for note in result.data.notes { printError("augment: note: \(note)") }
    let s = result.stats
    let perClass = s.classes.map { "\($0.label.isEmpty ? "all" : $0.label): \($0.rows)+\($0.newRows)" }.joined(separator: ", ")
    printError(
        "augment: \(s.method): \(s.newRowsWritten) new rows (of \(s.newRows); \(perClass)) in "
            + String(format: "%.2f s, %.0f rows/s", s.seconds, s.rowsPerSecond) + (out == "-" ? "" : " -> \(out)"))
    for line in s.fidelity?.summary() ?? [] { printError("augment: " + line) }
}

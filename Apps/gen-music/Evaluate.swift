// gen-music eval: the quality numbers of a MIDI file, a folder of them or a chorale corpus, and
// their distances to a reference set, as a table or JSON.
import Foundation
import GenEngine

/// Means of the per-piece metrics and the set's histograms.
struct SetMetrics: Codable {
    var pieces: Int
    var meanBars: Double
    var inKeyRatio: Double
    var scaleConsistency: Double
    var emptyBarRate: Double
    var inRangeRatio: Double
    var parallelFifthsPerBar: Double
    var parallelOctavesPerBar: Double
    var pitchClassEntropy: Double
    var notesPerBar: Double
    /// Pooled histograms (see `MusicMetrics`), pitch classes by mode.
    var majorPitchClassHistogram: [Double]
    var minorPitchClassHistogram: [Double]
    var noteLengthHistogram: [Double]

    init(_ scores: [Score], key: MusicKey?) {
        let each = scores.map { MusicMetrics.measure($0, key: key) }
        func mean(_ f: (PieceMetrics) -> Double) -> Double { each.isEmpty ? 0 : each.map(f).reduce(0, +) / Double(each.count) }
        pieces = scores.count
        meanBars = mean { Double($0.bars) }
        inKeyRatio = mean(\.inKeyRatio)
        scaleConsistency = mean(\.scaleConsistency)
        emptyBarRate = mean(\.emptyBarRate)
        inRangeRatio = mean(\.inRangeRatio)
        parallelFifthsPerBar = mean(\.parallelFifthsPerBar)
        parallelOctavesPerBar = mean(\.parallelOctavesPerBar)
        pitchClassEntropy = mean(\.pitchClassEntropy)
        notesPerBar = mean(\.notesPerBar)
        majorPitchClassHistogram = MusicMetrics.tonicPitchClassHistogram(scores, minor: false)
        minorPitchClassHistogram = MusicMetrics.tonicPitchClassHistogram(scores, minor: true)
        noteLengthHistogram = MusicMetrics.noteLengthHistogram(scores)
    }
}

struct EvaluationReport: Codable {
    var input: SetMetrics
    var reference: SetMetrics?
    /// Total-variation distances (0 same … 1 disjoint) of the pooled histograms to the reference
    /// (pitch classes mode by mode, see `MusicMetrics.pitchClassDistance`).
    var pitchClassHistogramDistance: Double?
    var noteLengthHistogramDistance: Double?
}

func evaluate(_ args: Arguments) throws {
    guard let inPath = args[EvalOptions.input] else {
        throw CLIError.usage("--in is required (a MIDI file, a folder of MIDI files, or chorales.jsonl)")
    }
    try ReportOutput.check([args[EvalOptions.json]], args)
    var key: MusicKey?
    if let k = args[EvalOptions.key] {
        guard let parsed = MusicKey(k) else { throw CLIError.usage("--key must name a key such as C, Am or F#m, got '\(k)'") }
        key = parsed
    }
    let scores = try Corpus.load(inPath).scores
    guard !scores.isEmpty else { throw CLIError.badData("\(inPath): no pieces in 4/4 or 3/4 to evaluate") }
    var report = EvaluationReport(input: SetMetrics(scores, key: key))
    if let referencePath = args[EvalOptions.reference] {
        let referenceScores = try Corpus.load(referencePath).scores
        let reference = SetMetrics(referenceScores, key: nil)
        report.reference = reference
        report.pitchClassHistogramDistance = MusicMetrics.pitchClassDistance(scores, referenceScores)
        report.noteLengthHistogramDistance = Statistics.totalVariation(report.input.noteLengthHistogram, reference.noteLengthHistogram)
    }
    if let jsonPath = args[EvalOptions.json] {
        try JSONOutput.write(report, to: URL(fileURLWithPath: jsonPath))
    }
    print(table(report, key: key))
}

func table(_ r: EvaluationReport, key: MusicKey?) -> String {
    let rows: [(String, (SetMetrics) -> Double, String)] = [
        ("pieces", { Double($0.pieces) }, "%.0f"), ("bars (mean)", \.meanBars, "%.2f"),
        ("in-key ratio" + (key.map { " (\($0))" } ?? ""), \.inKeyRatio, "%.3f"),
        ("scale consistency (best of 24 keys)", \.scaleConsistency, "%.3f"), ("empty-bar rate", \.emptyBarRate, "%.3f"),
        ("notes in voice range", \.inRangeRatio, "%.3f"), ("parallel fifths per bar", \.parallelFifthsPerBar, "%.3f"),
        ("parallel octaves per bar", \.parallelOctavesPerBar, "%.3f"), ("pitch-class entropy (bits)", \.pitchClassEntropy, "%.3f"),
        ("notes per bar", \.notesPerBar, "%.2f"),
    ]
    func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    var lines = [pad("metric", 36) + pad("input", 12) + (r.reference == nil ? "" : "reference")]
    for (name, value, format) in rows {
        lines.append(
            pad(name, 36) + pad(String(format: format, value(r.input)), 12) + (r.reference.map { String(format: format, value($0)) } ?? ""))
    }
    if let d = r.pitchClassHistogramDistance { lines.append(pad("pitch-class histogram distance", 36) + String(format: "%.4f", d)) }
    if let d = r.noteLengthHistogramDistance { lines.append(pad("note-length histogram distance", 36) + String(format: "%.4f", d)) }
    return lines.joined(separator: "\n")
}

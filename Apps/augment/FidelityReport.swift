// augment tabular: how closely the synthetic rows follow the real ones (SDV's quality report).
import Foundation
import GenEngine

/// The single-table quality report of SDV (SDMetrics `QualityReport`), comparing synthetic rows
/// to real ones column by column and pair by pair. Scores are in [0, 1], 1 being identical.
///
/// - Column Shapes: per numeric column `KSComplement` = 1 − the two-sample Kolmogorov–Smirnov
///   statistic; per categorical column `TVComplement` = 1 − ½ Σ_v |p_real(v) − p_synth(v)| over
///   the values of either sample. The property's score is the mean over columns.
/// - Column Pair Trends: per pair of numeric columns `CorrelationSimilarity` =
///   1 − |r_real − r_synth| / 2 with Pearson's r (a pair with a constant column in either sample,
///   where r is undefined, is left out, as SDMetrics gives NaN); per pair with a categorical
///   column `ContingencySimilarity` = 1 − ½ Σ |p_real(a, b) − p_synth(a, b)| over the cells of the
///   two-way table, a numeric column cut into 10 equal-width bins over the real values' range with
///   synthetic values beyond it in the end bins (SDMetrics' `discretize_column`). The property's
///   score is the mean over pairs.
/// - The overall score is the mean of the two properties' scores (of those that exist).
///
/// Numbers are computed from the values as written (rounded, formatted), in double precision.
struct FidelityReport: Encodable, Equatable {
    struct ColumnShape: Encodable, Equatable {
        var column: String
        /// "KSComplement" or "TVComplement".
        var metric: String
        var score: Double
    }

    struct PairTrend: Encodable, Equatable {
        var columns: [String]
        /// "CorrelationSimilarity" or "ContingencySimilarity".
        var metric: String
        var score: Double
        /// Pearson's r of the real and of the synthetic values (CorrelationSimilarity only).
        var realCorrelation: Double?
        var syntheticCorrelation: Double?
    }

    var realRows: Int
    var syntheticRows: Int
    var columnShapes: [ColumnShape]
    var columnPairTrends: [PairTrend]
    var columnShapesScore: Double
    var columnPairTrendsScore: Double?
    var overallScore: Double

    /// Compares `synthetic` to `real` (rows of fields in `header` order; both non-empty), typing
    /// column c numeric when `numeric[c]` (its fields must then parse as numbers).
    init(header: [String], numeric: [Bool], real: [[String]], synthetic: [[String]]) {
        precondition(!real.isEmpty && !synthetic.isEmpty, "FidelityReport: \(real.count) real and \(synthetic.count) synthetic rows")
        realRows = real.count
        syntheticRows = synthetic.count
        let columns = header.indices
        let realNumbers = columns.map { c in numeric[c] ? real.map { Double($0[c])! } : [] }
        let synthNumbers = columns.map { c in numeric[c] ? synthetic.map { Double($0[c])! } : [] }
        columnShapes = columns.map { c in
            numeric[c]
                ? ColumnShape(
                    column: header[c], metric: "KSComplement", score: FidelityReport.ksComplement(realNumbers[c], synthNumbers[c]))
                : ColumnShape(
                    column: header[c], metric: "TVComplement",
                    score: FidelityReport.tvComplement(real.map { $0[c] }, synthetic.map { $0[c] }))
        }
        /// A column's values as category keys: as they are, or a numeric column's bin.
        func keys(_ c: Int, synthetic isSynthetic: Bool) -> [String] {
            guard numeric[c] else { return (isSynthetic ? synthetic : real).map { $0[c] } }
            let bins = FidelityReport.bins(isSynthetic ? synthNumbers[c] : realNumbers[c], over: realNumbers[c])
            return bins.map(String.init)
        }
        var pairs: [PairTrend] = []
        for a in columns {
            for b in columns where b > a {
                let names = [header[a], header[b]]
                if numeric[a] && numeric[b] {
                    let (x, y) = (realNumbers[a], realNumbers[b])
                    let (u, v) = (synthNumbers[a], synthNumbers[b])
                    guard [x, y, u, v].allSatisfy(FidelityReport.varies) else { continue }
                    let (r, s) = (Statistics.pearson(x, y), Statistics.pearson(u, v))
                    pairs.append(
                        PairTrend(
                            columns: names, metric: "CorrelationSimilarity", score: 1 - abs(r - s) / 2, realCorrelation: r,
                            syntheticCorrelation: s))
                } else {
                    let realCells = zip(keys(a, synthetic: false), keys(b, synthetic: false)).map { $0 + "\u{1F}" + $1 }
                    let synthCells = zip(keys(a, synthetic: true), keys(b, synthetic: true)).map { $0 + "\u{1F}" + $1 }
                    pairs.append(
                        PairTrend(
                            columns: names, metric: "ContingencySimilarity", score: FidelityReport.tvComplement(realCells, synthCells)))
                }
            }
        }
        columnPairTrends = pairs
        columnShapesScore = columnShapes.map(\.score).reduce(0, +) / Double(max(columnShapes.count, 1))
        columnPairTrendsScore = pairs.isEmpty ? nil : pairs.map(\.score).reduce(0, +) / Double(pairs.count)
        let shapes = columnShapesScore
        overallScore = columnPairTrendsScore.map { (shapes + $0) / 2 } ?? shapes
    }

    /// Whether `values` holds two different numbers.
    static func varies(_ values: [Double]) -> Bool { values.contains { $0 != values[0] } }

    /// SDMetrics `KSComplement`: 1 − sup |F_real − F_synth| (non-empty samples).
    static func ksComplement(_ real: [Double], _ synthetic: [Double]) -> Double {
        1 - Statistics.kolmogorovSmirnov(real, synthetic)
    }

    /// SDMetrics `TVComplement`: 1 − ½ Σ |p_real(v) − p_synth(v)| over the values of either sample.
    static func tvComplement(_ real: [String], _ synthetic: [String]) -> Double {
        let categories = TabularData.firstAppearance(real + synthetic)
        return 1
            - Statistics.totalVariation(
                Statistics.histogram(real, categories: categories), Statistics.histogram(synthetic, categories: categories))
    }

    /// The bin (0 ..< 10) of each of `values` among 10 equal-width bins over `reference`'s range,
    /// as `pd.cut(values, np.histogram_bin_edges(reference, 10))` with open outer edges: bins are
    /// right-closed `(e_j, e_j+1]`, values beyond the range go to the end bins.
    static func bins(_ values: [Double], over reference: [Double]) -> [Int] {
        let (lo, hi) = (reference.min()!, reference.max()!)
        let inner = (1..<10).map { lo + Double($0) * (hi - lo) / 10 }
        return values.map { v in inner.filter { v > $0 }.count }
    }

    /// Lines for stderr: the three scores, then the weakest columns.
    func summary() -> [String] {
        let f = { (x: Double) in String(format: "%.3f", x) }
        var lines = [
            "fidelity of \(syntheticRows) synthetic vs \(realRows) real rows (SDMetrics quality report): Column Shapes \(f(columnShapesScore)), "
                + "Column Pair Trends \(columnPairTrendsScore.map(f) ?? "n/a"), overall \(f(overallScore))"
        ]
        let weakest = columnShapes.sorted { $0.score != $1.score ? $0.score < $1.score : $0.column < $1.column }.prefix(3)
        lines.append("  weakest columns: " + weakest.map { "\($0.column) \(f($0.score)) (\($0.metric))" }.joined(separator: ", "))
        return lines
    }
}

// augment tabular: a CSV table typed column by column (numeric or categorical), its classes and
// the synthetic rows written back in the originals' formatting.
import Foundation
import GenEngine

/// How a numeric column's values are written, learnt from the originals: whole numbers stay whole
/// (synthetic values are rounded half away from zero), decimals keep the largest number of
/// decimal places seen in the column (at most 10), and a column with any exponent (`1e-3`) is
/// written in Swift's shortest round-trip form.
struct NumericFormat: Equatable {
    /// Every original value is written without a decimal point or exponent.
    var isInteger: Bool
    /// Most digits after the decimal point in the originals (0 for integers).
    var decimals: Int
    /// Some original value uses an exponent.
    var scientific: Bool

    /// Learns the format of `texts`, which must all parse as numbers.
    init(_ texts: [String]) {
        var decimals = 0
        var integer = true
        var scientific = false
        for t in texts {
            if t.contains("e") || t.contains("E") {
                scientific = true
                integer = false
            }
            if let dot = t.firstIndex(of: ".") {
                integer = false
                let digits = t[t.index(after: dot)...].prefix { $0.isNumber }.count
                decimals = max(decimals, digits)
            }
        }
        (self.isInteger, self.decimals, self.scientific) = (integer, min(decimals, 10), scientific)
    }

    init(isInteger: Bool, decimals: Int, scientific: Bool = false) {
        (self.isInteger, self.decimals, self.scientific) = (isInteger, decimals, scientific)
    }

    /// `value` as the column writes it; never `-0`.
    func format(_ value: Double) -> String {
        if isInteger {
            let r = value.rounded(.toNearestOrAwayFromZero)
            return r == 0 ? "0" : String(Int64(r))
        }
        if scientific { return value == 0 ? "0" : "\(value)" }
        let text = String(format: "%.\(decimals)f", value)
        if text.hasPrefix("-"), Double(text) == 0 { return String(text.dropFirst()) }
        return text
    }
}

/// One synthetic row before it is written: its class, its numeric values (in `numericColumns`
/// order, original units) and its categorical values (in `categoricalColumns` order).
struct SyntheticRow: Equatable {
    var classIndex: Int
    var numeric: [Double]
    var categorical: [String]
}

/// A CSV table prepared for synthesis.
///
/// Typing: the target column (when given) is the class label and always categorical. Every other
/// column is numeric when every one of its values parses as a finite number (`Double`, so `3`,
/// `-0.5`, `1e-3`), otherwise categorical. Values are not trimmed, and an empty cell is a value
/// like any other: a column with empty cells or text among numbers is categorical (`notes` says
/// so, naming the first non-numeric value and its line), so missing values are kept as their own
/// category rather than imputed.
///
/// Classes are the distinct target values in order of first appearance (one class, named "", when
/// there is no target). Numeric statistics (`mean`, `scale`, `minimum`, `maximum`) are over all
/// rows; `scale` is the population standard deviation, or 1 for a constant column.
struct TabularData {
    /// The file's path, for messages.
    var source: String
    var header: [String]
    /// The original rows as read, every row as long as the header.
    var rows: [[String]]
    /// Index of the target column in `header`, if any.
    var targetIndex: Int?
    /// Columns (indices into `header`) typed numeric / categorical, in file order, target excluded.
    var numericColumns: [Int]
    var categoricalColumns: [Int]
    /// Output format of each numeric column (aligned with `numericColumns`).
    var formats: [NumericFormat]
    /// Numeric values `[rows][numericColumns.count]`.
    var numeric: [[Double]]
    /// Categorical values `[rows][categoricalColumns.count]`.
    var categorical: [[String]]
    /// The categories of each categorical column in order of first appearance.
    var categories: [[String]]
    /// Per numeric column over all rows: mean, population standard deviation (1 when 0), min, max.
    var mean: [Double], scale: [Double], minimum: [Double], maximum: [Double]
    /// Class labels in order of first appearance, the class of each row, and each class's rows.
    var classes: [String]
    var classOfRow: [Int]
    var rowsOfClass: [[Int]]
    /// Typing decisions worth telling the user (a mostly numeric column read as categorical).
    var notes: [String]

    /// Types `table` (read from `source`). Throws `CLIError.badData` (65) for a file without a
    /// header or rows, and `CLIError.usage` (64) for a target that names no column (listing them).
    init(_ table: CSVTable, source: String, target: String?) throws {
        guard !table.header.isEmpty else {
            throw CLIError.badData("\(source): the file is empty; expected a header row and data rows")
        }
        guard !table.rows.isEmpty else {
            throw CLIError.badData("\(source): the file has a header but no data rows")
        }
        self.source = source
        header = table.header
        rows = table.rows
        if let target {
            guard let t = table.header.firstIndex(of: target) else {
                let names = table.header.map { "'\($0)'" }.joined(separator: ", ")
                throw CLIError.usage("\(source) has no column '\(target)'; its columns are \(names)")
            }
            targetIndex = t
        }
        var numericColumns: [Int] = []
        var categoricalColumns: [Int] = []
        var notes: [String] = []
        for c in table.header.indices where c != targetIndex {
            let bad = table.rows.firstIndex { Double($0[c]).map { !$0.isFinite } ?? true }
            if let bad {
                categoricalColumns.append(c)
                let numbers = table.rows.filter { Double($0[c])?.isFinite ?? false }.count
                if numbers * 2 >= table.rows.count {
                    notes.append(
                        "column '\(table.header[c])' is read as categorical: '\(table.rows[bad][c])' (data row \(bad + 1)) is not a number")
                }
            } else {
                numericColumns.append(c)
            }
        }
        self.numericColumns = numericColumns
        self.categoricalColumns = categoricalColumns
        self.notes = notes
        formats = numericColumns.map { c in NumericFormat(table.rows.map { $0[c] }) }
        numeric = table.rows.map { row in numericColumns.map { Double(row[$0])! } }
        categorical = table.rows.map { row in categoricalColumns.map { row[$0] } }
        categories = categoricalColumns.indices.map { j in TabularData.firstAppearance(table.rows.map { $0[categoricalColumns[j]] }) }
        let n = Double(table.rows.count)
        let numeric = self.numeric
        mean = numericColumns.indices.map { a in numeric.reduce(0) { $0 + $1[a] } / n }
        let mean = self.mean
        scale = numericColumns.indices.map { a in
            let v = numeric.reduce(0) { $0 + ($1[a] - mean[a]) * ($1[a] - mean[a]) } / n
            return v > 0 ? v.squareRoot() : 1
        }
        minimum = numericColumns.indices.map { a in numeric.map { $0[a] }.min()! }
        maximum = numericColumns.indices.map { a in numeric.map { $0[a] }.max()! }
        let labels = targetIndex.map { t in table.rows.map { $0[t] } } ?? Array(repeating: "", count: table.rows.count)
        classes = TabularData.firstAppearance(labels)
        var index: [String: Int] = [:]
        for (i, c) in classes.enumerated() { index[c] = i }
        classOfRow = labels.map { index[$0]! }
        var members = [[Int]](repeating: [], count: classes.count)
        for (r, c) in classOfRow.enumerated() { members[c].append(r) }
        rowsOfClass = members
    }

    /// Distinct values in order of first appearance.
    static func firstAppearance(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }

    /// Rows per class, in `classes` order.
    var classCounts: [Int] { rowsOfClass.map(\.count) }

    /// Row `r`'s numeric values standardised: `(x − mean) / scale`, `[numericColumns.count]`.
    func standardised(_ r: Int) -> [Double] {
        numericColumns.indices.map { (numeric[r][$0] - mean[$0]) / scale[$0] }
    }

    /// A synthetic row as CSV fields in the header's order: the class label in the target column,
    /// numeric values in their column's format, categorical values as they are.
    func fields(_ row: SyntheticRow) -> [String] {
        var out = [String](repeating: "", count: header.count)
        if let t = targetIndex { out[t] = classes[row.classIndex] }
        for (a, c) in numericColumns.enumerated() { out[c] = formats[a].format(row.numeric[a]) }
        for (j, c) in categoricalColumns.enumerated() { out[c] = row.categorical[j] }
        return out
    }

    /// `value` of numeric column `a` clipped to the originals' range.
    func clipped(_ value: Double, column a: Int) -> Double { min(max(value, minimum[a]), maximum[a]) }
}

/// How many synthetic rows each class gets, and which class synthetic row i (0-based, over the
/// whole run) belongs to: class 0's rows first, then class 1's, in `TabularData.classes` order.
struct SynthesisPlan: Equatable {
    /// New rows per class.
    var counts: [Int]

    var total: Int { counts.reduce(0, +) }

    /// `--balance` (imbalanced-learn's `sampling_strategy='auto'`, i.e. 'not majority'): every
    /// class is raised to the largest class's count.
    static func balance(_ classCounts: [Int]) -> SynthesisPlan {
        let top = classCounts.max() ?? 0
        return SynthesisPlan(counts: classCounts.map { top - $0 })
    }

    /// `--rows N`: N new rows shared among the classes in proportion to their sizes (so the class
    /// mix is kept), by largest remainder (Hamilton's method); equal remainders go to the earlier
    /// class.
    static func proportional(_ total: Int, classCounts: [Int]) -> SynthesisPlan {
        let n = classCounts.reduce(0, +)
        var counts = classCounts.map { total * $0 / max(n, 1) }
        let remainders = classCounts.enumerated().map { (i, c) in (i, total * c % max(n, 1)) }
        let order = remainders.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        for (i, _) in order.prefix(total - counts.reduce(0, +)) { counts[i] += 1 }
        return SynthesisPlan(counts: counts)
    }

    /// The class of synthetic row `i` (`0 ≤ i < total`).
    func classIndex(ofRow i: Int) -> Int {
        var start = 0
        for (c, n) in counts.enumerated() {
            if i < start + n { return c }
            start += n
        }
        preconditionFailure("synthetic row \(i) of \(total)")
    }

    /// The class of every synthetic row in `range`.
    func classes(_ range: Range<Int>) -> [Int] {
        var out: [Int] = []
        out.reserveCapacity(range.count)
        var start = 0
        for (c, n) in counts.enumerated() {
            let lo = max(start, range.lowerBound)
            let hi = min(start + n, range.upperBound)
            if lo < hi { out += Array(repeating: c, count: hi - lo) }
            start += n
        }
        return out
    }
}

// augment tabular --method smote: SMOTE, SMOTE-NC and a SMOTEN-like rule for categorical-only tables.
import Foundation
import GenEngine

/// Synthetic Minority Over-sampling (Chawla, Bowyer, Hall & Kegelmeyer 2002, "SMOTE: Synthetic
/// Minority Over-sampling Technique", JAIR 16, 321–357), generated as imbalanced-learn does
/// (`imblearn/over_sampling/_smote/base.py`, `BaseSMOTE._make_samples`): each synthetic row draws
/// a row x of its class uniformly (with replacement), one of x's k nearest neighbours nn within
/// the class uniformly, and a gap u ~ U[0, 1), and is `x + u·(nn − x)` on the numeric columns.
///
/// Distances (squared Euclidean, over rows of the same class, the row itself excluded; equal
/// distances rank by row order):
/// - numeric columns are standardised by their standard deviation over the whole table (so that a
///   column in grams does not outweigh one in kilograms; imbalanced-learn does not scale, so its
///   neighbours can differ on columns of very different scales; the interpolation itself is in
///   original units and the same either way);
/// - SMOTE-NC (mixed numeric and categorical columns, the same paper, section 6.1): each
///   categorical column whose values differ adds Med², Med being the median of the class's
///   (standardised) numeric columns' standard deviations, as the paper and imbalanced-learn's
///   `SMOTENC` (one-hot entries of Med/√2) do. The new row's categorical values are, per column,
///   the most frequent value among x's k neighbours; a tie is broken uniformly at random
///   (imbalanced-learn: a random permutation of the tied values);
/// - categorical-only tables (SMOTEN-like): the distance is the number of differing columns
///   (Hamming; imbalanced-learn's `SMOTEN` uses the value difference metric instead) and the new
///   row is the per-column vote of x's k neighbours, as SMOTEN's.
///
/// Synthetic row i uses only `RNG(seed: seed, stream: "tabular:i")` (draws: x, nn, u, then any
/// tie breaks), so any slice of the rows is computed independently of the others.
struct SMOTE {
    let data: TabularData
    let k: Int
    /// Per class (nil for a class that gets no rows): the k nearest neighbours of each of its rows,
    /// as row indices into `data`, nearest first; `[members][k]`.
    private var neighbours: [[[Int]]?]

    /// Finds the neighbours of every class that `plan` gives rows. Throws `CLIError.badData` (65)
    /// when such a class has fewer than k + 1 rows, naming the class and its count.
    init(_ data: TabularData, k: Int, plan: SynthesisPlan) throws {
        self.data = data
        self.k = k
        neighbours = Array(repeating: nil, count: data.classes.count)
        for (c, count) in plan.counts.enumerated() where count > 0 {
            let members = data.rowsOfClass[c]
            guard members.count > k else {
                let name = data.targetIndex == nil ? "the table" : "class '\(data.classes[c])'"
                let advice =
                    members.count >= 2
                    ? "lower --k (to at most \(members.count - 1)) or use --method gmm"
                    : "a single row has no neighbour to interpolate towards: add rows of that class, or use --method gmm"
                throw CLIError.badData(
                    "\(data.source): \(name) has \(members.count) row\(members.count == 1 ? "" : "s"); SMOTE with k = \(k) "
                        + "needs at least \(k + 1) rows per class it over-samples; " + advice)
            }
            neighbours[c] = SMOTE.nearest(data, members: members, k: k)
        }
    }

    /// The categorical distance term Med (see the type's notes) of a class's rows: the median of
    /// the population standard deviations of its standardised numeric columns; 1 when the table
    /// has no numeric column (then the distance counts differing columns).
    static func categoricalPenalty(_ data: TabularData, members: [Int]) -> Double {
        guard !data.numericColumns.isEmpty else { return 1 }
        let n = Double(members.count)
        let stds = data.numericColumns.indices.map { a -> Double in
            let values = members.map { data.numeric[$0][a] / data.scale[a] }
            let m = values.reduce(0, +) / n
            return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n).squareRoot()
        }.sorted()
        let h = stds.count / 2
        return stds.count % 2 == 1 ? stds[h] : (stds[h - 1] + stds[h]) / 2
    }

    /// The k nearest neighbours of each row of `members` among `members` (itself excluded), as
    /// row indices into `data`; `[members.count][k]`, nearest first, ties by row order. Rows are
    /// processed on every core; the result does not depend on the thread count.
    static func nearest(_ data: TabularData, members: [Int], k: Int) -> [[Int]] {
        let penalty = categoricalPenalty(data, members: members)
        let penalty2 = penalty * penalty
        let points = members.map(data.standardised)
        let cats = members.map { data.categorical[$0] }
        return Threads.map(Array(members.indices), chunk: 64) { i -> [Int] in
            var d: [(Double, Int)] = []
            d.reserveCapacity(members.count - 1)
            for j in members.indices where j != i {
                var s = 0.0
                for a in points[i].indices {
                    let t = points[i][a] - points[j][a]
                    s += t * t
                }
                for b in cats[i].indices where cats[i][b] != cats[j][b] { s += penalty2 }
                d.append((s, j))
            }
            d.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            return d.prefix(k).map { members[$0.1] }
        }
    }

    /// Synthetic row `i` of the run, of class `c` (which the plan gives rows).
    func row(_ i: Int, classIndex c: Int, seed: UInt64) -> SyntheticRow {
        var rng = RNG(seed: seed, stream: "tabular:\(i)")
        let members = data.rowsOfClass[c]
        let table = neighbours[c]!
        let base = rng.int(below: members.count)
        let neighbour = table[base][rng.int(below: k)]
        let gap = Double(rng.uniform())
        let x = data.numeric[members[base]]
        let y = data.numeric[neighbour]
        let numeric = x.indices.map { x[$0] + gap * (y[$0] - x[$0]) }
        let categorical = data.categoricalColumns.indices.map { j in
            SMOTE.vote(table[base].map { data.categorical[$0][j] }, rng: &rng)
        }
        return SyntheticRow(classIndex: c, numeric: numeric, categorical: categorical)
    }

    /// The most frequent of `values`; among equally frequent ones, one drawn uniformly with `rng`
    /// (no draw when one value leads).
    static func vote(_ values: [String], rng: inout RNG) -> String {
        let distinct = TabularData.firstAppearance(values)
        let counts = distinct.map { v in values.filter { $0 == v }.count }
        let top = counts.max()!
        let tied = distinct.indices.filter { counts[$0] == top }.map { distinct[$0] }
        return tied.count == 1 ? tied[0] : tied[rng.int(below: tied.count)]
    }
}

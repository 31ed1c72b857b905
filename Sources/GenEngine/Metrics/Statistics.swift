import Foundation

/// Descriptive statistics and distances between distributions, in double precision, for the
/// tools' `eval` numbers. A distribution here is an array of non-negative weights; the functions
/// that need probabilities normalise it themselves (say so below). Sums run left to right, so the
/// same input gives the same bits everywhere.
public enum Statistics {
    /// Units of information: nats (natural log) or bits (log base 2).
    public enum InformationUnit: Sendable { case nats, bits }

    /// `weights` divided by their sum, so that they sum to 1; all-zero (or empty) weights are
    /// returned as they are.
    public static func normalised(_ weights: [Double]) -> [Double] {
        let total = weights.reduce(0, +)
        return total > 0 ? weights.map { $0 / total } : weights
    }

    /// Normalised histogram of `values` over `bins` equal bins spanning `range`: bin i holds
    /// `lower + i·w ≤ v < lower + (i+1)·w` (the last bin includes `upper`), as NumPy's
    /// `np.histogram`. Values outside the range and NaNs are left out; `weights` (one per value,
    /// default 1) are summed per bin, then normalised over what was counted. `[bins]`, summing to 1
    /// (all zeros when nothing fell in range).
    public static func histogram(_ values: [Double], bins: Int, range: ClosedRange<Double>, weights: [Double]? = nil) -> [Double] {
        precondition(bins > 0 && range.upperBound > range.lowerBound, "histogram: \(bins) bins over \(range)")
        precondition(weights == nil || weights!.count == values.count, "histogram: \(weights!.count) weights for \(values.count) values")
        var h = [Double](repeating: 0, count: bins)
        let width = range.upperBound - range.lowerBound
        for (i, v) in values.enumerated() where range.contains(v) {
            let bin = Swift.min(bins - 1, Int((v - range.lowerBound) / width * Double(bins)))
            h[bin] += weights?[i] ?? 1
        }
        return normalised(h)
    }

    /// Normalised histogram of categorical `keys` over `categories`, in that order, plus, when
    /// `other`, a last bin for keys not among them (else those keys are left out). `weights` (one
    /// per key, default 1) are summed per bin, then normalised. `[categories.count (+ 1)]`.
    public static func histogram<Key: Hashable>(_ keys: [Key], categories: [Key], other: Bool = false, weights: [Double]? = nil) -> [Double]
    {
        precondition(weights == nil || weights!.count == keys.count, "histogram: \(weights!.count) weights for \(keys.count) keys")
        var index: [Key: Int] = [:]
        for (i, k) in categories.enumerated() where index[k] == nil { index[k] = i }
        var h = [Double](repeating: 0, count: categories.count + (other ? 1 : 0))
        for (i, k) in keys.enumerated() {
            guard let bin = index[k] ?? (other ? categories.count : nil) else { continue }
            h[bin] += weights?[i] ?? 1
        }
        return normalised(h)
    }

    /// Normalised histogram of categorical `keys` over the keys that occur, in ascending key order
    /// (so the same multiset of keys gives the same array whatever their order). `weights` as above.
    public static func histogram<Key: Hashable & Comparable>(_ keys: [Key], weights: [Double]? = nil) -> [(key: Key, probability: Double)] {
        let categories = Array(Set(keys)).sorted()
        return Array(zip(categories, histogram(keys, categories: categories, weights: weights))).map { (key: $0.0, probability: $0.1) }
    }

    /// Total-variation distance `½ Σ |p_i − q_i|` between two distributions over the same bins (both
    /// normalised already): 0 for the same distribution, 1 for disjoint ones.
    public static func totalVariation(_ p: [Double], _ q: [Double]) -> Double {
        precondition(p.count == q.count, "totalVariation: \(p.count) and \(q.count) bins")
        return zip(p, q).map { Swift.abs($0 - $1) }.reduce(0, +) / 2
    }

    /// Shannon entropy `−Σ p log p` of the distribution `weights` (normalised here; zero weights
    /// contribute 0), in nats by default or bits: 0 for one certain outcome, `log n` for n equally
    /// likely ones; 0 for empty or all-zero weights. Shannon (1948), "A mathematical theory of
    /// communication".
    public static func entropy(_ weights: [Double], unit: InformationUnit = .nats) -> Double {
        let total = weights.reduce(0, +)
        guard total > 0 else { return 0 }
        let log: (Double) -> Double = unit == .nats ? { Foundation.log($0) } : { Foundation.log2($0) }
        return -weights.filter { $0 > 0 }.map { $0 / total * log($0 / total) }.reduce(0, +)
    }

    /// Pearson's correlation coefficient of two equally long series, −1 … 1:
    /// `Σ (a−ā)(b−b̄) / √(Σ (a−ā)² · Σ (b−b̄)²)`; 0 when either series is constant (or empty), where
    /// the coefficient is undefined (NumPy's `corrcoef` gives NaN there).
    public static func pearson(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "pearson: series of \(a.count) and \(b.count) values")
        let n = Double(a.count)
        let ma = a.reduce(0, +) / n
        let mb = b.reduce(0, +) / n
        var sab = 0.0
        var saa = 0.0
        var sbb = 0.0
        for i in a.indices {
            sab += (a[i] - ma) * (b[i] - mb)
            saa += (a[i] - ma) * (a[i] - ma)
            sbb += (b[i] - mb) * (b[i] - mb)
        }
        return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : 0
    }

    /// The two-sample Kolmogorov–Smirnov statistic `D = sup_x |F_a(x) − F_b(x)|`, the largest gap
    /// between the two samples' empirical distribution functions, 0 … 1 (ties handled by stepping
    /// both samples past a shared value together). The statistic of SciPy's
    /// `scipy.stats.ks_2samp`; no p-value. Both samples must be non-empty and free of NaN.
    public static func kolmogorovSmirnov(_ a: [Double], _ b: [Double]) -> Double {
        precondition(!a.isEmpty && !b.isEmpty, "kolmogorovSmirnov: samples of \(a.count) and \(b.count) values")
        precondition(!a.contains(where: \.isNaN) && !b.contains(where: \.isNaN), "kolmogorovSmirnov: a sample holds NaN")
        let (x, y) = (a.sorted(), b.sorted())
        let (n, m) = (Double(x.count), Double(y.count))
        var (i, j, d) = (0, 0, 0.0)
        while i < x.count && j < y.count {
            let v = Swift.min(x[i], y[j])
            while i < x.count && x[i] == v { i += 1 }
            while j < y.count && y[j] == v { j += 1 }
            d = Swift.max(d, Swift.abs(Double(i) / n - Double(j) / m))
        }
        return d
    }
}

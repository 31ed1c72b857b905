import Foundation

/// A categorical Markov model over token ids of order n (1–12) with interpolated Kneser–Ney
/// smoothing: the highest order uses discounted counts, every lower order continuation counts
/// (in how many distinct contexts a token follows), and the lowest interpolates with uniform.
/// Fitting is one counting pass; memory grows with the distinct contexts seen, never vocab^n.

/// Hyper-parameters.
public struct NGramConfig: Codable, Equatable {
    public var order: Int
    public var vocabSize: Int
    /// The orders a model may have.
    public static let orders = 1...12

    public init(order: Int, vocabSize: Int) {
        precondition(NGramConfig.orders.contains(order), "n-gram order must be 1...12")
        self.order = order
        self.vocabSize = vocabSize
    }
}

public final class NGramModel: BatchGenerator {
    public let config: NGramConfig

    /// `tables[k]`: the contexts of length k (k = 0..<order) and their followers. Index
    /// `order - 1` holds raw counts; lower orders hold continuation counts.
    var tables: [NGramTable]
    /// Absolute discount of each order.
    var discounts: [Double]

    public init(_ config: NGramConfig) {
        self.config = config
        tables = (0..<config.order).map { NGramTable(k: $0) }
        discounts = Array(repeating: 0.75, count: config.order)
    }

    /// Counts every sequence (tokens must be below `vocabSize`); contexts do not cross sequences.
    public func fit(_ sequences: [[Int32]]) {
        let n = config.order
        var raw: [[Int32]: [Int32: Double]] = [:]
        for seq in sequences {
            for i in seq.indices {
                precondition(seq[i] >= 0 && Int(seq[i]) < config.vocabSize, "token \(seq[i]) outside the vocabulary")
                // Near a sequence start the context is shorter; those counts feed the lower orders.
                let context = Array(seq[max(0, i - (n - 1))..<i])
                raw[context, default: [:]][seq[i], default: 0] += 1
            }
        }
        // Continuation counts: for each distinct (k+1)-gram v·h·w, one count for (h, w) at order k.
        var levels: [[[Int32]: [Int32: Double]]] = Array(repeating: [:], count: n)
        levels[n - 1] = raw
        for k in stride(from: n - 2, through: 0, by: -1) {
            var level: [[Int32]: [Int32: Double]] = [:]
            for (context, followers) in levels[k + 1] where context.count == k + 1 {
                let shorter = Array(context.dropFirst())
                for token in followers.keys { level[shorter, default: [:]][token, default: 0] += 1 }
            }
            // Sequence starts have no left extension: their raw counts enter at their own length.
            for (context, followers) in raw where context.count == k {
                for (token, c) in followers { level[context, default: [:]][token, default: 0] += c }
            }
            levels[k] = level
        }
        for k in 0..<n {
            var table = NGramTable(k: k)
            var ones = 0.0
            var twos = 0.0
            let contexts = levels[k].keys.filter { $0.count == k }.sorted { $0.lexicographicallyPrecedes($1) }
            for context in contexts {
                let followers = levels[k][context]!
                let tokens = followers.keys.sorted()
                let counts = tokens.map { followers[$0]! }
                for c in counts { if c == 1 { ones += 1 } else if c == 2 { twos += 1 } }
                table.append(context: context[...], tokens: tokens, counts: counts)
            }
            table.buildIndex()
            tables[k] = table
            discounts[k] = ones > 0 ? min(0.95, max(0.05, ones / (ones + 2 * twos))) : 0.5
        }
    }

    /// Next-token probabilities `[vocabSize]` after `context` (its last order-1 tokens are used).
    public func distribution(after context: [Int32]) -> [Double] {
        let v = config.vocabSize
        var p = [Double](repeating: 1 / Double(v), count: v)
        for k in 0..<config.order {
            guard context.count >= k || k == 0 else { break }
            let key = context.suffix(k)
            if key.count < k { break }
            let table = tables[k]
            guard let row = table.row(of: key), table.totals[row] > 0 else { continue }
            let (d, total) = (discounts[k], table.totals[row])
            let followers = Int(table.starts[row])..<Int(table.starts[row + 1])
            let backoff = d * Double(followers.count) / total
            var next = p.map { $0 * backoff }
            for i in followers { next[Int(table.tokens[i])] += max(table.counts[i] - d, 0) / total }
            p = next
        }
        return p
    }

    /// The followers of the longest suffix of `context` (at most order-1 tokens) seen in
    /// training, and their counts: raw counts at the highest order, continuation counts below;
    /// the empty context when nothing longer was seen. Stupid back-off without smoothing: the
    /// fall-back of Snodgrass & Ontañón's Markov chains (FDG 2014), for models of data so
    /// regular that interpolation's reserved mass only adds noise.
    public func backoff(after context: [Int32]) -> (tokens: [Int32], counts: [Double]) {
        for k in stride(from: min(config.order - 1, context.count), through: 0, by: -1) {
            let table = tables[k]
            guard let row = table.row(of: context.suffix(k)), table.totals[row] > 0 else { continue }
            let followers = Int(table.starts[row])..<Int(table.starts[row + 1])
            return (Array(table.tokens[followers]), Array(table.counts[followers]))
        }
        return ([], [])
    }

    /// Log-probability (nats) of every token of `sequence` given the tokens before it.
    public func logLikelihood(_ sequence: [Int32]) -> [Double] {
        sequence.indices.map { i in Foundation.log(distribution(after: Array(sequence[max(0, i - config.order + 1)..<i]))[Int(sequence[i])])
        }
    }

    /// Continues `prompt` (which may be empty) with the shared generation loop.
    public func generate(prompt: [Int32], options: GenerationOptions, rng: inout RNG) -> (tokens: [Int32], stop: StopReason) {
        var history: [Int32] = []
        return generateTokens(prompt: prompt, options: options, rng: &rng) { new in
            history += new
            return distribution(after: Array(history.suffix(config.order - 1))).map { Float(Foundation.log(max($0, 1e-30))) }
        }
    }

    /// Continues each prompt in turn (a table look-up gains nothing from batching).
    public func generate(prompts: [[Int32]], options: [GenerationOptions], rngs: inout [RNG]) -> [(tokens: [Int32], stop: StopReason)] {
        prompts.indices.map { generate(prompt: prompts[$0], options: options[$0], rng: &rngs[$0]) }
    }

    /// Number of stored (context, token) entries over all orders.
    public var entryCount: Int { tables.reduce(0) { $0 + $1.tokens.count } }
}

extension NGramModel {
    /// The counts as named tensors for a bundle's `model.safetensors`: per order k, `order<k>.contexts`
    /// [contexts, k], `order<k>.lengths` [contexts], `order<k>.tokens` and `order<k>.counts`
    /// [entries], contexts sorted. Token ids and counts are exact in Float32 below 2^24.
    public func stateDict() -> [(String, Tensor)] {
        var out: [(String, Tensor)] = [("discounts", Tensor(discounts.map(Float.init)))]
        for (k, table) in tables.enumerated() {
            out += [
                ("order\(k).contexts", Tensor(table.contexts.map(Float.init), shape: [table.count, k])),
                ("order\(k).lengths", Tensor((0..<table.count).map { Float(table.starts[$0 + 1] - table.starts[$0]) })),
                ("order\(k).tokens", Tensor(table.tokens.map(Float.init))), ("order\(k).counts", Tensor(table.counts.map(Float.init))),
            ]
        }
        return out
    }

    /// Replaces the tables with those of `stateDict()`, after checking every table's sizes.
    public func load(stateDict tensors: [String: Tensor]) throws {
        func need(_ name: String) throws -> Tensor {
            guard let t = tensors[name] else { throw ModelLoadError(problems: ["missing tensor '\(name)'"]) }
            return t
        }
        let d = try need("discounts")
        guard d.count == config.order else {
            throw ModelLoadError(problems: ["'discounts' has \(d.count) values for order \(config.order)"])
        }
        var tables: [NGramTable] = []
        for k in 0..<config.order {
            let contexts = try need("order\(k).contexts")
            let lengths = try need("order\(k).lengths")
            let tokens = try need("order\(k).tokens")
            let counts = try need("order\(k).counts")
            // Read in place, converted once into the table's flat arrays (no [Float] copies).
            let table = try contexts.withUnsafeBufferPointer { rows in
                try lengths.withUnsafeBufferPointer { lengths in
                    try tokens.withUnsafeBufferPointer { tokens in
                        try counts.withUnsafeBufferPointer { counts in
                            try NGramTable(
                                k: k, contextRows: rows, contextShape: contexts.shape, lengths: lengths, tokens: tokens, counts: counts,
                                vocabSize: config.vocabSize)
                        }
                    }
                }
            }
            tables.append(table)
        }
        self.tables = tables
        discounts = d.scalars.map(Double.init)
    }
}

/// One order of an `NGramModel`, flat: `count` contexts of `k` tokens each in `contexts`
/// (row-major, sorted), the followers of context i at `starts[i]..<starts[i+1]` of `tokens`
/// (ascending ids) and `counts`, their sum in `totals[i]`, and an open-addressing hash index over
/// the contexts (FNV-1a of the ids, linear probing, load at most 1/2). No allocation per context,
/// so a bundle of a million contexts loads, and is freed, in milliseconds.
struct NGramTable {
    /// The table of order `k` from a bundle's tensors (`stateDict`'s layout), checked: contexts
    /// `[count, k]` strictly increasing, follower `lengths` summing to the `tokens`/`counts`
    /// length, every token inside the vocabulary. Throws `ModelLoadError` naming what is wrong.
    init(
        k: Int, contextRows rows: UnsafeBufferPointer<Float>, contextShape: [Int], lengths: UnsafeBufferPointer<Float>,
        tokens: UnsafeBufferPointer<Float>, counts: UnsafeBufferPointer<Float>, vocabSize: Int
    ) throws {
        // Ranges checked as floats first (converting a NaN, an infinity or a huge value to Int
        // traps); inside them a whole number survives the round trip through Int.
        func isID(_ v: Float) -> Bool { v >= 0 && v < Float(vocabSize) && Float(Int(v)) == v }
        guard lengths.allSatisfy({ $0 >= 0 && $0 <= Float(Int32.max) && Float(Int($0)) == $0 }),
            counts.allSatisfy({ $0 >= 0 && $0.isFinite })
        else {
            throw ModelLoadError(problems: ["order \(k) has a follower length or count that is negative or not a number"])
        }
        guard contextShape == [lengths.count, k], tokens.count == counts.count, lengths.reduce(0, { $0 + Int($1) }) == tokens.count else {
            throw ModelLoadError(problems: ["order \(k) tables have inconsistent sizes"])
        }
        guard rows.allSatisfy(isID) else { throw ModelLoadError(problems: ["order \(k) has a context token outside the vocabulary"]) }
        // Contexts strictly increasing, as stateDict writes them: none repeated, so each has one row.
        for i in 1..<max(lengths.count, 1) {
            let (previous, current) = ((i - 1) * k, i * k)
            var j = 0
            while j < k && rows[previous + j] == rows[current + j] { j += 1 }
            guard j < k && rows[previous + j] < rows[current + j] else {
                throw ModelLoadError(problems: ["order \(k) contexts are not sorted and distinct (context \(i))"])
            }
        }
        guard tokens.allSatisfy(isID) else {
            throw ModelLoadError(problems: ["order \(k) has a token outside the vocabulary"])
        }
        self.init(k: k)
        contexts = rows.map { Int32($0) }
        self.tokens = tokens.map { Int32($0) }
        self.counts = counts.map(Double.init)
        starts = [0]
        starts.reserveCapacity(lengths.count + 1)
        totals.reserveCapacity(lengths.count)
        for len in lengths {
            let (from, to) = (Int(starts.last!), Int(starts.last!) + Int(len))
            starts.append(Int32(to))
            totals.append(self.counts[from..<to].reduce(0, +))
        }
        buildIndex()
    }

    let k: Int
    var contexts: [Int32] = []
    var starts: [Int32] = [0]
    var tokens: [Int32] = []
    var counts: [Double] = []
    var totals: [Double] = []
    /// Context rows by hash slot; -1 for an empty slot.
    private var index: [Int32] = []

    init(k: Int) { self.k = k }

    var count: Int { totals.count }

    /// Adds a context (after the last, in sorted order) with its followers.
    mutating func append(context: ArraySlice<Int32>, tokens: [Int32], counts: [Double]) {
        contexts += context
        self.tokens += tokens
        self.counts += counts
        starts.append(Int32(self.tokens.count))
        totals.append(counts.reduce(0, +))
    }

    /// Builds the hash index after the last `append` (or after filling the arrays directly).
    mutating func buildIndex() {
        var capacity = 1
        while capacity < 2 * max(count, 1) { capacity <<= 1 }
        var table = [Int32](repeating: -1, count: capacity)
        contexts.withUnsafeBufferPointer { contexts in
            table.withUnsafeMutableBufferPointer { index in
                for row in 0..<count {
                    var slot = Self.hash(UnsafeBufferPointer(rebasing: contexts[(row * k)..<(row * k + k)])) & (capacity - 1)
                    while index[slot] >= 0 { slot = (slot + 1) & (capacity - 1) }
                    index[slot] = Int32(row)
                }
            }
        }
        index = table
    }

    /// The row of `context` (k tokens), or nil when it was never seen.
    func row(of context: ArraySlice<Int32>) -> Int? {
        guard !index.isEmpty else { return nil }
        let mask = index.count - 1
        var slot = hash(context) & mask
        while index[slot] >= 0 {
            let row = Int(index[slot])
            if contexts[(row * k)..<(row * k + k)].elementsEqual(context) { return row }
            slot = (slot + 1) & mask
        }
        return nil
    }

    private func hash(_ context: ArraySlice<Int32>) -> Int {
        context.withUnsafeBufferPointer(Self.hash)
    }

    /// FNV-1a over the context's tokens.
    private static func hash(_ context: UnsafeBufferPointer<Int32>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for token in context {
            h = (h ^ UInt64(UInt32(bitPattern: token))) &* 0x100_0000_01b3
        }
        return Int(truncatingIfNeeded: h >> 1)
    }
}

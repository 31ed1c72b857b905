import Foundation

/// A categorical Markov model over token ids of order n (1–12) with interpolated Kneser–Ney
/// smoothing: the highest order uses discounted counts, every lower order continuation counts
/// (in how many distinct contexts a token follows), and the lowest interpolates with uniform.
/// Fitting is one counting pass; memory grows with the distinct contexts seen, never vocab^n.

/// Hyper-parameters.
public struct NGramConfig: Codable, Equatable {
    public var order: Int
    public var vocabSize: Int
    public init(order: Int, vocabSize: Int) {
        precondition((1...12).contains(order), "n-gram order must be 1...12")
        self.order = order
        self.vocabSize = vocabSize
    }
}

public final class NGramModel: BatchGenerator {
    public let config: NGramConfig

    /// Next-token statistics of one context: tokens in ascending id order with their counts.
    struct Followers {
        var tokens: [Int32] = []
        var counts: [Double] = []
        var total: Double = 0
    }

    /// `tables[k]`: contexts of length k (k = 0..<order) -> followers. Index `order - 1` holds raw
    /// counts; lower orders hold continuation counts.
    var tables: [[[Int32]: Followers]]
    /// Absolute discount of each order.
    var discounts: [Double]

    public init(_ config: NGramConfig) {
        self.config = config
        tables = Array(repeating: [:], count: config.order)
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
            var table: [[Int32]: Followers] = [:]
            var ones = 0.0
            var twos = 0.0
            for (context, followers) in levels[k] where context.count == k {
                var f = Followers()
                for token in followers.keys.sorted() {
                    let c = followers[token]!
                    f.tokens.append(token)
                    f.counts.append(c)
                    f.total += c
                    if c == 1 { ones += 1 } else if c == 2 { twos += 1 }
                }
                table[context] = f
            }
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
            let key = Array(context.suffix(k))
            if key.count < k { break }
            guard let f = tables[k][key], f.total > 0 else { continue }
            let d = discounts[k]
            let backoff = d * Double(f.tokens.count) / f.total
            var next = p.map { $0 * backoff }
            for (token, c) in zip(f.tokens, f.counts) { next[Int(token)] += max(c - d, 0) / f.total }
            p = next
        }
        return p
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
    public var entryCount: Int { tables.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.tokens.count } } }
}

extension NGramModel {
    /// The counts as named tensors for a bundle's `model.safetensors`: per order k, `order<k>.contexts`
    /// [contexts, k], `order<k>.lengths` [contexts], `order<k>.tokens` and `order<k>.counts`
    /// [entries], contexts sorted. Token ids and counts are exact in Float32 below 2^24.
    public func stateDict() -> [(String, Tensor)] {
        var out: [(String, Tensor)] = [("discounts", Tensor(discounts.map(Float.init)))]
        for k in 0..<config.order {
            let contexts = tables[k].keys.sorted { $0.lexicographicallyPrecedes($1) }
            var flat: [Float] = []
            var lengths: [Float] = []
            var tokens: [Float] = []
            var counts: [Float] = []
            for c in contexts {
                let f = tables[k][c]!
                flat += c.map(Float.init)
                lengths.append(Float(f.tokens.count))
                tokens += f.tokens.map(Float.init)
                counts += f.counts.map(Float.init)
            }
            out += [
                ("order\(k).contexts", Tensor(flat, shape: [contexts.count, k])), ("order\(k).lengths", Tensor(lengths)),
                ("order\(k).tokens", Tensor(tokens)), ("order\(k).counts", Tensor(counts)),
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
        var tables = [[[Int32]: Followers]](repeating: [:], count: config.order)
        for k in 0..<config.order {
            let contexts = try need("order\(k).contexts")
            let lengths = try need("order\(k).lengths").scalars
            let tokens = try need("order\(k).tokens").scalars
            let counts = try need("order\(k).counts").scalars
            guard contexts.shape == [lengths.count, k], tokens.count == counts.count,
                Int(lengths.reduce(0, +)) == tokens.count
            else {
                throw ModelLoadError(problems: ["order \(k) tables have inconsistent sizes"])
            }
            let flat = contexts.scalars
            tables[k].reserveCapacity(lengths.count)  // one allocation, no rehashing as it fills
            var at = 0
            for (i, len) in lengths.enumerated() {
                let n = Int(len)
                var f = Followers()
                f.tokens = tokens[at..<(at + n)].map { Int32($0) }
                f.counts = counts[at..<(at + n)].map(Double.init)
                f.total = f.counts.reduce(0, +)
                guard f.tokens.allSatisfy({ $0 >= 0 && Int($0) < config.vocabSize }) else {
                    throw ModelLoadError(problems: ["order \(k) has a token outside the vocabulary"])
                }
                tables[k][flat[(i * k)..<(i * k + k)].map { Int32($0) }] = f
                at += n
            }
        }
        self.tables = tables
        discounts = d.scalars.map(Double.init)
    }
}

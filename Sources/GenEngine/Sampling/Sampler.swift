import Foundation

/// How the next token is drawn from a distribution of logits.
public struct SamplingOptions: Codable, Equatable {
    /// Divides the logits; 0 means greedy (always the most likely token).
    public var temperature: Float = 1
    /// Keep only the `topK` most likely tokens (nil: all).
    public var topK: Int?
    /// Keep the smallest set of tokens whose probability reaches `topP` (nucleus sampling).
    public var topP: Float?
    /// Drop tokens whose probability is below `minP` times the top token's.
    public var minP: Float?

    public init(temperature: Float = 1, topK: Int? = nil, topP: Float? = nil, minP: Float? = nil) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
    }

    /// Draws one index from `logits` (length = vocabulary). Ties and orderings are resolved by
    /// index, so the same logits, options and generator state always give the same token.
    public func sample(_ logits: [Float], rng: inout RNG) -> Int {
        precondition(!logits.isEmpty, "sampling from no logits")
        if temperature <= 0 {
            var best = 0
            for i in 1..<logits.count where logits[i] > logits[best] { best = i }
            return best
        }
        // Candidates sorted by logit (then index), cut by top-k.
        var order = logits.indices.filter { logits[$0] > -.infinity }
        precondition(!order.isEmpty, "every token is forbidden")
        order.sort { logits[$0] != logits[$1] ? logits[$0] > logits[$1] : $0 < $1 }
        if let k = topK, k > 0, k < order.count { order.removeSubrange(k...) }
        let top = logits[order[0]]
        var probs = order.map { Float.exp(Double((logits[$0] - top) / temperature)) }
        let total = probs.reduce(0, +)
        for i in probs.indices { probs[i] /= total }
        var keep = probs.count
        if let p = topP, p < 1 {
            var acc: Float = 0
            for (i, q) in probs.enumerated() {
                acc += q
                if acc >= p { keep = i + 1; break }
            }
        }
        if let m = minP, m > 0 {
            keep = min(keep, max(1, probs.prefix(keep).filter { $0 >= m * probs[0] }.count))
        }
        probs.removeSubrange(keep...)
        let choice = probs.withUnsafeBufferPointer { rng.categorical($0) }
        return order[choice]
    }
}

private extension Float {
    static func exp(_ x: Double) -> Float { Float(Foundation.exp(x)) }
}

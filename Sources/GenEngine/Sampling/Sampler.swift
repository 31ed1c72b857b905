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

    /// Draws one index from `logits` (length = vocabulary; `-infinity` marks a forbidden token).
    /// Candidates are ordered by logit, ties by index, so the same logits, options and generator
    /// state always give the same token. Without top-k/top-p no sort is needed: O(vocabulary).
    public func sample(_ logits: [Float], rng: inout RNG) -> Int {
        precondition(!logits.isEmpty, "sampling from no logits")
        var best = -1
        for i in logits.indices where logits[i] > -.infinity && (best < 0 || logits[i] > logits[best]) { best = i }
        precondition(best >= 0, "every token is forbidden")
        if temperature <= 0 { return best }
        let top = logits[best]
        /// A finite logit's weight, the top token's being 1.
        func weight(_ logit: Float) -> Float { Float(Foundation.exp(Double((logit - top) / temperature))) }
        if topK == nil && topP == nil && minP == nil {
            // Every token a candidate: the weights in place, a forbidden (or NaN) token's weight 0,
            // which the draw never lands on; the same draw as the general path below.
            // Split over the engine's threads for a large vocabulary (each weight is computed alone).
            let weights = [Float](unsafeUninitializedCapacity: logits.count) { w, initialised in
                logits.withUnsafeBufferPointer { l in
                    Threads.parallelFor(l.count, grain: 8192) { range in
                        for i in range { w[i] = l[i] > -.infinity ? weight(l[i]) : 0 }
                    }
                }
                initialised = logits.count
            }
            return weights.withUnsafeBufferPointer { rng.categorical($0) }
        }
        var candidates: [Int]
        if let k = topK, k > 0, k < logits.count {
            candidates = SamplingOptions.largest(k, of: logits)
        } else {
            candidates = logits.indices.filter { logits[$0] > -.infinity }
        }
        if let p = topP, p < 1 {
            candidates.sort { logits[$0] != logits[$1] ? logits[$0] > logits[$1] : $0 < $1 }
        }
        var probs = candidates.map { weight(logits[$0]) }
        if let m = minP, m > 0 {
            // The top token has weight 1 before normalisation, so the cut is m itself.
            let kept = candidates.indices.filter { probs[$0] >= m }
            candidates = kept.map { candidates[$0] }
            probs = kept.map { probs[$0] }
        }
        if let p = topP, p < 1 {
            let total = probs.reduce(0, +)
            var acc: Float = 0
            var keep = probs.count
            for (i, q) in probs.enumerated() {
                acc += q / total
                if acc >= p {
                    keep = i + 1
                    break
                }
            }
            candidates.removeSubrange(keep...)
            probs.removeSubrange(keep...)
        }
        let choice = probs.withUnsafeBufferPointer { rng.categorical($0) }
        return candidates[choice]
    }

    /// Indices of the `k` largest finite logits, largest first (ties: lower index first).
    static func largest(_ k: Int, of logits: [Float]) -> [Int] {
        var top: [Int] = []
        top.reserveCapacity(k + 1)
        func before(_ a: Int, _ b: Int) -> Bool { logits[a] != logits[b] ? logits[a] > logits[b] : a < b }
        for i in logits.indices where logits[i] > -.infinity {
            if top.count == k, let last = top.last, !before(i, last) { continue }
            var at = top.count
            while at > 0 && before(i, top[at - 1]) { at -= 1 }
            top.insert(i, at: at)
            if top.count > k { top.removeLast() }
        }
        return top
    }
}

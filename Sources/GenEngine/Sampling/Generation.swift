/// Changes next-token logits before sampling, given the tokens so far: the hook through which an
/// app constrains decoding (SMILES grammar, musical scale, level rules). Set a logit to `-infinity`
/// to forbid a token.
public protocol LogitsProcessor {
    func process(_ logits: inout [Float], tokens: [Int32])
}

/// A processor from a closure.
public struct LogitsClosure: LogitsProcessor {
    let body: (inout [Float], [Int32]) -> Void
    public init(_ body: @escaping (inout [Float], [Int32]) -> Void) { self.body = body }
    public func process(_ logits: inout [Float], tokens: [Int32]) { body(&logits, tokens) }
}

/// Forbids a fixed set of tokens.
public struct ForbidTokens: LogitsProcessor {
    public let tokens: Set<Int32>
    public init(_ tokens: Set<Int32>) { self.tokens = tokens }
    public func process(_ logits: inout [Float], tokens _: [Int32]) {
        for t in tokens where Int(t) < logits.count { logits[Int(t)] = -.infinity }
    }
}

/// Everything that decides how a sequence is continued.
public struct GenerationOptions {
    public var sampling: SamplingOptions
    /// Most new tokens to produce.
    public var maxTokens: Int
    /// Generation ends when the output ends with one of these; the stop sequence is not returned.
    public var stopSequences: [[Int32]]
    /// CTRL-style repetition penalty (> 1 discourages): a recent token's positive logit is divided
    /// by it, a negative one multiplied.
    public var repetitionPenalty: Float
    /// How many recent tokens (prompt included) the penalty looks at.
    public var repetitionWindow: Int
    public var processors: [LogitsProcessor]

    public init(sampling: SamplingOptions = SamplingOptions(), maxTokens: Int, stopSequences: [[Int32]] = [],
                repetitionPenalty: Float = 1, repetitionWindow: Int = 64, processors: [LogitsProcessor] = []) {
        self.sampling = sampling
        self.maxTokens = maxTokens
        self.stopSequences = stopSequences
        self.repetitionPenalty = repetitionPenalty
        self.repetitionWindow = repetitionWindow
        self.processors = processors
    }
}

/// Why generation ended.
public enum StopReason: Equatable {
    case maxTokens, stopSequence, noAllowedToken
}

/// The autoregressive loop shared by every sequence model. `feed(tokens)` appends tokens to the
/// model's state (the whole prompt first, then one token at a time) and returns the logits of the
/// next token. Returns the new tokens (without a matched stop sequence) and why it stopped.
public func generateTokens(prompt: [Int32], options: GenerationOptions, rng: inout RNG,
                           feed: ([Int32]) -> [Float]) -> (tokens: [Int32], stop: StopReason) {
    var all = prompt
    var produced: [Int32] = []
    var logits = feed(prompt)
    while produced.count < options.maxTokens {
        if options.repetitionPenalty != 1 {
            var seen = Set<Int32>()
            for t in all.suffix(options.repetitionWindow) where seen.insert(t).inserted && Int(t) < logits.count {
                let v = logits[Int(t)]
                logits[Int(t)] = v > 0 ? v / options.repetitionPenalty : v * options.repetitionPenalty
            }
        }
        for p in options.processors { p.process(&logits, tokens: all) }
        guard logits.contains(where: { $0 > -.infinity }) else { return (produced, .noAllowedToken) }
        let next = Int32(options.sampling.sample(logits, rng: &rng))
        produced.append(next)
        all.append(next)
        if let stop = options.stopSequences.first(where: { !$0.isEmpty && produced.count >= $0.count && Array(produced.suffix($0.count)) == $0 }) {
            produced.removeLast(stop.count)
            return (produced, .stopSequence)
        }
        if produced.count == options.maxTokens { break }
        logits = feed([next])
    }
    return (produced, .maxTokens)
}

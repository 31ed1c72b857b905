/// Constrains the next token of one sequence (SMILES grammar, musical scale, level rules): the hook
/// through which an app constrains decoding. It is incremental: `advance` takes the sequence's
/// tokens one at a time (the prompt's first, then each sampled token) and `process` changes the
/// logits of the next one; `-infinity` forbids a token.
///
/// Generation makes one processor per sequence from a `LogitsProcessorFactory`, so a stateful
/// grammar keeps its state by construction even when many sequences decode in one batch.
public protocol LogitsProcessor {
    /// Takes the next token of this sequence.
    mutating func advance(_ token: Int32)
    /// Changes the next-token logits `[vocab]` of this sequence.
    func process(_ logits: inout [Float])
}

/// Makes a fresh `LogitsProcessor` for each sequence that generation starts.
public typealias LogitsProcessorFactory = () -> any LogitsProcessor

/// A processor from a closure over the tokens so far (kept for it, prompt included).
public struct LogitsClosure: LogitsProcessor {
    let body: (inout [Float], [Int32]) -> Void
    var tokens: [Int32] = []
    public init(_ body: @escaping (inout [Float], [Int32]) -> Void) { self.body = body }
    public mutating func advance(_ token: Int32) { tokens.append(token) }
    public func process(_ logits: inout [Float]) { body(&logits, tokens) }
}

/// Forbids a fixed set of tokens.
public struct ForbidTokens: LogitsProcessor {
    public let tokens: Set<Int32>
    public init(_ tokens: Set<Int32>) { self.tokens = tokens }
    public func advance(_ token: Int32) {}
    public func process(_ logits: inout [Float]) {
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
    /// Called with each new token as soon as it is drawn (streaming output); returning false ends
    /// this sequence with `StopReason.caller`, the token kept.
    public var onToken: ((Int32) -> Bool)?
    /// Constraints, each made afresh for every sequence (see `LogitsProcessor`).
    public var processors: [LogitsProcessorFactory]

    public init(
        sampling: SamplingOptions = SamplingOptions(), maxTokens: Int, stopSequences: [[Int32]] = [],
        repetitionPenalty: Float = 1, repetitionWindow: Int = 64, processors: [LogitsProcessorFactory] = []
    ) {
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
    /// `GenerationOptions.onToken` asked to stop (a stop string matched in the caller's text).
    case caller
}

/// The autoregressive loop shared by every sequence model. `feed(tokens)` appends tokens to the
/// model's state (the whole prompt first, then one token at a time) and returns the logits of the
/// next token. Returns the new tokens (without a matched stop sequence) and why it stopped.
public func generateTokens(
    prompt: [Int32], options: GenerationOptions, rng: inout RNG,
    feed: ([Int32]) -> [Float]
) -> (tokens: [Int32], stop: StopReason) {
    var rngs = [rng]
    defer { rng = rngs[0] }
    return generateTokens(prompts: [prompt], options: [options], rngs: &rngs) { tokens, _ in [feed(tokens[0])] }[0]
}

/// The same loop over a batch of sequences, for models that advance many sequences in one call:
/// sequence i uses `options[i]` (processors made for it alone) and draws from `rngs[i]`.
///
/// `feed(tokens, keep)` receives one token list per row of the batch, all of the same length
/// (prompts must be equally long), and returns one logits row per row. The batch shrinks as
/// sequences finish, so that finished ones stop costing compute: `keep` lists, in order, the rows
/// of the previous call whose state continues (nil: all of them), and the model drops the state of
/// the others before appending. The batch is compacted once an eighth of its rows have finished,
/// to a multiple of eight rows and never below two (finished rows fill up, fed their last token,
/// their logits ignored): few distinct shapes for the tensor pool, and the model's products keep
/// the kernel class they were built for (GEMM, not GEMV).
public func generateTokens(
    prompts: [[Int32]], options: [GenerationOptions], rngs: inout [RNG],
    feed: (_ tokens: [[Int32]], _ keep: [Int]?) -> [[Float]]
) -> [(tokens: [Int32], stop: StopReason)] {
    precondition(prompts.count == options.count && prompts.count == rngs.count, "one option set and generator per prompt")
    precondition(Set(prompts.map(\.count)).count <= 1, "prompts of a batch must be equally long")
    var all = prompts
    var produced = [[Int32]](repeating: [], count: prompts.count)
    var stops = [StopReason?](repeating: nil, count: prompts.count)
    // One set of processors per sequence, brought up to the end of its prompt.
    var processors = options.indices.map { i in
        options[i].processors.map { make in
            var p = make()
            for t in prompts[i] { p.advance(t) }
            return p
        }
    }
    for i in prompts.indices where options[i].maxTokens <= 0 { stops[i] = .maxTokens }
    // The sequence of each row of the model's batch, and the latest logits of each sequence.
    var rows = Array(prompts.indices)
    var logits = [[Float]](repeating: [], count: prompts.count)
    func step(_ tokens: [[Int32]], keep: [Int]?) {
        for (row, next) in feed(tokens, keep).enumerated() { logits[rows[row]] = next }
    }
    if stops.contains(where: { $0 == nil }) { step(prompts, keep: nil) }
    while stops.contains(where: { $0 == nil }) {
        for i in prompts.indices where stops[i] == nil {
            let o = options[i]
            if o.repetitionPenalty != 1 {
                var seen = Set<Int32>()
                for t in all[i].suffix(o.repetitionWindow) where seen.insert(t).inserted && Int(t) < logits[i].count {
                    let v = logits[i][Int(t)]
                    logits[i][Int(t)] = v > 0 ? v / o.repetitionPenalty : v * o.repetitionPenalty
                }
            }
            for p in processors[i] { p.process(&logits[i]) }
            guard logits[i].contains(where: { $0 > -.infinity }) else {
                stops[i] = .noAllowedToken
                continue
            }
            let next = Int32(o.sampling.sample(logits[i], rng: &rngs[i]))
            produced[i].append(next)
            all[i].append(next)
            for p in processors[i].indices { processors[i][p].advance(next) }
            if let stop = o.stopSequences.first(where: {
                !$0.isEmpty && produced[i].count >= $0.count && Array(produced[i].suffix($0.count)) == $0
            }) {
                produced[i].removeLast(stop.count)
                stops[i] = .stopSequence
            } else if let onToken = o.onToken, !onToken(next) {
                stops[i] = .caller
            } else if produced[i].count == o.maxTokens {
                stops[i] = .maxTokens
            }
        }
        guard stops.contains(where: { $0 == nil }) else { break }
        var keep: [Int]?
        let live = rows.indices.filter { stops[rows[$0]] == nil }
        let target = min(rows.count, (max(live.count, 2) + 7) / 8 * 8)
        if target * 8 <= rows.count * 7 {
            let fillers = rows.indices.filter { stops[rows[$0]] != nil }.prefix(target - live.count)
            keep = (live + fillers).sorted()
            rows = keep!.map { rows[$0] }
        }
        step(rows.map { [all[$0].last ?? 0] }, keep: keep)
    }
    return prompts.indices.map { (produced[$0], stops[$0]!) }
}

/// A model that continues many equally long prompts at once, each with its own options and
/// generator (see the batched `generateTokens`); continuing one prompt is the batch of one.
public protocol BatchGenerator {
    func generate(prompts: [[Int32]], options: [GenerationOptions], rngs: inout [RNG]) -> [(tokens: [Int32], stop: StopReason)]
}

extension BatchGenerator {
    /// Continues one prompt.
    public func generate(prompt: [Int32], options: GenerationOptions, rng: inout RNG) -> (tokens: [Int32], stop: StopReason) {
        var rngs = [rng]
        defer { rng = rngs[0] }
        return generate(prompts: [prompt], options: [options], rngs: &rngs)[0]
    }
}

/// The logits of the last position of each sequence, as one row per sequence, from `[B, T, vocab]`.
func lastLogitsRows(_ logits: Tensor) -> [[Float]] {
    let (b, t, v) = (logits.shape[0], logits.shape[1], logits.shape[2])
    let last = logits.slice(axis: 1, (t - 1)..<t).scalars
    return (0..<b).map { Array(last[($0 * v)..<(($0 + 1) * v)]) }
}

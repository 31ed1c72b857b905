/// A recurrent language model: embedding -> LSTM or GRU stack -> linear head (optionally tied to
/// the embedding), trained by truncated backpropagation through time with the state carried
/// across chunks, and generating step by step from its state.

public struct RecurrentLMConfig: Codable, Equatable {
    public enum Cell: String, Codable { case lstm, gru }
    public var vocabSize: Int
    public var embedding: Int
    public var hidden: Int
    public var layers: Int
    public var cell: Cell
    public var dropout: Float
    /// Share the head with the embedding (needs `embedding == hidden`).
    public var tiedEmbeddings: Bool

    public init(
        vocabSize: Int, embedding: Int, hidden: Int, layers: Int = 2, cell: Cell = .lstm, dropout: Float = 0,
        tiedEmbeddings: Bool = false
    ) {
        precondition(!tiedEmbeddings || embedding == hidden, "tied embeddings need embedding == hidden")
        self.vocabSize = vocabSize
        self.embedding = embedding
        self.hidden = hidden
        self.layers = layers
        self.cell = cell
        self.dropout = dropout
        self.tiedEmbeddings = tiedEmbeddings
    }
}

public final class RecurrentLM: Module, BatchGenerator {
    /// Recurrent state: `h` (and `c` for LSTM), each `[layers, B, H]`.
    public struct State {
        public var h: Tensor
        public var c: Tensor?
        public init(h: Tensor, c: Tensor?) {
            self.h = h
            self.c = c
        }
        /// The same state cut from the graph (the truncation point of BPTT).
        public func detached() -> State { State(h: h.detached(), c: c?.detached()) }

        /// The state of batch rows `keep` only, in that order (inference: the result is not
        /// recorded for gradients).
        public func rows(_ keep: [Int]) -> State {
            func select(_ t: Tensor) -> Tensor {
                let (layers, batch, width) = (t.shape[0], t.shape[1], t.shape[2])
                var out = Tensor(uninitializedShape: [layers, keep.count, width])
                let src = t.pointer
                let dst = out.mutablePointer
                for l in 0..<layers {
                    for (k, row) in keep.enumerated() {
                        (dst + (l * keep.count + k) * width).update(from: src + (l * batch + row) * width, count: width)
                    }
                }
                return out
            }
            return State(h: select(h), c: c.map(select))
        }
    }

    public let config: RecurrentLMConfig
    @Child public var embedding: Embedding
    @OptionalChild public var lstm: LSTM?
    @OptionalChild public var gru: GRU?
    @OptionalChild public var head: Linear?
    let dropout: Dropout

    public init(_ config: RecurrentLMConfig, rng: inout RNG) {
        self.config = config
        _embedding = Child(wrappedValue: Embedding(config.vocabSize, config.embedding, rng: &rng), key: "embedding")
        _lstm = OptionalChild(
            wrappedValue: config.cell == .lstm
                ? LSTM(inputSize: config.embedding, hiddenSize: config.hidden, numLayers: config.layers, rng: &rng) : nil, key: "rnn")
        _gru = OptionalChild(
            wrappedValue: config.cell == .gru
                ? GRU(inputSize: config.embedding, hiddenSize: config.hidden, numLayers: config.layers, rng: &rng) : nil, key: "rnn")
        _head = OptionalChild(wrappedValue: config.tiedEmbeddings ? nil : Linear(config.hidden, config.vocabSize, rng: &rng), key: "head")
        dropout = Dropout(config.dropout, rng: rng.stream("rnn-dropout"))
        super.init()
    }

    /// Logits `[B, T, vocab]` for ids `[B, T]` (row-major), continuing from `state` (zeros if nil).
    /// The LSTM or the GRU, whichever this model has.
    var recurrent: RecurrentBase { lstm ?? gru! }

    public func callAsFunction(_ ids: [Int32], batch: Int, state: State? = nil) -> (logits: Tensor, state: State) {
        let x = dropout(embedding(ids, shape: [batch, ids.count / batch]))
        let projected = recurrent.firstLayerProjection(recurrent.timeMajor(x))
        return self(projected: projected, state: state)
    }

    /// Logits `[B, T, vocab]` from layer 0's input projection `[T, B, G·H]` (time-major), and the
    /// next state: the body shared by training and decoding.
    func callAsFunction(projected: Tensor, state: State?) -> (logits: Tensor, state: State) {
        let output: Tensor
        let next: State
        if let lstm {
            let run = lstm(projected: projected, state: state.map { ($0.h, $0.c!) })
            (output, next) = (run.output, State(h: run.state.h, c: run.state.c))
        } else {
            let run = gru!(projected: projected, state: state?.h)
            (output, next) = (run.output, State(h: run.state, c: nil))
        }
        let features = dropout(output)
        let logits = linear(features, weight: head?.weight ?? embedding.weight, bias: head?.bias)
        return (logits, next)
    }

    /// Mean next-token cross-entropy (nats) of ids `[B, T]` against `targets`, and the final state
    /// (detached: carry it into the next chunk for truncated BPTT).
    public func loss(inputs: [Int32], targets: [Int32], batch: Int, state: State? = nil) -> (loss: Tensor, state: State) {
        let (logits, next) = self(inputs, batch: batch, state: state)
        return (crossEntropy(logits: logits.reshaped([-1, config.vocabSize]), targets: targets), next.detached())
    }

    /// Continues equally long prompts together one token at a time from the carried state, one
    /// state row per sequence (see the batched `generateTokens`).
    public func generate(prompts: [[Int32]], options: [GenerationOptions], rngs: inout [RNG]) -> [(tokens: [Int32], stop: StopReason)] {
        precondition(prompts.allSatisfy { !$0.isEmpty }, "generation needs at least one prompt token")
        return noGrad {
            // Layer 0's input projection of every token, computed once: each step reads its rows
            // instead of multiplying the embeddings by the input weights (the same values; only
            // without dropout, which would draw a mask per step).
            let table = training && config.dropout > 0 ? nil : recurrent.firstLayerProjection(embedding.weight)
            var state: State?
            return generateTokens(prompts: prompts, options: options, rngs: &rngs) { new, keep in
                if let keep, let carried = state { state = carried.rows(keep) }
                let (logits, next): (Tensor, State)
                if let table {
                    // Rows in time-major order: step t of every sequence, then step t + 1.
                    let ids = (0..<new[0].count).flatMap { t in new.map { $0[t] } }
                    (logits, next) = self(projected: table.gathered(rows: ids).reshaped([new[0].count, new.count, -1]), state: state)
                } else {
                    (logits, next) = self(new.flatMap { $0 }, batch: new.count, state: state)
                }
                state = next
                return lastLogitsRows(logits)
            }
        }
    }
}

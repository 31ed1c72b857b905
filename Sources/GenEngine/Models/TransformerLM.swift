/// A GPT decoder language model, laid out as nanoGPT's `model.py` so that its `state_dict` names
/// match: `transformer.wte`, `transformer.wpe`, `transformer.h.<i>.{ln_1, attn, ln_2, mlp}`,
/// `transformer.ln_f`, and `lm_head` (tied to `wte` unless `tiedEmbeddings` is false).

/// Hyper-parameters (nanoGPT's `GPTConfig`).
public struct TransformerLMConfig: Codable, Equatable {
    public var vocabSize: Int
    /// Longest context in tokens (`block_size`).
    public var contextLength: Int
    public var layers: Int
    public var heads: Int
    /// Embedding width (`n_embd`).
    public var width: Int
    public var dropout: Float = 0
    public var bias = true
    /// GELU's tanh form, as GPT-2 checkpoints use.
    public var approximateGELU = false
    public var tiedEmbeddings = true

    public init(
        vocabSize: Int, contextLength: Int, layers: Int, heads: Int, width: Int, dropout: Float = 0,
        bias: Bool = true, approximateGELU: Bool = false, tiedEmbeddings: Bool = true
    ) {
        self.vocabSize = vocabSize
        self.contextLength = contextLength
        self.layers = layers
        self.heads = heads
        self.width = width
        self.dropout = dropout
        self.bias = bias
        self.approximateGELU = approximateGELU
        self.tiedEmbeddings = tiedEmbeddings
    }
}

public final class TransformerLM: Module {
    /// nanoGPT's `transformer` ModuleDict.
    public final class Body: Module {
        @Child public var tokenEmbedding: Embedding
        @Child public var positionEmbedding: Embedding
        @ChildList public var blocks: [TransformerBlock]
        @Child public var finalNorm: LayerNorm
        let dropout: Dropout

        init(_ c: TransformerLMConfig, rng: inout RNG) {
            _tokenEmbedding = Child(wrappedValue: Embedding(c.vocabSize, c.width, rng: &rng), key: "wte")
            _positionEmbedding = Child(wrappedValue: Embedding(c.contextLength, c.width, rng: &rng), key: "wpe")
            var blocks: [TransformerBlock] = []
            for _ in 0..<c.layers {
                blocks.append(
                    TransformerBlock(
                        width: c.width, heads: c.heads, dropout: c.dropout, bias: c.bias,
                        approximateGELU: c.approximateGELU, rng: &rng))
            }
            _blocks = ChildList(wrappedValue: blocks, key: "h")
            _finalNorm = Child(wrappedValue: LayerNorm(c.width, bias: c.bias), key: "ln_f")
            dropout = Dropout(c.dropout, rng: rng.stream("embedding-dropout"))
            super.init()
        }
    }

    public let config: TransformerLMConfig
    @Child public var body: Body
    @OptionalChild public var head: Linear?
    /// How a lone sequence's tokens are decoded (`DecodingWeights`); batched decoding and scoring
    /// always run in float32.
    public var decodingWeights = DecodingWeights.float32

    /// A model with nanoGPT's initialisation: N(0, 0.02) weights, zero biases, and residual
    /// projections scaled by 1/√(2·layers).
    public init(_ config: TransformerLMConfig, rng: inout RNG) {
        self.config = config
        _body = Child(wrappedValue: Body(config, rng: &rng), key: "transformer")
        _head = OptionalChild(
            wrappedValue: config.tiedEmbeddings
                ? nil
                : Linear(config.width, config.vocabSize, bias: false, rng: &rng), key: "lm_head")
        super.init()
        guard !ParameterInitialisation.isSkipped else { return }  // every parameter is about to be loaded
        var initRNG = rng.stream("gpt-init")
        let residualStd = 0.02 / Float(2 * config.layers).squareRoot()
        for (name, p) in namedParameters() {
            let shape = p.wrappedValue.shape
            if name.hasSuffix("c_proj.weight") {
                p.wrappedValue = ParameterInitialisation.normal(shape, std: residualStd, rng: &initRNG)
            } else if name.hasSuffix(".bias") {
                p.wrappedValue = Tensor.zeros(shape)
            } else if shape.count == 2 {
                p.wrappedValue = ParameterInitialisation.normal(shape, std: 0.02, rng: &initRNG)
            }
        }
    }

    /// Logits `[B, T, vocab]` for token ids `[B, T]` (row-major in `ids`). With caches (one per
    /// layer, from `makeCaches`), `ids` are the next positions after those already cached.
    public func callAsFunction(_ ids: [Int32], batch: Int, caches: [KVCache]? = nil) -> Tensor {
        let t = ids.count / batch
        let start = caches?.first?.length ?? 0
        precondition(start + t <= config.contextLength, "sequence of \(start + t) tokens exceeds the context of \(config.contextLength)")
        let positions = (start..<(start + t)).map(Int32.init)
        var x = body.tokenEmbedding(ids, shape: [batch, t]) + body.positionEmbedding(positions, shape: [1, t])
        x = body.dropout(x)
        for (i, block) in body.blocks.enumerated() { x = block(x, cache: caches?[i]) }
        x = body.finalNorm(x)
        return linear(x, weight: head?.weight ?? body.tokenEmbedding.weight)
    }

    /// One empty KV cache per layer for `batch` sequences.
    public func makeCaches(batch: Int) -> [KVCache] {
        (0..<config.layers).map { _ in
            KVCache(batch: batch, heads: config.heads, headDim: config.width / config.heads, capacity: config.contextLength)
        }
    }

    /// Mean next-token cross-entropy (nats) of `[B, T]` inputs against targets shifted by one.
    public func loss(inputs: [Int32], targets: [Int32], batch: Int) -> Tensor {
        let logits = self(inputs, batch: batch)
        return crossEntropy(logits: logits.reshaped([-1, config.vocabSize]), targets: targets)
    }
}

extension TransformerLM: BatchGenerator {
    /// Continues equally long prompts together in one batch of KV caches (see the batched
    /// `generateTokens`); each new token costs O(context), and a lone sequence's tokens go through
    /// `TransformerDecoder` (the same logits without a tensor per op). When the context is full, the caches
    /// restart from the last half of the context (a sliding window).
    public func generate(prompts: [[Int32]], options: [GenerationOptions], rngs: inout [RNG]) -> [(tokens: [Int32], stop: StopReason)] {
        precondition(prompts.allSatisfy { !$0.isEmpty }, "generation needs at least one prompt token")
        let batch = prompts.count
        return noGrad {
            var caches = makeCaches(batch: batch)
            var history = [[Int32]](repeating: [], count: batch)
            let decoder = TransformerDecoder(self, weights: batch == 1 ? decodingWeights : .float32)
            return generateTokens(prompts: prompts, options: options, rngs: &rngs) { new, keep in
                if let keep {
                    caches = caches.map { $0.rows(keep) }
                    history = keep.map { history[$0] }
                }
                var input = new
                for i in new.indices { history[i] += new[i] }
                if caches[0].length + new[0].count > config.contextLength {
                    caches = makeCaches(batch: new.count)
                    input = history.map { Array($0.suffix(new[0].count > 1 ? config.contextLength : config.contextLength / 2)) }
                }
                // The decoder has no dropout: a model sampled in training mode with dropout takes the layers.
                if input.count == 1 && input[0].count == 1 && (!training || config.dropout == 0) {
                    return [decoder(input[0][0], caches: caches)]
                }
                return lastLogitsRows(self(input.flatMap { $0 }, batch: new.count, caches: caches))
            }
        }
    }
}

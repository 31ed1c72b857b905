import CBLAS
import CKernels

/// How batch-1 decoding stores the weights it streams once per token (`TransformerLM.decodingWeights`).
public enum DecodingWeights: String, CaseIterable, Sendable {
    /// The model's own float32 weights: the logits are bit for bit those of the layers.
    case float32
    /// IEEE float16 copies of the matrix-vector products' weights (each block's four linear
    /// layers and the classifier), made when a one-sequence `generate` starts, products summed in
    /// float32: half the bytes a token reads, so about twice the tokens/s of a model too large for
    /// the cache (the storage of llama.cpp's f16 files). Logits move by about 1e-3 relative, so
    /// samples differ from float32's after a while. Embeddings, norms, biases and the KV cache stay
    /// float32, as do the prompt (read by the layers in one pass) and the refill of a full
    /// context; a matrix with a weight of magnitude 65520 or more (infinite in float16) keeps
    /// float32.
    case float16
}

/// One sequence, one token at a time, through a `TransformerLM` with its KV caches, on buffers
/// allocated once: the layers' cached forward pass (`TransformerLM.callAsFunction(_:batch:caches:)`
/// with one token) without a tensor, a closure or an array per op. It calls the same kernels on
/// the same operands in the same order, so the logits are bit for bit those of the layers
/// (`TransformerDecoderTests`). At the sizes of a small model most of a token's time was the
/// bookkeeping of ~20 tensor ops per layer rather than their arithmetic. With float16 weights
/// (`DecodingWeights.float16`) the products read half-precision copies instead.
final class TransformerDecoder {
    private let model: TransformerLM
    /// float16 copies of the weights keyed by their float32 storage (empty for float32 decoding).
    private var halves: [UnsafePointer<Float>: UnsafeMutablePointer<UInt16>] = [:]
    private let width: Int, heads: Int, headDim: Int, hidden: Int, vocab: Int
    /// The residual stream `[C]`, a normalised copy `[C]`, the fused q, k, v `[3C]`, the heads'
    /// outputs `[C]`, a projection `[C]`, the MLP's hidden layer `[4C]` twice (before and after
    /// GELU), logits `[vocab]`; attention scores, scaled scores and weights `[parts, context]`
    /// each, a row per part of the heads' split.
    private let x, normed, qkv, attended, projected, expanded, activated, scores, scaled, weights, logits: UnsafeMutablePointer<Float>
    private var mean: Float = 0, rstd: Float = 0
    /// The heads are attended in `parts` runs on the spinning team (one per engine thread, at
    /// most one per head); each head's arithmetic is the same on any thread.
    private let parts: Int

    init(_ model: TransformerLM, weights storage: DecodingWeights = .float32) {
        let c = model.config
        self.model = model
        (width, heads, headDim, hidden, vocab) = (c.width, c.heads, c.width / c.heads, 4 * c.width, c.vocabSize)
        parts = max(1, min(Threads.count, c.heads))
        func buffer(_ n: Int) -> UnsafeMutablePointer<Float> { .allocate(capacity: n) }
        (x, normed, qkv, attended, projected) = (buffer(width), buffer(width), buffer(3 * width), buffer(width), buffer(width))
        (expanded, activated, logits) = (buffer(hidden), buffer(hidden), buffer(vocab))
        let rows = parts * c.contextLength
        (scores, scaled, weights) = (buffer(rows), buffer(rows), buffer(rows))
        if storage == .float16 {
            for weight in Self.streamedWeights(model) where halves[weight.pointer] == nil {
                let half = UnsafeMutablePointer<UInt16>.allocate(capacity: weight.count)
                if gk_f32_to_f16_n(weight.count, weight.pointer, half) == 0 {
                    halves[weight.pointer] = half
                } else {
                    half.deallocate()
                }
            }
        }
    }

    /// The weights of the matrix-vector products, each read whole once per token: every block's
    /// four linear layers and the classifier (the token embedding when tied).
    static func streamedWeights(_ model: TransformerLM) -> [Tensor] {
        let layers = model.body.blocks.flatMap {
            [$0.attention.qkv, $0.attention.projection, $0.feedForward.expand, $0.feedForward.contract]
        }
        return layers.map(\.weight) + [model.head?.weight ?? model.body.tokenEmbedding.weight]
    }

    deinit {
        for p in [x, normed, qkv, attended, projected, expanded, activated, scores, scaled, weights, logits] { p.deallocate() }
        for half in halves.values { half.deallocate() }
    }

    /// Next-token logits `[vocab]` after `token` at position `caches[0].length`; appends the
    /// token's keys and values to `caches` (one per layer, batch 1).
    func callAsFunction(_ token: Int32, caches: [KVCache]) -> [Float] {
        let body = model.body
        precondition((0..<vocab).contains(Int(token)), "token \(token) is outside the vocabulary of \(vocab)")
        let position = caches[0].length
        precondition(position < model.config.contextLength, "position \(position) is past the context of \(model.config.contextLength)")
        let wte = body.tokenEmbedding.weight.pointer + Int(token) * width
        let wpe = body.positionEmbedding.weight.pointer + position * width
        for i in 0..<width { x[i] = wte[i] + wpe[i] }
        for (block, cache) in zip(body.blocks, caches) {
            normalise(x, block.norm1)
            project(normed, block.attention.qkv, into: qkv)
            attend(cache: cache, scale: 1 / Float(headDim).squareRoot())
            project(attended, block.attention.projection, into: projected)
            for i in 0..<width { x[i] += projected[i] }
            normalise(x, block.norm2)
            project(normed, block.feedForward.expand, into: expanded)
            gk_unary(block.feedForward.approximateGELU ? GK_GELU_TANH : GK_GELU_ERF, hidden, expanded, activated)
            project(activated, block.feedForward.contract, into: projected)
            for i in 0..<width { x[i] += projected[i] }
        }
        normalise(x, body.finalNorm)
        multiply(normed, model.head?.weight ?? body.tokenEmbedding.weight, into: logits)
        return Array(UnsafeBufferPointer(start: logits, count: vocab))
    }

    /// `normed = norm(input)` (`layerNorm`'s kernel on one row).
    private func normalise(_ input: UnsafePointer<Float>, _ norm: LayerNorm) {
        gk_layernorm_rows(1, width, input, norm.weight.pointer, norm.bias?.pointer, norm.eps, normed, &mean, &rstd)
    }

    /// `output = layer(input)`, as `linear` computes one row: the product, then the bias.
    private func project(_ input: UnsafePointer<Float>, _ layer: Linear, into output: UnsafeMutablePointer<Float>) {
        multiply(input, layer.weight, into: output)
        if let bias = layer.bias { gk_binary(GK_ADD, GK_EACH_ROW, 1, layer.weight.shape[0], output, bias.pointer, output) }
    }

    /// `output [n] = weight [n, k] · input [k]`: `GEMM.run` with one row, or the same split of
    /// rows over the team (`GEMM.vectorTimesMatrix`) on the float16 copy.
    private func multiply(_ input: UnsafePointer<Float>, _ weight: Tensor, into output: UnsafeMutablePointer<Float>) {
        let (n, k) = (weight.shape[0], weight.shape[1])
        if let half = halves[weight.pointer] {
            return gk_gemv_rows_f16_parallel(n, k, 1, half, k, input, 0, output, Int32(GEMM.matrixVectorParts(n: n, k: k)))
        }
        GEMM.run(transA: false, transB: true, m: 1, n: n, k: k, a: input, lda: k, b: weight.pointer, ldb: k, c: output, ldc: n)
    }

    /// Appends this position's keys and values (the middle and last thirds of `qkv`) to `cache`,
    /// then each head's queries attend to every cached position: `attended [C]`, heads in order,
    /// split over the team's parts.
    private func attend(cache: KVCache, scale: Float) {
        let (capacity, position) = (cache.capacity, cache.length)
        let keys = cache.keys.mutablePointer
        let values = cache.values.mutablePointer
        for h in 0..<heads {
            (keys + (h * capacity + position) * headDim).update(from: qkv + width + h * headDim, count: headDim)
            (values + (h * capacity + position) * headDim).update(from: qkv + 2 * width + h * headDim, count: headDim)
        }
        cache.length += 1
        Threads.onTeam(parts) { part in
            for h in (heads * part / parts)..<(heads * (part + 1) / parts) { attendHead(h, row: part, cache: cache, scale: scale) }
        }
    }

    /// Head `h`'s output into `attended`, with scratch row `row`: the products, scaling and
    /// softmax of the layers' `cachedAttention` for one query (`gk_gemv_rows`, which
    /// `GEMM.run` with one row calls for the scores with the same result for any split).
    private func attendHead(_ h: Int, row: Int, cache: KVCache, scale: Float) {
        let (capacity, total) = (cache.capacity, cache.length)
        let context = model.config.contextLength
        let (scores, scaled, weights) = (self.scores + row * context, self.scaled + row * context, self.weights + row * context)
        let k = cache.keys.pointer + h * capacity * headDim
        let v = cache.values.pointer + h * capacity * headDim
        gk_gemv_rows(total, headDim, 1, k, headDim, qkv + h * headDim, 0, scores)
        for j in 0..<total { scaled[j] = scores[j] * scale }
        gk_softmax_rows(1, total, scaled, weights)
        GEMM.run(
            transA: false, transB: false, m: 1, n: headDim, k: total, a: weights, lda: total, b: v, ldb: headDim,
            c: attended + h * headDim, ldc: headDim)
    }
}

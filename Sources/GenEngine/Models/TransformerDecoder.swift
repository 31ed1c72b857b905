import CBLAS
import CKernels

/// One sequence, one token at a time, through a `TransformerLM` with its KV caches, on buffers
/// allocated once: the layers' cached forward pass (`TransformerLM.callAsFunction(_:batch:caches:)`
/// with one token) without a tensor, a closure or an array per op. It calls the same kernels on
/// the same operands in the same order, so the logits are bit for bit those of the layers
/// (`TransformerDecoderTests`). At the sizes of a small model most of a token's time was the
/// bookkeeping of ~20 tensor ops per layer rather than their arithmetic.
final class TransformerDecoder {
    private let model: TransformerLM
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

    init(_ model: TransformerLM) {
        let c = model.config
        self.model = model
        (width, heads, headDim, hidden, vocab) = (c.width, c.heads, c.width / c.heads, 4 * c.width, c.vocabSize)
        parts = max(1, min(Threads.count, c.heads))
        func buffer(_ n: Int) -> UnsafeMutablePointer<Float> { .allocate(capacity: n) }
        (x, normed, qkv, attended, projected) = (buffer(width), buffer(width), buffer(3 * width), buffer(width), buffer(width))
        (expanded, activated, logits) = (buffer(hidden), buffer(hidden), buffer(vocab))
        let rows = parts * c.contextLength
        (scores, scaled, weights) = (buffer(rows), buffer(rows), buffer(rows))
    }

    deinit {
        for p in [x, normed, qkv, attended, projected, expanded, activated, scores, scaled, weights, logits] { p.deallocate() }
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
        let head = model.head?.weight ?? body.tokenEmbedding.weight
        GEMM.run(
            transA: false, transB: true, m: 1, n: vocab, k: width, a: normed, lda: width, b: head.pointer, ldb: width, c: logits, ldc: vocab
        )
        return Array(UnsafeBufferPointer(start: logits, count: vocab))
    }

    /// `normed = norm(input)` (`layerNorm`'s kernel on one row).
    private func normalise(_ input: UnsafePointer<Float>, _ norm: LayerNorm) {
        gk_layernorm_rows(1, width, input, norm.weight.pointer, norm.bias?.pointer, norm.eps, normed, &mean, &rstd)
    }

    /// `output = layer(input)`, as `linear` computes one row: the product, then the bias.
    private func project(_ input: UnsafePointer<Float>, _ layer: Linear, into output: UnsafeMutablePointer<Float>) {
        let (n, k) = (layer.weight.shape[0], layer.weight.shape[1])
        GEMM.run(transA: false, transB: true, m: 1, n: n, k: k, a: input, lda: k, b: layer.weight.pointer, ldb: k, c: output, ldc: n)
        if let bias = layer.bias { gk_binary(GK_ADD, GK_EACH_ROW, 1, n, output, bias.pointer, output) }
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

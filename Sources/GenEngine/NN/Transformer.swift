/// Keys and values of earlier positions for incremental decoding: one `[B, heads, capacity, headDim]`
/// buffer each per layer, so every new token costs O(context) instead of recomputing the prefix.
public final class KVCache {
    public let capacity: Int
    /// Number of positions stored so far.
    public internal(set) var length = 0
    var keys: Tensor, values: Tensor

    public init(batch: Int, heads: Int, headDim: Int, capacity: Int) {
        self.capacity = capacity
        keys = Tensor.zeros([batch, heads, capacity, headDim])
        values = Tensor.zeros([batch, heads, capacity, headDim])
    }

    /// A cache of batch rows `keep` only, in that order, with the positions stored so far.
    public func rows(_ keep: [Int]) -> KVCache {
        let (heads, d) = (keys.shape[1], keys.shape[3])
        let out = KVCache(batch: keep.count, heads: heads, headDim: d, capacity: capacity)
        func copy(_ source: Tensor, into target: inout Tensor) {
            let src = source.pointer
            let dst = target.mutablePointer
            for (k, row) in keep.enumerated() {
                for h in 0..<heads {
                    (dst + ((k * heads + h) * capacity) * d).update(from: src + ((row * heads + h) * capacity) * d, count: length * d)
                }
            }
        }
        copy(keys, into: &out.keys)
        copy(values, into: &out.values)
        out.length = length
        return out
    }

    /// Copies `k`, `v` (`[B, heads, T, headDim]`) in at position `length`.
    func append(_ k: Tensor, _ v: Tensor) {
        let (b, h, t, d) = (k.shape[0], k.shape[1], k.shape[2], k.shape[3])
        precondition(length + t <= capacity, "KV cache full: \(length) + \(t) > \(capacity) positions")
        let kp = keys.mutablePointer
        let vp = values.mutablePointer
        let ks = k.pointer
        let vs = v.pointer
        for bh in 0..<(b * h) {
            (kp + (bh * capacity + length) * d).update(from: ks + bh * t * d, count: t * d)
            (vp + (bh * capacity + length) * d).update(from: vs + bh * t * d, count: t * d)
        }
        length += t
    }
}

/// Causal multi-head self-attention with one fused QKV projection, nanoGPT's
/// `CausalSelfAttention`: `c_attn [3C, C]`, `c_proj [C, C]`.
public final class CausalSelfAttention: Module {
    @Child public var qkv: Linear
    @Child public var projection: Linear
    public let heads: Int
    let attentionDropout: Dropout, residualDropout: Dropout

    public init(width: Int, heads: Int, dropout: Float = 0, bias: Bool = true, rng: inout RNG) {
        precondition(width % heads == 0, "width \(width) is not a multiple of \(heads) heads")
        self.heads = heads
        _qkv = Child(wrappedValue: Linear(width, 3 * width, bias: bias, rng: &rng), key: "c_attn")
        _projection = Child(wrappedValue: Linear(width, width, bias: bias, rng: &rng), key: "c_proj")
        self.attentionDropout = Dropout(dropout, rng: rng.stream("attention-dropout"))
        self.residualDropout = Dropout(dropout, rng: rng.stream("residual-dropout"))
        super.init()
    }

    /// `x [B, T, C]` -> `[B, T, C]`. With a cache, `x` holds the next positions only and attends
    /// to every cached position as well (inference only).
    public func callAsFunction(_ x: Tensor, cache: KVCache? = nil) -> Tensor {
        let (b, t, c) = (x.shape[0], x.shape[1], x.shape[2])
        let d = c / heads
        // [B, T, 3, heads, d] -> [3, B, heads, T, d]; q, k, v are views of the leading axis.
        let split = qkv(x).reshaped([b, t, 3, heads, d]).permuted([2, 0, 3, 1, 4])
        let q = split.slice(0..<1).reshaped([b, heads, t, d])
        let k = split.slice(1..<2).reshaped([b, heads, t, d])
        let v = split.slice(2..<3).reshaped([b, heads, t, d])
        let scale = 1 / Float(d).squareRoot()
        let y: Tensor
        if let cache {
            y = cachedAttention(q, k, v, cache: cache, scale: scale)
        } else {
            let weights = attentionDropout(matmul(q, k, transposeB: true).causalSoftmax(scale: scale))
            y = matmul(weights, v)  // [B, heads, T, d]
        }
        return residualDropout(projection(y.permuted([0, 2, 1, 3]).reshaped([b, t, c])))
    }

    /// Attention of new queries over cached plus new keys, straight on the cache buffers.
    private func cachedAttention(_ q: Tensor, _ k: Tensor, _ v: Tensor, cache: KVCache, scale: Float) -> Tensor {
        precondition(!Tensor.recording(q), "the KV cache is for inference; run under noGrad")
        let (b, h, t, d) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3])
        let past = cache.length
        cache.append(k, v)
        let total = cache.length
        let cap = cache.capacity
        var scores = Tensor(uninitializedShape: [b, h, t, total])
        var out = Tensor(uninitializedShape: [b, h, t, d])
        let qp = q.pointer
        let kp = cache.keys.pointer
        let vp = cache.values.pointer
        let sp = scores.mutablePointer
        let work = b * h * t * total * d
        GEMM.forEachBlock(b * h, work: work) { bh in
            GEMM.run(
                transA: false, transB: true, m: t, n: total, k: d, a: qp + bh * t * d, lda: d,
                b: kp + bh * cap * d, ldb: d, c: sp + bh * t * total, ldc: total)
        }
        let weights = scores.causalSoftmax(scale: scale, past: past)
        let wp = weights.pointer
        let op = out.mutablePointer
        GEMM.forEachBlock(b * h, work: work) { bh in
            GEMM.run(
                transA: false, transB: false, m: t, n: d, k: total, a: wp + bh * t * total, lda: total,
                b: vp + bh * cap * d, ldb: d, c: op + bh * t * d, ldc: d)
        }
        return out
    }
}

/// The transformer feed-forward network: `c_fc [4C, C]`, GELU, `c_proj [C, 4C]`, dropout.
public final class MLP: Module, UnaryLayer {
    @Child public var expand: Linear
    @Child public var contract: Linear
    let dropout: Dropout
    public let approximateGELU: Bool

    public init(width: Int, dropout: Float = 0, bias: Bool = true, approximateGELU: Bool = false, rng: inout RNG) {
        _expand = Child(wrappedValue: Linear(width, 4 * width, bias: bias, rng: &rng), key: "c_fc")
        _contract = Child(wrappedValue: Linear(4 * width, width, bias: bias, rng: &rng), key: "c_proj")
        self.dropout = Dropout(dropout, rng: rng.stream("mlp-dropout"))
        self.approximateGELU = approximateGELU
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        dropout(contract(expand(x).gelu(approximate: approximateGELU)))
    }
}

/// Pre-LN transformer block (GPT-2): `x + attn(ln_1(x))`, then `x + mlp(ln_2(x))`.
public final class TransformerBlock: Module {
    @Child public var norm1: LayerNorm
    @Child public var attention: CausalSelfAttention
    @Child public var norm2: LayerNorm
    @Child public var feedForward: MLP

    public init(
        width: Int, heads: Int, dropout: Float = 0, bias: Bool = true, approximateGELU: Bool = false,
        rng: inout RNG
    ) {
        _norm1 = Child(wrappedValue: LayerNorm(width, bias: bias), key: "ln_1")
        _attention = Child(
            wrappedValue: CausalSelfAttention(width: width, heads: heads, dropout: dropout, bias: bias, rng: &rng), key: "attn")
        _norm2 = Child(wrappedValue: LayerNorm(width, bias: bias), key: "ln_2")
        _feedForward = Child(
            wrappedValue: MLP(width: width, dropout: dropout, bias: bias, approximateGELU: approximateGELU, rng: &rng), key: "mlp")
        super.init()
    }

    /// `x [B, T, C]` -> `[B, T, C]`; pass a cache to decode incrementally.
    public func callAsFunction(_ x: Tensor, cache: KVCache? = nil) -> Tensor {
        let h = x + attention(norm1(x), cache: cache)
        return h + feedForward(norm2(h))
    }
}

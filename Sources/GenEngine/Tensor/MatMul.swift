import CKernels

/// Matrix products through OpenBLAS `cblas_sgemm`; transposes are passed to BLAS, never copied.
extension Tensor {
    /// `C[batch] = op(A[batch]) · op(B[batch])` for contiguous row-major matrices, no recording.
    /// `a` is `[batch, M, K]` (or `[batch, K, M]` when transposed), `b` likewise.
    static func gemm(
        _ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool,
        batch: Int, outShape: [Int]
    ) -> Tensor {
        let ar = a.shape[a.rank - 2]
        let ac = a.shape[a.rank - 1]
        let br = b.shape[b.rank - 2]
        let bc = b.shape[b.rank - 1]
        let m = transposeA ? ac : ar
        let k = transposeA ? ar : ac
        let n = transposeB ? br : bc
        let kb = transposeB ? bc : br
        precondition(k == kb, "matmul: inner sizes differ, \(a.shape) and \(b.shape)")
        var out = Tensor(uninitializedShape: outShape)
        let pa = a.pointer
        let pb = b.pointer
        let pc = out.mutablePointer
        let bStride = b.rank == 2 ? 0 : br * bc
        func one(_ i: Int) {
            GEMM.run(
                transA: transposeA, transB: transposeB, m: m, n: n, k: k, a: pa + i * ar * ac, lda: ac,
                b: pb + i * bStride, ldb: bc, c: pc + i * m * n, ldc: n)
        }
        // Many small products (attention heads) run one per thread; large ones split inside.
        if batch > 1 && GEMM.blockCount(m: m, n: n, k: k) == 1 {
            GEMM.forEachBlock(batch, one)
        } else {
            for i in 0..<batch { one(i) }
        }
        return out
    }
}

/// Matrix product of the last two axes: `[..., M, K] · [..., K, N] -> [..., M, N]`.
/// Leading axes are batch axes and must be equal, or `b` is a plain `[K, N]` matrix shared by
/// every batch entry. `transposeA`/`transposeB` use `Aᵀ`/`Bᵀ` of the last two axes.
public func matmul(_ a: Tensor, _ b: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    precondition(a.rank >= 2 && b.rank >= 2, "matmul needs matrices, got \(a.shape) and \(b.shape)")
    if a.rank > 2 && b.rank == 2 && !transposeA {
        // Shared right matrix: fold the batch into rows, one large GEMM.
        let k = a.shape[a.rank - 1]
        let flat = matmul(a.reshaped([-1, k]), b, transposeB: transposeB)
        return flat.reshaped(Array(a.shape.dropLast()) + [flat.shape[1]])
    }
    let batchShape = Array(a.shape.dropLast(2))
    precondition(a.rank == 2 || b.rank > 2 || !transposeA, "matmul: transposeA with a shared [K, N] matrix")
    precondition(
        b.rank == 2 || Array(b.shape.dropLast(2)) == batchShape,
        "matmul: batch axes differ, \(a.shape) and \(b.shape)")
    let batch = batchShape.reduce(1, *)
    let m = transposeA ? a.shape[a.rank - 1] : a.shape[a.rank - 2]
    let n = transposeB ? b.shape[b.rank - 2] : b.shape[b.rank - 1]
    let out = Tensor.gemm(
        a, b, transposeA: transposeA, transposeB: transposeB,
        batch: batch, outShape: batchShape + [m, n])
    return out.recorded([
        (
            a,
            { g in
                switch (transposeA, transposeB) {
                case (false, false): return matmul(g, b, transposeB: true)
                case (false, true): return matmul(g, b)
                case (true, false): return matmul(b, g, transposeB: true)
                case (true, true): return matmul(b, g, transposeA: true, transposeB: true)
                }
            }
        ),
        (
            b,
            { g in
                var gb: Tensor
                switch (transposeA, transposeB) {
                case (false, false): gb = matmul(a, g, transposeA: true)
                case (false, true): gb = matmul(g, a, transposeA: true)
                case (true, false): gb = matmul(a, g)
                case (true, true): gb = matmul(g, a, transposeA: true, transposeB: true)
                }
                // A matrix shared across the batch collects every batch entry's gradient.
                while gb.rank > b.rank { gb = gb.sum(axis: 0) }
                return gb
            }
        ),
    ])
}

/// `y = x · Wᵀ + b` over the last axis, as PyTorch's `F.linear`: `x [..., in]`,
/// `weight [out, in]`, `bias [out]` -> `[..., out]`. One GEMM forward, two backward.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    let inFeatures = weight.shape[1]
    let outFeatures = weight.shape[0]
    precondition(x.shape.last == inFeatures, "linear: input \(x.shape) does not end in \(inFeatures)")
    let rows = x.count / inFeatures
    let x2 = x.reshapedData([rows, inFeatures])
    var y = Tensor.gemm(
        x2, weight, transposeA: false, transposeB: true, batch: 1,
        outShape: Array(x.shape.dropLast()) + [outFeatures])
    if let bias {
        let yp = y.mutablePointer
        let bp = bias.pointer
        Threads.parallelFor(rows, grain: 64) { r in
            gk_binary(
                GK_ADD, GK_EACH_ROW, r.count, outFeatures, yp + r.lowerBound * outFeatures, bp,
                yp + r.lowerBound * outFeatures)
        }
    }
    var inputs: [(Tensor, (Tensor) -> Tensor)] = [
        (
            x,
            { g in
                Tensor.gemm(
                    g.reshapedData([rows, outFeatures]), weight, transposeA: false,
                    transposeB: false, batch: 1, outShape: x.shape)
            }
        ),
        (
            weight,
            { g in
                Tensor.gemm(
                    g.reshapedData([rows, outFeatures]), x2, transposeA: true,
                    transposeB: false, batch: 1, outShape: weight.shape)
            }
        ),
    ]
    if let bias {
        inputs.append((bias, { g in g.reshapedData([rows, outFeatures]).summed(to: bias.shape) }))
    }
    return y.recorded(inputs)
}

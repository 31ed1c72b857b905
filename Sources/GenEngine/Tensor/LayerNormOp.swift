import CKernels

/// Layer normalisation over the last axis: `x [..., C]`, `weight [C]`, `bias [C]` (optional)
/// -> `(x - mean) / sqrt(var + eps) · weight + bias`, biased variance as PyTorch's `F.layer_norm`.
public func layerNorm(_ x: Tensor, weight: Tensor?, bias: Tensor?, eps: Float = 1e-5) -> Tensor {
    let cols = x.shape[x.rank - 1]
    let rows = x.count / cols
    var y = Tensor(uninitializedShape: x.shape)
    var mean = [Float](repeating: 0, count: rows)
    var rstd = [Float](repeating: 0, count: rows)
    let xp = x.pointer
    let yp = y.mutablePointer
    let wp = weight?.pointer
    let bp = bias?.pointer
    mean.withUnsafeMutableBufferPointer { m in
        rstd.withUnsafeMutableBufferPointer { s in
            let mp = m.baseAddress!
            let sp = s.baseAddress!
            Threads.parallelFor(rows, grain: Swift.max(1, 8192 / cols)) { r in
                let o = r.lowerBound
                gk_layernorm_rows(r.count, cols, xp + o * cols, wp, bp, eps, yp + o * cols, mp + o, sp + o)
            }
        }
    }
    guard Tensor.recording(x, weight ?? x, bias ?? x) else { return y }
    let shared = SharedBackward { g in
        var dx = Tensor(uninitializedShape: x.shape)
        var dw = Tensor.zeros([cols])
        var db = Tensor.zeros([cols])
        let gp = g.pointer
        let dxp = dx.mutablePointer
        let dwp = weight == nil ? nil : dw.mutablePointer
        let dbp = bias == nil ? nil : db.mutablePointer
        gk_layernorm_backward_rows(rows, cols, x.pointer, weight?.pointer, mean, rstd, gp, dxp, dwp, dbp)
        return [dx, dw, db]
    }
    var inputs: [(Tensor, (Tensor) -> Tensor)] = [(x, { shared.gradient(0, $0) })]
    if let weight { inputs.append((weight, { shared.gradient(1, $0) })) }
    if let bias { inputs.append((bias, { shared.gradient(2, $0) })) }
    return y.recorded(inputs)
}

import CKernels

/// Whole-sequence LSTM and GRU layers as single autodiff ops: the forward pass walks the time
/// steps with one GEMM each (`h · W_hhᵀ`) and a fused cell kernel; the backward pass walks them in
/// reverse and then computes the recurrent weight gradient for all steps in one GEMM. The input
/// projections (`x · W_ihᵀ + b`) are computed for all steps at once by the caller, so a layer is
/// one node of the tape, not one per step.

/// LSTM over `xproj [T, B, 4H]` (input projections plus both biases, gate order i, f, g, o) from
/// state `h0`, `c0` (`[B, H]`), with `weightHH [4H, H]`. Returns `[T + 1, B, H]`: `h` of every
/// step, then the final cell state `c_T` in the last row.
public func lstmLayer(xproj: Tensor, h0: Tensor, c0: Tensor, weightHH: Tensor) -> Tensor {
    let (t, b, g4) = (xproj.shape[0], xproj.shape[1], xproj.shape[2])
    let h = g4 / 4
    precondition(
        h0.shape == [b, h] && c0.shape == [b, h] && weightHH.shape == [g4, h],
        "lstmLayer: shapes \(xproj.shape), \(h0.shape), \(c0.shape), \(weightHH.shape) do not fit")
    let bh = b * h
    var out = Tensor(uninitializedShape: [t + 1, b, h])
    var cells = Tensor(uninitializedShape: [t, b, h])
    var act = Tensor(uninitializedShape: [t, b, 5 * h])
    var gates = Tensor(uninitializedShape: [b, g4])
    let op = out.mutablePointer
    let cp = cells.mutablePointer
    let ap = act.mutablePointer
    let gp = gates.mutablePointer
    let xp = xproj.pointer
    let wp = weightHH.pointer
    for step in 0..<t {
        let hPrev = step == 0 ? h0.pointer : UnsafePointer(op + (step - 1) * bh)
        let cPrev = step == 0 ? c0.pointer : UnsafePointer(cp + (step - 1) * bh)
        gp.update(from: xp + step * b * g4, count: b * g4)
        GEMM.run(transA: false, transB: true, m: b, n: g4, k: h, a: hPrev, lda: h, b: wp, ldb: h, beta: 1, c: gp, ldc: g4)
        let (hOut, cOut, actOut) = (op + step * bh, cp + step * bh, ap + step * b * 5 * h)
        Threads.parallelFor(b, grain: Swift.max(1, 2048 / h)) { r in
            let i = r.lowerBound
            gk_lstm_cell(r.count, h, gp + i * g4, cPrev + i * h, hOut + i * h, cOut + i * h, actOut + i * 5 * h)
        }
    }
    (op + t * bh).update(from: cp + (t - 1) * bh, count: bh)
    guard Tensor.recording(xproj, h0, c0, weightHH) else { return out }
    let (outputs, savedCells, savedAct) = (out, cells, act)
    let shared = SharedBackward { grad in
        var dgates = Tensor(uninitializedShape: [t, b, g4])
        var dh = Tensor(uninitializedShape: [b, h])
        var dc = Tensor(uninitializedShape: [b, h])
        var dcPrev = Tensor(uninitializedShape: [b, h])
        var dhNext = Tensor.zeros([b, h])
        let gradP = grad.pointer
        let dgp = dgates.mutablePointer
        let dhp = dh.mutablePointer
        let dcp = dc.mutablePointer
        let dcPrevP = dcPrev.mutablePointer
        let dhNextP = dhNext.mutablePointer
        dcp.update(from: gradP + t * bh, count: bh)
        for step in stride(from: t - 1, through: 0, by: -1) {
            for i in 0..<bh { dhp[i] = gradP[step * bh + i] + dhNextP[i] }
            let cPrev = step == 0 ? c0.pointer : savedCells.pointer + (step - 1) * bh
            let (actStep, dgStep) = (savedAct.pointer + step * b * 5 * h, dgp + step * b * g4)
            Threads.parallelFor(b, grain: Swift.max(1, 2048 / h)) { r in
                let i = r.lowerBound
                gk_lstm_cell_backward(
                    r.count, h, actStep + i * 5 * h, cPrev + i * h, dhp + i * h, dcp + i * h,
                    dgStep + i * g4, dcPrevP + i * h)
            }
            dcp.update(from: dcPrevP, count: bh)
            GEMM.run(
                transA: false, transB: false, m: b, n: h, k: g4, a: dgp + step * b * g4, lda: g4, b: wp, ldb: h,
                c: dhNextP, ldc: h)
        }
        // dW_hh = Σ_t dgates_tᵀ · h_{t-1}, one GEMM over the stacked previous states.
        let previous = Tensor.concat([h0.detached().reshaped([1, b, h]), outputs.slice(0..<(t - 1))])
        var dw = Tensor(uninitializedShape: [g4, h])
        GEMM.run(
            transA: true, transB: false, m: g4, n: h, k: t * b, a: dgp, lda: g4, b: previous.pointer, ldb: h,
            c: dw.mutablePointer, ldc: h)
        return [dgates, dhNext, dc, dw]
    }
    return out.recorded([
        (xproj, { shared.gradient(0, $0) }), (h0, { shared.gradient(1, $0) }),
        (c0, { shared.gradient(2, $0) }), (weightHH, { shared.gradient(3, $0) }),
    ])
}

/// GRU over `xproj [T, B, 3H]` (input projections plus `b_ih`, gate order r, z, n) from `h0 [B, H]`
/// with `weightHH [3H, H]` and `biasHH [3H]`. Returns `h` of every step, `[T, B, H]`.
public func gruLayer(xproj: Tensor, h0: Tensor, weightHH: Tensor, biasHH: Tensor) -> Tensor {
    let (t, b, g3) = (xproj.shape[0], xproj.shape[1], xproj.shape[2])
    let h = g3 / 3
    precondition(
        h0.shape == [b, h] && weightHH.shape == [g3, h] && biasHH.shape == [g3],
        "gruLayer: shapes \(xproj.shape), \(h0.shape), \(weightHH.shape), \(biasHH.shape) do not fit")
    let bh = b * h
    var out = Tensor(uninitializedShape: [t, b, h])
    var hgates = Tensor(uninitializedShape: [t, b, g3])
    var act = Tensor(uninitializedShape: [t, b, g3])
    let op = out.mutablePointer
    let hgp = hgates.mutablePointer
    let ap = act.mutablePointer
    let xp = xproj.pointer
    let wp = weightHH.pointer
    let biasP = biasHH.pointer
    for step in 0..<t {
        let hPrev = step == 0 ? h0.pointer : UnsafePointer(op + (step - 1) * bh)
        let hg = hgp + step * b * g3
        for row in 0..<b { (hg + row * g3).update(from: biasP, count: g3) }
        GEMM.run(transA: false, transB: true, m: b, n: g3, k: h, a: hPrev, lda: h, b: wp, ldb: h, beta: 1, c: hg, ldc: g3)
        let (xStep, hOut, actOut) = (xp + step * b * g3, op + step * bh, ap + step * b * g3)
        Threads.parallelFor(b, grain: Swift.max(1, 2048 / h)) { r in
            let i = r.lowerBound
            gk_gru_cell(r.count, h, xStep + i * g3, hg + i * g3, hPrev + i * h, hOut + i * h, actOut + i * g3)
        }
    }
    guard Tensor.recording(xproj, h0, weightHH, biasHH) else { return out }
    let (outputs, savedHG, savedAct) = (out, hgates, act)
    let shared = SharedBackward { grad in
        var dxg = Tensor(uninitializedShape: [t, b, g3])
        var dhg = Tensor(uninitializedShape: [t, b, g3])
        var dh = Tensor(uninitializedShape: [b, h])
        var dhDirect = Tensor(uninitializedShape: [b, h])
        var dhNext = Tensor.zeros([b, h])
        let gradP = grad.pointer
        let dxp = dxg.mutablePointer
        let dhgp = dhg.mutablePointer
        let dhp = dh.mutablePointer
        let directP = dhDirect.mutablePointer
        let dhNextP = dhNext.mutablePointer
        for step in stride(from: t - 1, through: 0, by: -1) {
            for i in 0..<bh { dhp[i] = gradP[step * bh + i] + dhNextP[i] }
            let hPrev = step == 0 ? h0.pointer : outputs.pointer + (step - 1) * bh
            let (actStep, hgStep) = (savedAct.pointer + step * b * g3, savedHG.pointer + step * b * g3)
            let (dxStep, dhgStep) = (dxp + step * b * g3, dhgp + step * b * g3)
            Threads.parallelFor(b, grain: Swift.max(1, 2048 / h)) { r in
                let i = r.lowerBound
                gk_gru_cell_backward(
                    r.count, h, actStep + i * g3, hgStep + i * g3, hPrev + i * h, dhp + i * h,
                    dxStep + i * g3, dhgStep + i * g3, directP + i * h)
            }
            dhNextP.update(from: directP, count: bh)
            GEMM.run(
                transA: false, transB: false, m: b, n: h, k: g3, a: dhgp + step * b * g3, lda: g3, b: wp, ldb: h,
                beta: 1, c: dhNextP, ldc: h)
        }
        let previous = Tensor.concat([h0.detached().reshaped([1, b, h]), outputs.slice(0..<(t - 1))])
        var dw = Tensor(uninitializedShape: [g3, h])
        GEMM.run(
            transA: true, transB: false, m: g3, n: h, k: t * b, a: dhgp, lda: g3, b: previous.pointer, ldb: h,
            c: dw.mutablePointer, ldc: h)
        let dbias = dhg.reshapedData([t * b, g3]).summed(to: [g3])
        return [dxg, dhNext, dw, dbias]
    }
    return out.recorded([
        (xproj, { shared.gradient(0, $0) }), (h0, { shared.gradient(1, $0) }),
        (weightHH, { shared.gradient(2, $0) }), (biasHH, { shared.gradient(3, $0) }),
    ])
}

import CKernels

/// Cross-entropy from unnormalised `logits [N, C]` against class indices `targets [N]`, averaged
/// over the targets that are not `ignoreIndex`, as PyTorch's `F.cross_entropy` with
/// `label_smoothing`. Result in nats.
public func crossEntropy(
    logits: Tensor, targets: [Int32], ignoreIndex: Int32 = -100,
    labelSmoothing: Float = 0
) -> Tensor {
    let cols = logits.shape[logits.rank - 1]
    let rows = logits.count / cols
    precondition(targets.count == rows, "crossEntropy: \(targets.count) targets for \(rows) rows of logits")
    let counted = targets.filter { $0 != ignoreIndex }.count
    var losses = [Float](repeating: 0, count: rows)
    let recording = Tensor.recording(logits)
    var dlogits = recording ? Tensor(uninitializedShape: logits.shape) : Tensor.zeros([0])
    let dp: UnsafeMutablePointer<Float>? = recording ? dlogits.mutablePointer : nil
    let lp = logits.pointer
    losses.withUnsafeMutableBufferPointer { lb in
        let out = lb.baseAddress!
        targets.withUnsafeBufferPointer { tb in
            let t = tb.baseAddress!
            Threads.parallelFor(rows, grain: Swift.max(1, 4096 / cols)) { r in
                let o = r.lowerBound
                gk_cross_entropy_rows(
                    r.count, cols, lp + o * cols, t + o, ignoreIndex, labelSmoothing,
                    out + o, dp.map { $0 + o * cols })
            }
        }
    }
    let scale = 1 / Float(Swift.max(counted, 1))
    let total = losses.withUnsafeBufferPointer { gk_sum(rows, $0.baseAddress!) }
    let saved = dlogits
    return Tensor(scalar: total * scale).recorded(from: logits) { g in
        Tensor.binary(GK_MUL, saved, Tensor(scalar: g.item * scale))
    }
}

/// Binary cross-entropy from logits, averaged: `mean(softplus(x) - t·x)`, stable for any `x`.
public func binaryCrossEntropy(logits: Tensor, targets: Tensor) -> Tensor {
    (logits.softplus() - targets * logits).mean()
}

/// Mean squared error.
public func meanSquaredError(_ prediction: Tensor, _ target: Tensor) -> Tensor {
    (prediction - target).square().mean()
}

/// KL divergence `KL(N(mu, exp(logVar)) || N(0, I))` summed over the last axis and averaged over
/// the rest (nats per example, the VAE regulariser).
public func gaussianKL(mu: Tensor, logVar: Tensor) -> Tensor {
    let perDim = (logVar.exp() + mu.square() - logVar - 1) * 0.5
    return perDim.sum(axis: -1).mean()
}

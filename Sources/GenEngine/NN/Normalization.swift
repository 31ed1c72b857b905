import CKernels

/// Layer normalisation over the last axis, `weight [C]` (ones) and `bias [C]` (zeros), as `torch.nn.LayerNorm`.
public final class LayerNorm: Module {
    @Parameter public var weight: Tensor
    @OptionalParameter public var bias: Tensor?
    public let eps: Float

    public init(_ dimensions: Int, eps: Float = 1e-5, bias: Bool = true) {
        self.weight = Tensor.ones([dimensions])
        self.bias = bias ? Tensor.zeros([dimensions]) : nil
        self.eps = eps
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        layerNorm(x, weight: weight, bias: bias, eps: eps)
    }
}

/// Batch normalisation over the channel axis 1 of `[N, C]` (BatchNorm1d) or `[N, C, H, W]`
/// (BatchNorm2d), as `torch.nn.BatchNorm*d`: batch statistics in training (running averages updated
/// with `momentum`, unbiased variance), running statistics in evaluation.
public final class BatchNorm: Module {
    @Parameter public var weight: Tensor
    @Parameter public var bias: Tensor
    @Buffer public var runningMean: Tensor
    @Buffer public var runningVar: Tensor
    @Buffer public var batchesTracked: Tensor
    public let eps: Float, momentum: Float

    public init(_ channels: Int, eps: Float = 1e-5, momentum: Float = 0.1) {
        self.weight = Tensor.ones([channels])
        self.bias = Tensor.zeros([channels])
        _runningMean = Buffer(wrappedValue: Tensor.zeros([channels]), key: "running_mean")
        _runningVar = Buffer(wrappedValue: Tensor.ones([channels]), key: "running_var")
        _batchesTracked = Buffer(wrappedValue: Tensor.zeros([]), key: "num_batches_tracked")
        self.eps = eps
        self.momentum = momentum
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        let c = weight.count
        precondition(x.rank >= 2 && x.shape[1] == c, "BatchNorm(\(c)): input \(x.shape)")
        guard training else {
            return batchNorm(x, weight: weight, bias: bias, eps: eps, running: (runningMean, runningVar)).y
        }
        let (y, mean, variance) = batchNorm(x, weight: weight, bias: bias, eps: eps, running: nil)
        let n = Float(x.count / c)
        noGrad {
            let m = momentum
            runningMean = runningMean * (1 - m) + mean * m
            runningVar = runningVar * (1 - m) + variance * (m * n / Swift.max(n - 1, 1))
            batchesTracked = batchesTracked + 1
        }
        return y
    }
}

/// Batch normalisation of `x [N, C, ...]` over every axis but 1, as `F.batch_norm`: with
/// `running == nil` it uses (and returns) the batch mean and biased variance per channel;
/// otherwise it normalises with the given running statistics. One fused kernel each way.
public func batchNorm(
    _ x: Tensor, weight: Tensor, bias: Tensor, eps: Float,
    running: (mean: Tensor, variance: Tensor)?
) -> (y: Tensor, mean: Tensor, variance: Tensor) {
    let (n, c) = (x.shape[0], x.shape[1])
    let s = x.count / (n * c)
    var y = Tensor(uninitializedShape: x.shape)
    var mean = running?.mean ?? Tensor(uninitializedShape: [c])
    var variance = running?.variance ?? Tensor(uninitializedShape: [c])
    var rstd = Tensor(uninitializedShape: [c])
    mean.makeUnique()
    variance.makeUnique()
    let (xp, wp, bp, yp) = (x.pointer, weight.pointer, bias.pointer, y.mutablePointer)
    let (mp, vp, rp) = (mean.mutablePointer, variance.mutablePointer, rstd.mutablePointer)
    let batchStats = running == nil
    Threads.parallelFor(c, grain: Swift.max(1, 16384 / Swift.max(n * s, 1))) { r in
        gk_batchnorm_forward(n, c, s, r.lowerBound, r.upperBound, xp, wp, bp, eps, batchStats ? 1 : 0, mp, vp, rp, yp)
    }
    guard Tensor.recording(x, weight, bias) else { return (y, mean, variance) }
    let (savedMean, savedRstd) = (mean, rstd)
    let shared = SharedBackward { g in
        var dx = Tensor(uninitializedShape: x.shape)
        var dw = Tensor(uninitializedShape: [c])
        var db = Tensor(uninitializedShape: [c])
        let (gp, dxp, dwp, dbp) = (g.pointer, dx.mutablePointer, dw.mutablePointer, db.mutablePointer)
        Threads.parallelFor(c, grain: Swift.max(1, 16384 / Swift.max(n * s, 1))) { r in
            gk_batchnorm_backward(
                n, c, s, r.lowerBound, r.upperBound, xp, wp, savedMean.pointer, savedRstd.pointer, gp,
                batchStats ? 1 : 0, dxp, dwp, dbp)
        }
        return [dx, dw, db]
    }
    let out = y.recorded([
        (x, { shared.gradient(0, $0) }), (weight, { shared.gradient(1, $0) }),
        (bias, { shared.gradient(2, $0) }),
    ])
    return (out, mean, variance)
}

/// PyTorch's names for the two uses of `BatchNorm` (`[N, C]` and `[N, C, H, W]` inputs).
public typealias BatchNorm1d = BatchNorm
public typealias BatchNorm2d = BatchNorm

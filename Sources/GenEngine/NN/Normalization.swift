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
        // View as [N, C, S] and normalise over N and S.
        let s = x.count / (x.shape[0] * c)
        let v = x.reshaped([x.shape[0], c, s])
        let statShape = [1, c, 1]
        let mean: Tensor, variance: Tensor
        if training {
            mean = v.mean(axis: 2, keepDims: true).mean(axis: 0, keepDims: true)
            variance = (v - mean).square().mean(axis: 2, keepDims: true).mean(axis: 0, keepDims: true)
            let n = Float(x.shape[0] * s)
            noGrad {
                let m = momentum
                runningMean = runningMean * (1 - m) + mean.detached().reshaped([c]) * m
                runningVar = runningVar * (1 - m) + variance.detached().reshaped([c]) * (m * n / Swift.max(n - 1, 1))
                batchesTracked = batchesTracked + 1
            }
        } else {
            mean = runningMean.reshaped(statShape)
            variance = runningVar.reshaped(statShape)
        }
        let normalised = (v - mean) / (variance + eps).sqrt()
        return (normalised * weight.reshaped(statShape) + bias.reshaped(statShape)).reshaped(x.shape)
    }
}

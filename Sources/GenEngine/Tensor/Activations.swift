import CKernels

/// Activation functions (elementwise, differentiable).
extension Tensor {
    public func relu() -> Tensor { unary(GK_RELU) }
    public func sigmoid() -> Tensor { unary(GK_SIGMOID) }
    public func tanh() -> Tensor { unary(GK_TANH) }
    /// `log(1 + exp(x))`, computed without overflow.
    public func softplus() -> Tensor { unary(GK_SOFTPLUS) }
    /// `x · sigmoid(x)`.
    public func silu() -> Tensor { unary(GK_SILU) }

    /// GELU. `approximate: true` is the tanh form GPT-2 uses (`gelu_new`); `false` is the exact
    /// erf form (PyTorch's `nn.GELU()` default).
    public func gelu(approximate: Bool = false) -> Tensor {
        unary(approximate ? GK_GELU_TANH : GK_GELU_ERF)
    }

    /// `x` where positive, `slope · x` elsewhere.
    public func leakyRelu(slope: Float = 0.01) -> Tensor {
        var out = Tensor(uninitializedShape: shape)
        let src = pointer
        let dst = out.mutablePointer
        Threads.parallelFor(count, grain: 1 << 15) { r in gk_leaky_relu(r.count, slope, src + r.lowerBound, dst + r.lowerBound) }
        let n = count
        return out.recordedElementwise(from: self) { xp, _, gp, dp in
            Threads.parallelFor(n, grain: 1 << 15) { r in
                let o = r.lowerBound
                gk_leaky_relu_backward(r.count, slope, xp + o, gp + o, dp + o)
            }
        }
    }
}

/// Fully connected layer `y = x·Wᵀ + b`: `weight [out, in]`, `bias [out]`, as `torch.nn.Linear`
/// (same names, layout and default initialisation U(-1/√in, 1/√in)).
public final class Linear: Module {
    @Parameter public var weight: Tensor
    @OptionalParameter public var bias: Tensor?

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, rng: inout RNG) {
        let bound = 1 / Float(inFeatures).squareRoot()
        self.weight = ParameterInitialisation.uniform([outFeatures, inFeatures], low: -bound, high: bound, rng: &rng)
        self.bias = bias ? ParameterInitialisation.uniform([outFeatures], low: -bound, high: bound, rng: &rng) : nil
        super.init()
    }

    /// `x [..., in]` -> `[..., out]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        linear(x, weight: weight, bias: bias)
    }
}

/// Lookup table `weight [count, dimensions]` initialised N(0, 1), as `torch.nn.Embedding`.
public final class Embedding: Module {
    @Parameter public var weight: Tensor

    public init(_ count: Int, _ dimensions: Int, rng: inout RNG) {
        self.weight = ParameterInitialisation.normal([count, dimensions], rng: &rng)
        super.init()
    }

    /// Token ids of shape `shape` (e.g. `[B, T]`) -> `[shape..., dimensions]`.
    public func callAsFunction(_ ids: [Int32], shape: [Int]) -> Tensor {
        weight.gathered(rows: ids).reshaped(shape + [weight.shape[1]])
    }
}

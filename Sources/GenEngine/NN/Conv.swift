/// 2-D convolution, `weight [out, in, k, k]`, `bias [out]`, as `torch.nn.Conv2d`.
public final class Conv2d: Module {
    @Parameter public var weight: Tensor
    @OptionalParameter public var bias: Tensor?
    public let stride: Int, padding: Int

    public init(
        _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
        bias: Bool = true, rng: inout RNG
    ) {
        let bound = 1 / Float(inChannels * kernel * kernel).squareRoot()
        self.weight = Tensor.uniform([outChannels, inChannels, kernel, kernel], low: -bound, high: bound, rng: &rng)
        self.bias = bias ? Tensor.uniform([outChannels], low: -bound, high: bound, rng: &rng) : nil
        self.stride = stride
        self.padding = padding
        super.init()
    }

    /// `[N, in, H, W]` -> `[N, out, OH, OW]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
    }
}

/// 2-D transposed convolution, `weight [in, out, k, k]`, `bias [out]`, as `torch.nn.ConvTranspose2d`.
public final class ConvTranspose2d: Module {
    @Parameter public var weight: Tensor
    @OptionalParameter public var bias: Tensor?
    public let stride: Int, padding: Int

    public init(
        _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
        bias: Bool = true, rng: inout RNG
    ) {
        let bound = 1 / Float(outChannels * kernel * kernel).squareRoot()
        self.weight = Tensor.uniform([inChannels, outChannels, kernel, kernel], low: -bound, high: bound, rng: &rng)
        self.bias = bias ? Tensor.uniform([outChannels], low: -bound, high: bound, rng: &rng) : nil
        self.stride = stride
        self.padding = padding
        super.init()
    }

    /// `[N, in, H, W]` -> `[N, out, (H-1)·stride - 2·padding + k, …]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        convTranspose2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
    }
}

/// What 2-D convolutions share: `weight` (4-D), an optional `bias [out]`, stride and padding,
/// initialised as PyTorch does (uniform in ±1/√fanIn, `torch.nn.modules.conv._ConvNd.reset_parameters`).
public class ConvolutionLayer: Module {
    @Parameter public var weight: Tensor
    @OptionalParameter public var bias: Tensor?
    public let stride: Int, padding: Int

    init(weightShape: [Int], fanIn: Int, outChannels: Int, stride: Int, padding: Int, bias: Bool, rng: inout RNG) {
        let bound = 1 / Float(fanIn).squareRoot()
        self.weight = ParameterInitialisation.uniform(weightShape, low: -bound, high: bound, rng: &rng)
        self.bias = bias ? ParameterInitialisation.uniform([outChannels], low: -bound, high: bound, rng: &rng) : nil
        self.stride = stride
        self.padding = padding
        super.init()
    }
}

/// 2-D convolution, `weight [out, in, k, k]`, `bias [out]`, as `torch.nn.Conv2d`.
public final class Conv2d: ConvolutionLayer {
    public init(
        _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
        bias: Bool = true, rng: inout RNG
    ) {
        super.init(
            weightShape: [outChannels, inChannels, kernel, kernel], fanIn: inChannels * kernel * kernel, outChannels: outChannels,
            stride: stride, padding: padding, bias: bias, rng: &rng)
    }

    /// `[N, in, H, W]` -> `[N, out, OH, OW]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        conv2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
    }
}

/// 2-D transposed convolution, `weight [in, out, k, k]`, `bias [out]`, as `torch.nn.ConvTranspose2d`.
public final class ConvTranspose2d: ConvolutionLayer {
    public init(
        _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
        bias: Bool = true, rng: inout RNG
    ) {
        super.init(
            weightShape: [inChannels, outChannels, kernel, kernel], fanIn: outChannels * kernel * kernel, outChannels: outChannels,
            stride: stride, padding: padding, bias: bias, rng: &rng)
    }

    /// `[N, in, H, W]` -> `[N, out, (H-1)·stride - 2·padding + k, …]`.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        convTranspose2d(x, weight: weight, bias: bias, stride: stride, padding: padding)
    }
}

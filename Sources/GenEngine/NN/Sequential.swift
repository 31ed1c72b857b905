/// A module that maps one tensor to one tensor.
public protocol UnaryLayer: Module {
    func callAsFunction(_ x: Tensor) -> Tensor
}

extension Linear: UnaryLayer {}
extension Conv2d: UnaryLayer {}
extension ConvTranspose2d: UnaryLayer {}
extension LayerNorm: UnaryLayer {}
extension BatchNorm: UnaryLayer {}
extension Dropout: UnaryLayer {}

/// A parameter-free layer wrapping a function (ReLU, Tanh, reshape), so that a `Sequential`
/// numbers its layers exactly as PyTorch's `nn.Sequential` does.
public final class Activation: Module, UnaryLayer {
    private let f: (Tensor) -> Tensor

    public init(_ f: @escaping (Tensor) -> Tensor) {
        self.f = f
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor { f(x) }

    public static var relu: Activation { Activation { $0.relu() } }
    public static var tanh: Activation { Activation { $0.tanh() } }
    public static var sigmoid: Activation { Activation { $0.sigmoid() } }
    public static func leakyRelu(_ slope: Float = 0.2) -> Activation { Activation { $0.leakyRelu(slope: slope) } }
}

/// Layers applied in order; parameters are named `0.weight`, `1.bias`, … as in `nn.Sequential`.
public final class Sequential: Module, UnaryLayer {
    public let layers: [any UnaryLayer]

    public init(_ layers: [any UnaryLayer]) {
        self.layers = layers
        super.init()
    }

    public override func children() -> [(String, Module)] {
        layers.enumerated().map { ("\($0.offset)", $0.element) }
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        layers.reduce(x) { $1($0) }
    }
}

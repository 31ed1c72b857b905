import CKernels

/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay,
/// following `torch.optim.SGD`'s update rule.
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float, nesterov: Bool, weightDecay: Float
    public private(set) var step = 0
    private var slots = OptimizerSlots()

    public init(learningRate: Float, momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    public func update(_ model: Module, _ gradients: Gradients) {
        noGrad {
            for (name, p) in model.namedParameters() {
                guard var g = gradients[name] else { continue }
                if weightDecay != 0 { g = g + p.wrappedValue * weightDecay }
                if momentum != 0 {
                    var buf = slots.buffer("momentum", name, like: p.wrappedValue)
                    buf = step == 0 ? g : buf * momentum + g
                    slots.set("momentum", name, buf)
                    g = nesterov ? g + buf * momentum : buf
                }
                var value = p.wrappedValue
                value.withUnsafeMutableBufferPointer { gk_axpy($0.count, -learningRate, g.pointer, $0.baseAddress!) }
                p.wrappedValue = value
            }
        }
        step += 1
    }

    public func state() -> [(String, Tensor)] { slots.state(step: step) }
    public func load(state: [String: Tensor]) throws { step = try slots.load(state) }
}

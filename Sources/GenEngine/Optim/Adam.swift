import CKernels
import Foundation

/// Adam and AdamW (`torch.optim.Adam` / `AdamW`): bias-corrected first and second moments;
/// `decoupled: true` applies weight decay to the weights directly (AdamW), `false` adds it to
/// the gradient (Adam's L2 penalty).
public final class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float, beta2: Float, eps: Float, weightDecay: Float, decoupled: Bool
    public private(set) var step = 0
    private var slots = OptimizerSlots()

    public init(
        learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8,
        weightDecay: Float = 0, decoupled: Bool = false
    ) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.weightDecay = weightDecay
        self.decoupled = decoupled
    }

    /// AdamW with PyTorch's defaults (weight decay 0.01).
    public static func adamW(
        learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
        eps: Float = 1e-8, weightDecay: Float = 0.01
    ) -> Adam {
        Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, eps: eps, weightDecay: weightDecay, decoupled: true)
    }

    public func update(_ model: Module, _ gradients: Gradients) {
        step += 1
        let bc1 = 1 - Float(Foundation.pow(Double(beta1), Double(step)))
        let bc2 = 1 - Float(Foundation.pow(Double(beta2), Double(step)))
        noGrad {
            for (name, p) in model.namedParameters() {
                guard var g = gradients[name] else { continue }
                if !decoupled && weightDecay != 0 { g = g + p.wrappedValue * weightDecay }
                var m = slots.buffer("exp_avg", name, like: p.wrappedValue)
                var v = slots.buffer("exp_avg_sq", name, like: p.wrappedValue)
                var value = p.wrappedValue
                // Drop the other references so that the updates below happen in place.
                slots.set("exp_avg", name, Tensor.zeros([0]))
                slots.set("exp_avg_sq", name, Tensor.zeros([0]))
                p.wrappedValue = Tensor.zeros([0])
                m.makeUnique()
                v.makeUnique()
                value.makeUnique()
                let (pp, gp, mp, vp) = (value.mutablePointer, g.pointer, m.mutablePointer, v.mutablePointer)
                let (lr, wd) = (learningRate, decoupled ? weightDecay : 0)
                Threads.parallelFor(value.count, grain: 1 << 15) { r in
                    let o = r.lowerBound
                    gk_adamw(r.count, pp + o, gp + o, mp + o, vp + o, lr, beta1, beta2, eps, wd, bc1, bc2)
                }
                slots.set("exp_avg", name, m)
                slots.set("exp_avg_sq", name, v)
                p.wrappedValue = value
            }
        }
    }

    public func state() -> [(String, Tensor)] { slots.state(step: step) }
    public func load(state: [String: Tensor]) throws { step = try slots.load(state) }
}

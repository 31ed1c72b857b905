/// Updates a model's parameters from their gradients. Optimiser state is keyed by parameter name
/// and can be saved and restored (`state`/`load(state:)`) for a bit-identical resume.
public protocol Optimizer: AnyObject {
    /// Learning rate of the next step (a schedule sets it every step).
    var learningRate: Float { get set }
    /// Number of updates made so far.
    var step: Int { get }
    /// One update of every parameter of `model` that has a gradient.
    func update(_ model: Module, _ gradients: Gradients)
    /// Everything needed to continue: moment buffers by `"<slot>.<parameter>"`, and the step.
    func state() -> [(String, Tensor)]
    func load(state: [String: Tensor]) throws
}

/// Per-parameter buffers (momentum, Adam moments) keyed by `"<slot>.<parameter name>"`.
struct OptimizerSlots {
    private(set) var buffers: [String: Tensor] = [:]
    /// Slot names in creation order, so that `state()` lists them deterministically.
    private(set) var order: [String] = []

    mutating func buffer(_ slot: String, _ name: String, like p: Tensor) -> Tensor {
        let key = "\(slot).\(name)"
        if let b = buffers[key] { return b }
        order.append(key)
        let fresh = Tensor.zeros(p.shape)
        buffers[key] = fresh
        return fresh
    }

    mutating func set(_ slot: String, _ name: String, _ t: Tensor) { buffers["\(slot).\(name)"] = t }

    func state(step: Int) -> [(String, Tensor)] {
        order.map { ($0, buffers[$0]!) } + [("step", Tensor(scalar: Float(step)))]
    }

    mutating func load(_ state: [String: Tensor]) throws -> Int {
        guard let step = state["step"] else { throw ModelLoadError(problems: ["optimizer state has no 'step'"]) }
        buffers = [:]
        order = []
        for key in state.keys.sorted() where key != "step" {
            order.append(key)
            buffers[key] = state[key]!.detached()
        }
        return Int(step.item)
    }
}

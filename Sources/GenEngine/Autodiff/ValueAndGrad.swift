import CKernels

/// Gradients of a scalar loss with respect to a model's parameters, keyed by parameter name
/// (the dotted `state_dict` names) and kept in the model's parameter order.
public struct Gradients {
    public private(set) var names: [String]
    private var values: [String: Tensor]

    init(names: [String], values: [String: Tensor]) {
        self.names = names
        self.values = values
    }

    public subscript(name: String) -> Tensor? { values[name] }

    /// Adds another step's gradients (gradient accumulation).
    public static func += (lhs: inout Gradients, rhs: Gradients) {
        for name in rhs.names {
            guard let g = rhs.values[name] else { continue }
            if let existing = lhs.values[name] {
                lhs.values[name] = existing.adding(g)
            } else {
                lhs.names.append(name)
                lhs.values[name] = g
            }
        }
    }

    /// Every gradient multiplied by `factor` (averaging accumulated steps, clipping).
    public func scaled(by factor: Float) -> Gradients {
        var out = self
        for name in names { out.values[name] = values[name].map { Tensor.binary(GK_MUL, $0, Tensor(scalar: factor)) } }
        return out
    }

    /// The L2 norm of all gradients together, summed in parameter order.
    public var globalNorm: Float {
        var total: Double = 0
        for name in names {
            guard let g = values[name] else { continue }
            total += Double(noGrad { g.square().sum().item })
        }
        return Float(total.squareRoot())
    }
}

/// Returns a function that evaluates `loss(model, input)` and the gradient of that scalar with
/// respect to every parameter of `model`, as MLX's `valueAndGrad(model:_:)`:
///
///     let step = valueAndGrad(model) { (m: Linear, batch: (x: Tensor, y: [Int32])) in
///         crossEntropy(logits: m(batch.x), targets: batch.y)
///     }
///     let (loss, grads) = step(batch)
///     optimizer.update(model, grads)
///
/// (`GradientTests.testValueAndGradDocExample` runs this example.)
///
/// The tape recorded while computing the loss is freed before the function returns.
public func valueAndGrad<M: Module, Input>(
    _ model: M, _ loss: @escaping (M, Input) -> Tensor
) -> (Input) -> (Tensor, Gradients) {
    return { input in
        let params = model.namedParameters()
        var leaves: [GradNode] = []
        for (_, p) in params {
            let leaf = p.wrappedValue.requiringGrad()
            leaves.append(leaf.node!)
            p.wrappedValue = leaf
        }
        defer { for (_, p) in params { p.wrappedValue = p.wrappedValue.detached() } }
        let value = recordingGrad { loss(model, input) }
        precondition(value.count == 1, "valueAndGrad: the loss must be a scalar, got shape \(value.shape)")
        value.backward()
        var grads: [String: Tensor] = [:]
        for ((name, p), leaf) in zip(params, leaves) {
            grads[name] = leaf.grad ?? Tensor.zeros(p.wrappedValue.shape)
        }
        return (value.detached(), Gradients(names: params.map(\.0), values: grads))
    }
}

/// `valueAndGrad` for a loss that closes over its data: `let (loss, grads) = valueAndGrad(model) { m in … }()`.
public func valueAndGrad<M: Module>(_ model: M, _ loss: @escaping (M) -> Tensor) -> () -> (Tensor, Gradients) {
    let withInput: (()) -> (Tensor, Gradients) = valueAndGrad(model) { (m: M, _: ()) in loss(m) }
    return { withInput(()) }
}

/// The value of `f(inputs)` and its gradient with respect to each input (for tests and for
/// optimising inputs, such as a latent vector fitted to an image).
public func valueAndGrad(_ inputs: [Tensor], _ f: ([Tensor]) -> Tensor) -> (Tensor, [Tensor]) {
    let leaves = inputs.map { $0.requiringGrad() }
    let value = recordingGrad { f(leaves) }
    value.backward()
    return (value.detached(), zip(leaves, inputs).map { $0.gradient ?? Tensor.zeros($1.shape) })
}

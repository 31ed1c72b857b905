import CKernels

/// A node of the reverse-mode tape. Each recorded op makes one node whose edges map the op's
/// output gradient to the gradient of each input that itself carries a node. The graph lives as
/// long as the tensors that reference it and is cut after `backward`, so every step frees its tape.
final class GradNode {
    /// For each input with a node: that node and the function from the output gradient (shape of
    /// the output) to the input's gradient (shape of the input).
    var edges: [(node: GradNode, backward: (Tensor) -> Tensor)]
    /// Accumulated gradient with respect to the tensor this node belongs to.
    var grad: Tensor?
    /// Leaves are the tensors gradients are asked for; they keep their gradient after backward.
    let isLeaf: Bool

    init(edges: [(node: GradNode, backward: (Tensor) -> Tensor)]) {
        self.edges = edges
        self.isLeaf = false
    }

    init(leaf: Void) {
        self.edges = []
        self.isLeaf = true
    }

    func accumulate(_ g: Tensor) {
        if let existing = grad {
            grad = existing.adding(g)
        } else {
            grad = g
        }
    }
}

/// Whether ops record the tape on the calling thread. Off inside `noGrad` and while running a
/// backward pass; each thread has its own switch.
public enum GradMode {
    public internal(set) static var isEnabled: Bool {
        get { gk_grad_enabled() != 0 }
        set { gk_set_grad_enabled(newValue ? 1 : 0) }
    }
}

/// Runs `body` without recording gradients (inference, sampling, evaluation, updates).
@discardableResult
public func noGrad<R>(_ body: () throws -> R) rethrows -> R {
    let previous = GradMode.isEnabled
    GradMode.isEnabled = false
    defer { GradMode.isEnabled = previous }
    return try body()
}

/// Runs `body` with gradient recording on (what `valueAndGrad` differentiates).
func recordingGrad<R>(_ body: () throws -> R) rethrows -> R {
    let previous = GradMode.isEnabled
    GradMode.isEnabled = true
    defer { GradMode.isEnabled = previous }
    return try body()
}

/// Shares one backward computation between the edges of an op with several inputs: the first
/// edge to run computes every input's gradient, the others read theirs.
final class SharedBackward {
    private var computedFor: ObjectIdentifier?
    private var results: [Tensor] = []
    private let compute: (Tensor) -> [Tensor]

    init(_ compute: @escaping (Tensor) -> [Tensor]) { self.compute = compute }

    func gradient(_ index: Int, _ g: Tensor) -> Tensor {
        let id = ObjectIdentifier(g.storage)
        if computedFor != id {
            results = compute(g)
            computedFor = id
        }
        return results[index]
    }
}

extension Tensor {
    /// Whether this tensor takes part in a recorded computation.
    public var requiresGrad: Bool { node != nil }

    /// A copy of this tensor that is a gradient leaf: `backward` fills `gradient` for it.
    public func requiringGrad() -> Tensor {
        var t = detached()
        t.node = GradNode(leaf: ())
        return t
    }

    /// The gradient accumulated into this leaf by the last `backward`, if any.
    public var gradient: Tensor? { node?.grad }

    /// Attaches a node to this op result when recording is on and any input carries a node.
    /// `inputs` pairs each input with the map from this result's gradient to that input's gradient.
    func recorded(_ inputs: [(Tensor, (Tensor) -> Tensor)]) -> Tensor {
        guard GradMode.isEnabled else { return self }
        var edges: [(node: GradNode, backward: (Tensor) -> Tensor)] = []
        for (input, backward) in inputs {
            if let n = input.node { edges.append((n, backward)) }
        }
        if edges.isEmpty { return self }
        var out = self
        out.node = GradNode(edges: edges)
        return out
    }

    /// Records an op of one input: `backward` maps the output's gradient to the input's.
    func recorded(from input: Tensor, _ backward: @escaping (Tensor) -> Tensor) -> Tensor {
        recorded([(input, backward)])
    }

    /// Records an elementwise op of one input (this tensor is its output): `backward(x, y, g, dx)`
    /// writes the input's gradient from the input, the output and the output's gradient, all
    /// `count` elements long. The input is kept for the backward pass.
    func recordedElementwise(
        from input: Tensor,
        _ backward: @escaping (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
    ) -> Tensor {
        let output = self
        return recorded(from: input) { g in
            var dx = Tensor(uninitializedShape: input.shape)
            backward(input.pointer, output.pointer, g.pointer, dx.mutablePointer)
            return dx
        }
    }

    /// Records an op of one input whose backward needs only its output (softmax): `backward(y, g,
    /// dx)` writes the input's gradient (the output's shape) from the output and its gradient.
    func recordedFromOutput(
        of input: Tensor, _ backward: @escaping (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
    ) -> Tensor {
        let output = self
        return recorded(from: input) { g in
            var dx = Tensor(uninitializedShape: g.shape)
            backward(output.pointer, g.pointer, dx.mutablePointer)
            return dx
        }
    }

    /// Records an op of one input whose gradient is scattered or gathered back into a zero tensor
    /// of the input's `shape`: `backward(g, dx)` adds the output gradient `g` into `dx`.
    func recordedScatter(
        into shape: [Int], from input: Tensor,
        _ backward: @escaping (UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
    ) -> Tensor {
        recorded(from: input) { g in
            var dx = Tensor.zeros(shape)
            backward(g.pointer, dx.mutablePointer)
            return dx
        }
    }

    /// Whether any of `tensors` would make an op record (lets ops skip saving backward state).
    static func recording(_ tensors: Tensor...) -> Bool {
        GradMode.isEnabled && tensors.contains { $0.node != nil }
    }

    /// Reverse-mode pass from this tensor. `seed` defaults to ones (for a scalar loss: 1).
    /// Fills `gradient` of every leaf reached and frees the intermediate graph.
    public func backward(seed: Tensor? = nil) {
        guard let root = node else { return }
        noGrad {
            let order = GradNode.topologicalOrder(from: root)
            root.accumulate(seed ?? Tensor.ones(shape))
            for n in order.reversed() {
                guard let g = n.grad else {
                    n.edges = []
                    continue
                }
                for edge in n.edges { edge.node.accumulate(edge.backward(g)) }
                n.edges = []
                if !n.isLeaf { n.grad = nil }
            }
        }
    }
}

extension GradNode {
    /// Nodes reachable from `root`, each after all of its inputs (iterative DFS: no recursion
    /// limit on long recurrent chains).
    static func topologicalOrder(from root: GradNode) -> [GradNode] {
        var order: [GradNode] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(GradNode, Int)] = [(root, 0)]
        visited.insert(ObjectIdentifier(root))
        while let (n, i) = stack.popLast() {
            if i < n.edges.count {
                stack.append((n, i + 1))
                let child = n.edges[i].node
                if visited.insert(ObjectIdentifier(child)).inserted { stack.append((child, 0)) }
            } else {
                order.append(n)
            }
        }
        return order
    }
}

/// Base class of layers and models, in the shape of MLX Swift's `Module`: subclasses declare
/// `@Parameter`/`@Buffer` properties and sub-modules as stored properties, and implement
/// `callAsFunction`. Parameters are discovered by reflection in declaration order and named with
/// dotted paths as in PyTorch's `state_dict` (`blocks.0.attn.c_attn.weight`).
open class Module {
    /// Training mode (dropout active, batch norm uses batch statistics). Set with `train(_:)`.
    public private(set) var training = true

    public init() {}

    /// The module's own parameters (not those of sub-modules), with their local names.
    /// Override to name parameters in ways reflection cannot (PyTorch's `weight_ih_l0`).
    open func localParameters() -> [(String, Parameter)] {
        reflected { value, label -> [(String, Parameter)] in
            if let p = value as? Parameter { return [(p.key ?? label, p)] }
            if let p = value as? OptionalParameter, let param = p.parameter { return [(param.key ?? label, param)] }
            return []
        }
    }

    /// The module's own buffers.
    open func localBuffers() -> [(String, Buffer)] {
        reflected { value, label -> [(String, Buffer)] in
            if let b = value as? Buffer { return [(b.key ?? label, b)] }
            return []
        }
    }

    /// Direct sub-modules with their names (arrays are numbered: `blocks.0`, `blocks.1`).
    open func children() -> [(String, Module)] {
        reflected { value, label -> [(String, Module)] in
            if let m = value as? Module { return [(label, m)] }
            if let k = value as? KeyedChild { return k.namedModules }
            if let ms = value as? [Module] { return ms.enumerated().map { ("\(label).\($0.offset)", $0.element) } }
            return []
        }
    }

    /// Walks stored properties of every class in the hierarchy, base class first. Property-wrapper
    /// storage (`_weight`) is reported under the property's name (`weight`).
    private func reflected<T>(_ pick: (Any, String) -> [T]) -> [T] {
        var mirrors: [Mirror] = []
        var m: Mirror? = Mirror(reflecting: self)
        while let current = m {
            mirrors.append(current)
            m = current.superclassMirror
        }
        var found: [T] = []
        for mirror in mirrors.reversed() {
            for child in mirror.children {
                guard var label = child.label else { continue }
                if label.hasPrefix("_") { label.removeFirst() }
                var value = child.value
                // Unwrap optionals (an optional sub-module).
                let vm = Mirror(reflecting: value)
                if vm.displayStyle == .optional {
                    guard let inner = vm.children.first else { continue }
                    value = inner.value
                }
                found += pick(value, label)
            }
        }
        return found
    }

    /// Every parameter with its full dotted name, in declaration order.
    public func namedParameters() -> [(String, Parameter)] {
        var out = localParameters()
        for (name, child) in children() {
            out += child.namedParameters().map { ("\(name).\($0.0)", $0.1) }
        }
        return out
    }

    /// Every buffer with its full dotted name.
    public func namedBuffers() -> [(String, Buffer)] {
        var out = localBuffers()
        for (name, child) in children() {
            out += child.namedBuffers().map { ("\(name).\($0.0)", $0.1) }
        }
        return out
    }

    /// Total number of trainable scalars.
    public var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.1.wrappedValue.count } }

    /// Sets training (`true`) or evaluation (`false`) mode on this module and all sub-modules.
    public func train(_ on: Bool = true) {
        training = on
        for (_, child) in children() { child.train(on) }
    }

    /// Parameters and buffers by name, the content of a `model.safetensors`.
    public func stateDict() -> [(String, Tensor)] {
        namedParameters().map { ($0.0, $0.1.wrappedValue) } + namedBuffers().map { ($0.0, $0.1.wrappedValue) }
    }

    /// Loads tensors by name. Every parameter and buffer must be present with its exact shape, and
    /// no extra names are allowed; otherwise nothing is changed and the error lists every problem.
    public func load(stateDict: [String: Tensor]) throws {
        let params = namedParameters().map { name, p in (name, { (t: Tensor) in p.wrappedValue = t }, p.wrappedValue.shape) }
        let buffers = namedBuffers().map { name, b in (name, { (t: Tensor) in b.wrappedValue = t }, b.wrappedValue.shape) }
        let expected = params + buffers
        var problems: [String] = []
        for (name, _, shape) in expected {
            guard let t = stateDict[name] else {
                problems.append("missing tensor '\(name)' \(shape)")
                continue
            }
            if t.shape != shape { problems.append("tensor '\(name)' has shape \(t.shape), the model needs \(shape)") }
        }
        let known = Set(expected.map { $0.0 })
        for name in stateDict.keys.sorted() where !known.contains(name) {
            problems.append("unexpected tensor '\(name)'")
        }
        if !problems.isEmpty { throw ModelLoadError(problems: problems) }
        for (name, assign, _) in expected { assign(stateDict[name]!.detached()) }
    }
}

/// Names, shapes or dtypes of stored tensors that do not match the model.
public struct ModelLoadError: Error, CustomStringConvertible {
    public let problems: [String]
    /// The error listing `problems` (each a tensor missing, extra, or of the wrong shape or values).
    public init(problems: [String]) { self.problems = problems }
    public var description: String {
        "weights do not match the model (\(problems.count) problem\(problems.count == 1 ? "" : "s")): "
            + problems.joined(separator: "; ")
    }
}

extension ModelLoadError: UserFacingError {
    public var exitCode: ExitCode { .dataError }
}

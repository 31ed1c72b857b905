/// A trainable tensor of a `Module`. `@Parameter var weight: Tensor` declares one; the module
/// finds it by reflection and names it after the property (or `key:`), as PyTorch's `state_dict`.
@propertyWrapper
public final class Parameter {
    public var wrappedValue: Tensor
    /// The state_dict name, when it differs from the Swift property name.
    public let key: String?

    public init(wrappedValue: Tensor, key: String? = nil) {
        self.wrappedValue = wrappedValue
        self.key = key
    }
}

/// A parameter that a layer may be built without (`bias: false`); absent ones are not in the state_dict.
@propertyWrapper
public final class OptionalParameter {
    public var parameter: Parameter?
    public var wrappedValue: Tensor? {
        get { parameter?.wrappedValue }
        set {
            if let newValue {
                if let parameter { parameter.wrappedValue = newValue } else { parameter = Parameter(wrappedValue: newValue) }
            } else {
                parameter = nil
            }
        }
    }

    public init(wrappedValue: Tensor?, key: String? = nil) {
        parameter = wrappedValue.map { Parameter(wrappedValue: $0, key: key) }
    }
}

/// A non-trainable tensor saved with the model (running statistics of batch norm).
/// A `key` is given in `init` by assigning the wrapper: `_runningMean = Buffer(wrappedValue: t, key: "running_mean")`.
@propertyWrapper
public final class Buffer {
    public var wrappedValue: Tensor
    public let key: String?

    public init(wrappedValue: Tensor, key: String? = nil) {
        self.wrappedValue = wrappedValue
        self.key = key
    }
}

/// A sub-module stored under a `state_dict` key that is not its Swift property name
/// (declared `@Child var qkv: Linear`, set in `init` as
/// `_qkv = Child(wrappedValue: Linear(…), key: "c_attn")`).
@propertyWrapper
public final class Child<M: Module>: KeyedChild {
    public var wrappedValue: M
    public let key: String

    public init(wrappedValue: M, key: String) {
        self.wrappedValue = wrappedValue
        self.key = key
    }

    var namedModules: [(String, Module)] { [(key, wrappedValue)] }
}

/// Type-erased view of the keyed child wrappers for reflection.
protocol KeyedChild {
    var namedModules: [(String, Module)] { get }
}

/// A list of sub-modules under a `state_dict` key, numbered `key.0`, `key.1`, … (`transformer.h`).
@propertyWrapper
public final class ChildList<M: Module>: KeyedChild {
    public var wrappedValue: [M]
    public let key: String

    public init(wrappedValue: [M], key: String) {
        self.wrappedValue = wrappedValue
        self.key = key
    }

    var namedModules: [(String, Module)] { wrappedValue.enumerated().map { ("\(key).\($0.offset)", $0.element) } }
}

/// An optional sub-module under a `state_dict` key (`lm_head`, absent when embeddings are tied).
@propertyWrapper
public final class OptionalChild<M: Module>: KeyedChild {
    public var wrappedValue: M?
    public let key: String

    public init(wrappedValue: M?, key: String) {
        self.wrappedValue = wrappedValue
        self.key = key
    }

    var namedModules: [(String, Module)] { wrappedValue.map { [(key, $0)] } ?? [] }
}

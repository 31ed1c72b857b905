import Foundation

/// An n-dimensional array of Float32 in row-major order: a value type whose storage is shared
/// copy-on-write. Reshapes and leading-axis slices are views (no copy). When gradient recording
/// is on, a tensor produced from parameters carries the graph node its gradient flows through.
///
/// Shapes are written outermost first, e.g. `[batch, time, channels]`; a scalar has shape `[]`.
public struct Tensor {
    /// The extent of each axis, outermost first.
    public private(set) var shape: [Int]
    var storage: TensorStorage
    /// First element of this tensor inside `storage` (views of the leading axis share storage).
    var offset: Int
    /// The autodiff node, when this tensor is part of a recorded computation.
    var node: GradNode?

    /// Number of elements (the product of `shape`; 1 for a scalar).
    public var count: Int { shape.reduce(1, *) }
    /// Number of axes.
    public var rank: Int { shape.count }

    init(shape: [Int], storage: TensorStorage, offset: Int = 0) {
        self.shape = shape
        self.storage = storage
        self.offset = offset
    }

    /// A tensor of the given shape with every element `value`.
    public init(shape: [Int], repeating value: Float) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in shape \(shape)")
        self.init(shape: shape, storage: TensorStorage(repeating: value, count: shape.reduce(1, *)))
    }

    /// A tensor holding `values` in row-major order; `values.count` must equal the shape's product.
    public init(_ values: [Float], shape: [Int]) {
        precondition(
            values.count == shape.reduce(1, *),
            "\(values.count) values do not fill shape \(shape)")
        self.init(shape: shape, storage: TensorStorage(uninitialized: values.count))
        values.withUnsafeBufferPointer { storage.pointer.update(from: $0.baseAddress!, count: values.count) }
    }

    /// A one-dimensional tensor of `values`.
    public init(_ values: [Float]) { self.init(values, shape: [values.count]) }

    /// A scalar (shape `[]`).
    public init(scalar: Float) { self.init([scalar], shape: []) }

    /// Uninitialised tensor for kernels that write every element.
    init(uninitializedShape shape: [Int]) {
        self.init(shape: shape, storage: TensorStorage(uninitialized: shape.reduce(1, *)))
    }

    public static func zeros(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 0) }
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 1) }
    public static func zeros(like t: Tensor) -> Tensor { zeros(t.shape) }

    /// The elements in row-major order.
    public var scalars: [Float] {
        withUnsafeBufferPointer { Array($0) }
    }

    /// The single element of a one-element tensor.
    public var item: Float {
        precondition(count == 1, "item needs a one-element tensor, got shape \(shape)")
        return storage.pointer[offset]
    }

    /// Read access to the elements (contiguous, row-major).
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer + offset, count: count))
    }

    /// Write access to the elements; copies the storage first when it is shared.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        makeUnique()
        return try body(UnsafeMutableBufferPointer(start: storage.pointer + offset, count: count))
    }

    var pointer: UnsafePointer<Float> { UnsafePointer(storage.pointer + offset) }

    /// Pointer for kernels that fill a tensor they have just created (storage not shared).
    var mutablePointer: UnsafeMutablePointer<Float> {
        mutating get { storage.pointer + offset }
    }

    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) || storage.count != count {
            let fresh = TensorStorage(uninitialized: count)
            fresh.pointer.update(from: storage.pointer + offset, count: count)
            storage = fresh
            offset = 0
        }
    }

    /// Element at a multi-index (slow; for tests and small tensors).
    public subscript(_ index: Int...) -> Float {
        precondition(index.count == rank, "index \(index) does not match shape \(shape)")
        var flat = 0
        for (i, d) in zip(index, shape) {
            precondition(i >= 0 && i < d, "index \(index) out of range for shape \(shape)")
            flat = flat * d + i
        }
        return storage.pointer[offset + flat]
    }

    /// The same values without the autodiff node: a constant for the graph.
    public func detached() -> Tensor {
        Tensor(shape: shape, storage: storage, offset: offset)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let values = scalars
        let shown = values.prefix(8).map { String(format: "%.4g", $0) }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(values.count > 8 ? ", …" : "")])"
    }
}

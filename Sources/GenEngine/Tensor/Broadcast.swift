import CKernels

/// NumPy broadcasting: shapes align at the right; each axis must match or be 1.
public func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int] {
    let rank = max(a.count, b.count)
    let pa = Array(repeating: 1, count: rank - a.count) + a
    let pb = Array(repeating: 1, count: rank - b.count) + b
    return zip(pa, pb).map { x, y in
        precondition(x == y || x == 1 || y == 1, "shapes \(a) and \(b) do not broadcast")
        return max(x, y)
    }
}

/// How a small operand `b` lines up against a full-size operand of shape `full`, in the forms the
/// kernels handle directly.
enum BroadcastPattern {
    case same                       // b has the full shape
    case scalar                     // b has one element
    case row(cols: Int)             // b is the trailing axes of full, repeated over rows
    case column(rows: Int)          // b is the leading axes of full with trailing 1s: one per row
    case general

    init(full: [Int], small: [Int]) {
        let fullCount = full.reduce(1, *), smallCount = small.reduce(1, *)
        var trimmed = small[...]
        while trimmed.first == 1 && trimmed.count > 0 { trimmed = trimmed.dropFirst() }
        if smallCount == fullCount {
            self = .same                // equal counts under broadcasting means the same layout
        } else if smallCount == 1 {
            self = .scalar
        } else if trimmed.count <= full.count && Array(full.suffix(trimmed.count)) == Array(trimmed) {
            self = .row(cols: smallCount)
        } else if small.count == full.count,
                  let k = small.lastIndex(where: { $0 != 1 }),
                  Array(small[...k]) == Array(full[...k]) {
            self = .column(rows: smallCount)
        } else {
            self = .general
        }
    }
}

extension Tensor {
    /// This tensor repeated along its size-1 (or missing leading) axes to `target`.
    /// Backward sums the gradient back to this shape.
    public func expanded(to target: [Int]) -> Tensor {
        if shape == target { return self }
        precondition(broadcastShape(shape, target) == target, "cannot expand \(shape) to \(target)")
        var out = Tensor(uninitializedShape: target)
        let rank = target.count
        let padded = Array(repeating: 1, count: rank - shape.count) + shape
        // Source strides, with 0 on broadcast axes.
        var strides = [Int](repeating: 0, count: rank)
        var s = 1
        for axis in stride(from: rank - 1, through: 0, by: -1) {
            strides[axis] = padded[axis] == 1 ? 0 : s
            s *= padded[axis]
        }
        let src = pointer, dst = out.mutablePointer
        let total = out.count
        var index = [Int](repeating: 0, count: rank)
        var srcOffset = 0
        for i in 0..<total {
            dst[i] = src[srcOffset]
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                srcOffset += strides[axis]
                if index[axis] < target[axis] { break }
                srcOffset -= strides[axis] * index[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        let original = shape
        return out.recorded([(self, { g in g.summed(to: original) })])
    }

    /// Sums this tensor over the axes along which `target` was broadcast to this shape.
    /// The inverse of `expanded(to:)` for gradients.
    public func summed(to target: [Int]) -> Tensor {
        if shape == target { return self }
        if target.reduce(1, *) == count { return reshaped(target) }
        switch BroadcastPattern(full: shape, small: target) {
        case .scalar:
            return Tensor([sumAll()], shape: target)
        case .row(let cols):
            var out = Tensor.zeros(target)
            gk_sum_rows_into(count / cols, cols, pointer, out.mutablePointer)
            return out
        case .column(let rows):
            let cols = count / rows
            var out = Tensor(uninitializedShape: target)
            let src = pointer, dst = out.mutablePointer
            for r in 0..<rows { dst[r] = gk_sum(cols, src + r * cols) }
            return out
        case .same, .general:
            // Reduce axis by axis: leading extra axes first, then size-1 axes of target.
            var t = self
            while t.rank > target.count { t = t.sum(axis: 0) }
            for axis in 0..<target.count where target[axis] == 1 && t.shape[axis] != 1 {
                t = t.sum(axis: axis, keepDims: true)
            }
            return t
        }
    }

    /// Sum of every element, in a fixed order.
    func sumAll() -> Float {
        let n = count
        let block = 1 << 16
        if n <= block { return gk_sum(n, pointer) }
        let blocks = (n + block - 1) / block
        var partial = [Float](repeating: 0, count: blocks)
        let src = pointer
        partial.withUnsafeMutableBufferPointer { part in
            let p = part.baseAddress!
            Threads.parallelFor(blocks, grain: 4) { range in
                for b in range { p[b] = gk_sum(min(block, n - b * block), src + b * block) }
            }
        }
        return partial.reduce(0, +)
    }
}

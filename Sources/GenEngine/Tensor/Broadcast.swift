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
/// kernels handle directly: viewing `full` as `[outer, mid, inner]`, `b` holds `mid` values that
/// repeat over `outer` and are constant along `inner`.
enum BroadcastPattern {
    case same  // b has the full shape
    case scalar  // b has one element
    case block(outer: Int, mid: Int, inner: Int)
    case general

    init(full: [Int], small: [Int]) {
        let fullCount = full.reduce(1, *)
        let smallCount = small.reduce(1, *)
        if smallCount == fullCount {
            self = .same
            return
        }  // equal counts under broadcasting: same layout
        if smallCount == 1 {
            self = .scalar
            return
        }
        let padded = Array(repeating: 1, count: full.count - small.count) + small
        // The axes where b is not 1 must be one contiguous run equal to full's.
        guard let first = padded.firstIndex(where: { $0 != 1 }), let last = padded.lastIndex(where: { $0 != 1 }),
            Array(padded[first...last]) == Array(full[first...last])
        else {
            self = .general
            return
        }
        self = .block(outer: full[..<first].reduce(1, *), mid: smallCount, inner: full[(last + 1)...].reduce(1, *))
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
        // Walk the output row by row (all axes but the last); each row is a copy or a fill.
        let src = pointer
        let dst = out.mutablePointer
        let width = target.last ?? 1
        let innerStride = strides.last ?? 0
        let rows = out.count / Swift.max(width, 1)
        var index = [Int](repeating: 0, count: rank)
        var srcOffset = 0
        for row in 0..<rows {
            let d = dst + row * width
            if innerStride == 0 {
                d.update(repeating: src[srcOffset], count: width)
            } else {
                d.update(from: src + srcOffset, count: width)
            }
            var axis = rank - 2
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
        case .block(let outer, let mid, let inner):
            var out = Tensor.zeros(target)
            let src = pointer
            let dst = out.mutablePointer
            if inner == 1 {
                gk_sum_rows_into(outer, mid, src, dst)
            } else {
                for o in 0..<outer {
                    for m in 0..<mid { dst[m] += gk_sum(inner, src + (o * mid + m) * inner) }
                }
            }
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

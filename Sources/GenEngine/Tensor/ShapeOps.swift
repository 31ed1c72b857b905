/// Reshape, permute, slice, concat, stack, gather and one-hot.
extension Tensor {
    /// The same elements under `newShape` (one entry may be -1: inferred). A view: no copy.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var target = newShape
        if let i = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != i }.map(\.element).reduce(1, *)
            precondition(known > 0 && count % known == 0, "cannot reshape \(shape) to \(newShape)")
            target[i] = count / known
        }
        precondition(target.reduce(1, *) == count, "cannot reshape \(shape) (\(count) elements) to \(newShape)")
        let original = shape
        return reshapedData(target).recorded([(self, { g in g.reshapedData(original) })])
    }

    /// Axes reordered: result axis i is input axis `order[i]`. Copies.
    public func permuted(_ order: [Int]) -> Tensor {
        precondition(order.sorted() == Array(0..<rank), "bad permutation \(order) for rank \(rank)")
        if order == Array(0..<rank) { return self }
        let outShape = order.map { shape[$0] }
        var inStrides = [Int](repeating: 1, count: rank)
        for a in stride(from: rank - 2, through: 0, by: -1) { inStrides[a] = inStrides[a + 1] * shape[a + 1] }
        let strides = order.map { inStrides[$0] }
        var out = Tensor(uninitializedShape: outShape)
        let src = pointer
        let dst = out.mutablePointer
        // Copy whole innermost runs; the innermost output axis walks the input with `last` stride.
        let inner = outShape.last ?? 1
        let last = strides.last ?? 1
        let rows = count / Swift.max(inner, 1)
        Threads.parallelFor(rows, grain: Swift.max(1, 8192 / Swift.max(inner, 1))) { range in
            var index = [Int](repeating: 0, count: Swift.max(rank - 1, 0))
            for row in range {
                var rem = row
                var base = 0
                for a in stride(from: rank - 2, through: 0, by: -1) {
                    index[a] = rem % outShape[a]
                    rem /= outShape[a]
                    base += index[a] * strides[a]
                }
                let d = dst + row * inner
                if last == 1 {
                    d.update(from: src + base, count: inner)
                } else {
                    for j in 0..<inner { d[j] = src[base + j * last] }
                }
            }
        }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, o) in order.enumerated() { inverse[o] = i }
        return out.recorded([(self, { g in g.permuted(inverse) })])
    }

    /// Swaps two axes.
    public func transposed(_ a: Int = -2, _ b: Int = -1) -> Tensor {
        var order = Array(0..<rank)
        order.swapAt(normalizedAxis(a), normalizedAxis(b))
        return permuted(order)
    }

    /// Elements `range` along `axis`. Along axis 0 this is a view; elsewhere a copy.
    public func slice(axis: Int = 0, _ range: Range<Int>) -> Tensor {
        let ax = normalizedAxis(axis)
        precondition(
            range.lowerBound >= 0 && range.upperBound <= shape[ax],
            "slice \(range) out of bounds for axis \(ax) of shape \(shape)")
        var outShape = shape
        outShape[ax] = range.count
        let (outer, dim, inner) = sizesAround(axis: ax)
        let out: Tensor
        if outer == 1 {
            out = Tensor(shape: outShape, storage: storage, offset: offset + range.lowerBound * inner)
        } else {
            var copy = Tensor(uninitializedShape: outShape)
            let src = pointer
            let dst = copy.mutablePointer
            let run = range.count * inner
            for o in 0..<outer { (dst + o * run).update(from: src + (o * dim + range.lowerBound) * inner, count: run) }
            out = copy
        }
        return out.recordedScatter(into: shape, from: self) { gp, dp in
            let run = range.count * inner
            for o in 0..<outer { (dp + (o * dim + range.lowerBound) * inner).update(from: gp + o * run, count: run) }
        }
    }

    /// Joins tensors along `axis`; all other axes must match.
    public static func concat(_ parts: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!parts.isEmpty, "concat of no tensors")
        let ax = parts[0].normalizedAxis(axis)
        var outShape = parts[0].shape
        outShape[ax] = parts.map { $0.shape[ax] }.reduce(0, +)
        for p in parts {
            var s = p.shape
            s[ax] = outShape[ax]
            precondition(s == outShape, "concat: shape \(p.shape) does not match \(parts[0].shape) off axis \(ax)")
        }
        let outer = outShape[..<ax].reduce(1, *)
        let inner = outShape[(ax + 1)...].reduce(1, *)
        var out = Tensor(uninitializedShape: outShape)
        let dst = out.mutablePointer
        let outRun = outShape[ax] * inner
        var start = 0
        var ranges: [Range<Int>] = []
        for p in parts {
            let run = p.shape[ax] * inner
            let src = p.pointer
            for o in 0..<outer { (dst + o * outRun + start * inner).update(from: src + o * run, count: run) }
            ranges.append(start..<(start + p.shape[ax]))
            start += p.shape[ax]
        }
        return out.recorded(zip(parts, ranges).map { p, r in (p, { g in g.slice(axis: ax, r) }) })
    }

    /// Stacks equally shaped tensors along a new axis.
    public static func stack(_ parts: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!parts.isEmpty, "stack of no tensors")
        let ax = axis < 0 ? axis + parts[0].rank + 1 : axis
        return concat(
            parts.map { p in
                var s = p.shape
                s.insert(1, at: ax)
                return p.reshaped(s)
            }, axis: ax)
    }

    /// Rows of this tensor picked along axis 0 by `indices` (an embedding lookup):
    /// `[n, ...] -> [indices.count, ...]`. Backward scatters (adds) into the picked rows.
    public func gathered(rows indices: [Int32]) -> Tensor {
        let n = shape[0]
        let inner = count / Swift.max(n, 1)
        var outShape = shape
        outShape[0] = indices.count
        var out = Tensor(uninitializedShape: outShape)
        let src = pointer
        let dst = out.mutablePointer
        for (i, idx) in indices.enumerated() {
            precondition(idx >= 0 && Int(idx) < n, "index \(idx) out of range 0..<\(n)")
            (dst + i * inner).update(from: src + Int(idx) * inner, count: inner)
        }
        return out.recordedScatter(into: shape, from: self) { gp, dp in
            for (i, idx) in indices.enumerated() {
                let d = dp + Int(idx) * inner
                let s = gp + i * inner
                for j in 0..<inner { d[j] += s[j] }
            }
        }
    }

    /// One-hot rows: `[indices.count, classes]` with 1 at each index.
    public static func oneHot(_ indices: [Int32], classes: Int) -> Tensor {
        var out = Tensor.zeros([indices.count, classes])
        let dst = out.mutablePointer
        for (i, idx) in indices.enumerated() {
            precondition(idx >= 0 && Int(idx) < classes, "class \(idx) out of range 0..<\(classes)")
            dst[i * classes + Int(idx)] = 1
        }
        return out
    }
}

import CKernels

/// Reductions along one axis (viewed as `[outer, axis, inner]`) or over every element.
extension Tensor {
    func normalizedAxis(_ axis: Int) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank, "axis \(axis) out of range for shape \(shape)")
        return a
    }

    /// `(outer, size of axis, inner)` for a reduction along `axis`.
    func sizesAround(axis: Int) -> (outer: Int, dim: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    func reducedShape(_ axis: Int, keepDims: Bool) -> [Int] {
        var s = shape
        if keepDims { s[axis] = 1 } else { s.remove(at: axis) }
        return s
    }

    /// Sum of every element, shape `[]`.
    public func sum() -> Tensor {
        let inShape = shape
        return Tensor(scalar: sumAll()).recorded([(self, { g in g.expanded(to: inShape) })])
    }

    /// Mean of every element, shape `[]`.
    public func mean() -> Tensor { sum() * (1 / Float(Swift.max(count, 1))) }

    /// Sum along `axis`.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor {
        let ax = normalizedAxis(axis)
        let (outer, dim, inner) = sizesAround(axis: ax)
        var out = Tensor.zeros(reducedShape(ax, keepDims: keepDims))
        let src = pointer
        let dst = out.mutablePointer
        if inner == 1 {
            Threads.parallelFor(outer, grain: Swift.max(1, 4096 / Swift.max(dim, 1))) { r in
                for o in r { dst[o] = gk_sum(dim, src + o * dim) }
            }
        } else {
            Threads.parallelFor(outer, grain: 1) { r in
                for o in r { gk_sum_rows_into(dim, inner, src + o * dim * inner, dst + o * inner) }
            }
        }
        let inShape = shape
        let kept = reducedShape(ax, keepDims: true)
        return out.recorded([(self, { g in g.reshaped(kept).expanded(to: inShape) })])
    }

    /// Mean along `axis`.
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor {
        sum(axis: axis, keepDims: keepDims) * (1 / Float(shape[normalizedAxis(axis)]))
    }

    /// Variance along `axis` (unbiased divides by n-1, as `torch.var`'s default).
    public func variance(axis: Int, keepDims: Bool = false, unbiased: Bool = false) -> Tensor {
        let ax = normalizedAxis(axis)
        let centered = self - mean(axis: ax, keepDims: true)
        let n = Float(shape[ax]) - (unbiased ? 1 : 0)
        return centered.square().sum(axis: ax, keepDims: keepDims) * (1 / n)
    }

    /// Index of the largest element along `axis` (first on ties), as a tensor of indices.
    public func argmax(axis: Int) -> Tensor {
        let ax = normalizedAxis(axis)
        let (outer, dim, inner) = sizesAround(axis: ax)
        var out = Tensor(uninitializedShape: reducedShape(ax, keepDims: false))
        let src = pointer
        let dst = out.mutablePointer
        for o in 0..<outer {
            for i in 0..<inner {
                var best = 0
                var bestValue = -Float.infinity
                for d in 0..<dim where src[(o * dim + d) * inner + i] > bestValue {
                    bestValue = src[(o * dim + d) * inner + i]
                    best = d
                }
                dst[o * inner + i] = Float(best)
            }
        }
        return out
    }

    /// Largest element along `axis`; the gradient goes to the (first) largest element.
    public func max(axis: Int, keepDims: Bool = false) -> Tensor {
        let ax = normalizedAxis(axis)
        let (outer, dim, inner) = sizesAround(axis: ax)
        let arg = argmax(axis: ax)
        var out = Tensor(uninitializedShape: reducedShape(ax, keepDims: keepDims))
        let src = pointer
        let dst = out.mutablePointer
        let indices = arg.pointer
        for o in 0..<outer {
            for i in 0..<inner { dst[o * inner + i] = src[(o * dim + Int(indices[o * inner + i])) * inner + i] }
        }
        return out.recordedScatter(into: shape, from: self) { gp, dp in
            let ap = arg.pointer
            for o in 0..<outer {
                for i in 0..<inner { dp[(o * dim + Int(ap[o * inner + i])) * inner + i] = gp[o * inner + i] }
            }
        }
    }

    /// `log(sum(exp(x)))` along `axis`, computed stably.
    public func logSumExp(axis: Int, keepDims: Bool = false) -> Tensor {
        let ax = normalizedAxis(axis)
        let m = noGrad { max(axis: ax, keepDims: true) }
        let lse = (self - m).exp().sum(axis: ax, keepDims: true).log() + m
        return keepDims ? lse : lse.reshaped(reducedShape(ax, keepDims: false))
    }
}

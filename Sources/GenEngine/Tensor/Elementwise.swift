import CKernels

/// Elementwise binary ops with broadcasting, and unary maps, each with its backward.
extension Tensor {
    /// Runs a binary kernel over `full` (already of the output shape) and `small` (broadcast to it).
    private static func binaryKernel(_ op: gk_binary_op, _ full: Tensor, _ small: Tensor) -> Tensor {
        var out = Tensor(uninitializedShape: full.shape)
        let a = full.pointer
        let dst = out.mutablePointer
        let n = full.count
        switch BroadcastPattern(full: full.shape, small: small.shape) {
        case .same:
            let b = small.pointer
            Threads.parallelFor(n, grain: 1 << 15) { r in
                gk_binary(op, GK_SAME_SHAPE, 1, r.count, a + r.lowerBound, b + r.lowerBound, dst + r.lowerBound)
            }
        case .scalar:
            let b = small.pointer
            Threads.parallelFor(n, grain: 1 << 15) { r in
                gk_binary(op, GK_SCALAR, 1, r.count, a + r.lowerBound, b, dst + r.lowerBound)
            }
        case .block(let outer, let mid, 1):
            let b = small.pointer
            Threads.parallelFor(outer, grain: Swift.max(1, (1 << 15) / mid)) { r in
                gk_binary(op, GK_EACH_ROW, r.count, mid, a + r.lowerBound * mid, b, dst + r.lowerBound * mid)
            }
        case .block(let outer, let mid, let inner):
            // Rows of `inner` values, row i scaled by b[i % mid].
            let b = small.pointer
            Threads.parallelFor(outer * mid, grain: Swift.max(1, (1 << 15) / inner)) { r in
                var row = r.lowerBound
                while row < r.upperBound {
                    let m = row % mid
                    let run = Swift.min(mid - m, r.upperBound - row)
                    gk_binary(op, GK_PER_ROW, run, inner, a + row * inner, b + m, dst + row * inner)
                    row += run
                }
            }
        case .general:
            let e = small.detached().expanded(to: full.shape)
            gk_binary(op, GK_SAME_SHAPE, 1, n, a, e.pointer, dst)
        }
        return out
    }

    /// Forward of a binary op with broadcasting, without recording.
    static func binary(_ op: gk_binary_op, _ a: Tensor, _ b: Tensor) -> Tensor {
        let shape = broadcastShape(a.shape, b.shape)
        let aFull = a.count == shape.reduce(1, *)
        if aFull { return binaryKernel(op, a.reshapedData(shape), b) }
        let bFull = b.count == shape.reduce(1, *)
        let commutative = op == GK_ADD || op == GK_MUL || op == GK_MAX || op == GK_MIN
        if commutative && bFull { return binaryKernel(op, b.reshapedData(shape), a) }
        return binaryKernel(op, a.detached().expanded(to: shape), b)
    }

    /// Same data under another shape of equal count, without recording (internal helper).
    func reshapedData(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, storage: storage, offset: offset)
    }

    /// `self + other` without recording; used when accumulating gradients.
    func adding(_ other: Tensor) -> Tensor { Tensor.binary(GK_ADD, self, other) }

    public static func + (a: Tensor, b: Tensor) -> Tensor {
        binary(GK_ADD, a, b).recorded([
            (a, { g in g.summed(to: a.shape) }),
            (b, { g in g.summed(to: b.shape) }),
        ])
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        binary(GK_SUB, a, b).recorded([
            (a, { g in g.summed(to: a.shape) }),
            (b, { g in (-g).summed(to: b.shape) }),
        ])
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        binary(GK_MUL, a, b).recorded([
            (a, { g in (g * b).summed(to: a.shape) }),
            (b, { g in (g * a).summed(to: b.shape) }),
        ])
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        binary(GK_DIV, a, b).recorded([
            (a, { g in (g / b).summed(to: a.shape) }),
            (b, { g in (-(g * a) / (b * b)).summed(to: b.shape) }),
        ])
    }

    /// Elementwise `a` to the power `b` (a > 0 where b is not an integer).
    public static func pow(_ a: Tensor, _ b: Tensor) -> Tensor {
        let out = binary(GK_POW, a, b)
        return out.recorded([
            (a, { g in (g * b * Tensor.binary(GK_POW, a, b - Tensor(scalar: 1))).summed(to: a.shape) }),
            (b, { g in (g * out * a.log()).summed(to: b.shape) }),
        ])
    }

    /// Elementwise maximum; the gradient goes to the larger input (to `a` on ties).
    public static func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
        binary(GK_MAX, a, b).recorded([
            (a, { g in (g * Tensor.where(a .>= b, 1, 0)).summed(to: a.shape) }),
            (b, { g in (g * Tensor.where(a .>= b, 0, 1)).summed(to: b.shape) }),
        ])
    }

    /// Elementwise minimum; the gradient goes to the smaller input (to `a` on ties).
    public static func minimum(_ a: Tensor, _ b: Tensor) -> Tensor {
        binary(GK_MIN, a, b).recorded([
            (a, { g in (g * Tensor.where(a .<= b, 1, 0)).summed(to: a.shape) }),
            (b, { g in (g * Tensor.where(a .<= b, 0, 1)).summed(to: b.shape) }),
        ])
    }

    public static func + (a: Tensor, s: Float) -> Tensor { a + Tensor(scalar: s) }
    public static func - (a: Tensor, s: Float) -> Tensor { a - Tensor(scalar: s) }
    public static func * (a: Tensor, s: Float) -> Tensor { a * Tensor(scalar: s) }
    public static func / (a: Tensor, s: Float) -> Tensor { a * Tensor(scalar: 1 / s) }
    public static func + (s: Float, a: Tensor) -> Tensor { Tensor(scalar: s) + a }
    public static func - (s: Float, a: Tensor) -> Tensor { Tensor(scalar: s) - a }
    public static func * (s: Float, a: Tensor) -> Tensor { Tensor(scalar: s) * a }
    public static func / (s: Float, a: Tensor) -> Tensor { Tensor(scalar: s) / a }
    public static func pow(_ a: Tensor, _ s: Float) -> Tensor { pow(a, Tensor(scalar: s)) }

    public static prefix func - (a: Tensor) -> Tensor { a.unary(GK_NEG) }

    /// Applies a unary kernel, recording its backward when needed.
    func unary(_ op: gk_unary_op) -> Tensor {
        var out = Tensor(uninitializedShape: shape)
        let src = pointer
        let dst = out.mutablePointer
        Threads.parallelFor(count, grain: 1 << 14) { r in
            gk_unary(op, r.count, src + r.lowerBound, dst + r.lowerBound)
        }
        let n = count
        return out.recordedElementwise(from: self) { xp, yp, gp, dp in
            Threads.parallelFor(n, grain: 1 << 14) { r in
                let o = r.lowerBound
                gk_unary_backward(op, r.count, xp + o, yp + o, gp + o, dp + o)
            }
        }
    }

    public func exp() -> Tensor { unary(GK_EXP) }
    public func log() -> Tensor { unary(GK_LOG) }
    public func sqrt() -> Tensor { unary(GK_SQRT) }
    public func abs() -> Tensor { unary(GK_ABS) }
    public func square() -> Tensor { unary(GK_SQUARE) }
    public func reciprocal() -> Tensor { unary(GK_RECIPROCAL) }

    /// Elements limited to `[low, high]`; the gradient is zero where the limit applies.
    public func clamped(min low: Float = -.infinity, max high: Float = .infinity) -> Tensor {
        let x = self
        let out = Tensor.binary(GK_MIN, Tensor.binary(GK_MAX, self, Tensor(scalar: low)), Tensor(scalar: high))
        return out.recorded([(self, { g in g * Tensor.where((x .>= low) * (x .<= high), 1, 0) })])
    }
}

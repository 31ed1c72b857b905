import CKernels

/// Numerically stable softmax and log-softmax along an axis.
extension Tensor {
    /// Runs a row kernel over the last axis, after moving `axis` last if needed.
    private func alongLastAxis(_ axis: Int, _ body: (Tensor) -> Tensor) -> Tensor {
        let ax = normalizedAxis(axis)
        if ax == rank - 1 { return body(self) }
        return body(transposed(ax, rank - 1)).transposed(ax, rank - 1)
    }

    /// A row-wise op over the last axis: `forward(rows, cols, x, y)` and
    /// `backward(rows, cols, y, dy, dx)` kernels, run in parallel over rows.
    private func rowwise(
        _ forward: @escaping (Int, Int, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void,
        _ backward: @escaping (Int, Int, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
    ) -> Tensor {
        let cols = shape[rank - 1]
        let rows = count / Swift.max(cols, 1)
        let grain = Swift.max(1, 8192 / Swift.max(cols, 1))
        var y = Tensor(uninitializedShape: shape)
        let xp = pointer
        let yp = y.mutablePointer
        Threads.parallelFor(rows, grain: grain) { r in forward(r.count, cols, xp + r.lowerBound * cols, yp + r.lowerBound * cols) }
        return y.recordedFromOutput(of: self) { op, gp, dp in
            Threads.parallelFor(rows, grain: grain) { r in
                let o = r.lowerBound * cols
                backward(r.count, cols, op + o, gp + o, dp + o)
            }
        }
    }

    /// `exp(x) / sum(exp(x))` along `axis`.
    public func softmax(axis: Int = -1) -> Tensor {
        alongLastAxis(axis) { x in
            x.rowwise({ gk_softmax_rows($0, $1, $2, $3) }, { gk_softmax_backward_rows($0, $1, $2, $3, $4) })
        }
    }

    /// `x - logsumexp(x)` along `axis`.
    public func logSoftmax(axis: Int = -1) -> Tensor {
        alongLastAxis(axis) { x in
            x.rowwise({ gk_log_softmax_rows($0, $1, $2, $3) }, { gk_log_softmax_backward_rows($0, $1, $2, $3, $4) })
        }
    }

    /// Softmax over the last axis of attention scores `[..., Tq, Tk]` where query `i` may only see
    /// keys `0...i + past` (`past` keys precede the queries, as with a KV cache). Masked entries
    /// are exactly 0. `scale` multiplies the scores first.
    public func causalSoftmax(scale: Float, past: Int = 0) -> Tensor {
        let tk = shape[rank - 1]
        let tq = shape[rank - 2]
        let rows = count / tk
        precondition(tk == tq + past, "causalSoftmax: \(tq) queries after \(past) cached keys need \(tq + past) keys, got \(tk)")
        var y = Tensor(uninitializedShape: shape)
        let xp = pointer
        let yp = y.mutablePointer
        Threads.parallelFor(rows, grain: Swift.max(1, 4096 / tk)) { r in
            var scaled = [Float](repeating: 0, count: tk)
            for row in r {
                let visible = row % tq + past + 1
                let src = xp + row * tk
                let dst = yp + row * tk
                for j in 0..<visible { scaled[j] = src[j] * scale }
                gk_softmax_rows(1, visible, scaled, dst)
                for j in visible..<tk { dst[j] = 0 }
            }
        }
        return y.recordedFromOutput(of: self) { op, gp, dp in
            Threads.parallelFor(rows, grain: Swift.max(1, 4096 / tk)) { r in
                for row in r {
                    let visible = row % tq + past + 1
                    let o = row * tk
                    gk_softmax_backward_rows(1, visible, op + o, gp + o, dp + o)
                    for j in 0..<visible { dp[o + j] *= scale }
                    for j in visible..<tk { dp[o + j] = 0 }
                }
            }
        }
    }
}

/// Pooling and nearest-neighbour upsampling over `[N, C, H, W]` (no padding).
extension Tensor {
    private func pooled(kernel k: Int, stride s: Int, max: Bool) -> Tensor {
        precondition(rank == 4, "pooling needs [N, C, H, W], got \(shape)")
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let oh = (h - k) / s + 1
        let ow = (w - k) / s + 1
        precondition(oh > 0 && ow > 0, "pool kernel \(k) larger than input \(h)x\(w)")
        var out = Tensor(uninitializedShape: [n, c, oh, ow])
        // For max pooling, the flat input index each output took its value from.
        var source = [Int](repeating: 0, count: max ? out.count : 0)
        let src = pointer
        let dst = out.mutablePointer
        for plane in 0..<(n * c) {
            let base = plane * h * w
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let o = (plane * oh + oy) * ow + ox
                    var acc: Float = max ? -.infinity : 0
                    var at = 0
                    for ky in 0..<k {
                        for kx in 0..<k {
                            let i = base + (oy * s + ky) * w + ox * s + kx
                            if max {
                                if src[i] > acc {
                                    acc = src[i]
                                    at = i
                                }
                            } else {
                                acc += src[i]
                            }
                        }
                    }
                    if max {
                        dst[o] = acc
                        source[o] = at
                    } else {
                        dst[o] = acc / Float(k * k)
                    }
                }
            }
        }
        let outCount = out.count
        return out.recordedScatter(into: shape, from: self) { gp, dp in
            if max {
                for o in 0..<outCount { dp[source[o]] += gp[o] }
                return
            }
            let share = 1 / Float(k * k)
            for plane in 0..<(n * c) {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        let v = gp[(plane * oh + oy) * ow + ox] * share
                        for ky in 0..<k {
                            for kx in 0..<k { dp[plane * h * w + (oy * s + ky) * w + ox * s + kx] += v }
                        }
                    }
                }
            }
        }
    }

    /// Average over `kernel × kernel` windows every `stride` pixels (stride defaults to kernel).
    public func avgPool2d(kernel: Int, stride: Int? = nil) -> Tensor {
        pooled(kernel: kernel, stride: stride ?? kernel, max: false)
    }

    /// Maximum over `kernel × kernel` windows every `stride` pixels (stride defaults to kernel).
    public func maxPool2d(kernel: Int, stride: Int? = nil) -> Tensor {
        pooled(kernel: kernel, stride: stride ?? kernel, max: true)
    }

    /// Each pixel repeated `scale × scale` times: `[N, C, H, W] -> [N, C, H·scale, W·scale]`.
    public func upsampleNearest(scale: Int) -> Tensor {
        precondition(rank == 4 && scale >= 1, "upsampleNearest needs [N, C, H, W] and scale >= 1")
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let oh = h * scale
        let ow = w * scale
        var out = Tensor(uninitializedShape: [n, c, oh, ow])
        let src = pointer
        let dst = out.mutablePointer
        for plane in 0..<(n * c) {
            for y in 0..<oh {
                for x in 0..<ow { dst[(plane * oh + y) * ow + x] = src[(plane * h + y / scale) * w + x / scale] }
            }
        }
        let inShape = shape
        return out.recorded(from: self) { g in
            g.reshaped([n, c, h, scale, w, scale]).sum(axis: 5).sum(axis: 3).reshaped(inShape)
        }
    }
}

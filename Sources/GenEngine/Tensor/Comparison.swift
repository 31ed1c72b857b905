/// Elementwise comparisons (1 where true, 0 where false; not differentiable) and `where`.
extension Tensor {
    private static func compare(_ a: Tensor, _ b: Tensor, _ test: (Float, Float) -> Bool) -> Tensor {
        let shape = broadcastShape(a.shape, b.shape)
        let ea = a.detached().expanded(to: shape)
        let eb = b.detached().expanded(to: shape)
        var out = Tensor(uninitializedShape: shape)
        let pa = ea.pointer
        let pb = eb.pointer
        let dst = out.mutablePointer
        for i in 0..<out.count { dst[i] = test(pa[i], pb[i]) ? 1 : 0 }
        return out
    }

    public static func .> (a: Tensor, b: Tensor) -> Tensor { compare(a, b, >) }
    public static func .< (a: Tensor, b: Tensor) -> Tensor { compare(a, b, <) }
    public static func .>= (a: Tensor, b: Tensor) -> Tensor { compare(a, b, >=) }
    public static func .<= (a: Tensor, b: Tensor) -> Tensor { compare(a, b, <=) }
    public static func .== (a: Tensor, b: Tensor) -> Tensor { compare(a, b, ==) }
    public static func .> (a: Tensor, s: Float) -> Tensor { compare(a, Tensor(scalar: s), >) }
    public static func .< (a: Tensor, s: Float) -> Tensor { compare(a, Tensor(scalar: s), <) }
    public static func .>= (a: Tensor, s: Float) -> Tensor { compare(a, Tensor(scalar: s), >=) }
    public static func .<= (a: Tensor, s: Float) -> Tensor { compare(a, Tensor(scalar: s), <=) }
    public static func .== (a: Tensor, s: Float) -> Tensor { compare(a, Tensor(scalar: s), ==) }

    /// `a` where `mask` is non-zero, else `b` (all three broadcast together).
    /// Differentiable in `a` and `b`.
    public static func `where`(_ mask: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        let on = Tensor.where(mask, 1, 0)
        return a * on + b * (1 - on)
    }

    /// `a` where `mask` is non-zero, else `b`, for constants.
    public static func `where`(_ mask: Tensor, _ a: Float, _ b: Float) -> Tensor {
        var out = Tensor(uninitializedShape: mask.shape)
        let src = mask.pointer
        let dst = out.mutablePointer
        for i in 0..<mask.count { dst[i] = src[i] != 0 ? a : b }
        return out
    }
}

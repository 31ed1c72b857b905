/// Inverted dropout: in training, zeroes each element with probability `p` and scales the rest
/// by `1/(1-p)`; the identity in evaluation. Its mask stream is its own `rng`, so that a trainer
/// can save and restore it for a bit-identical resume.
public final class Dropout: Module {
    public let p: Float
    public var rng: RNG

    public init(_ p: Float, rng: RNG) {
        precondition(p >= 0 && p < 1, "dropout probability must be in [0, 1)")
        self.p = p
        self.rng = rng
        super.init()
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        guard training && p > 0 else { return x }
        return dropout(x, p: p, rng: &rng)
    }
}

/// Functional inverted dropout (always active): `x · mask / (1 - p)`.
public func dropout(_ x: Tensor, p: Float, rng: inout RNG) -> Tensor {
    var mask = Tensor(uninitializedShape: x.shape)
    let m = mask.mutablePointer
    let keep = 1 / (1 - p)
    for i in 0..<x.count { m[i] = rng.uniform() < p ? 0 : keep }
    return x * mask
}

import Foundation

/// `steps` latents from `a` to `b` (`[latent]` each), both ends included: linear, or spherical
/// (slerp), which keeps Gaussian latents at a typical norm. Returns `[steps, latent]`.
public func interpolateLatents(_ a: Tensor, _ b: Tensor, steps: Int, spherical: Bool = true) -> Tensor {
    let va = a.scalars.map(Double.init)
    let vb = b.scalars.map(Double.init)
    precondition(va.count == vb.count && steps >= 1, "interpolateLatents: sizes \(va.count) and \(vb.count), \(steps) steps")
    let na = va.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let nb = vb.reduce(0) { $0 + $1 * $1 }.squareRoot()
    let cosine = zip(va, vb).reduce(0) { $0 + $1.0 * $1.1 } / max(na * nb, 1e-12)
    let omega = acos(min(1, max(-1, cosine)))
    var rows: [Float] = []
    for i in 0..<steps {
        let t = steps == 1 ? 0 : Double(i) / Double(steps - 1)
        let (wa, wb) =
            spherical && sin(omega) > 1e-6
            ? (sin((1 - t) * omega) / sin(omega), sin(t * omega) / sin(omega))
            : (1 - t, t)
        rows += zip(va, vb).map { Float(wa * $0 + wb * $1) }
    }
    return Tensor(rows, shape: [steps, va.count])
}

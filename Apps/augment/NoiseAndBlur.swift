// Gaussian noise and Gaussian blur: pixel values only.
import Foundation
import GenEngine

/// Adds zero-mean Gaussian noise, its standard deviation drawn from `std` as a fraction of 255,
/// independently per colour sample (`GaussNoise(std_range=…, per_channel=True)` of
/// albumentations 2); alpha is kept.
struct GaussianNoise: ImageOp {
    let name = "noise"
    var std: ClosedRange<Double>

    init(_ p: inout OpParameters) throws { std = try p.range("std", default: 0.2...0.44, in: 0...1) }

    func apply(_ s: inout Sample, rng: inout RNG, context: OpContext) throws -> [ManifestValue.Field] {
        let sg = rng.uniform(in: std)
        let sigma = Float(sg) * 255
        let (ch, colour) = (s.image.channels, s.image.colourChannels)
        let table = Self.normalQuantiles
        var bits: UInt64 = 0
        var left = 0
        table.withUnsafeBufferPointer { z in
            s.image.pixels.withUnsafeMutableBufferPointer { px in
                for p in stride(from: 0, to: px.count, by: ch) {
                    for c in 0..<colour {
                        if left == 0 { (bits, left) = (rng.next(), 4) }
                        let v = Float(px[p + c]) + sigma * z[Int(bits & 0xFFFF)]
                        px[p + c] = v <= 0 ? 0 : v >= 255 ? 255 : UInt8(v + 0.5)
                        bits >>= 16
                        left -= 1
                    }
                }
            }
        }
        return [.init("std", .number(sg))]
    }

    /// The standard normal's quantiles at (i + ½)/65,536: a draw is 16 random bits looked up
    /// (exact to the table's step, far finer than an 8-bit sample), four per 64-bit word.
    static let normalQuantiles: [Float] = (0..<65_536).map { Float(normalQuantile((Double($0) + 0.5) / 65_536)) }

    /// Φ⁻¹(p) by Acklam's rational approximation (relative error below 1.2·10⁻⁹).
    static func normalQuantile(_ p: Double) -> Double {
        let a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.3577518672690, -30.66479806614716, 2.506628277459239]
        let b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
        let c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
        let d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
        func tail(_ q: Double) -> Double {
            (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        if p < 0.02425 { return tail((-2 * log(p)).squareRoot()) }
        if p > 1 - 0.02425 { return -tail((-2 * log(1 - p)).squareRoot()) }
        let q = p - 0.5
        let r = q * q
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    }
}

/// Blurs with a Gaussian of standard deviation drawn from `sigma` pixels (torchvision's
/// `GaussianBlur(sigma=(0.1, 2.0))`), kernel radius ⌈3σ⌉, borders mirrored as OpenCV's default.
struct GaussianBlur: ImageOp {
    let name = "blur"
    var sigma: ClosedRange<Double>

    init(_ p: inout OpParameters) throws { sigma = try p.range("sigma", default: 0.1...2, in: 0.01...100) }

    func apply(_ s: inout Sample, rng: inout RNG, context: OpContext) throws -> [ManifestValue.Field] {
        let sg = rng.uniform(in: sigma)
        s.image = GaussianFilter.blur(s.image, sigma: sg)
        return [.init("sigma", .number(sg))]
    }
}

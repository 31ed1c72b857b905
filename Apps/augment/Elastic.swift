// Elastic deformation: a smooth random displacement field.
import Foundation
import GenEngine

/// Moves every pixel by a random field, uniform −1…1 per pixel and axis, smoothed by a Gaussian
/// of `sigma` pixels and scaled by `alpha` (Simard, Steinkraus & Platt 2003, "Best practices for
/// convolutional neural networks applied to visual document analysis"; their MNIST values α = 34,
/// σ = 4 are the defaults). Bilinear sampling, mirrored borders. A box becomes the tight box of
/// the output pixels whose source lies inside it.
struct ElasticTransform: ImageOp {
    let name = "elastic"
    var alpha: Double
    var sigma: Double

    init(_ p: inout OpParameters) throws {
        alpha = try p.double("alpha", default: 34, in: 0...10_000)
        sigma = try p.double("sigma", default: 4, in: 0.1...200)
    }

    func apply(_ s: inout Sample, rng: inout RNG, context: OpContext) throws -> [ManifestValue.Field] {
        let (w, h) = (s.image.width, s.image.height)
        var noise = [Float](repeating: 0, count: w * h * 2)
        for i in 0..<noise.count { noise[i] = rng.uniform() * 2 - 1 }
        let field = GaussianFilter.filter(noise, width: w, height: h, stride: 2, sigma: sigma).map { $0 * Float(alpha) }
        func source(_ x: Int, _ y: Int) -> (x: Double, y: Double) {
            let i = (y * w + x) * 2
            return (Double(x) + 0.5 + Double(field[i]), Double(y) + 0.5 + Double(field[i + 1]))
        }
        var points = [Float](repeating: 0, count: w * h * 2)
        for y in 0..<h {
            for x in 0..<w {
                let i = (y * w + x) * 2
                (points[i], points[i + 1]) = (Float(x) + field[i], Float(y) + field[i + 1])
            }
        }
        s.image = s.image.remapped(width: w, height: h, sourcePoints: points, border: .reflect)
        s.boxes = s.boxes.compactMap { box in
            var (x1, y1, x2, y2) = (Double(w), Double(h), 0.0, 0.0)
            for y in 0..<h {
                for x in 0..<w {
                    let (sx, sy) = source(x, y)
                    if sx >= box.x1 && sx <= box.x2 && sy >= box.y1 && sy <= box.y2 {
                        (x1, y1, x2, y2) = (min(x1, Double(x)), min(y1, Double(y)), max(x2, Double(x + 1)), max(y2, Double(y + 1)))
                    }
                }
            }
            return x2 > x1 ? context.boxRules.kept(Box(x1: x1, y1: y1, x2: x2, y2: y2, label: box.label), width: w, height: h) : nil
        }
        return [.init("alpha", .number(alpha)), .init("sigma", .number(sigma))]
    }
}

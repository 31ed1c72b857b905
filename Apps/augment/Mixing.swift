// Mixup and CutMix: blend a second image of the dataset in, with soft labels.
import Foundation
import GenEngine

extension RNG {
    /// A Gamma(shape, 1) draw (Marsaglia & Tsang 2000; shape < 1 through the boost
    /// Gamma(k+1)·U^(1/k)).
    mutating func gamma(shape: Double) -> Double {
        if shape < 1 { return gamma(shape: shape + 1) * pow(max(Double(uniform()), 1e-12), 1 / shape) }
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            let x = Double(normal())
            let v0 = 1 + c * x
            if v0 <= 0 { continue }
            let v = v0 * v0 * v0
            let u = max(Double(uniform()), 1e-12)
            if log(u) < 0.5 * x * x + d - d * v + d * log(v) { return d * v }
        }
    }

    /// A Beta(α, α) draw, rounded to the manifest's precision.
    mutating func beta(_ alpha: Double) -> Double {
        let a = gamma(shape: alpha)
        let b = gamma(shape: alpha)
        return ManifestValue.rounded(a / (a + b))
    }
}

extension Sample {
    /// `other` at this sample's size and channel count (its boxes scaled alike).
    func fitted(_ other: Sample) -> Sample {
        var o = other
        if o.image.channels != image.channels { o.image = o.image.converted(toChannels: image.channels) }
        if o.image.width != image.width || o.image.height != image.height {
            o.warp(
                .scale(Double(image.width) / Double(o.image.width), Double(image.height) / Double(o.image.height)),
                width: image.width, height: image.height, border: .replicate, rules: BoxRules())
        }
        return o
    }

    /// The label `self` weighted `lambda` and `other` weighted 1 − λ, classes merged.
    func blendedLabel(_ other: Sample, lambda: Double) -> [(name: String, weight: Double)] {
        var out: [(name: String, weight: Double)] = []
        for (name, weight) in label.map({ ($0.name, $0.weight * lambda) }) + other.label.map({ ($0.name, $0.weight * (1 - lambda)) }) {
            if let i = out.firstIndex(where: { $0.name == name }) { out[i].weight += weight } else { out.append((name, weight)) }
        }
        return out.map { ($0.name, ManifestValue.rounded($0.weight)) }.filter { $0.weight > 0 }
    }
}

/// Draws the partner of a mixing op, or fails when there is no dataset to draw from.
private func partner(_ op: String, _ context: OpContext, _ rng: inout RNG) throws -> (sample: Sample, path: String) {
    guard let draw = context.partner else { throw CLIError.usage("\(op) needs a dataset to draw a second image from (augment images)") }
    return try draw(&rng)
}

/// `λ·a + (1 − λ)·b` with λ ~ Beta(α, α), labels weighted alike and both images' boxes kept
/// (Zhang et al. 2018, "mixup: Beyond empirical risk minimization"; α = 0.4 default).
struct MixUp: ImageOp {
    let name = "mixup"
    var alpha: Double

    init(_ p: inout OpParameters) throws { alpha = try p.double("alpha", default: 0.4, in: 0.01...100) }

    func apply(_ s: inout Sample, rng: inout RNG, context: OpContext) throws -> [ManifestValue.Field] {
        let (drawn, path) = try partner(name, context, &rng)
        let other = s.fitted(drawn)
        let lambda = rng.beta(alpha)
        let l = Float(lambda)
        for i in 0..<s.image.pixels.count {
            s.image.pixels[i] = UInt8(clamping: Int((l * Float(s.image.pixels[i]) + (1 - l) * Float(other.image.pixels[i])).rounded()))
        }
        s.label = s.blendedLabel(other, lambda: lambda)
        s.boxes += other.boxes
        return [.init("with", .string(path)), .init("lambda", .number(lambda))]
    }
}

/// A rectangle of a second image pasted in, its area 1 − λ of the image with λ ~ Beta(α, α),
/// labels weighted by the areas actually kept (Yun et al. 2019, "CutMix"; α = 1 default). The
/// second image's boxes are clipped to the rectangle under the box rules.
struct CutMix: ImageOp {
    let name = "cutmix"
    var alpha: Double

    init(_ p: inout OpParameters) throws { alpha = try p.double("alpha", default: 1, in: 0.01...100) }

    func apply(_ s: inout Sample, rng: inout RNG, context: OpContext) throws -> [ManifestValue.Field] {
        let (drawn, path) = try partner(name, context, &rng)
        let other = s.fitted(drawn)
        let lambda = rng.beta(alpha)
        let (w, h, ch) = (s.image.width, s.image.height, s.image.channels)
        let cw = Int((Double(w) * (1 - lambda).squareRoot()).rounded())
        let chh = Int((Double(h) * (1 - lambda).squareRoot()).rounded())
        let cx = rng.int(below: w)
        let cy = rng.int(below: h)
        let x1 = max(0, cx - cw / 2)
        let x2 = min(w, cx + cw / 2)
        let y1 = max(0, cy - chh / 2)
        let y2 = min(h, cy + chh / 2)
        for y in y1..<max(y1, y2) {
            let row = (y * w + x1) * ch
            for i in row..<(row + (x2 - x1) * ch) { s.image.pixels[i] = other.image.pixels[i] }
        }
        let kept = ManifestValue.rounded(1 - Double((x2 - x1) * max(0, y2 - y1)) / Double(w * h))
        s.label = s.blendedLabel(other, lambda: kept)
        let patch = other.boxes.compactMap {
            context.boxRules.kept($0, within: (Double(x1), Double(y1), Double(x2), Double(y2)))
        }
        s.boxes += patch
        return [
            .init("with", .string(path)), .init("lambda", .number(kept)),
            .init("box", .array([x1, y1, x2 - x1, max(0, y2 - y1)].map { .int($0) })),
        ]
    }
}

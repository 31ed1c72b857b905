// The colour ops: they change pixel values only, never the geometry or the boxes.
import GenEngine

/// Brightness, contrast, saturation and hue factors drawn and applied in a random order
/// (torchvision's and albumentations' `ColorJitter`): brightness scales values, contrast blends
/// with the mean luma, saturation blends with each pixel's luma, hue turns the HSV hue. A
/// parameter left out is not applied (torchvision's default of 0).
struct ColorJitter: ImageOp {
    let name = "jitter"
    var brightness: ClosedRange<Double>, contrast: ClosedRange<Double>, saturation: ClosedRange<Double>, hue: ClosedRange<Double>

    init(_ p: inout OpParameters) throws {
        func factor(_ key: String) throws -> ClosedRange<Double> {
            let r = try p.range(key, default: 0...0, in: -1...10, symmetric: true)
            return max(0, 1 + r.lowerBound)...(1 + r.upperBound)
        }
        brightness = try factor("brightness")
        contrast = try factor("contrast")
        saturation = try factor("saturation")
        hue = try p.range("hue", default: 0...0, in: -0.5...0.5, symmetric: true)
    }

    func apply(_ s: inout Sample, rng: inout RNG, context: OpContext) throws -> [ManifestValue.Field] {
        let b = rng.uniform(in: brightness)
        let c = rng.uniform(in: contrast)
        let sat = rng.uniform(in: saturation)
        let h = rng.uniform(in: hue)
        let order = rng.permutation(4)
        for step in order {
            switch step {
            case 0 where b == 1, 1 where c == 1, 2 where sat == 1: continue
            case 0: s.image.scaleValues(gain: Float(b), offset: 0)
            case 1:
                let mean = s.image.meanLuma
                s.image.scaleValues(gain: Float(c), offset: mean * (1 - Float(c)))
            case 2: s.image.blendWithGray(Float(sat))
            default: s.image.shiftHue(Float(h))
            }
        }
        let names = ["brightness", "contrast", "saturation", "hue"]
        return [
            .init("brightness", .number(b)), .init("contrast", .number(c)), .init("saturation", .number(sat)), .init("hue", .number(h)),
            .init("order", .array(order.map { .string(names[$0]) })),
        ]
    }
}

/// `RandomBrightnessContrast`: `out = α·in + β·255`, α = 1 + a draw from `contrast`, β a draw
/// from `brightness` (albumentations' `brightness_by_max`).
struct BrightnessContrast: ImageOp {
    let name = "brightnesscontrast"
    var brightness: ClosedRange<Double>, contrast: ClosedRange<Double>

    init(_ p: inout OpParameters) throws {
        brightness = try p.range("brightness", default: -0.2...0.2, in: -1...1, symmetric: true)
        contrast = try p.range("contrast", default: -0.2...0.2, in: -1...10, symmetric: true)
    }

    func apply(_ s: inout Sample, rng: inout RNG, context: OpContext) throws -> [ManifestValue.Field] {
        let alpha = ManifestValue.rounded(1 + rng.uniform(in: contrast))
        let beta = rng.uniform(in: brightness)
        s.image.scaleValues(gain: Float(alpha), offset: Float(beta) * 255)
        return [.init("alpha", .number(alpha)), .init("beta", .number(beta))]
    }
}

/// Gray with the image's channels kept (`ToGray`): every colour pixel becomes its BT.601 luma.
struct Grayscale: ImageOp {
    let name = "grayscale"
    func apply(_ s: inout Sample, rng: inout RNG, context: OpContext) throws -> [ManifestValue.Field] {
        s.image.grayscale()
        return []
    }
}

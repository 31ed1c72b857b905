// The colour ops: they change pixel values only, never the geometry or the boxes.
import Foundation
import GenEngine

/// Luma weights of ITU-R BT.601, as OpenCV's `cvtColor(RGB2GRAY)` and PIL's `convert("L")`.
let lumaWeights: (r: Float, g: Float, b: Float) = (0.299, 0.587, 0.114)

extension Image {
    /// Whether samples 0…2 of a pixel are red, green, blue (RGB or RGBA).
    var isColour: Bool { channels >= 3 }
    /// Number of colour samples per pixel (alpha excluded).
    var colourChannels: Int { channels == 2 || channels == 4 ? channels - 1 : channels }

    /// Maps every colour sample (not alpha) through `table`.
    mutating func applyTable(_ table: [UInt8]) {
        let (ch, colour) = (channels, colourChannels)
        table.withUnsafeBufferPointer { t in
            pixels.withUnsafeMutableBufferPointer { px in
                if ch == colour {
                    for i in 0..<px.count { px[i] = t[Int(px[i])] }
                } else {
                    for p in stride(from: 0, to: px.count, by: ch) { for c in 0..<colour { px[p + c] = t[Int(px[p + c])] } }
                }
            }
        }
    }

    /// The mean luma of the image, 0…255.
    var meanLuma: Float {
        var sum: Double = 0
        let ch = channels
        pixels.withUnsafeBufferPointer { px in
            for p in stride(from: 0, to: px.count, by: ch) {
                sum +=
                    ch >= 3
                    ? Double(lumaWeights.r * Float(px[p]) + lumaWeights.g * Float(px[p + 1]) + lumaWeights.b * Float(px[p + 2]))
                    : Double(px[p])
            }
        }
        return Float(sum / Double(max(1, width * height)))
    }

    /// Blends every colour pixel with its own luma: `factor` 1 keeps it, 0 makes it gray.
    mutating func blendWithGray(_ factor: Float) {
        guard isColour else { return }
        let ch = channels
        pixels.withUnsafeMutableBufferPointer { px in
            for p in stride(from: 0, to: px.count, by: ch) {
                let (r, g, b) = (Float(px[p]), Float(px[p + 1]), Float(px[p + 2]))
                let y = lumaWeights.r * r + lumaWeights.g * g + lumaWeights.b * b
                px[p] = UInt8(clamping: Int((y + (r - y) * factor).rounded()))
                px[p + 1] = UInt8(clamping: Int((y + (g - y) * factor).rounded()))
                px[p + 2] = UInt8(clamping: Int((y + (b - y) * factor).rounded()))
            }
        }
    }

    /// Turns every colour pixel's hue by `shift` of a full turn (−0.5…0.5), in HSV.
    mutating func shiftHue(_ shift: Float) {
        guard isColour, shift != 0 else { return }
        let ch = channels
        pixels.withUnsafeMutableBufferPointer { px in
            for p in stride(from: 0, to: px.count, by: ch) {
                let (r, g, b) = (Float(px[p]) / 255, Float(px[p + 1]) / 255, Float(px[p + 2]) / 255)
                let maxV = max(r, g, b)
                let minV = min(r, g, b)
                let delta = maxV - minV
                guard delta > 0 else { continue }
                var hue: Float = maxV == r ? (g - b) / delta : maxV == g ? 2 + (b - r) / delta : 4 + (r - g) / delta
                hue = hue / 6 + shift
                hue -= hue.rounded(.down)
                let sat = delta / maxV
                let h6 = hue * 6
                let sector = Int(h6) % 6
                let frac = h6 - Float(Int(h6))
                let (v, pp, q, t) = (maxV, maxV * (1 - sat), maxV * (1 - sat * frac), maxV * (1 - sat * (1 - frac)))
                let rgb: (Float, Float, Float) =
                    [(v, t, pp), (q, v, pp), (pp, v, t), (pp, q, v), (t, pp, v), (v, pp, q)][sector]
                px[p] = UInt8(clamping: Int((rgb.0 * 255).rounded()))
                px[p + 1] = UInt8(clamping: Int((rgb.1 * 255).rounded()))
                px[p + 2] = UInt8(clamping: Int((rgb.2 * 255).rounded()))
            }
        }
    }
}

/// A table scaling samples by `gain` and adding `offset`, clamped to 0…255.
func linearTable(gain: Float, offset: Float) -> [UInt8] {
    (0..<256).map { UInt8(clamping: Int((Float($0) * gain + offset).rounded())) }
}

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
            case 0: s.image.applyTable(linearTable(gain: Float(b), offset: 0))
            case 1:
                let mean = s.image.meanLuma
                s.image.applyTable(linearTable(gain: Float(c), offset: mean * (1 - Float(c))))
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
        s.image.applyTable(linearTable(gain: Float(alpha), offset: Float(beta) * 255))
        return [.init("alpha", .number(alpha)), .init("beta", .number(beta))]
    }
}

/// Gray with the image's channels kept (`ToGray`): every colour pixel becomes its BT.601 luma.
struct Grayscale: ImageOp {
    let name = "grayscale"
    func apply(_ s: inout Sample, rng: inout RNG, context: OpContext) throws -> [ManifestValue.Field] {
        s.image.blendWithGray(0)
        return []
    }
}

// Gaussian noise and Gaussian blur: pixel values only.
import Foundation
import GenEngine

/// Adds zero-mean Gaussian noise, its standard deviation drawn from `std` as a fraction of 255,
/// independently per sample (`GaussNoise(std_range=…, per_channel=True)` of albumentations 2).
struct GaussianNoise: ImageOp {
    let name = "noise"
    var std: ClosedRange<Double>

    init(_ p: inout OpParameters) throws { std = try p.range("std", default: 0.2...0.44, in: 0...1) }

    func apply(_ s: inout Sample, rng: inout RNG, context: OpContext) throws -> [ManifestValue.Field] {
        let sigma = Float(rng.uniform(in: std)) * 255
        let (ch, colour) = (s.image.channels, s.image.colourChannels)
        s.image.pixels.withUnsafeMutableBufferPointer { px in
            for p in stride(from: 0, to: px.count, by: ch) {
                for c in 0..<colour { px[p + c] = UInt8(clamping: Int((Float(px[p + c]) + sigma * rng.normal()).rounded())) }
            }
        }
        return [.init("std", .number(ManifestValue.rounded(Double(sigma) / 255)))]
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

/// Separable Gaussian filtering of images and of float fields.
enum GaussianFilter {
    /// The normalised kernel of radius ⌈3σ⌉ (at most 1,000).
    static func kernel(sigma: Double) -> [Float] {
        let radius = min(1000, max(1, Int((3 * sigma).rounded(.up))))
        let raw = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        let sum = raw.reduce(0, +)
        return raw.map { $0 / sum }
    }

    /// `values` (`height` rows of `width` × `stride` samples) filtered along x then y, mirrored
    /// at the borders (`BORDER_REFLECT_101`).
    static func filter(_ values: [Float], width: Int, height: Int, stride: Int, sigma: Double) -> [Float] {
        let k = kernel(sigma: sigma)
        let r = k.count / 2
        var tmp = [Float](repeating: 0, count: values.count)
        var out = [Float](repeating: 0, count: values.count)
        let mirror = BorderMode.reflect
        values.withUnsafeBufferPointer { src in
            tmp.withUnsafeMutableBufferPointer { t in
                for y in 0..<height {
                    for x in 0..<width {
                        for c in 0..<stride {
                            var acc: Float = 0
                            for j in 0..<k.count { acc += k[j] * src[(y * width + mirror.index(x + j - r, width)!) * stride + c] }
                            t[(y * width + x) * stride + c] = acc
                        }
                    }
                }
            }
        }
        tmp.withUnsafeBufferPointer { t in
            out.withUnsafeMutableBufferPointer { o in
                for y in 0..<height {
                    for x in 0..<width {
                        for c in 0..<stride {
                            var acc: Float = 0
                            for j in 0..<k.count { acc += k[j] * t[(mirror.index(y + j - r, height)! * width + x) * stride + c] }
                            o[(y * width + x) * stride + c] = acc
                        }
                    }
                }
            }
        }
        return out
    }

    /// `image` blurred with a Gaussian of `sigma` pixels (alpha included).
    static func blur(_ image: Image, sigma: Double) -> Image {
        let blurred = filter(image.pixels.map(Float.init), width: image.width, height: image.height, stride: image.channels, sigma: sigma)
        return Image(
            width: image.width, height: image.height, channels: image.channels, pixels: blurred.map { UInt8(clamping: Int($0.rounded())) })
    }
}

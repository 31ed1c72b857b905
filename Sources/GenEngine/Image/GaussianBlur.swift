// Separable Gaussian filtering of images and of float fields (CKernels image.c).
import CKernels
import Foundation

public enum GaussianFilter {
    /// The normalised kernel of `sigma` pixels, radius ⌈3σ⌉ (1…1,000).
    public static func kernel(sigma: Double) -> [Float] {
        let radius = min(1000, max(1, Int((3 * sigma).rounded(.up))))
        let raw = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        let sum = raw.reduce(0, +)
        return raw.map { $0 / sum }
    }

    /// `values` (`height` rows of `width` × `stride` samples) filtered along x then y by a
    /// Gaussian of `sigma` pixels, mirrored at the borders (`BORDER_REFLECT_101`).
    public static func filter(_ values: [Float], width: Int, height: Int, stride: Int, sigma: Double) -> [Float] {
        precondition(values.count == width * height * stride, "filter: values do not match the size")
        let k = kernel(sigma: sigma)
        var scratch = [Float](repeating: 0, count: values.count)
        return [Float](unsafeUninitializedCapacity: values.count) { out, count in
            gk_gaussian_blur_f32(values, Int32(width), Int32(height), Int32(stride), out.baseAddress, k, Int32(k.count / 2), &scratch)
            count = values.count
        }
    }

    /// `image` blurred by a Gaussian of `sigma` pixels (every channel, alpha included), rounded.
    public static func blur(_ image: Image, sigma: Double) -> Image {
        let k = kernel(sigma: sigma)
        var scratch = [Float](repeating: 0, count: (k.count + 2) * image.width * image.channels)
        let out = [UInt8](unsafeUninitializedCapacity: image.pixels.count) { buffer, count in
            gk_gaussian_blur_u8(
                image.pixels, Int32(image.width), Int32(image.height), Int32(image.channels), buffer.baseAddress, k, Int32(k.count / 2),
                &scratch)
            count = image.pixels.count
        }
        return Image(width: image.width, height: image.height, channels: image.channels, pixels: out)
    }
}

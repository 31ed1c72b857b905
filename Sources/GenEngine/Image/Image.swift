import Foundation

/// An 8-bit image: `channels` interleaved samples per pixel (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA),
/// rows top first, and the PNG text chunks it carries. Sample `c` of pixel (x, y) is
/// `pixels[(y * width + x) * channels + c]`. Read and written by `PNG`; resized by `resized`,
/// converted by `converted(toChannels:)`, drawn on through `Canvas`.
public struct Image: Equatable {
    /// Size in pixels.
    public var width: Int, height: Int
    /// Samples per pixel: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.
    public var channels: Int
    /// `[height, width, channels]`, row-major, 0 black/transparent … 255 white/opaque.
    public var pixels: [UInt8]
    /// `tEXt` key/value pairs, in order.
    public var text: [PNGText]

    /// Wraps `pixels` (`width · height · channels` samples; a mismatch is a programming error).
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8], text: [PNGText] = []) {
        precondition(pixels.count == width * height * channels, "pixel buffer does not match \(width)x\(height)x\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
        self.text = text
    }
}

extension Image {
    /// An image from a tensor `[C, H, W]` (C = 1, 3 or 4) with values in [0, 1] (clamped).
    public init(tensor: Tensor, text: [PNGText] = []) {
        precondition(tensor.rank == 3 && [1, 2, 3, 4].contains(tensor.shape[0]), "Image(tensor:) needs [C, H, W], got \(tensor.shape)")
        let (c, h, w) = (tensor.shape[0], tensor.shape[1], tensor.shape[2])
        var px = [UInt8](repeating: 0, count: c * h * w)
        tensor.withUnsafeBufferPointer { src in
            for ch in 0..<c {
                for i in 0..<(h * w) {
                    let v = Swift.min(Swift.max(src[ch * h * w + i], 0), 1)
                    px[i * c + ch] = UInt8((v * 255).rounded())
                }
            }
        }
        self.init(width: w, height: h, channels: c, pixels: px, text: text)
    }

    /// The image as a tensor `[C, H, W]` with values in [0, 1].
    public func tensor() -> Tensor {
        var t = Tensor(uninitializedShape: [channels, height, width])
        let dst = t.mutablePointer
        for i in 0..<(width * height) {
            for ch in 0..<channels { dst[ch * width * height + i] = Float(pixels[i * channels + ch]) / 255 }
        }
        return t
    }

    /// Images `[N, C, H, W]` (values in [0, 1]) tiled into one grid with `columns` per row and a
    /// `padding`-pixel border of `background`.
    public static func grid(_ batch: Tensor, columns: Int, padding: Int = 2, background: Float = 0) -> Image {
        precondition(batch.rank == 4, "grid needs [N, C, H, W], got \(batch.shape)")
        let (n, c, h, w) = (batch.shape[0], batch.shape[1], batch.shape[2], batch.shape[3])
        let rows = (n + columns - 1) / columns
        let gh = rows * (h + padding) + padding
        let gw = columns * (w + padding) + padding
        var canvas = Tensor(shape: [c, gh, gw], repeating: background)
        let src = batch.pointer
        let dst = canvas.mutablePointer
        for i in 0..<n {
            let y0 = padding + (i / columns) * (h + padding)
            let x0 = padding + (i % columns) * (w + padding)
            for ch in 0..<c {
                for y in 0..<h {
                    (dst + (ch * gh + y0 + y) * gw + x0).update(from: src + ((i * c + ch) * h + y) * w, count: w)
                }
            }
        }
        return Image(tensor: canvas)
    }
}

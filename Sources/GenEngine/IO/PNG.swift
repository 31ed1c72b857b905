import CPNG
import Foundation

/// An 8-bit image: `channels` interleaved samples per pixel (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA),
/// rows top first, and the PNG text chunks it carries.
public struct Image: Equatable {
    public var width: Int, height: Int, channels: Int
    public var pixels: [UInt8]
    /// `tEXt` key/value pairs, in order.
    public var text: [PNGText]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8], text: [PNGText] = []) {
        precondition(pixels.count == width * height * channels, "pixel buffer does not match \(width)x\(height)x\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
        self.text = text
    }
}

/// One PNG text chunk.
public struct PNGText: Equatable {
    public var key: String, value: String
    public init(_ key: String, _ value: String) { self.key = key; self.value = value }
}

/// PNG decode errors carry libpng's own message.
public struct PNGError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { "PNG: \(message)" }
}

/// PNG reading and writing through libpng (the CPNG wrappers).
public enum PNG {
    /// Largest image accepted on read (pixels), so a forged header cannot ask for gigabytes.
    public static let defaultMaxPixels: UInt64 = 1 << 28

    /// Encodes `image` with zlib `compression` 0-9 and its text chunks as `tEXt`.
    public static func encode(_ image: Image, compression: Int = 6) throws -> Data {
        for t in image.text {
            guard (1...79).contains(t.key.utf8.count), t.key.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value <= 255 }) else {
                throw PNGError(message: "text key '\(t.key)' must be 1-79 Latin-1 characters")
            }
        }
        var error = [CChar](repeating: 0, count: 256)
        var buffer = cpng_buffer(data: nil, size: 0)
        let keys = image.text.map { strdup($0.key) }, values = image.text.map { strdup($0.value) }
        defer { (keys + values).forEach { free($0) } }
        let status = image.pixels.withUnsafeBufferPointer { px in
            keys.map { UnsafePointer($0) }.withUnsafeBufferPointer { k in
                values.map { UnsafePointer($0) }.withUnsafeBufferPointer { v in
                    cpng_encode(px.baseAddress, UInt32(image.width), UInt32(image.height), Int32(image.channels),
                                Int32(compression), k.baseAddress, v.baseAddress, Int32(image.text.count),
                                &buffer, &error)
                }
            }
        }
        guard status == 0, let bytes = buffer.data else { throw PNGError(message: String(cString: error)) }
        defer { cpng_free(bytes) }
        return Data(bytes: bytes, count: buffer.size)
    }

    /// Decodes any PNG libpng reads, converted to 8 bits per sample.
    public static func decode(_ data: Data, maxPixels: UInt64 = defaultMaxPixels) throws -> Image {
        final class TextSink { var items: [PNGText] = [] }
        let sink = TextSink()
        var error = [CChar](repeating: 0, count: 256)
        var out = cpng_image(pixels: nil, width: 0, height: 0, channels: 0)
        let status = data.withUnsafeBytes { raw -> Int32 in
            let ctx = Unmanaged.passUnretained(sink).toOpaque()
            return cpng_decode(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, maxPixels, &out, { ctx, key, value in
                let sink = Unmanaged<TextSink>.fromOpaque(ctx!).takeUnretainedValue()
                sink.items.append(PNGText(String(cString: key!), String(cString: value!)))
            }, ctx, &error)
        }
        guard status == 0, let px = out.pixels else { throw PNGError(message: String(cString: error)) }
        defer { cpng_free(px) }
        let count = Int(out.width) * Int(out.height) * Int(out.channels)
        return Image(width: Int(out.width), height: Int(out.height), channels: Int(out.channels),
                     pixels: Array(UnsafeBufferPointer(start: px, count: count)), text: sink.items)
    }

    public static func read(_ url: URL) throws -> Image {
        try decode(AtomicFile.read(url))
    }

    public static func write(_ image: Image, to url: URL, compression: Int = 6) throws {
        try AtomicFile.write(encode(image, compression: compression), to: url)
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
        let gh = rows * (h + padding) + padding, gw = columns * (w + padding) + padding
        var canvas = Tensor(shape: [c, gh, gw], repeating: background)
        let src = batch.pointer, dst = canvas.mutablePointer
        for i in 0..<n {
            let y0 = padding + (i / columns) * (h + padding), x0 = padding + (i % columns) * (w + padding)
            for ch in 0..<c {
                for y in 0..<h {
                    (dst + (ch * gh + y0 + y) * gw + x0).update(from: src + ((i * c + ch) * h + y) * w, count: w)
                }
            }
        }
        return Image(tensor: canvas)
    }
}

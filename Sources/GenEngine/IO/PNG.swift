import CPNG
import Foundation

/// One PNG text chunk.
public struct PNGText: Equatable {
    public var key: String, value: String
    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

/// PNG decode errors carry libpng's own message.
public struct PNGError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { "PNG: \(message)" }
}

/// PNG reading and writing through libpng (the CPNG wrappers).
public enum PNG {
    /// Largest image accepted on read by default: 4096 × 4096 pixels (64 MiB decoded as RGBA), so a
    /// small file with a forged or huge header cannot ask for gigabytes; a caller may raise it.
    public static let defaultMaxPixels: UInt64 = 1 << 24

    /// Encodes `image` with zlib `compression` 0-9 and its text chunks: `tEXt` for ASCII values,
    /// `iTXt` (UTF-8) for any other (tEXt holds only Latin-1; PNG 1.2 §4.2.3). Keys are Latin-1.
    public static func encode(_ image: Image, compression: Int = 6) throws -> Data {
        for t in image.text {
            guard (1...79).contains(t.key.utf8.count), t.key.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value <= 255 }) else {
                throw PNGError(message: "text key '\(t.key)' must be 1-79 Latin-1 characters")
            }
        }
        var error = [CChar](repeating: 0, count: 256)
        var buffer = cpng_buffer(data: nil, size: 0)
        // Keys go to libpng as Latin-1 bytes, values as UTF-8.
        let keys = image.text.map { t -> UnsafeMutablePointer<CChar>? in
            let bytes = t.key.unicodeScalars.map { CChar(bitPattern: UInt8($0.value)) } + [0]
            let pointer = malloc(bytes.count)?.assumingMemoryBound(to: CChar.self)
            pointer?.initialize(from: bytes, count: bytes.count)
            return pointer
        }
        let values = image.text.map { strdup($0.value) }
        defer { for pointer in keys + values { free(pointer) } }
        let status = image.pixels.withUnsafeBufferPointer { px in
            keys.map { UnsafePointer($0) }.withUnsafeBufferPointer { k in
                values.map { UnsafePointer($0) }.withUnsafeBufferPointer { v in
                    cpng_encode(
                        px.baseAddress, UInt32(image.width), UInt32(image.height), Int32(image.channels),
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
        guard !data.isEmpty else { throw PNGError(message: "the file is empty (0 bytes)") }
        final class TextSink { var items: [PNGText] = [] }
        let sink = TextSink()
        var error = [CChar](repeating: 0, count: 256)
        var out = cpng_image(pixels: nil, width: 0, height: 0, channels: 0)
        let status = data.withUnsafeBytes { raw -> Int32 in
            let ctx = Unmanaged.passUnretained(sink).toOpaque()
            return cpng_decode(
                raw.bindMemory(to: UInt8.self).baseAddress, raw.count, maxPixels, &out,
                { ctx, key, value, utf8 in
                    // tEXt and zTXt hold Latin-1, iTXt UTF-8; keys are always Latin-1.
                    func latin1(_ c: UnsafePointer<CChar>) -> String {
                        String(
                            String.UnicodeScalarView(
                                UnsafeBufferPointer(start: c, count: strlen(c)).map { Unicode.Scalar(UInt8(bitPattern: $0)) }))
                    }
                    let sink = Unmanaged<TextSink>.fromOpaque(ctx!).takeUnretainedValue()
                    sink.items.append(PNGText(latin1(key!), utf8 != 0 ? String(cString: value!) : latin1(value!)))
                }, ctx, &error)
        }
        guard status == 0, let px = out.pixels else { throw PNGError(message: String(cString: error)) }
        defer { cpng_free(px) }
        let count = Int(out.width) * Int(out.height) * Int(out.channels)
        return Image(
            width: Int(out.width), height: Int(out.height), channels: Int(out.channels),
            pixels: Array(UnsafeBufferPointer(start: px, count: count)), text: sink.items)
    }

    /// Reads a PNG file (`-`: standard input); images over `maxPixels` are refused before their
    /// pixels are decoded.
    public static func read(_ url: URL, maxPixels: UInt64 = defaultMaxPixels) throws -> Image {
        try decode(AtomicFile.read(url), maxPixels: maxPixels)
    }

    public static func write(_ image: Image, to url: URL, compression: Int = 6) throws {
        try AtomicFile.write(encode(image, compression: compression), to: url)
    }
}

extension PNGError: UserFacingError {
    public var exitCode: ExitCode { .dataError }
}

import Foundation

/// Errors reading a safetensors file; each names what is wrong and where.
public struct SafeTensorsError: Error, CustomStringConvertible {
    public enum Kind: String {
        case truncated, headerTooLarge, invalidHeaderStart, invalidUTF8, invalidJSON
        case invalidEntry, unsupportedDType, invalidOffset, overlappingOrHole, shapeMismatch, metadata
    }
    public let kind: Kind
    public let message: String
    public var description: String { "safetensors: \(message)" }
}

/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
/// `{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {string: string}}`,
/// then the tensor bytes, little-endian and row-major. Every header field is checked against the
/// file before any tensor is built: no size in the header is trusted.
public struct SafeTensors {
    /// Tensors in file order, converted to Float32.
    public var tensors: [(name: String, tensor: Tensor)]
    /// The dtype each tensor had in the file (`F32`, `F16`, `BF16`, …).
    public var dtypes: [String: String]
    /// The `__metadata__` string map.
    public var metadata: [String: String]

    public init(tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
        self.dtypes = Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, "F32") })
    }

    /// Tensors by name.
    public var byName: [String: Tensor] { Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, $0.tensor) }) }

    /// The reference implementation's header limit (100 MB).
    public static let maxHeaderSize = 100_000_000

    static let dtypeSizes: [String: Int] = [
        "BOOL": 1, "U8": 1, "I8": 1, "I16": 2, "U16": 2, "F16": 2, "BF16": 2,
        "I32": 4, "U32": 4, "F32": 4, "I64": 8, "U64": 8, "F64": 8,
    ]

    /// Reads a file (memory-mapped).
    public static func read(contentsOf url: URL) throws -> SafeTensors {
        let data = try Data(contentsOf: url, options: .alwaysMapped)
        return try decode(data)
    }

    /// Parses and validates a whole safetensors buffer.
    public static func decode(_ data: Data) throws -> SafeTensors {
        func fail(_ kind: SafeTensorsError.Kind, _ message: String) -> SafeTensorsError {
            SafeTensorsError(kind: kind, message: message)
        }
        guard data.count >= 8 else { throw fail(.truncated, "file of \(data.count) bytes is shorter than the 8-byte header length") }
        var n: UInt64 = 0
        for (i, byte) in data.prefix(8).enumerated() { n |= UInt64(byte) << UInt64(8 * i) }
        guard n <= UInt64(maxHeaderSize) else { throw fail(.headerTooLarge, "header length \(n) exceeds the 100 MB limit") }
        guard n <= UInt64(data.count - 8) else {
            throw fail(.truncated, "header length \(n) runs past the end of the \(data.count)-byte file")
        }
        let headerStart = data.startIndex + 8
        let headerBytes = data[headerStart..<(headerStart + Int(n))]
        guard headerBytes.first == UInt8(ascii: "{") else { throw fail(.invalidHeaderStart, "header does not start with '{'") }
        guard let headerText = String(data: headerBytes, encoding: .utf8) else {
            throw fail(.invalidUTF8, "header is not valid UTF-8")
        }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: Data(headerText.utf8))
        } catch {
            throw fail(.invalidJSON, "header is not valid JSON (\(error.localizedDescription))")
        }
        guard let header = json as? [String: Any] else { throw fail(.invalidJSON, "header is not a JSON object") }
        let bufferStart = headerStart + Int(n)
        let bufferSize = data.count - 8 - Int(n)

        var metadata: [String: String] = [:]
        struct Entry { let name: String, dtype: String, shape: [Int], begin: Int, end: Int }
        var entries: [Entry] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let map = value as? [String: Any] else { throw fail(.metadata, "__metadata__ is not an object") }
                for (k, v) in map {
                    guard let s = v as? String else { throw fail(.metadata, "__metadata__ value for '\(k)' is not a string") }
                    metadata[k] = s
                }
                continue
            }
            guard let info = value as? [String: Any] else { throw fail(.invalidEntry, "entry '\(name)' is not an object") }
            guard let dtype = info["dtype"] as? String else { throw fail(.invalidEntry, "entry '\(name)' has no dtype") }
            guard let size = dtypeSizes[dtype] else { throw fail(.unsupportedDType, "tensor '\(name)' has unsupported dtype \(dtype)") }
            guard let shapeAny = info["shape"] as? [Any], let offsetsAny = info["data_offsets"] as? [Any], offsetsAny.count == 2 else {
                throw fail(.invalidEntry, "entry '\(name)' needs 'shape' and two 'data_offsets'")
            }
            let shape = try shapeAny.map { d -> Int in
                guard let v = d as? NSNumber, let i = Int(exactly: v.doubleValue), i >= 0, Double(i) == v.doubleValue else {
                    throw fail(.invalidEntry, "tensor '\(name)' has a shape entry that is not a non-negative integer")
                }
                return i
            }
            let offsets = try offsetsAny.map { d -> Int in
                guard let v = d as? NSNumber, v.doubleValue >= 0, v.doubleValue <= Double(Int.max / 2),
                    let i = Int(exactly: v.doubleValue)
                else {
                    throw fail(.invalidOffset, "tensor '\(name)' has an offset that is not a non-negative integer")
                }
                return i
            }
            var elements = 1
            for d in shape {
                let (p, overflow) = elements.multipliedReportingOverflow(by: d)
                guard !overflow, p <= Int.max / 8 else { throw fail(.shapeMismatch, "tensor '\(name)' shape \(shape) is too large") }
                elements = p
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin <= end, end <= bufferSize else {
                throw fail(.invalidOffset, "tensor '\(name)' offsets [\(begin), \(end)] lie outside the \(bufferSize)-byte data buffer")
            }
            guard end - begin == elements * size else {
                throw fail(.shapeMismatch, "tensor '\(name)' has \(end - begin) bytes but \(dtype) \(shape) needs \(elements * size)")
            }
            entries.append(Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end))
        }
        entries.sort { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        var cursor = 0
        for e in entries {
            guard e.begin == cursor else {
                throw fail(
                    .overlappingOrHole,
                    e.begin < cursor
                        ? "tensor '\(e.name)' overlaps the tensor before it (offset \(e.begin) < \(cursor))"
                        : "gap in the data buffer before tensor '\(e.name)' (offset \(e.begin), expected \(cursor))")
            }
            cursor = e.end
        }
        guard cursor == bufferSize else {
            throw fail(.overlappingOrHole, "data buffer has \(bufferSize - cursor) bytes not covered by any tensor")
        }
        var result = SafeTensors(tensors: [], metadata: metadata)
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let base = raw.baseAddress! + (bufferStart - data.startIndex)
            for e in entries {
                var t = Tensor(uninitializedShape: e.shape)
                convert(base + e.begin, dtype: e.dtype, count: t.count, into: t.mutablePointer)
                result.tensors.append((e.name, t))
                result.dtypes[e.name] = e.dtype
            }
        }
        return result
    }

    /// Little-endian `dtype` values to Float32 (unaligned reads are allowed); the dtype is decided
    /// once per tensor, and F32 on a little-endian host is one copy.
    private static func convert(_ src: UnsafeRawPointer, dtype: String, count: Int, into dst: UnsafeMutablePointer<Float>) {
        func each<T: FixedWidthInteger>(_: T.Type, _ value: (T) -> Float) {
            for i in 0..<count {
                dst[i] = value(T(littleEndian: src.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)))
            }
        }
        switch dtype {
        case "F32":
            #if _endian(little)
                UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: count * MemoryLayout<Float>.size)
            #else
                each(UInt32.self) { Float(bitPattern: $0) }
            #endif
        case "F64": each(UInt64.self) { Float(Double(bitPattern: $0)) }
        case "F16": each(UInt16.self) { Float(Float16(bitPattern: $0)) }
        case "BF16": each(UInt16.self) { Float(bitPattern: UInt32($0) << 16) }
        case "I64": each(Int64.self) { Float($0) }
        case "U64": each(UInt64.self) { Float($0) }
        case "I32": each(Int32.self) { Float($0) }
        case "U32": each(UInt32.self) { Float($0) }
        case "I16": each(Int16.self) { Float($0) }
        case "U16": each(UInt16.self) { Float($0) }
        case "I8": each(Int8.self) { Float($0) }
        case "U8", "BOOL": each(UInt8.self) { Float($0) }
        default: dst.update(repeating: .nan, count: count)
        }
    }

    /// Serialises as F32 the way the reference writer does: tensors sorted by name (one dtype, so
    /// one alignment), header padded with spaces to a multiple of 8, no holes in the buffer.
    public func encoded() -> Data {
        let sorted = tensors.sorted { $0.name < $1.name }
        var header = "{"
        var parts: [String] = []
        if !metadata.isEmpty {
            let items = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            parts.append("\"__metadata__\":{\(items.joined(separator: ","))}")
        }
        var offset = 0
        for (name, t) in sorted {
            let bytes = t.count * 4
            parts.append(
                "\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(offset + bytes)]}"
            )
            offset += bytes
        }
        header += parts.joined(separator: ",") + "}"
        while header.utf8.count % 8 != 0 { header += " " }
        var data = Data(capacity: 8 + header.utf8.count + offset)
        var n = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &n) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        for (_, t) in sorted {
            t.withUnsafeBufferPointer { buf in
                // Float32 is little-endian on every platform GenSuite builds for.
                data.append(
                    UnsafeBufferPointer(
                        start: UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: UInt8.self),
                        count: buf.count * 4))
            }
        }
        return data
    }

    /// Writes the file atomically.
    public func write(to url: URL) throws {
        try AtomicFile.write(encoded(), to: url)
    }
}

/// A JSON string literal for `s` (RFC 8259): `"`, `\\`, LF, CR and tab as short escapes, other
/// controls as `\u00xx`, everything else, non-ASCII included, as it is. For JSON written by hand
/// with a fixed key order: the safetensors header (the reference writer's order, `__metadata__`
/// first, then `dtype`, `shape`, `data_offsets`; existing files keep their bytes, where
/// JSONEncoder would write U+0008 and U+000C as `\b`, `\f`) and the tools' manifests.
/// Pinned by `JSONFilesTests.testSafeTensorsHeaderEscapesNamesByteForByte`.
public func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
        }
    }
    return out + "\""
}

extension SafeTensorsError: UserFacingError {
    public var exitCode: ExitCode { .dataError }
}

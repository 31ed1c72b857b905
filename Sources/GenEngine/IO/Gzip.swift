import CZlib
import Foundation

/// gzip / zlib decompression (corpora ship as `.gz`).
public enum Gzip {
    public struct Failure: Error, CustomStringConvertible {
        public let message: String
        public var description: String { "gzip: \(message)" }
    }

    /// Whether `data` starts with the gzip magic bytes.
    public static func isCompressed(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1F && data[data.startIndex + 1] == 0x8B
    }

    /// Inflates gzip or zlib data (concatenated gzip members too). Refuses output over `limit` bytes.
    public static func decompress(_ data: Data, limit: Int = 1 << 31) throws -> Data {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Failure(message: "cannot initialise zlib")
        }
        defer { inflateEnd(&stream) }
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let base = raw.bindMemory(to: UInt8.self).baseAddress else { return }
            stream.next_in = UnsafeMutablePointer(mutating: base)
            stream.avail_in = uInt(raw.count)
            while true {
                let status = chunk.withUnsafeMutableBufferPointer { buf -> Int32 in
                    stream.next_out = buf.baseAddress
                    stream.avail_out = uInt(buf.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                output.append(contentsOf: chunk[0..<produced])
                guard output.count <= limit else { throw Failure(message: "output exceeds \(limit) bytes") }
                if status == Z_STREAM_END {
                    // Another gzip member may follow.
                    if stream.avail_in == 0 { return }
                    guard inflateReset(&stream) == Z_OK else { throw Failure(message: "cannot continue after member") }
                    continue
                }
                if status == Z_BUF_ERROR && stream.avail_in == 0 {
                    throw Failure(message: "truncated data (unexpected end of stream)")
                }
                guard status == Z_OK else {
                    let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw Failure(message: "corrupt data (\(reason))")
                }
            }
        }
        return output
    }

    /// Reads a file, decompressing it when it is gzip; a gzip failure names the file.
    public static func readMaybeCompressed(_ url: URL) throws -> Data {
        let data = try AtomicFile.read(url)
        guard isCompressed(data) else { return data }
        do {
            return try decompress(data)
        } catch let failure as Failure {
            throw Failure(
                message: "\(SystemPath.escaped(url.relativePath)): \(failure.message); the file is damaged (download or copy it again)")
        }
    }
}

extension Gzip.Failure: UserFacingError {
    public var exitCode: ExitCode { .dataError }
}

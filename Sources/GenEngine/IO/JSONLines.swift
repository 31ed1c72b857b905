import Foundation

/// A JSON-lines line that does not parse or does not fit the type asked for, e.g.
/// `corpus.jsonl: line 12: not valid JSON (…); fix or remove the line`. Exit code 65 (data error).
public struct JSONLinesError: UserFacingError {
    /// The file's path, or the name given to in-memory data.
    public let source: String
    /// 1-based line number, counting blank lines too.
    public let line: Int
    public let message: String
    public var description: String { "\(source): line \(line): \(message)" }
    public var exitCode: ExitCode { .dataError }
}

/// JSON Lines (jsonlines.org): one JSON value per line, UTF-8, lines ending in LF (a CR before it
/// is ignored). Blank lines are skipped; a bad line stops the read with its line number.
public enum JSONLines {
    /// The non-blank lines of `data`, each decoded as `T` by `decoder`. `source` names the data in
    /// errors. Throws `JSONLinesError` for a line that is not JSON or does not fit `T`.
    public static func decode<T: Decodable>(
        _ type: T.Type, from data: Data, source: String = "JSON lines",
        decoder: JSONDecoder = JSONDecoder()
    ) throws -> [T] {
        var values: [T] = []
        try forEachLine(of: data) { number, line in
            do {
                values.append(try decoder.decode(T.self, from: line))
            } catch let error as DecodingError {
                throw JSONLinesError(source: source, line: number, message: "\(error.summary); fix or remove the line")
            }
        }
        return values
    }

    /// The non-blank lines of `data` as JSON objects (`JSONSerialization` values: String, NSNumber,
    /// Bool, NSNull, arrays, dictionaries). Throws `JSONLinesError` for a line that is not a JSON object.
    public static func objects(from data: Data, source: String = "JSON lines") throws -> [[String: Any]] {
        var objects: [[String: Any]] = []
        try forEachLine(of: data) { number, line in
            let value: Any
            do {
                value = try JSONSerialization.jsonObject(with: line)
            } catch {
                throw JSONLinesError(
                    source: source, line: number, message: "not valid JSON (\(error.localizedDescription)); fix or remove the line")
            }
            guard let object = value as? [String: Any] else {
                throw JSONLinesError(source: source, line: number, message: "is JSON but not an object ({…}); fix or remove the line")
            }
            objects.append(object)
        }
        return objects
    }

    /// `decode` of the file at `url`, gzip-compressed or not. Also throws `IOFailure` and `Gzip.Failure`.
    public static func read<T: Decodable>(_ type: T.Type, contentsOf url: URL, decoder: JSONDecoder = JSONDecoder()) throws -> [T] {
        try decode(type, from: Gzip.readMaybeCompressed(url), source: url.path, decoder: decoder)
    }

    /// `objects` of the file at `url`, gzip-compressed or not. Also throws `IOFailure` and `Gzip.Failure`.
    public static func readObjects(contentsOf url: URL) throws -> [[String: Any]] {
        try objects(from: Gzip.readMaybeCompressed(url), source: url.path)
    }

    /// `value` as one line: compact JSON, keys sorted, slashes not escaped, then LF. Throws
    /// `EncodingError` for a NaN or infinite number.
    public static func line<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value) + Data("\n".utf8)
    }

    /// Calls `body` with the 1-based number and bytes (without CR/LF) of each line that holds more
    /// than white space.
    static func forEachLine(of data: Data, _ body: (Int, Data) throws -> Void) rethrows {
        let bytes = [UInt8](data)
        var start = 0
        var number = 0
        while start < bytes.count {
            number += 1
            let end = bytes[start...].firstIndex(of: 10) ?? bytes.count
            if bytes[start..<end].contains(where: { $0 != 32 && $0 != 9 && $0 != 13 }) {
                try body(number, Data(bytes[start..<(end > start && bytes[end - 1] == 13 ? end - 1 : end)]))
            }
            start = end + 1
        }
    }
}

/// Appends values to a JSON-lines file, one `JSONLines.line` each, as they come (a log that a
/// crash leaves whole up to its last line).
public final class JSONLinesWriter {
    public let url: URL
    private let handle: FileHandle

    /// Opens `url` to append to it, creating it when missing; `append: false` empties it first.
    /// Throws `IOFailure` when it cannot be created or opened.
    public init(url: URL, append: Bool = true) throws {
        self.url = url
        if !append || !FileManager.default.fileExists(atPath: url.path) {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw IOFailure.cannotCreate(url.path, reason: "cannot create the file")
            }
        }
        do {
            handle = try FileHandle(forWritingTo: url)
            try handle.seekToEnd()
        } catch {
            throw IOFailure.cannotCreate(url.path, reason: error.localizedDescription)
        }
    }

    deinit { try? handle.close() }

    /// Writes `value` as one line. Throws `EncodingError` (NaN, infinity) or `IOFailure`.
    public func write<T: Encodable>(_ value: T) throws {
        let line = try JSONLines.line(value)
        do { try handle.write(contentsOf: line) } catch { throw IOFailure.cannotCreate(url.path, reason: error.localizedDescription) }
    }
}

extension DecodingError {
    /// What is wrong and at which key path, in a sentence (`missing key 'a.b'`, `wrong value at 'c': …`).
    var summary: String {
        func path(_ keys: [CodingKey]) -> String { keys.map(\.stringValue).joined(separator: ".") }
        switch self {
        case .keyNotFound(let key, let context): return "missing key '\(path(context.codingPath + [key]))'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "wrong value at '\(path(context.codingPath))': \(context.debugDescription)"
        case .dataCorrupted(let context):
            let detail = context.underlyingError.map { " \($0.localizedDescription)" } ?? ""
            return "not valid JSON (\(context.debugDescription)\(detail))"
        @unknown default: return "\(self)"
        }
    }
}

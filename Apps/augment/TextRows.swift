// augment text's input and output rows: CSV (RFC 4180, through the engine's CSVReader) and JSON
// lines, read a row at a time and written back with only the text and the provenance changed.
import Foundation
import GenEngine

/// The file formats augment text reads and writes (the output's is the input's).
enum TextFormat: String, CaseIterable {
    case csv, jsonl

    /// The format a file name says: `.csv` CSV, `.jsonl` or `.ndjson` JSON lines; nil otherwise.
    init?(path: String) {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "csv": self = .csv
        case "jsonl", "ndjson": self = .jsonl
        default: return nil
        }
    }
}

/// One input row: the text the operations work on and what writing it back needs.
struct TextRow {
    /// The value of the text column or key.
    var text: String
    /// The value of the label column or key (`--label-field`), as text; nil when none is asked.
    var label: String?
    /// CSV: every field of the row.
    var fields: [String] = []
    /// JSON lines: the object's line up to the text's value, the value as written, and the rest
    /// up to (not including) the closing brace.
    var json: (head: String, value: String, tail: String) = ("", "", "")
}

/// Reads a CSV or JSON-lines file a row at a time (memory: a 64 KiB chunk and a row), checking
/// each row: the text column or key must exist (the error names the ones there are), a CSV row
/// must be as long as the header, a JSON line must be an object holding the text as a string.
/// Errors: `IOFailure.missing` (exit 66) for a missing file, `CSVError` / `CLIError.badData`
/// (exit 65, with the file and line) for bad rows, `CLIError.usage` when the provenance column
/// already exists.
final class TextRowReader {
    let path: String
    let format: TextFormat
    let field: String
    let labelField: String?
    /// The CSV header (nil for JSON lines).
    private(set) var header: [String]?
    /// 1-based line where the row last returned starts.
    private(set) var line = 0
    private var csv: CSVReader?
    private var lines: LineReader?
    private var textColumn = 0
    private var labelColumn: Int?

    init(path: String, format: TextFormat, field: String, labelField: String?, provenanceField: String) throws {
        (self.path, self.format, self.field, self.labelField) = (path, format, field, labelField)
        let url = URL(fileURLWithPath: path)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw IOFailure.missing(path) }
        if isFolder.boolValue { throw CLIError.usage("\(path) is a folder; augment text reads one CSV or JSON-lines file") }
        switch format {
        case .csv:
            let reader = try CSVReader(contentsOf: url)
            let header = reader.header ?? []
            let columns = header.isEmpty ? "none: the file is empty" : header.map { "'\($0)'" }.joined(separator: ", ")
            guard let column = header.firstIndex(of: field) else {
                throw CLIError.badData(
                    "\(path): no column '\(field)' in the header (columns: \(columns)); name the text column with --field")
            }
            if let labelField {
                guard let l = header.firstIndex(of: labelField) else {
                    throw CLIError.badData("\(path): no column '\(labelField)' in the header (columns: \(columns)); fix --label-field")
                }
                labelColumn = l
            }
            if header.contains(provenanceField) {
                throw CLIError.usage(
                    "\(path) already has a column '\(provenanceField)'; name the provenance column another way with --provenance-field")
            }
            (csv, self.header, textColumn) = (reader, header, column)
        case .jsonl:
            lines = try LineReader(url)
        }
        self.provenanceField = provenanceField
    }

    private let provenanceField: String

    /// The next row, or nil at the end of the file.
    func next() throws -> TextRow? {
        if let csv {
            guard let fields = try csv.next() else { return nil }
            line = csv.line
            return TextRow(text: fields[textColumn], label: labelColumn.map { fields[$0] }, fields: fields)
        }
        while let (number, bytes) = try lines!.next() {
            line = number
            guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) else { continue }
            return try jsonRow(bytes)
        }
        return nil
    }

    /// A JSON line as a row, or `CLIError.badData` saying what is wrong at `path: line N`.
    private func jsonRow(_ bytes: [UInt8]) throws -> TextRow {
        let place = "\(path): line \(line)"
        let value: Any
        do { value = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) } catch {
            throw CLIError.badData("\(place): not valid JSON; fix or remove the line")
        }
        guard let object = value as? [String: Any] else {
            throw CLIError.badData("\(place): is JSON but not an object ({…}); each line must be one object")
        }
        let keys = object.keys.sorted().map { "'\($0)'" }.joined(separator: ", ")
        guard let textValue = object[field] else {
            throw CLIError.badData("\(place): no key '\(field)' (keys: \(keys.isEmpty ? "none" : keys)); name the text key with --field")
        }
        guard let text = textValue as? String else {
            throw CLIError.badData("\(place): the value of '\(field)' is not a string; augment text needs text there")
        }
        var label: String?
        if let labelField {
            guard let l = object[labelField] else {
                throw CLIError.badData("\(place): no key '\(labelField)' (keys: \(keys)); fix --label-field")
            }
            label = (l as? String) ?? "\(l)"
        }
        if object[provenanceField] != nil {
            throw CLIError.usage(
                "\(place) already has a key '\(provenanceField)'; name the provenance key another way with --provenance-field")
        }
        guard let span = JSONObjectScanner.valueSpan(of: field, in: bytes) else {
            throw CLIError.badData("\(place): cannot find the value of '\(field)' in the object; write the line as plain JSON")
        }
        let head = String(decoding: bytes[..<span.value.lowerBound], as: UTF8.self)
        let written = String(decoding: bytes[span.value], as: UTF8.self)
        let tail = String(decoding: bytes[span.value.upperBound..<span.close], as: UTF8.self)
        return TextRow(text: text, label: label, json: (head, written, String(tail.reversed().drop(while: \.isWhitespace).reversed())))
    }
}

/// Writes rows back in the input's format: CSV with the input's header and one more column, or
/// JSON lines with one more key; every other field exactly as read.
struct TextRowWriter {
    let format: TextFormat
    let textColumn: Int
    let provenanceField: String

    /// The CSV header line (the input's columns, then the provenance column); "" for JSON lines.
    func headerLine(_ header: [String]?) -> String {
        guard format == .csv, let header else { return "" }
        return CSV.line(header + [provenanceField])
    }

    /// One output line for `row` with its text set to `text` (nil: the row as read) and the
    /// provenance `provenance` ("" for an original row).
    func line(_ row: TextRow, text: String?, provenance: String) -> String {
        switch format {
        case .csv:
            var fields = row.fields
            if let text { fields[textColumn] = text }
            return CSV.line(fields + [provenance])
        case .jsonl:
            let value = text.map(JSONObjectScanner.quote) ?? row.json.value
            return row.json.head + value + row.json.tail + "," + jsonString(provenanceField) + ":"
                + JSONObjectScanner.quote(provenance) + "}\n"
        }
    }
}

/// Finds a key's value in the text of a JSON object without re-encoding the object, so that a
/// row is written back byte for byte but for what changes. Expects a line that
/// `JSONSerialization` has already accepted as an object.
enum JSONObjectScanner {
    /// The byte range of the value of the top-level key `key` (the last one when repeated, as
    /// JSONSerialization reads it) and the offset of the object's closing brace; nil when absent.
    static func valueSpan(of key: String, in bytes: [UInt8]) -> (value: Range<Int>, close: Int)? {
        var i = skipSpace(bytes, 0)
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        var found: Range<Int>?
        while true {
            i = skipSpace(bytes, i)
            guard i < bytes.count else { return nil }
            if bytes[i] == UInt8(ascii: "}") { return found.map { ($0, i) } }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            let keyStart = i
            i = skipString(bytes, i)
            let name = decodeString(bytes[keyStart..<i])
            i = skipSpace(bytes, i)
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
            i = skipSpace(bytes, i + 1)
            let valueStart = i
            i = skipValue(bytes, i)
            if name == key { found = valueStart..<i }
        }
    }

    private static func skipSpace(_ b: [UInt8], _ start: Int) -> Int {
        var i = start
        while i < b.count && (b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D) { i += 1 }
        return i
    }

    /// The offset just past the string that starts at `start` (its opening quote).
    private static func skipString(_ b: [UInt8], _ start: Int) -> Int {
        var i = start + 1
        while i < b.count && b[i] != UInt8(ascii: "\"") { i += b[i] == UInt8(ascii: "\\") ? 2 : 1 }
        return min(i + 1, b.count)
    }

    /// The offset just past the value that starts at `start`.
    private static func skipValue(_ b: [UInt8], _ start: Int) -> Int {
        guard start < b.count else { return start }
        switch b[start] {
        case UInt8(ascii: "\""): return skipString(b, start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var i = start
            while i < b.count {
                switch b[i] {
                case UInt8(ascii: "\""):
                    i = skipString(b, i)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default: break
                }
                i += 1
            }
            return i
        default:
            var i = start
            while i < b.count && ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D].contains(b[i]) {
                i += 1
            }
            return i
        }
    }

    /// A JSON string token's value (escapes decoded by JSONSerialization when there are any).
    private static func decodeString(_ token: ArraySlice<UInt8>) -> String {
        guard token.count >= 2 else { return "" }
        if !token.contains(UInt8(ascii: "\\")) { return String(decoding: token.dropFirst().dropLast(), as: UTF8.self) }
        return (try? JSONSerialization.jsonObject(with: Data(token), options: [.fragmentsAllowed])) as? String ?? ""
    }

    /// `text` as a JSON string token, quotes included.
    static func quote(_ text: String) -> String { jsonString(text) }
}

/// Reads a file's lines in 64 KiB chunks: each line's 1-based number and bytes without its LF
/// (and the CR before it).
final class LineReader {
    private let handle: FileHandle
    private let path: String
    private var buffer: [UInt8] = []
    private var position = 0
    private var number = 0
    private var atEnd = false

    /// Opens `url`. Throws `IOFailure.missing` or `IOFailure.unreadable`.
    init(_ url: URL) throws {
        path = url.path
        guard FileManager.default.fileExists(atPath: url.path) else { throw IOFailure.missing(url.path) }
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw IOFailure.unreadable(url.path, reason: error.localizedDescription)
        }
    }

    deinit { try? handle.close() }

    /// The next line, or nil at the end of the file. Throws `IOFailure.unreadable`.
    func next() throws -> (Int, [UInt8])? {
        while true {
            if let lf = buffer[position...].firstIndex(of: 0x0A) {
                var end = lf
                if end > position && buffer[end - 1] == 0x0D { end -= 1 }
                let line = Array(buffer[position..<end])
                position = lf + 1
                number += 1
                return (number, line)
            }
            if atEnd {
                guard position < buffer.count else { return nil }
                var line = Array(buffer[position...])
                if line.last == 0x0D { line.removeLast() }
                position = buffer.count
                number += 1
                return (number, line)
            }
            let chunk: Data?
            do { chunk = try handle.read(upToCount: 1 << 16) } catch {
                throw IOFailure.unreadable(path, reason: error.localizedDescription)
            }
            buffer.removeFirst(position)
            position = 0
            if let chunk, !chunk.isEmpty { buffer += chunk } else { atEnd = true }
        }
    }
}

import Foundation

/// A CSV input that breaks RFC 4180, with what is wrong, where (the line, and for bad UTF-8 the
/// byte offset) and what to do, e.g. `data.csv: line 7: row 6 has 4 fields, the header has 3; …`.
/// Exit code 65 (data error).
public struct CSVError: UserFacingError {
    public enum Kind: Sendable {
        /// A row with another number of fields than the header (or the first row).
        case raggedRow
        /// A quoted field still open at the end of the input; `line` is where it started.
        case unterminatedQuote
        /// Something other than a delimiter or a line end right after a quoted field's closing quote.
        case textAfterQuote
        /// Bytes that are not UTF-8; `byteOffset` is the first bad one.
        case invalidUTF8
    }
    public let kind: Kind
    /// The file's path, or the name given to in-memory data.
    public let source: String
    /// 1-based line of the problem.
    public let line: Int
    /// Offset of the bad byte from the start of the input (`invalidUTF8` only).
    public let byteOffset: Int?
    public let message: String
    public var description: String { "\(source): line \(line): \(message)" }
    public var exitCode: ExitCode { .dataError }
}

/// A whole CSV file: the header's column names and the rows, every row as long as the header.
public struct CSVTable: Equatable {
    /// Column names (empty when the file was read without a header).
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    /// The values of the first column named `name`, top to bottom; nil when there is none.
    public func column(_ name: String) -> [String]? {
        header.firstIndex(of: name).map { i in rows.map { $0[i] } }
    }
}

/// Reads CSV (RFC 4180) a record at a time, from a file in 64 KiB chunks (memory stays at a chunk
/// and a record, whatever the file's size) or from data in memory.
/// - Fields are separated by the delimiter (`,` by default); records end with CRLF, LF or a lone CR.
/// - A field that starts with `"` is quoted: it may hold delimiters, line breaks and `""` (one
///   quote) and must end with `"` followed by a delimiter or line end. A `"` inside an unquoted
///   field is kept as it is (as Python's `csv` does).
/// - A UTF-8 byte order mark at the start is skipped; the input must be UTF-8.
/// - Empty lines are skipped (a row of one empty field is written `""`, see `CSV.line`).
/// - With a header, every row must have as many fields as the header; without, as the first row.
/// Errors: `CSVError` (see its kinds), and `IOFailure` when the file is missing or unreadable.
public final class CSVReader {
    /// The file's path, or the name given to the data, for messages.
    public let source: String
    /// The header row's fields (nil when reading without a header; empty for an empty file).
    public private(set) var header: [String]?
    /// 1-based line on which the record last returned by `next()` (or the header) started.
    public private(set) var line = 0

    static let chunkSize = 1 << 16
    private static let quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
    private let delimiter: UInt8
    private let refill: () throws -> Data?
    private let handle: FileHandle?
    private var buffer: [UInt8] = [], position = 0
    /// Input offset of `buffer[0]`.
    private var bufferOffset = 0
    private var currentLine = 1
    private var validator = UTF8Validator()
    private var expectedFields: Int?
    private var rowsRead = 0

    /// Opens `url` and reads the header row when `hasHeader`. `delimiter`: one ASCII character
    /// other than `"`, CR and LF (`,`, `;`, tab, `|`, …).
    public convenience init(contentsOf url: URL, delimiter: Character = ",", hasHeader: Bool = true) throws {
        guard FileManager.default.fileExists(atPath: url.path) else { throw IOFailure.missing(url.path) }
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw IOFailure.unreadable(url.path, reason: error.localizedDescription)
        }
        try self.init(source: url.path, delimiter: delimiter, hasHeader: hasHeader, handle: handle) {
            do { return try handle.read(upToCount: CSVReader.chunkSize) } catch {
                throw IOFailure.unreadable(url.path, reason: error.localizedDescription)
            }
        }
    }

    /// Reads `data`; `source` names it in error messages.
    public convenience init(data: Data, source: String = "CSV data", delimiter: Character = ",", hasHeader: Bool = true) throws {
        var pending: Data? = data
        try self.init(source: source, delimiter: delimiter, hasHeader: hasHeader, handle: nil) {
            defer { pending = nil }
            return pending
        }
    }

    private init(source: String, delimiter: Character, hasHeader: Bool, handle: FileHandle?, refill: @escaping () throws -> Data?) throws {
        self.source = source
        self.delimiter = CSV.delimiterByte(delimiter)
        self.handle = handle
        self.refill = refill
        if try peekByte() == 0xEF && buffer.count >= position + 3 && buffer[position + 1] == 0xBB && buffer[position + 2] == 0xBF {
            position += 3
        }
        if hasHeader {
            header = try nonBlankRecord() ?? []
            if header?.isEmpty == false { expectedFields = header!.count }
        }
    }

    deinit { try? handle?.close() }

    /// The next row's fields, or nil at the end of the input. Throws `CSVError` for a malformed
    /// row (the rows before it were fine), `IOFailure` when the file cannot be read.
    public func next() throws -> [String]? {
        guard let fields = try nonBlankRecord() else { return nil }
        if let expected = expectedFields, fields.count != expected {
            throw CSVError(
                kind: .raggedRow, source: source, line: line, byteOffset: nil,
                message: "row \(rowsRead + 1) has \(fields.count) field\(fields.count == 1 ? "" : "s"), "
                    + "\(header == nil ? "the first row" : "the header") has \(expected); "
                    + "quote fields that contain the delimiter or a line break, or fix the row")
        }
        expectedFields = fields.count
        rowsRead += 1
        return fields
    }

    /// Every remaining row.
    public func readAll() throws -> [[String]] {
        var rows: [[String]] = []
        while let row = try next() { rows.append(row) }
        return rows
    }

    private func nonBlankRecord() throws -> [String]? {
        while let fields = try record() {
            if !fields.isEmpty { return fields }
        }
        return nil
    }

    /// One record's fields ([] for an empty line), or nil at the end of the input.
    private func record() throws -> [String]? {
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var inQuotes = false
        var closed = false
        let start = currentLine
        var quoteLine = currentLine
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            (quoted, closed) = (false, false)
        }
        while let byte = try readByte() {
            if inQuotes {
                if byte == Self.quote {
                    (inQuotes, closed) = (false, true)
                } else {
                    if byte == Self.lf {
                        currentLine += 1
                    } else if byte == Self.cr, try peekByte() != Self.lf {
                        currentLine += 1
                    }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case Self.quote where closed:
                // `""` inside a quoted field: one quote, and the field goes on.
                field.append(byte)
                (inQuotes, closed) = (true, false)
            case Self.quote where field.isEmpty && !quoted:
                (quoted, inQuotes, quoteLine) = (true, true, currentLine)
            case delimiter:
                endField()
            case Self.lf, Self.cr:
                if byte == Self.cr, try peekByte() == Self.lf { _ = try readByte() }
                currentLine += 1
                if fields.isEmpty && field.isEmpty && !quoted { return [] }
                endField()
                line = start
                return fields
            default:
                if closed {
                    throw CSVError(
                        kind: .textAfterQuote, source: source, line: currentLine, byteOffset: nil,
                        message: "text after the closing quote of a quoted field; write a quote inside a quoted field as \"\"")
                }
                field.append(byte)
            }
        }
        if inQuotes {
            throw CSVError(
                kind: .unterminatedQuote, source: source, line: quoteLine, byteOffset: nil,
                message:
                    "the quoted field that starts on this line has no closing quote; close it with \", and write quotes inside it as \"\"")
        }
        if fields.isEmpty && field.isEmpty && !quoted { return nil }
        endField()
        line = start
        return fields
    }

    /// The next byte, checked as UTF-8; nil at the end of the input.
    private func readByte() throws -> UInt8? {
        guard let byte = try peekByte() else {
            if let bad = validator.checkEnd() { throw invalidUTF8(at: bad) }
            return nil
        }
        let offset = bufferOffset + position
        position += 1
        if let bad = validator.check(byte, at: offset) { throw invalidUTF8(at: bad) }
        return byte
    }

    /// The next byte without consuming it, reading the next chunk when needed.
    private func peekByte() throws -> UInt8? {
        while position == buffer.count {
            guard let chunk = try refill(), !chunk.isEmpty else { return nil }
            bufferOffset += buffer.count
            buffer = [UInt8](chunk)
            position = 0
        }
        return buffer[position]
    }

    private func invalidUTF8(at offset: Int) -> CSVError {
        CSVError(
            kind: .invalidUTF8, source: source, line: currentLine, byteOffset: offset,
            message: "byte offset \(offset) is not UTF-8; save the file as UTF-8")
    }
}

/// CSV files (RFC 4180) whole: reading through `CSVReader`, and writing.
public enum CSV {
    /// Reads the file at `url` (see `CSVReader` for the format and errors).
    public static func read(contentsOf url: URL, delimiter: Character = ",", hasHeader: Bool = true) throws -> CSVTable {
        let reader = try CSVReader(contentsOf: url, delimiter: delimiter, hasHeader: hasHeader)
        return CSVTable(header: reader.header ?? [], rows: try reader.readAll())
    }

    /// Reads `data`; `source` names it in error messages.
    public static func decode(_ data: Data, source: String = "CSV data", delimiter: Character = ",", hasHeader: Bool = true) throws
        -> CSVTable
    {
        let reader = try CSVReader(data: data, source: source, delimiter: delimiter, hasHeader: hasHeader)
        return CSVTable(header: reader.header ?? [], rows: try reader.readAll())
    }

    /// One record as a line ending in LF. A field is quoted only when it holds the delimiter, a
    /// quote, CR or LF (quotes inside doubled); a record of one empty field is written `""` so that
    /// it is not read back as an empty line (as Python's `csv.writer`).
    public static func line(_ fields: [String], delimiter: Character = ",") -> String {
        let d = delimiterByte(delimiter)
        let quote = UInt8(ascii: "\"")
        var out: [UInt8] = []
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(d) }
            let bytes = Array(field.utf8)
            let needsQuotes = bytes.contains { $0 == d || $0 == quote || $0 == 13 || $0 == 10 } || (fields.count == 1 && bytes.isEmpty)
            guard needsQuotes else {
                out += bytes
                continue
            }
            out.append(quote)
            for b in bytes {
                if b == quote { out.append(quote) }
                out.append(b)
            }
            out.append(quote)
        }
        out.append(10)
        return String(decoding: out, as: UTF8.self)
    }

    /// The header (when given) and rows as CSV text, one `line` each, UTF-8 without a byte order mark.
    public static func encode(header: [String]?, rows: [[String]], delimiter: Character = ",") -> Data {
        var text = header.map { line($0, delimiter: delimiter) } ?? ""
        for row in rows {
            precondition(
                header == nil || row.count == header!.count, "CSV.encode: a row of \(row.count) fields under \(header!.count) columns")
            text += line(row, delimiter: delimiter)
        }
        return Data(text.utf8)
    }

    /// Writes `encode(header:rows:delimiter:)` to `url` atomically. Throws `IOFailure`.
    public static func write(header: [String]?, rows: [[String]], to url: URL, delimiter: Character = ",") throws {
        try AtomicFile.write(encode(header: header, rows: rows, delimiter: delimiter), to: url)
    }

    static func delimiterByte(_ delimiter: Character) -> UInt8 {
        guard let d = delimiter.asciiValue, ![UInt8(ascii: "\""), 13, 10].contains(d) else {
            preconditionFailure("CSV delimiter must be one ASCII character other than a quote, CR or LF, got \(delimiter.debugDescription)")
        }
        return d
    }
}

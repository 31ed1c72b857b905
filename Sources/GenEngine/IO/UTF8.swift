import Foundation

/// Strict UTF-8 (RFC 3629, Unicode §3.9 table 3-7): no overlong forms, no surrogates, nothing
/// above U+10FFFF.
public enum UTF8Text {
    /// The bytes as a `String`, or `TokenizerError.invalidUTF8` whose `byteOffset` is where the
    /// first ill-formed sequence starts (the offset Python's `UnicodeDecodeError.start` gives).
    public static func decode(_ bytes: [UInt8]) throws -> String {
        if let (offset, reason) = firstError(bytes) {
            throw TokenizerError(
                .invalidUTF8,
                "input is not valid UTF-8 at byte offset \(offset) (\(reason)); "
                    + "convert the text to UTF-8 (e.g. iconv -t UTF-8) first", byteOffset: offset)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `text` as Python reads a text file in text mode with `encoding="utf-8-sig"`: a leading
    /// byte-order mark (U+FEFF, which Windows editors write) dropped, and universal newlines: each
    /// CR LF and each lone CR made one LF. (A Swift `String` holds CR LF as one `Character`, so
    /// splitting at `"\n"` would not split Windows lines at all.)
    public static func normalisingNewlines(_ text: String) -> String {
        var scalars = text.unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        guard scalars.contains("\r") else { return String(scalars) }
        var out = String.UnicodeScalarView()
        out.reserveCapacity(scalars.count)
        var afterCR = false
        for scalar in scalars {
            if scalar == "\r" {
                out.append("\n")
            } else if !(scalar == "\n" && afterCR) {
                out.append(scalar)
            }
            afterCR = scalar == "\r"
        }
        return String(out)
    }

    /// Bytes a sequence starting with `lead` takes, or nil when `lead` cannot start one.
    static func sequenceLength(_ lead: UInt8) -> Int? {
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF4: return 4
        default: return nil
        }
    }

    /// Allowed range of the byte after `lead` (the table narrows it to exclude overlongs,
    /// surrogates and code points above U+10FFFF).
    static func secondByteRange(_ lead: UInt8) -> ClosedRange<UInt8> {
        switch lead {
        case 0xE0: return 0xA0...0xBF
        case 0xED: return 0x80...0x9F
        case 0xF0: return 0x90...0xBF
        case 0xF4: return 0x80...0x8F
        default: return 0x80...0xBF
        }
    }

    /// Offset and description of the first ill-formed sequence, or nil for valid UTF-8.
    static func firstError(_ bytes: [UInt8]) -> (Int, String)? {
        var i = 0
        let hex = { (b: UInt8) in String(format: "0x%02X", b) }
        while i < bytes.count {
            let lead = bytes[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            guard let n = sequenceLength(lead) else {
                return (i, "byte \(hex(lead)) cannot start a character")
            }
            for k in 1..<n {
                guard i + k < bytes.count else {
                    return (i, "the \(n)-byte sequence starting with \(hex(lead)) is cut off by the end of the input")
                }
                let range: ClosedRange<UInt8> = k == 1 ? secondByteRange(lead) : 0x80...0xBF
                guard range.contains(bytes[i + k]) else {
                    return (i, "byte \(hex(bytes[i + k])) at offset \(i + k) cannot follow \(hex(lead)) in a character")
                }
            }
            i += n
        }
        return nil
    }

    /// Length of the longest prefix of `bytes` that does not end inside a character that later
    /// bytes could still complete. A tail that can never become valid is not held back.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        var start = bytes.count - 1
        while start >= 0 && bytes.count - start < 4 && bytes[start] & 0xC0 == 0x80 { start -= 1 }
        guard start >= 0, let n = sequenceLength(bytes[start]), n > bytes.count - start else { return bytes.count }
        for k in 1..<(bytes.count - start) {
            let range: ClosedRange<UInt8> = k == 1 ? secondByteRange(bytes[start]) : 0x80...0xBF
            if !range.contains(bytes[start + k]) { return bytes.count }
        }
        return start
    }
}

/// Checks a byte stream for well-formed UTF-8 one byte at a time (by `UTF8Text`'s table), so that
/// a reader working in chunks can report the exact byte offset of the first bad sequence.
struct UTF8Validator {
    /// Continuation bytes still owed by the sequence under way.
    private var owed = 0
    /// Allowed range of the next continuation byte (narrower after E0, ED, F0, F4).
    private var next: ClosedRange<UInt8> = 0x80...0xBF
    /// Offset of the lead byte of the sequence under way.
    private var sequenceStart = 0

    /// Feeds the byte at `offset`. Returns nil while the stream is UTF-8, else the offset of the
    /// bad sequence: the lead byte of one cut short, or a byte that cannot start one.
    mutating func check(_ byte: UInt8, at offset: Int) -> Int? {
        if owed > 0 {
            guard next.contains(byte) else { return sequenceStart }
            owed -= 1
            next = 0x80...0xBF
            return nil
        }
        sequenceStart = offset
        guard let n = UTF8Text.sequenceLength(byte) else { return offset }
        owed = n - 1
        next = UTF8Text.secondByteRange(byte)
        return nil
    }

    /// At the end of the stream: nil, or the offset of a sequence left unfinished.
    func checkEnd() -> Int? { owed > 0 ? sequenceStart : nil }
}

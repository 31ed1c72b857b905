import Foundation

/// The JSON files the tools write for people and scripts (`--json`, `--stats`): one format
/// everywhere, through Foundation's `JSONEncoder` so that strings are always escaped correctly.
/// Pretty-printed with two-space indents and `"key" : value`, keys sorted (the same value gives
/// the same bytes), slashes not escaped (paths stay readable), a trailing newline. Numbers are
/// written shortest-round-trip (`0.1`, and `1` for 1.0).
public enum JSONOutput {
    /// `value` as UTF-8 JSON text. Throws `EncodingError` for a NaN or infinite number, which JSON
    /// cannot represent.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value) + Data("\n".utf8)
    }

    /// Writes `encode(value)` to `url` atomically (`-`: standard output). Throws as `encode`, and
    /// `IOFailure` when the file cannot be written.
    public static func write<T: Encodable>(_ value: T, to url: URL) throws {
        try AtomicFile.write(encode(value), to: url)
    }
}

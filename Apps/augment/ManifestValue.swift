// The values of manifest records, written with a fixed key order so runs compare byte for byte.
import Foundation
import GenEngine

/// A JSON value whose objects keep their keys in the order given, so the same record always
/// has the same bytes (Foundation's encoder orders keys by hash or sorts them).
enum ManifestValue: Equatable {
    case string(String)
    case number(Double)
    case int(Int)
    case bool(Bool)
    case null
    case array([ManifestValue])
    case object([Field])

    /// One key and its value.
    struct Field: Equatable {
        var key: String, value: ManifestValue
        init(_ key: String, _ value: ManifestValue) { (self.key, self.value) = (key, value) }
    }

    /// `v` rounded to 6 decimals: the precision a manifest records, and applies (ops round their
    /// sampled parameters first, so the record replays exactly).
    static func rounded(_ v: Double) -> Double { (v * 1e6).rounded() / 1e6 }

    /// The value as compact JSON on one line.
    var json: String {
        switch self {
        case .string(let s): return jsonString(s)
        case .number(let v):
            if v == v.rounded() && abs(v) < 1e15 { return String(Int(v)) }
            return String(v)
        case .int(let v): return String(v)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let items): return "[" + items.map(\.json).joined(separator: ",") + "]"
        case .object(let fields): return "{" + fields.map { jsonString($0.key) + ":" + $0.value.json }.joined(separator: ",") + "}"
        }
    }
}

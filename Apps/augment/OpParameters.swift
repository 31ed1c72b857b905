// An op's parameters as a spec wrote them, read with their allowed ranges.
import GenEngine

/// The `key=value` parameters of one op in a pipeline spec, read one by one with the allowed
/// range of each; `finish()` rejects any the op does not take. Values are text: a number
/// (`15`), a range (`0.8-1.0`, `-10..10`, or JSON's `[0.8, 1.0]` written as `0.8..1.0`), a size
/// (`28`, `32x24`) or a name (`reflect`). Errors are `CLIError.usage` naming the op, the
/// parameter, the value and what is allowed.
struct OpParameters {
    let op: String
    private var values: [String: String]
    private var read: [String] = []

    init(op: String, values: [String: String]) {
        self.op = op
        self.values = values
    }

    private func fail(_ key: String, _ text: String, _ allowed: String) -> CLIError {
        // A value with no digits at all is not a number, rather than a number out of range.
        let what = text.contains(where: \.isNumber) || allowed.hasPrefix("one of") ? "is out of range" : "is not a number"
        return CLIError.usage("\(op): \(key)=\(text) \(what); \(key) takes \(allowed)")
    }

    private static func number(_ text: String) -> Double? {
        Double(text.trimmingCharacters(in: .whitespaces)).flatMap { $0.isFinite ? $0 : nil }
    }

    /// The parts of a range text: `a..b`, or `a-b` split at a minus that is not a sign.
    private static func rangeParts(_ text: String) -> (Double, Double)? {
        if let r = text.range(of: "..") {
            guard let lo = number(String(text[..<r.lowerBound])), let hi = number(String(text[r.upperBound...])) else { return nil }
            return (lo, hi)
        }
        let chars = Array(text)
        for i in 1..<max(1, chars.count) where chars[i] == "-" && chars[i - 1] != "e" && chars[i - 1] != "E" {
            guard let lo = number(String(chars[..<i])), let hi = number(String(chars[(i + 1)...])) else { return nil }
            return (lo, hi)
        }
        return nil
    }

    private mutating func take(_ key: String) -> String? {
        read.append(key)
        return values[key]
    }

    /// A number in `allowed` (default when absent).
    mutating func double(_ key: String, default value: Double, in allowed: ClosedRange<Double>) throws -> Double {
        guard let text = take(key) else { return value }
        guard let v = Self.number(text), allowed.contains(v) else { throw fail(key, text, "a number in \(allowed)") }
        return v
    }

    /// A whole number in `allowed` (default when absent).
    mutating func int(_ key: String, default value: Int, in allowed: ClosedRange<Int>) throws -> Int {
        guard let text = take(key) else { return value }
        guard let v = Int(text.trimmingCharacters(in: .whitespaces)), allowed.contains(v) else {
            throw fail(key, text, "a whole number in \(allowed.lowerBound)...\(allowed.upperBound)")
        }
        return v
    }

    /// A range `lo…hi` inside `allowed`. A single number `v` means `±v` when `symmetric` (as
    /// albumentations' `rotate_limit=15` means −15…15) and `v…v` otherwise.
    mutating func range(_ key: String, default value: ClosedRange<Double>, in allowed: ClosedRange<Double>, symmetric: Bool = false)
        throws -> ClosedRange<Double>
    {
        guard let text = take(key) else { return value }
        let parts: (Double, Double)?
        if let v = Self.number(text) { parts = symmetric ? (-abs(v), abs(v)) : (v, v) } else { parts = Self.rangeParts(text) }
        guard let (lo, hi) = parts, lo <= hi, allowed.contains(lo), allowed.contains(hi) else {
            throw fail(key, text, "a number or a range lo-hi within \(allowed)")
        }
        return lo...hi
    }

    /// A whole-number range (`holes=1-3`).
    /// `orDefault` lets the default lie outside `allowed` (a marker for "not given").
    mutating func intRange(_ key: String, default value: ClosedRange<Int>, in allowed: ClosedRange<Int>, orDefault: Bool = false)
        throws -> ClosedRange<Int>
    {
        if orDefault && values[key] == nil {
            read.append(key)
            return value
        }
        let r = try range(
            key, default: Double(value.lowerBound)...Double(value.upperBound), in: Double(allowed.lowerBound)...Double(allowed.upperBound))
        guard r.lowerBound == r.lowerBound.rounded(), r.upperBound == r.upperBound.rounded() else {
            throw fail(key, values[key] ?? "", "whole numbers in \(allowed.lowerBound)...\(allowed.upperBound)")
        }
        return Int(r.lowerBound)...Int(r.upperBound)
    }

    /// A size `N` (square) or `WxH`, each side in 1…65,536 pixels and at most 8192² pixels in
    /// all (an image that size is 256 MB as RGBA, made once per worker); nil when absent.
    mutating func size(_ key: String) throws -> (width: Int, height: Int)? {
        guard let text = take(key) else { return nil }
        let parts = text.lowercased().split(separator: "x").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        let sides = parts.compactMap { $0 }
        guard sides.count == parts.count, (1...2).contains(sides.count), sides.allSatisfy({ (1...65_536).contains($0) }) else {
            throw fail(key, text, "a size N or WxH in pixels (1 to 65536)")
        }
        let size = (width: sides[0], height: sides.count == 2 ? sides[1] : sides[0])
        guard size.width * size.height <= 8192 * 8192 else {
            throw fail(key, text, "a size of at most 67,108,864 pixels (8192x8192)")
        }
        return size
    }

    /// One of a fixed set of names.
    mutating func choice<E: RawRepresentable & CaseIterable>(_ key: String, default value: E) throws -> E where E.RawValue == String {
        guard let text = take(key) else { return value }
        guard let v = E(rawValue: text.lowercased()) else {
            throw fail(key, text, "one of " + E.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return v
    }

    /// Fails on a parameter the op did not read, naming the ones it takes.
    func finish() throws {
        for key in values.keys.sorted() where !read.contains(key) {
            throw CLIError.usage("\(op) has no parameter '\(key)'; it takes " + (read.filter { $0 != "p" } + ["p"]).joined(separator: ", "))
        }
    }
}

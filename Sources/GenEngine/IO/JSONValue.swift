import Foundation

/// Values of `JSONSerialization`'s output told apart as JSON tells them apart.
public enum JSONValue {
    /// True for JSON `true`/`false`: Foundation bridges every `NSNumber` to `Bool`, so the
    /// boolean subclass is told apart by its type.
    public static func isBoolean(_ value: Any) -> Bool {
        value is Bool && ObjectIdentifier(type(of: value)) != ObjectIdentifier(NSNumber.self)
    }

    /// A JSON number (not `true`/`false`, not a string of digits) as a `Double`; nil otherwise.
    public static func number(_ value: Any?) -> Double? {
        guard let value, !isBoolean(value), let n = value as? NSNumber else { return nil }
        return n.doubleValue
    }
}

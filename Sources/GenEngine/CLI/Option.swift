import Foundation

/// A declared command-line option: a flag (`--quiet`) or an option with a value (`--seed N`),
/// with everything help shows and everything the parser checks. Values are converted and checked
/// when the command line is parsed (a bad value is a usage error before any work starts); a
/// command reads them back typed through `Opt`.
public struct Option {
    public let name: String
    public let short: Character?
    /// Placeholder of the value in help (`N`, `PATH`); nil for a flag.
    public let placeholder: String?
    public let help: String
    /// The default as help shows it (nil: none shown).
    public let defaultText: String?
    /// The allowed values, listed in help and checked at parse time (nil: any value `parse` takes).
    public let choices: [String]?
    /// Whether the option may be given more than once (its values are collected in order).
    public let repeatable: Bool
    /// The typed value of one given string; throws a usage error naming the option.
    let parse: (String) throws -> Any
    /// The typed value when the option is absent.
    let absent: Any
}

/// A typed handle on a declared option: `args[opt]` gives its value as `Value`.
public struct Opt<Value> {
    public let option: Option

    /// An option whose value `parse` converts (throwing `CLIError.usage` for a bad one).
    public init(
        _ name: String, _ placeholder: String, short: Character? = nil, default value: Value, defaultText: String? = nil,
        choices: [String]? = nil, help: String, parse: @escaping (String) throws -> Value
    ) {
        option = Option(
            name: name, short: short, placeholder: placeholder, help: help, defaultText: defaultText, choices: choices,
            repeatable: false, parse: parse, absent: value)
    }

    init(option: Option) { self.option = option }
}

extension Opt where Value == Bool {
    /// A flag: true when given.
    public static func flag(_ name: String, short: Character? = nil, help: String) -> Opt<Bool> {
        Opt(
            option: Option(
                name: name, short: short, placeholder: nil, help: help, defaultText: nil, choices: nil, repeatable: false,
                parse: { _ in true }, absent: false))
    }
}

extension Opt where Value == Int {
    /// A whole number in `range`.
    public static func int(
        _ name: String, _ placeholder: String = "N", default value: Int, in range: ClosedRange<Int>,
        help: String
    ) -> Opt<Int> {
        Opt(name, placeholder, default: value, defaultText: "\(value)", help: help) { try parseInt($0, name, range) }
    }
}

extension Opt where Value == Int? {
    /// A whole number in `range`, or nil when not given.
    public static func int(_ name: String, _ placeholder: String = "N", in range: ClosedRange<Int>, help: String) -> Opt<Int?> {
        Opt(name, placeholder, default: nil, help: help) { try parseInt($0, name, range) }
    }
}

extension Opt where Value == [Int]? {
    /// Whole numbers in `range` as a comma-separated list of numbers and inclusive ranges
    /// (`0-35,40`: StyleGAN's `--seeds` syntax), in the order given, at most `limit` of them; nil
    /// when not given.
    public static func intList(
        _ name: String, _ placeholder: String = "LIST", in range: ClosedRange<Int>, limit: Int = 100_000, help: String
    ) -> Opt<[Int]?> {
        // An example inside the range, such as 1-4,6 for 1...1000.
        let example = "\(range.lowerBound)-\(min(range.lowerBound + 3, range.upperBound)),\(min(range.lowerBound + 5, range.upperBound))"
        return Opt(name, placeholder, default: nil, help: help) { text in
            var values: [Int] = []
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                let ends = part.split(separator: "-", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard (1...2).contains(ends.count), let low = ends.first!, let high = ends.last!, low <= high,
                    range.contains(low), range.contains(high)
                else {
                    throw CLIError.usage(
                        "--\(name) takes numbers and ranges in \(range.lowerBound)...\(range.upperBound) such as \(example); '\(part)' is not one"
                    )
                }
                guard values.count + (high - low + 1) <= limit else { throw CLIError.usage("--\(name) lists more than \(limit) values") }
                values += low...high
            }
            return values
        }
    }
}

extension Sequence where Element == Int {
    /// The numbers as `intList` reads them, runs of consecutive numbers as ranges: `[1, 2, 3, 7]`
    /// is `1-3,7`.
    public var listDescription: String {
        var runs: [(Int, Int)] = []
        for n in self {
            if let last = runs.last, last.1 + 1 == n { runs[runs.count - 1].1 = n } else { runs.append((n, n)) }
        }
        return runs.map { $0.0 == $0.1 ? "\($0.0)" : "\($0.0)-\($0.1)" }.joined(separator: ",")
    }
}

extension Opt where Value == Float {
    /// A finite number in `range`.
    public static func float(
        _ name: String, _ placeholder: String, default value: Float, in range: ClosedRange<Float>,
        help: String
    ) -> Opt<Float> {
        Opt(name, placeholder, default: value, defaultText: "\(value)", help: help) { try parseFloat($0, name, range) }
    }
}

extension Opt where Value == Float? {
    /// A finite number in `range`, or nil when not given.
    public static func float(_ name: String, _ placeholder: String, in range: ClosedRange<Float>, help: String) -> Opt<Float?> {
        Opt(name, placeholder, default: nil, help: help) { try parseFloat($0, name, range) }
    }
}

extension Opt where Value == UInt64 {
    /// A 64-bit seed (decimal).
    public static func seed(_ name: String = "seed", _ placeholder: String = "N", default value: UInt64 = 0, help: String) -> Opt<UInt64> {
        Opt(name, placeholder, default: value, defaultText: "\(value)", help: help) { s in
            guard let v = UInt64(s) else { throw CLIError.usage("--\(name) expects a non-negative whole number, got '\(s)'") }
            return v
        }
    }
}

extension Opt where Value == String {
    /// Any text, with a default.
    public static func string(_ name: String, _ placeholder: String, default value: String, help: String) -> Opt<String> {
        Opt(name, placeholder, default: value, defaultText: value, help: help) { $0 }
    }
}

extension Opt where Value == String? {
    /// Any text (a path, a key name), or nil when not given.
    public static func string(_ name: String, _ placeholder: String, short: Character? = nil, help: String) -> Opt<String?> {
        Opt(name, placeholder, short: short, default: nil, help: help) { $0 }
    }
}

extension Opt where Value == [String] {
    /// A repeatable option: every given value, in order (empty when not given).
    public static func list(_ name: String, _ placeholder: String, help: String) -> Opt<[String]> {
        Opt(
            option: Option(
                name: name, short: nil, placeholder: placeholder, help: help, defaultText: nil, choices: nil, repeatable: true,
                parse: { $0 }, absent: [String]()))
    }
}

extension Opt where Value: CaseIterable & RawRepresentable, Value.RawValue == String {
    /// One of an enumeration's cases by its raw value; the cases are listed in help and checked
    /// at parse time.
    public static func choice(_ name: String, _ placeholder: String, default value: Value, help: String) -> Opt<Value> {
        let names = Value.allCases.map(\.rawValue)
        return Opt(name, placeholder, default: value, defaultText: value.rawValue, choices: names, help: help) { s in
            guard let v = Value(rawValue: s) else { throw choiceError(name, s, names) }
            return v
        }
    }
}

/// `Optional`, seen as a protocol so that an extension can ask for an optional of some type.
public protocol OptionalValue {
    associatedtype Wrapped
    init(_ some: Wrapped)
    static var none: Self { get }
}

extension Optional: OptionalValue {}

extension Opt where Value: OptionalValue, Value.Wrapped: CaseIterable & RawRepresentable, Value.Wrapped.RawValue == String {
    /// One of an enumeration's cases, or nil when not given.
    public static func choice(_ name: String, _ placeholder: String, help: String) -> Opt<Value> {
        let names = Value.Wrapped.allCases.map(\.rawValue)
        return Opt(name, placeholder, default: .none, choices: names, help: help) { s in
            guard let v = Value.Wrapped(rawValue: s) else { throw choiceError(name, s, names) }
            return Value(v)
        }
    }
}

func parseInt(_ s: String, _ name: String, _ range: ClosedRange<Int>) throws -> Int {
    guard let v = Int(s) else { throw CLIError.usage("--\(name) expects a whole number, got '\(s)'") }
    guard range.contains(v) else { throw CLIError.usage("--\(name) must be in \(range.lowerBound)...\(range.upperBound), got \(v)") }
    return v
}

func parseFloat(_ s: String, _ name: String, _ range: ClosedRange<Float>) throws -> Float {
    guard let v = Float(s), v.isFinite else { throw CLIError.usage("--\(name) expects a number, got '\(s)'") }
    guard range.contains(v) else { throw CLIError.usage("--\(name) must be in \(range.lowerBound)...\(range.upperBound), got \(s)") }
    return v
}

func choiceError(_ name: String, _ value: String, _ names: [String]) -> CLIError {
    let near = names.min { CLI.editDistance($0, value) < CLI.editDistance($1, value) }
    let hint = near.flatMap { CLI.editDistance($0, value) <= 2 ? " (did you mean \($0)?)" : nil } ?? ""
    return CLIError.usage("--\(name) must be one of \(names.joined(separator: ", ")), got '\(value)'\(hint)")
}

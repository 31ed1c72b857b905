import Foundation

/// A command-line option: a flag (`--quiet`) or an option with a value (`--seed N`).
public struct Option {
    public let name: String
    public let short: Character?
    /// Placeholder of the value in help (`N`, `PATH`); nil for a flag.
    public let placeholder: String?
    public let help: String
    /// Default value, shown in help and returned when the option is absent.
    public let defaultValue: String?

    public static func flag(_ name: String, short: Character? = nil, help: String) -> Option {
        Option(name: name, short: short, placeholder: nil, help: help, defaultValue: nil)
    }

    public static func value(_ name: String, _ placeholder: String, short: Character? = nil,
                             default defaultValue: String? = nil, help: String) -> Option {
        Option(name: name, short: short, placeholder: placeholder, help: help, defaultValue: defaultValue)
    }
}

/// A positional argument.
public struct Positional {
    public let name: String, help: String
    public let optional: Bool
    public init(_ name: String, help: String, optional: Bool = false) {
        self.name = name; self.help = help; self.optional = optional
    }
}

/// A command or subcommand: its options, positionals, subcommands and what it runs.
public struct Command {
    public let name: String
    public let abstract: String
    public var discussion: String?
    public var options: [Option]
    public var positionals: [Positional]
    public var subcommands: [Command]
    public var run: ((Arguments) throws -> Void)?

    public init(_ name: String, abstract: String, discussion: String? = nil, options: [Option] = [],
                positionals: [Positional] = [], subcommands: [Command] = [], run: ((Arguments) throws -> Void)? = nil) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.options = options
        self.positionals = positionals
        self.subcommands = subcommands
        self.run = run
    }
}

/// Parsed arguments with typed accessors; every malformed value is a usage error naming the option.
public struct Arguments {
    let options: [String: Option]
    var values: [String: String] = [:]
    var flags: Set<String> = []
    public internal(set) var positionals: [String] = []

    /// No arguments (options fall back to nothing).
    public static let empty = Arguments(options: [:])

    /// Whether a flag was given.
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// Whether an option was given explicitly (not only defaulted).
    public func has(_ name: String) -> Bool { values[name] != nil || flags.contains(name) }

    /// The option's value or its default.
    public func string(_ name: String) -> String? { values[name] ?? options[name]?.defaultValue }

    public func int(_ name: String, in range: ClosedRange<Int>? = nil) throws -> Int? {
        guard let s = string(name) else { return nil }
        guard let v = Int(s) else { throw CLIError.usage("--\(name) expects a whole number, got '\(s)'") }
        if let range, !range.contains(v) {
            throw CLIError.usage("--\(name) must be in \(range.lowerBound)...\(range.upperBound), got \(v)")
        }
        return v
    }

    public func float(_ name: String, in range: ClosedRange<Float>? = nil) throws -> Float? {
        guard let s = string(name) else { return nil }
        guard let v = Float(s), v.isFinite else { throw CLIError.usage("--\(name) expects a number, got '\(s)'") }
        if let range, !range.contains(v) {
            throw CLIError.usage("--\(name) must be in \(range.lowerBound)...\(range.upperBound), got \(v)")
        }
        return v
    }

    /// A 64-bit seed (decimal).
    public func seed(_ name: String = "seed") throws -> UInt64? {
        guard let s = string(name) else { return nil }
        guard let v = UInt64(s) else { throw CLIError.usage("--\(name) expects a non-negative whole number, got '\(s)'") }
        return v
    }
}

/// Parsing, help and the `main` of every GenSuite executable.
public enum CLI {
    /// Parses `args` (without the program name) against `root`: returns the chosen (sub)command
    /// path and its arguments. `--help` and `--version` come back as `.help` / `.version`.
    public enum Outcome {
        case run([Command], Arguments)
        case help([Command])
        case version
    }

    public static func parse(_ args: [String], root: Command) throws -> Outcome {
        var path = [root]
        var rest = args[...]
        // Subcommand names come first.
        while let first = rest.first, let sub = path.last!.subcommands.first(where: { $0.name == first }) {
            path.append(sub)
            rest = rest.dropFirst()
        }
        let command = path.last!
        var known: [String: Option] = [:]
        for o in command.options { known[o.name] = o }
        var parsed = Arguments(options: known)
        var onlyPositionals = false
        while let arg = rest.popFirst() {
            if onlyPositionals || arg == "-" || !arg.hasPrefix("-") {
                if !onlyPositionals, parsed.positionals.isEmpty, !command.subcommands.isEmpty, command.positionals.isEmpty {
                    throw CLIError.usage("unknown subcommand '\(arg)'; expected one of: \(command.subcommands.map(\.name).joined(separator: ", "))")
                }
                parsed.positionals.append(arg)
                continue
            }
            if arg == "--" { onlyPositionals = true; continue }
            if arg == "--help" || arg == "-h" { return .help(path) }
            if arg == "--version" && path.count == 1 { return .version }
            var name: String, inline: String?
            if arg.hasPrefix("--") {
                let body = arg.dropFirst(2)
                if let eq = body.firstIndex(of: "=") {
                    name = String(body[..<eq]); inline = String(body[body.index(after: eq)...])
                } else {
                    name = String(body)
                }
            } else {
                guard arg.count == 2, let o = command.options.first(where: { $0.short == arg.last }) else {
                    throw CLIError.usage("unknown option '\(arg)'")
                }
                name = o.name
            }
            guard let option = known[name] else {
                let hint = command.options.map(\.name).min { editDistance($0, name) < editDistance($1, name) }
                let suggestion = hint.flatMap { editDistance($0, name) <= 2 ? " (did you mean --\($0)?)" : nil } ?? ""
                throw CLIError.usage("unknown option '--\(name)'\(suggestion)")
            }
            if option.placeholder == nil {
                if inline != nil { throw CLIError.usage("--\(name) is a flag and takes no value") }
                parsed.flags.insert(name)
            } else {
                guard let value = inline ?? rest.popFirst() else { throw CLIError.usage("--\(name) needs a value (\(option.placeholder!))") }
                parsed.values[name] = value
            }
        }
        let required = command.positionals.filter { !$0.optional }.count
        if parsed.positionals.count < required {
            throw CLIError.usage("missing \(command.positionals[parsed.positionals.count].name)")
        }
        if parsed.positionals.count > command.positionals.count {
            throw CLIError.usage("unexpected argument '\(parsed.positionals[command.positionals.count])'")
        }
        return .run(path, parsed)
    }

    /// The usage line of a command path.
    public static func usage(_ path: [Command]) -> String {
        let command = path.last!
        var parts = [path.map(\.name).joined(separator: " ")]
        if !command.subcommands.isEmpty { parts.append("[SUBCOMMAND]") }
        if !command.options.isEmpty { parts.append("[OPTIONS]") }
        parts += command.positionals.map { $0.optional ? "[\($0.name)]" : $0.name }
        return "Usage: " + parts.joined(separator: " ")
    }

    /// Full help text of a command path: usage, abstract, subcommands, positionals, options with defaults.
    public static func help(_ path: [Command]) -> String {
        let command = path.last!
        var lines = [command.abstract, "", usage(path)]
        if let d = command.discussion { lines += ["", d] }
        func row(_ left: String, _ right: String) -> String {
            left.count < 26 ? "  " + left.padding(toLength: 26, withPad: " ", startingAt: 0) + right
                            : "  " + left + "\n" + String(repeating: " ", count: 28) + right
        }
        if !command.subcommands.isEmpty {
            lines += ["", "Subcommands:"] + command.subcommands.map { row($0.name, $0.abstract) }
        }
        if !command.positionals.isEmpty {
            lines += ["", "Arguments:"] + command.positionals.map { row($0.name, $0.help) }
        }
        lines += ["", "Options:"]
        for o in command.options {
            var left = "--\(o.name)"
            if let s = o.short { left = "-\(s), " + left }
            if let p = o.placeholder { left += " \(p)" }
            lines.append(row(left, o.help + (o.defaultValue.map { " (default: \($0))" } ?? "")))
        }
        lines.append(row("-h, --help", "Show this help."))
        if path.count == 1 { lines.append(row("--version", "Print the version.")) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Runs a tool: parses the process arguments, prints help/version, runs the command, and maps
    /// every thrown error to `tool: error: …` on stderr and its exit code.
    public static func main(version: String, root: Command, arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        // The subcommand path, known before parsing so that a usage error names the right command.
        var path = [root]
        for arg in arguments {
            guard let sub = path.last!.subcommands.first(where: { $0.name == arg }) else { break }
            path.append(sub)
        }
        do {
            switch try parse(arguments, root: root) {
            case .help(let p):
                print(help(p), terminator: "")
                exit(0)
            case .version:
                print("\(root.name) \(version)")
                exit(0)
            case .run(let p, let args):
                guard let run = p.last!.run else {
                    FileHandle.standardError.write(Data(help(p).utf8))
                    exit(ExitCode.usage.rawValue)
                }
                try run(args)
                exit(0)
            }
        } catch {
            let e = CLIError(from: error)
            var text = "\(root.name): error: \(e.message)\n"
            if e.code == .usage { text += usage(path) + "\nRun '\(path.map(\.name).joined(separator: " ")) --help' for the options.\n" }
            FileHandle.standardError.write(Data(text.utf8))
            exit(e.code.rawValue)
        }
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var prev = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let cur = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                prev = cur
            }
        }
        return row[b.count]
    }
}

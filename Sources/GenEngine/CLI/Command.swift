import CKernels
import Foundation

/// What can stand in a command's option list: a typed `Opt`, or a bare `Option`.
public protocol OptionConvertible {
    var option: Option { get }
}

extension Option: OptionConvertible {
    public var option: Option { self }
}

extension Opt: OptionConvertible {}

/// A positional argument.
public struct Positional {
    public let name: String, help: String
    public let optional: Bool
    /// Takes every remaining argument (the last positional only).
    public let variadic: Bool
    public init(_ name: String, help: String, optional: Bool = false, variadic: Bool = false) {
        self.name = name
        self.help = help
        self.optional = optional
        self.variadic = variadic
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
    /// The subcommand that runs when the command line names none (its options then apply
    /// directly: `gen-image --label 7` is `gen-image sample --label 7`).
    public var defaultSubcommand: String?
    public var run: ((Arguments) throws -> Void)?

    public init(
        _ name: String, abstract: String, discussion: String? = nil, options: [any OptionConvertible] = [],
        positionals: [Positional] = [], subcommands: [Command] = [], defaultSubcommand: String? = nil,
        run: ((Arguments) throws -> Void)? = nil
    ) {
        self.name = name
        self.abstract = abstract
        self.discussion = discussion
        self.options = options.map(\.option)
        self.positionals = positionals
        self.subcommands = subcommands
        self.defaultSubcommand = defaultSubcommand
        self.run = run
        precondition(Set(self.options.map(\.name)).count == self.options.count, "\(name): an option is declared twice")
        precondition(defaultSubcommand.map { d in subcommands.contains { $0.name == d } } ?? true, "\(name): no default subcommand")
    }
}

/// Parsed arguments: every option's value converted and checked at parse time, read back typed.
public struct Arguments {
    var values: [String: Any] = [:]
    public internal(set) var positionals: [String] = []

    /// Nothing given: every option at its default.
    public static let empty = Arguments()

    /// The option's value (its default when not given).
    public subscript<Value>(_ opt: Opt<Value>) -> Value {
        // Values are stored as the declaration's own type, so the cast cannot fail.
        (values[opt.option.name] ?? opt.option.absent) as! Value
    }

    /// Whether the option was given on the command line (not only defaulted).
    public func has<Value>(_ opt: Opt<Value>) -> Bool { values[opt.option.name] != nil }
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
        var rest = args[...]
        if rest.first == "--version" { return .version }
        // `tool help [SUBCOMMAND…]` is `tool [SUBCOMMAND…] --help`.
        if rest.first == "help", !root.subcommands.contains(where: { $0.name == "help" }) {
            var path = [root]
            for name in rest.dropFirst() {
                guard let sub = path.last!.subcommands.first(where: { $0.name == name }) else {
                    throw CLIError.usage(
                        "no subcommand '\(name)'; expected one of: \(path.last!.subcommands.map(\.name).joined(separator: ", "))")
                }
                path.append(sub)
            }
            return .help(path)
        }
        var path = [root]
        // The command whose default subcommand was entered without being named (its other
        // subcommands are suggested for a misspelt first argument).
        var implicitParent: Command?
        // Subcommand names come first; a command with a default subcommand runs it when none is named.
        while true {
            let command = path.last!
            if let first = rest.first, let sub = command.subcommands.first(where: { $0.name == first }) {
                path.append(sub)
                rest = rest.dropFirst()
            } else if let name = command.defaultSubcommand, !(rest.first.map { $0 == "--help" || $0 == "-h" } ?? false) {
                implicitParent = command
                path.append(command.subcommands.first { $0.name == name }!)
            } else {
                break
            }
        }
        let command = path.last!
        var parsed = Arguments()
        var onlyPositionals = false
        while let arg = rest.popFirst() {
            if onlyPositionals || arg == "-" || !arg.hasPrefix("-") {
                if !onlyPositionals, parsed.positionals.isEmpty, !command.subcommands.isEmpty, command.positionals.isEmpty {
                    let near = command.subcommands.map(\.name).min { editDistance($0, arg) < editDistance($1, arg) }
                    let hint = near.flatMap { editDistance($0, arg) <= 2 ? " (did you mean '\($0)'?)" : nil } ?? ""
                    throw CLIError.usage(
                        "unknown subcommand '\(arg)'\(hint); expected one of: "
                            + command.subcommands.map(\.name).joined(separator: ", "))
                }
                parsed.positionals.append(arg)
                continue
            }
            if arg == "--" {
                onlyPositionals = true
                continue
            }
            if arg == "--help" || arg == "-h" { return .help(path) }
            var name: String
            var inline: String?
            if arg.hasPrefix("--") {
                let body = arg.dropFirst(2)
                if let eq = body.firstIndex(of: "=") {
                    name = String(body[..<eq])
                    inline = String(body[body.index(after: eq)...])
                } else {
                    name = String(body)
                }
            } else {
                guard arg.count == 2, let o = command.options.first(where: { $0.short == arg.last }) else {
                    throw CLIError.usage("unknown option '\(arg)'")
                }
                name = o.name
            }
            guard let option = command.options.first(where: { $0.name == name }) else {
                let near = command.options.map(\.name).min { editDistance($0, name) < editDistance($1, name) }
                let hint = near.flatMap { editDistance($0, name) <= 2 ? " (did you mean --\($0)?)" : nil } ?? ""
                throw CLIError.usage("unknown option '--\(name)'\(hint)")
            }
            if parsed.values[name] != nil && !option.repeatable {
                throw CLIError.usage("--\(name) is given more than once")
            }
            if option.placeholder == nil {
                if inline != nil { throw CLIError.usage("--\(name) is a flag and takes no value") }
                parsed.values[name] = true
            } else {
                guard let value = inline ?? rest.popFirst() else {
                    throw CLIError.usage("--\(name) needs a value (\(option.placeholder!))")
                }
                let typed = try option.parse(value)
                if option.repeatable {
                    parsed.values[name] = ((parsed.values[name] as? [String]) ?? []) + [typed as! String]
                } else {
                    parsed.values[name] = typed
                }
            }
        }
        let required = command.positionals.filter { !$0.optional }.count
        if parsed.positionals.count < required {
            throw CLIError.usage("missing \(command.positionals[parsed.positionals.count].name)")
        }
        if parsed.positionals.count > command.positionals.count && !(command.positionals.last?.variadic ?? false) {
            let arg = parsed.positionals[command.positionals.count]
            let siblings = implicitParent?.subcommands.map(\.name) ?? []
            let near = siblings.min { editDistance($0, arg) < editDistance($1, arg) }
            let hint = near.flatMap { editDistance($0, arg) <= 2 ? " (did you mean the subcommand '\($0)'?)" : nil } ?? ""
            throw CLIError.usage("unexpected argument '\(arg)'\(hint)")
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

    /// Width help text wraps at.
    static let helpWidth = 80

    /// Full help text of a command path: abstract, usage, discussion, subcommands, positionals,
    /// options with their choices and defaults; wrapped at 80 columns.
    public static func help(_ path: [Command]) -> String {
        let command = path.last!
        var lines = wrap(command.abstract, width: helpWidth) + ["", usage(path)]
        if let d = command.discussion {
            lines.append("")
            for paragraph in d.split(separator: "\n", omittingEmptySubsequences: false) {
                lines += wrap(String(paragraph), width: helpWidth)
            }
        }
        func row(_ left: String, _ right: String) -> [String] {
            let indent = 28
            let body = wrap(right, width: helpWidth - indent)
            let pad = String(repeating: " ", count: indent)
            var out =
                left.count < indent - 2
                ? ["  " + left.padding(toLength: indent - 2, withPad: " ", startingAt: 0) + (body.first ?? "")]
                : ["  " + left, pad + (body.first ?? "")]
            out += body.dropFirst().map { pad + $0 }
            return out
        }
        if !command.subcommands.isEmpty {
            lines += ["", "Subcommands:"]
            for sub in command.subcommands {
                lines += row(sub.name, sub.abstract + (sub.name == command.defaultSubcommand ? " (the default)" : ""))
            }
        }
        if !command.positionals.isEmpty {
            lines += ["", "Arguments:"]
            for p in command.positionals { lines += row(p.name, p.help) }
        }
        var shown = command.options
        if let name = command.defaultSubcommand, let sub = command.subcommands.first(where: { $0.name == name }) {
            lines += ["", "Options (of '\(name)', which runs when no subcommand is named):"]
            shown += sub.options
        } else {
            lines += ["", "Options:"]
        }
        for o in shown {
            var left = "--\(o.name)"
            if let s = o.short { left = "-\(s), " + left }
            if let p = o.placeholder { left += " \(p)" }
            var text = o.help
            if let choices = o.choices { text += " One of: " + choices.joined(separator: ", ") + "." }
            if let d = o.defaultText { text += " (default: \(d))" }
            if o.repeatable { text += " Repeatable." }
            lines += row(left, text)
        }
        lines += row("-h, --help", "Show this help.")
        if path.count == 1 { lines += row("--version", "Print the version.") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` broken into lines of at most `width` characters at spaces (a longer word stays whole).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }

    /// Runs a tool: parses the process arguments, prints help/version, runs the command, and maps
    /// every thrown error to `tool: error: …` on stderr and its exit code.
    public static func main(version: String, root: Command, arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        // OpenBLAS's kernel chosen and its own threads stopped first: they spin through the
        // first ~0.1 s of a process otherwise (`gk_blas_stop_threads`).
        _ = BLASKernel.active
        // Ctrl-C or a kill removes the temporary files of outputs being written (`StreamedFile`).
        gk_install_cleanup_handler()
        // The subcommand path, known before parsing so that a usage error names the right command.
        var path = [root]
        for arg in arguments {
            guard let sub = path.last!.subcommands.first(where: { $0.name == arg }) else { break }
            path.append(sub)
        }
        if let name = path.last!.defaultSubcommand, let sub = path.last!.subcommands.first(where: { $0.name == name }) { path.append(sub) }
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
            FileHandle.standardError.write(Data(SystemPath.escaped(text).utf8))
            exit(e.code.rawValue)
        }
    }

    /// The folder of the running executable, symlinks resolved. From the process itself
    /// (`Bundle.main`), not `argv[0]`, which is a bare name when the tool is found on `PATH`.
    public static var executableFolder: URL {
        (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
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

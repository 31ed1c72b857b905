import Foundation

/// Process exit codes shared by every GenSuite tool (BSD `sysexits.h` where one fits).
public enum ExitCode: Int32 {
    case success = 0
    /// A check ran and found problems (as `grep`, `diff` and `cmp` exit 1).
    case checkFailed = 1
    /// Constraints could not be satisfied within the attempt budget.
    case constraintsUnsatisfied = 3
    case usage = 64
    case dataError = 65
    case noInput = 66
    case cannotCreate = 73
    case ioError = 74
    case interrupted = 130
}

/// An error that a tool reports to its user: `description` says what failed and where, without
/// naming command-line flags; `exitCode` is the process exit code it maps to. Every error type
/// the engine throws conforms, so `CLI.main` needs no list of types.
public protocol UserFacingError: Error, CustomStringConvertible {
    var exitCode: ExitCode { get }
    /// What to do, in terms of the tools' shared command-line options (added by `CLI.main`).
    var cliHint: String? { get }
}

extension UserFacingError {
    public var cliHint: String? { nil }
}

/// An error a tool reports as `tool: error: <what>, <where>, <what to do>` with an exit code.
public struct CLIError: UserFacingError {
    public let message: String
    public let code: ExitCode
    public init(_ message: String, code: ExitCode) {
        self.message = message
        self.code = code
    }
    public var description: String { message }
    public var exitCode: ExitCode { code }

    public static func usage(_ message: String) -> CLIError { CLIError(message, code: .usage) }
    public static func badData(_ message: String) -> CLIError { CLIError(message, code: .dataError) }
}

extension CLIError {
    /// The message and exit code a user should see for any thrown error: a `UserFacingError`'s
    /// own, with its hint; anything else is an I/O error (74).
    public init(from error: Error) {
        switch error {
        case let e as CLIError: self = e
        case let e as UserFacingError:
            self.init(e.description + (e.cliHint.map { "; \($0)" } ?? ""), code: e.exitCode)
        default: self.init("\(error)", code: .ioError)
        }
    }
}

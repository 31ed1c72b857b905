import Foundation

/// Process exit codes shared by every GenSuite tool (BSD `sysexits.h` where one fits).
public enum ExitCode: Int32 {
    case success = 0
    /// Constraints could not be satisfied within the attempt budget.
    case constraintsUnsatisfied = 3
    case usage = 64
    case dataError = 65
    case noInput = 66
    case cannotCreate = 73
    case ioError = 74
    case interrupted = 130
}

/// An error a tool reports as `tool: error: <what>, <where>, <what to do>` with an exit code.
public struct CLIError: Error, CustomStringConvertible {
    public let message: String
    public let code: ExitCode
    public init(_ message: String, code: ExitCode) { self.message = message; self.code = code }
    public var description: String { message }

    public static func usage(_ message: String) -> CLIError { CLIError(message, code: .usage) }
    public static func badData(_ message: String) -> CLIError { CLIError(message, code: .dataError) }
}

extension CLIError {
    /// Maps any error thrown by the engine to the message and exit code a user should see.
    public init(from error: Error) {
        switch error {
        case let e as CLIError: self = e
        case let e as IOFailure:
            switch e {
            case .missing: self.init(e.description, code: .noInput)
            case .unreadable: self.init(e.description, code: .ioError)
            case .cannotCreate, .exists: self.init(e.description, code: .cannotCreate)
            }
        case let e as BundleError:
            self.init("\(e.description); check the --model path or retrain the bundle", code: .dataError)
        case let e as SafeTensorsError: self.init(e.description, code: .dataError)
        case let e as PNGError: self.init(e.description, code: .dataError)
        case let e as ModelLoadError: self.init(e.description, code: .dataError)
        case let e as Gzip.Failure: self.init(e.description, code: .dataError)
        case let e as TrainingInterrupted: self.init(e.description, code: .interrupted)
        default: self.init("\(error)", code: .ioError)
        }
    }
}

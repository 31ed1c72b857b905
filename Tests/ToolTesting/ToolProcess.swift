// Running a built tool, or Python, as a user would: for the end-to-end tests of every tool.
import Foundation

/// What a finished process wrote and its exit status.
public struct ToolOutput {
    public let out: Data
    public let err: String
    public let status: Int32
    /// Standard output as UTF-8 text.
    public var text: String { String(decoding: out, as: UTF8.self) }
}

/// Runs `executable` (a path, or a name looked up with `/usr/bin/env`) with `args` in `directory`,
/// feeding `stdin`, and waits for it.
public func runProcess(_ executable: URL, _ args: [String], in directory: URL? = nil, stdin: Data? = nil) throws -> ToolOutput {
    let process = Process()
    process.executableURL = executable
    process.arguments = args
    if let directory { process.currentDirectoryURL = directory }
    let (out, err, input) = (Pipe(), Pipe(), Pipe())
    (process.standardOutput, process.standardError, process.standardInput) = (out, err, input)
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    // Standard error is drained on another thread so that neither pipe can fill and stall the tool.
    final class Box: @unchecked Sendable { var data = Data() }
    let errBox = Box()
    let group = DispatchGroup()
    let errHandle = err.fileHandleForReading
    DispatchQueue.global().async(group: group) { errBox.data = errHandle.readDataToEndOfFile() }
    let o = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    group.wait()
    return ToolOutput(out: o, err: String(decoding: errBox.data, as: UTF8.self), status: process.terminationStatus)
}

/// Runs the built tool `name` (beside the test bundle, as `swift build` lays them out).
public func runTool(_ name: String, _ args: [String], in directory: URL? = nil, stdin: Data? = nil) throws -> ToolOutput {
    let tool = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
    return try runProcess(tool, args, in: directory, stdin: stdin)
}

/// Whether `python3` can import every one of `modules` (optional test oracles).
public func pythonHas(_ modules: [String]) -> Bool {
    let probe = try? runProcess(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import " + modules.joined(separator: ", ")])
    return probe?.status == 0
}

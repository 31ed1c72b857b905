import Foundation
import XCTest

/// Runs `script` with python3 and returns its trimmed standard output; skips the calling test when
/// python3 lacks `module` (Python packages are optional oracles, never requirements).
func pythonOracle(needs module: String, _ script: String, arguments: [String]) throws -> String {
    func run(_ args: [String]) throws -> (status: Int32, output: String) {
        let p = Process()
        let pipe = Pipe()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + args
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
    try XCTSkipIf(try run(["-c", "import \(module)"]).status != 0, "\(module) is not installed")
    return try run(["-c", script] + arguments).output
}

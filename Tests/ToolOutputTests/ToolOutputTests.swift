import Foundation
import GenEngine
import XCTest

/// The tools' reference outputs stay byte-identical across refactors of the engine: the
/// commands of `record_hashes.sh` (gen-image grid, samples and latent walk; gen-music default and
/// A-minor cadence pieces; engine-demo's model and sample) against the SHA-256s in
/// `output-hashes.txt`, recorded before the engine-seams change.
///
/// Float results depend on the BLAS kernel (each blocks its sums differently), so each hash file
/// (`output-hashes*.txt`) names the kernel it was recorded with (`# blas-kernel: `), and the check
/// runs against the file of the kernel in use, or says that none was recorded for it.
final class ToolOutputTests: XCTestCase {
    func testReferenceOutputsAreUnchanged() throws {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        let files = try FileManager.default.contentsOfDirectory(atPath: here.path)
            .filter { $0.hasPrefix("output-hashes") && $0.hasSuffix(".txt") }.sorted()
        var kernels: [String] = []
        var match: [Substring]?
        for file in files {
            let lines = try String(contentsOf: here.appendingPathComponent(file), encoding: .utf8).split(separator: "\n")
            let kernel = lines.first { $0.hasPrefix("# blas-kernel: ") }.map { String($0.dropFirst("# blas-kernel: ".count)) } ?? "?"
            kernels.append(kernel)
            if kernel == BLASKernel.active.core { match = lines }
        }
        guard let lines = match else {
            throw XCTSkip(
                "hashes were recorded with the \(kernels.joined(separator: ", ")) kernels; this machine runs \(BLASKernel.active.core)")
        }
        let binaries = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let script = Process()
        script.executableURL = here.appendingPathComponent("record_hashes.sh")
        script.arguments = [binaries.path]
        let output = Pipe()
        script.standardOutput = output
        script.standardError = FileHandle.nullDevice
        try script.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        script.waitUntilExit()
        XCTAssertEqual(script.terminationStatus, 0, "record_hashes.sh failed")
        let actual = String(decoding: data, as: UTF8.self).split(separator: "\n").map { $0.replacingOccurrences(of: "  ./", with: "  ") }
        let expected = lines.filter { !$0.hasPrefix("#") }.map(String.init)
        XCTAssertEqual(actual, expected)
    }
}

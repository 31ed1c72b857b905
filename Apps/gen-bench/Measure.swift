import Foundation
import GenEngine

/// One benchmark figure, as written to `bench.json`.
struct Result: Codable {
    var name: String
    var unit: String
    var value: Double
    var peakRSSMB: Double
    /// Extra figures (reference value, memory growth) kept beside the headline number.
    var notes: [String: Double]? = nil

    enum CodingKeys: String, CodingKey {
        case name, unit, value, notes
        case peakRSSMB = "peak_rss_mb"
    }
}

struct Report: Codable {
    var machine: [String: String]
    var results: [Result]
}

/// Resident-set figures of this process from /proc (Linux); 0 elsewhere.
enum Memory {
    /// Peak resident set since the last `resetPeak()`, in MiB.
    static func peakMB() -> Double { field("VmHWM:") }
    /// Current resident set in MiB.
    static func currentMB() -> Double { field("VmRSS:") }

    /// Frees the engine's cached buffers, then restarts the peak counter at the current resident
    /// set (writes 5 to clear_refs), so each benchmark's peak is its own.
    static func resetPeak() {
        BufferPool.releaseCached()
        if let h = FileHandle(forWritingAtPath: "/proc/self/clear_refs") {
            h.write(Data("5".utf8))
            try? h.close()
        }
    }

    private static func field(_ key: String) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(key) {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kb / 1024
        }
        return 0
    }
}

/// Runs `body` `warmup` times, then repeatedly until `seconds` have passed (at least `minimum`
/// runs); returns runs per second of the timed part.
func rate(warmup: Int = 2, seconds: Double, minimum: Int = 3, _ body: () -> Void) -> Double {
    for _ in 0..<warmup { body() }
    var runs = 0
    let start = DispatchTime.now().uptimeNanoseconds
    var elapsed = 0.0
    while runs < minimum || elapsed < seconds {
        body()
        runs += 1
        elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
    return Double(runs) / elapsed
}

func machineDescription(threads: Int) -> [String: String] {
    var cpu = "unknown"
    if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
        let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") })
    {
        cpu = line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? cpu
    }
    let blas = BLASKernel.active
    return [
        "cpu": cpu, "cpu_simd": "\(blas.cpu)", "blas": blas.library, "blas_config": blas.config, "blas_kernel": blas.core,
        "blas_kernel_detected": blas.detectedCore, "blas_kernel_selection": blas.selection.rawValue,
        "cores": "\(ProcessInfo.processInfo.activeProcessorCount)", "threads": "\(threads)",
        "tool": "gen-bench (GenSuite)", "date": ISO8601DateFormatter().string(from: Date()),
    ]
}

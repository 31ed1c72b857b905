import Foundation

/// The engine's thread count: `GEN_THREADS` when set, else every core. OpenBLAS itself runs
/// single-threaded (see `GEMM`): the engine splits work into chunks whose results never depend
/// on the thread count.
public enum Threads {
    /// Number of worker threads used by large kernels and by OpenBLAS.
    public private(set) static var count: Int = {
        let fromEnv = ProcessInfo.processInfo.environment["GEN_THREADS"].flatMap { Int($0) }
        _ = BLASKernel.active  // OpenBLAS's kernel chosen and its own threading off
        return max(1, fromEnv ?? ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Sets the thread count for this process (tests compare 1 against 2 threads).
    public static func set(_ n: Int) {
        _ = count
        count = max(1, n)
    }

    /// Calls `body` on disjoint ranges that cover `0..<total`, in parallel when the work is large.
    /// `grain` is the smallest range worth a thread. Each index is processed by exactly one call.
    static func parallelFor(_ total: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        let threads = count
        if threads == 1 || total < 2 * grain {
            if total > 0 { body(0..<total) }
            return
        }
        let chunks = min(threads, total / grain)
        let size = (total + chunks - 1) / chunks
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let start = c * size
            let end = min(total, start + size)
            if start < end { body(start..<end) }
        }
    }
}

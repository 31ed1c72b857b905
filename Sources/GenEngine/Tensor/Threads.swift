import CKernels
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
        onTeam(chunks) { c in
            let start = c * size
            let end = min(total, start + size)
            if start < end { body(start..<end) }
        }
    }

    /// Runs `part(p)` once for each p in `0..<parts` on the spinning team (`gk_team_run`, team.c)
    /// and returns when all have run: this thread and workers that spin a little between jobs
    /// before they sleep claim the parts in turn (any part on any of them), so the hundreds of
    /// short parallel steps of a small model's training step neither wait for sleeping threads to
    /// wake nor for a worker that another process holds off its core. A call made while the team
    /// runs another job (a nested call, or one from another thread) runs its parts in turn on this
    /// thread.
    static func onTeam(_ parts: Int, _ part: (Int) -> Void) {
        withoutActuallyEscaping(part) { part in
            let job = TeamJob(parts: parts, run: part)
            gk_team_run(
                Int32(parts),
                { context, p, given in
                    // A guaranteed reference: no reference count is touched, so the parts' threads
                    // do not pass the job's (or the closure context's) count between cores.
                    Unmanaged<TeamJob>.fromOpaque(context!)._withUnsafeGuaranteedRef { job in
                        // The team may run fewer parts than asked (one per core, at most 64): its
                        // part p then takes our parts p, p + given, p + 2·given, ….
                        for q in stride(from: Int(p), to: job.parts, by: Int(given)) { job.run(q) }
                    }
                }, Unmanaged.passUnretained(job).toOpaque())
            withExtendedLifetime(job) {}
        }
    }
}

/// The parts of one `Threads.onTeam` call, for the team's C callback.
private final class TeamJob {
    let parts: Int
    let run: (Int) -> Void
    init(parts: Int, run: @escaping (Int) -> Void) { (self.parts, self.run) = (parts, run) }
}

extension Threads {
    /// `transform` of every element of `items`, on `workers` threads (default: every core), the
    /// order kept. Threads take chunks of `chunk` items in turn, so uneven items balance; the
    /// result never depends on `workers`. `transform` must be safe to call concurrently.
    public static func map<T, U>(_ items: [T], workers: Int = count, chunk: Int = 1024, _ transform: (T) -> U) -> [U] {
        let chunks = stride(from: 0, to: items.count, by: max(1, chunk)).map { $0..<min($0 + max(1, chunk), items.count) }
        var parts = [[U]](repeating: [], count: chunks.count)
        let threads = max(1, min(workers, chunks.count))
        if threads == 1 { return chunks.flatMap { $0.map { transform(items[$0]) } } }
        let lock = NSLock()
        var next = 0
        parts.withUnsafeMutableBufferPointer { out in
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                while true {
                    lock.lock()
                    let c = next
                    next += 1
                    lock.unlock()
                    guard c < chunks.count else { return }
                    out[c] = chunks[c].map { transform(items[$0]) }
                }
            }
        }
        return Array(parts.joined())
    }
}

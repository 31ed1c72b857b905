import Foundation

/// Training/generation progress on stderr: a redrawn bar with rate and ETA when stderr is a
/// terminal, a plain line every `interval` seconds otherwise, nothing with `quiet`.
public final class Progress {
    public let total: Int
    public let label: String
    let quiet: Bool, isTerminal: Bool, interval: Double
    /// Units already done when this run started (a resumed training's step): the ETA is timed on
    /// the units this run does.
    let startedAt: Int
    let start = Date()
    var lastPrint = Date.distantPast

    public init(total: Int, label: String, quiet: Bool = false, interval: Double = 5, startedAt: Int = 0) {
        self.total = max(total, 1)
        self.label = label
        self.quiet = quiet
        self.isTerminal = isatty(STDERR_FILENO) != 0
        self.interval = interval
        self.startedAt = startedAt
    }

    /// Reports that `done` of `total` units are finished, with an optional note (e.g. the loss).
    public func update(_ done: Int, note: String = "") {
        guard !quiet else { return }
        let now = Date()
        let finished = done >= total
        guard finished || now.timeIntervalSince(lastPrint) >= (isTerminal ? 0.1 : interval) else { return }
        lastPrint = now
        let elapsed = now.timeIntervalSince(start)
        let eta = Progress.eta(elapsed: elapsed, done: done, startedAt: startedAt, total: total)
        let pct = Int(100 * Double(done) / Double(total))
        let tail = "\(done)/\(total) \(Progress.clock(elapsed)) eta \(Progress.clock(eta))\(note.isEmpty ? "" : " " + note)"
        if isTerminal {
            let width = 24
            let filled = width * min(done, total) / total
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(pct)% \(tail)\u{1B}[K\(finished ? "\n" : "")".utf8))
        } else {
            FileHandle.standardError.write(Data("\(label): \(pct)% \(tail)\n".utf8))
        }
    }

    /// Seconds left: the units still to do at the pace of those done since `startedAt` (0 before
    /// any is done).
    static func eta(elapsed: Double, done: Int, startedAt: Int, total: Int) -> Double {
        done > startedAt ? elapsed / Double(done - startedAt) * Double(max(total - done, 0)) : 0
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}

/// Writes a diagnostic line to stderr, file-name bytes that are not UTF-8 escaped (`SystemPath`).
public func printError(_ text: String) {
    FileHandle.standardError.write(Data((SystemPath.escaped(text) + "\n").utf8))
}

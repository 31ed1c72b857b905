/// The K-th of N deterministic slices of a batch job (`--shard K/N`, K from 0), for running one
/// job as independent tasks of a Kubernetes Indexed Job or a Slurm array (DESIGN.md, "When one
/// machine is not enough").
public struct Shard: Equatable, Sendable, CustomStringConvertible {
    /// This slice, 0 ..< count.
    public let index: Int
    /// Slices in all.
    public let count: Int

    public static let whole = Shard(index: 0, count: 1)

    public init(index: Int, count: Int) { (self.index, self.count) = (index, count) }

    /// Whether item `i` of the job belongs to this slice (items are dealt round-robin).
    public func owns(_ i: Int) -> Bool { i % count == index }

    /// The part of `0..<total` this slice covers when a job is cut into contiguous runs: the
    /// first `total % count` slices hold one item more.
    public func range(of total: Int) -> Range<Int> {
        let base = total / count
        let extra = total % count
        let start = index * base + min(index, extra)
        return start..<(start + base + (index < extra ? 1 : 0))
    }

    public var description: String { "\(index)/\(count)" }
}

extension Opt where Value == Shard {
    /// `--shard K/N`: 0 ≤ K < N ≤ 1,000,000; absent means the whole job.
    public static func shard(help: String) -> Opt<Shard> {
        Opt("shard", "K/N", default: .whole, help: help) { text in
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, n <= 1_000_000, k >= 0, k < n else {
                throw CLIError.usage("--shard must be K/N with 0 ≤ K < N (e.g. 0/4 for the first of four slices), not '\(text)'")
            }
            return Shard(index: k, count: n)
        }
    }
}

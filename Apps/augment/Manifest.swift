// manifest.jsonl: one line per written file, and joining the manifests of shards.
import Foundation
import GenEngine

enum Manifest {
    /// The manifest's file name: `manifest.jsonl` for a whole run,
    /// `manifest.shard-K-of-N.jsonl` for slice K of N.
    static func fileName(_ shard: Shard) -> String {
        shard.count == 1 ? "manifest.jsonl" : "manifest.shard-\(shard.index)-of-\(shard.count).jsonl"
    }

    /// The label as the manifest writes it: the class name, `{class: weight, …}` when two were
    /// blended, or null.
    static func label(_ label: [(name: String, weight: Double)]) -> ManifestValue {
        if label.isEmpty { return .null }
        if label.count == 1 && label[0].weight == 1 { return .string(label[0].name) }
        return .object(label.map { .init($0.name, .number($0.weight)) })
    }

    /// Joins the manifests of shards 0…N−1 (named as `fileName` gives, in any order) into one,
    /// the lines in shard order: byte for byte the manifest one unsharded run writes. Throws
    /// `CLIError` when a name is not a shard manifest, shards disagree on N, or one is missing.
    static func merge(_ paths: [String]) throws -> Data {
        var byIndex: [Int: String] = [:]
        var total: Int?
        for path in paths {
            let name = URL(fileURLWithPath: path).lastPathComponent
            let parts = name.split(separator: ".")
            let fields = parts.count == 3 && parts[0] == "manifest" && parts[2] == "jsonl" ? parts[1].split(separator: "-") : []
            guard fields.count == 4, fields[0] == "shard", fields[2] == "of", let k = Int(fields[1]), let n = Int(fields[3]), k < n else {
                throw CLIError.usage("\(path) is not a shard manifest (manifest.shard-K-of-N.jsonl)")
            }
            guard total == nil || total == n else { throw CLIError.usage("\(path) is a shard of \(n), the others of \(total!)") }
            total = n
            guard byIndex.updateValue(path, forKey: k) == nil else { throw CLIError.usage("shard \(k) is given twice") }
        }
        guard let n = total else { throw CLIError.usage("no manifests given") }
        let missing = (0..<n).filter { byIndex[$0] == nil }
        guard missing.isEmpty else {
            throw CLIError.badData("shards \(missing.map(String.init).joined(separator: ", ")) of \(n) are missing; run them, then merge")
        }
        var out = Data()
        for k in 0..<n { out.append(try AtomicFile.read(URL(fileURLWithPath: byIndex[k]!))) }
        return out
    }
}

/// The options of `merge-manifests`.
enum MergeOptions {
    static let out = Opt.string(
        "out", "FILE", help: "The joined manifest (default: manifest.jsonl beside the first shard's; - for standard output).")
    static let force = Opt.flag("force", help: "Replace an existing --out.")
}

let mergeCommand = Command(
    "merge-manifests",
    abstract: "Join the manifests of all shards of a run (manifest.shard-K-of-N.jsonl) into the manifest one run writes.",
    options: [MergeOptions.out, MergeOptions.force],
    positionals: [Positional("MANIFEST", help: "Every shard's manifest.", variadic: true)]
) { args in
    let data = try Manifest.merge(args.positionals)
    let out =
        args[MergeOptions.out]
        ?? URL(fileURLWithPath: args.positionals[0]).deletingLastPathComponent().appendingPathComponent("manifest.jsonl").path
    try OutputOptionGroup.check([out], force: args[MergeOptions.force])
    try AtomicFile.write(data, to: URL(fileURLWithPath: out))
    if out != "-" { printError("wrote \(out) (\(data.split(separator: UInt8(ascii: "\n")).count) records)") }
}

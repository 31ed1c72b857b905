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
        if label.count == 1 && label[0].weight == 1 { return .string(SystemPath.escaped(label[0].name)) }
        return .object(label.map { .init(SystemPath.escaped($0.name), .number($0.weight)) })
    }

    /// The whole run's file name for shard files named `stem.shard-K-of-N.ext`.
    static func joinedName(_ path: String) -> String {
        let name = URL(fileURLWithPath: path).lastPathComponent
        return name.hasPrefix("annotations.") ? "annotations.json" : "manifest.jsonl"
    }

    /// Joins the shard files of one run, 0…N−1 given in any order: manifests
    /// (`manifest.shard-K-of-N.jsonl`) line by line, COCO annotation files
    /// (`annotations.shard-K-of-N.json`) by `COCOAnnotations.merge`; either way byte for byte what
    /// one unsharded run writes. Throws `CLIError` when a name is not a shard file, the files mix
    /// kinds or disagree on N, or a shard is missing.
    static func merge(_ paths: [String]) throws -> Data {
        var byIndex: [Int: String] = [:]
        var total: Int?
        var kind: String?
        for path in paths {
            let parts = URL(fileURLWithPath: path).lastPathComponent.split(separator: ".")
            let known =
                parts.count == 3 && (parts[0] == "manifest" && parts[2] == "jsonl" || parts[0] == "annotations" && parts[2] == "json")
            let fields = known ? parts[1].split(separator: "-") : []
            guard fields.count == 4, fields[0] == "shard", fields[2] == "of", let k = Int(fields[1]), let n = Int(fields[3]), k < n else {
                throw CLIError.usage("\(path) is not a shard file (manifest.shard-K-of-N.jsonl or annotations.shard-K-of-N.json)")
            }
            guard kind == nil || kind == String(parts[0]) else {
                throw CLIError.usage("give the manifests and the annotation files separately")
            }
            kind = String(parts[0])
            guard total == nil || total == n else { throw CLIError.usage("\(path) is a shard of \(n), the others of \(total!)") }
            total = n
            guard byIndex.updateValue(path, forKey: k) == nil else { throw CLIError.usage("shard \(k) is given twice") }
        }
        guard let n = total else { throw CLIError.usage("no shard files given") }
        let missing = (0..<n).filter { byIndex[$0] == nil }
        guard missing.isEmpty else {
            let which = missing.map(String.init).joined(separator: ", ")
            throw CLIError.badData(
                (missing.count == 1 ? "shard \(which) of \(n) is missing" : "shards \(which) of \(n) are missing")
                    + "; run them, then merge")
        }
        let files = try (0..<n).map { (path: byIndex[$0]!, data: try AtomicFile.read(URL(fileURLWithPath: byIndex[$0]!))) }
        if kind == "annotations" { return try COCOAnnotations.merge(files) }
        return files.reduce(into: Data()) { $0.append($1.data) }
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
    abstract:
        "Join the manifests (or COCO annotation files) of all shards of a run into the file one run writes (manifest.jsonl, annotations.json).",
    options: [MergeOptions.out, MergeOptions.force],
    positionals: [Positional("FILE", help: "Every shard's manifest (or every shard's annotations file).", variadic: true)]
) { args in
    let data = try Manifest.merge(args.positionals)
    let first = URL(fileURLWithPath: args.positionals[0])
    let out = args[MergeOptions.out] ?? first.deletingLastPathComponent().appendingPathComponent(Manifest.joinedName(first.path)).path
    try OutputOptionGroup.check([out], force: args[MergeOptions.force])
    try AtomicFile.write(data, to: URL(fileURLWithPath: out))
    if out != "-" { printError("wrote \(out) (\(data.split(separator: UInt8(ascii: "\n")).count) records)") }
}

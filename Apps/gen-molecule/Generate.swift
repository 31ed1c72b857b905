// gen-molecule (the default command): valid, unique molecules from a model, as SMILES or CSV.
import Foundation
import GenEngine

/// What `--stats` writes.
struct SamplingStats: Encodable {
    var model: String
    var seed: UInt64
    var shard: String
    var requested: Int
    var written: Int
    var attempts: Int
    /// Valid among all attempts (MOSES validity, before any filter).
    var validity: Double
    /// Distinct canonical forms among the valid attempts.
    var uniqueness: Double
    var constrained: Bool
    var temperature: Float
    /// Seconds from the command's start to the model loaded (included in `seconds`).
    var loadSeconds: Double
    var seconds: Double
    var moleculesPerSecond: Double
}

/// The canonical forms of a SMILES file's valid molecules (for `--novel`), on every core.
func canonicalForms(_ path: String) throws -> Set<String> {
    let smiles = try SMILESFile.references(path)
    return Set(Threads.map(smiles) { try? readMolecule($0).get().canonicalSMILES() }.compactMap { $0 })
}

func generateMolecules(_ args: Arguments) throws {
    typealias O = GenerateOptions
    let started = Date()
    let count = args[O.sampling.count]
    let shard = args[O.shard]
    let raw = args[O.raw]
    let out = args[O.output.out] ?? "-"
    try O.output.check([out] + (args[O.output.stats].map { [$0] } ?? []), args)
    if args[O.novel] && args[O.train] == nil { throw CLIError.usage("--novel needs --train FILE.smi (the molecules to be new against)") }
    let bounds = try args[O.require].map(PropertyBound.init) + (args[O.filter] == .lipinski ? PropertyBound.lipinski : [])
    if raw && !bounds.isEmpty { throw CLIError.usage("--raw writes every draw; it cannot be combined with --require or --filter") }
    if raw && args[O.novel] { throw CLIError.usage("--raw writes every draw; it cannot be combined with --novel") }
    let model = try MoleculeModel(loading: args[O.model])
    let loadSeconds = Date().timeIntervalSince(started)
    let known = try args[O.train].map(canonicalForms) ?? []
    let sampler = MoleculeSampler(
        model: model, sampling: O.sampling.sampling(args), repetitionPenalty: args[O.sampling.repetitionPenalty],
        maxLength: args[O.maxLength], constrained: args[O.constrained],
        seed: args[O.sampling.seed])
    let csv = args[O.format] == .csv
    // Lines go out as they are drawn: to stdout, or to a file that appears whole when the run ends.
    let output = try StreamedFile(URL(fileURLWithPath: out))
    /// Writes one line (a CSV record already ends in its newline).
    func emit(_ line: String) throws { try output.write(line.hasSuffix("\n") ? line : line + "\n") }
    if csv { try emit(CSV.line(["smiles", "canonical", "nll", "valid", "reason"] + propertyColumns.map(\.rawValue))) }
    func row(_ m: DrawnMolecule, _ p: MolecularProperties?) -> String {
        switch m.verdict {
        case .success(let v):
            let fields = propertyFields(p ?? MolecularProperties(v.molecule))
            return CSV.line([m.smiles, v.canonical, String(format: "%.4f", m.nll), "1", ""] + fields)
        case .failure(let e):
            return CSV.line([m.smiles, "", String(format: "%.4f", m.nll), "0", e.description] + propertyColumns.map { _ in "" })
        }
    }

    let wanted = shard.range(of: count).count
    let progress = Progress(total: wanted, label: "molecules", quiet: args[O.output.quiet])
    var written = 0
    var attempts = 0
    var valid = 0
    var seen = Set<String>()
    if raw {
        // Every attempt as drawn: shards are contiguous runs of attempts.
        let range = shard.range(of: count)
        for start in stride(from: range.lowerBound, to: range.upperBound, by: sampler.batch) {
            for m in sampler.draw(start..<min(start + sampler.batch, range.upperBound)) {
                attempts += 1
                if case .success(let v) = m.verdict {
                    valid += 1
                    seen.insert(v.canonical)
                }
                try emit(csv ? row(m, nil) : m.smiles)
                written += 1
            }
            try output.flush()
            progress.update(written)
        }
    } else {
        // Valid, new molecules until there are enough: blocks of attempts dealt round-robin to shards.
        let maxAttempts = args[O.maxAttempts] ?? max(1000, 50 * wanted)
        var block = shard.index
        while written < wanted && attempts < maxAttempts {
            let start = block * sampler.batch
            for m in sampler.draw(start..<(start + sampler.batch)) where written < wanted {
                attempts += 1
                guard case .success(let v) = m.verdict else { continue }
                valid += 1
                guard seen.insert(v.canonical).inserted, !known.contains(v.canonical) else { continue }
                var properties: MolecularProperties?
                if !bounds.isEmpty || csv {
                    let p = MolecularProperties(v.molecule)
                    guard bounds.allSatisfy({ $0.holds(p) }) else { continue }
                    properties = p
                }
                try emit(csv ? row(m, properties) : v.canonical)
                written += 1
            }
            try output.flush()
            progress.update(written)
            block += shard.count
        }
    }
    try output.commit()
    let seconds = Date().timeIntervalSince(started)
    if let path = args[O.output.stats] {
        let stats = SamplingStats(
            model: model.source, seed: args[O.sampling.seed], shard: shard.description, requested: wanted, written: written,
            attempts: attempts, validity: Double(valid) / Double(max(attempts, 1)), uniqueness: Double(seen.count) / Double(max(valid, 1)),
            constrained: args[O.constrained], temperature: args[O.sampling.temperature], loadSeconds: loadSeconds, seconds: seconds,
            moleculesPerSecond: Double(written) / seconds)
        try JSONOutput.write(stats, to: URL(fileURLWithPath: path))
    }
    if !args[O.output.quiet] {
        printError(
            "gen-molecule: \(written) molecules from \(attempts) attempts ("
                + String(format: "%.1f%% valid", 100 * Double(valid) / Double(max(attempts, 1)))
                + ") in " + String(format: "%.1f s", seconds))
    }
    if written < wanted {
        throw CLIError(
            "only \(written) of \(wanted) molecules passed within \(attempts) attempts; raise --max-attempts or loosen the filters",
            code: .constraintsUnsatisfied)
    }
}

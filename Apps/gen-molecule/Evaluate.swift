// gen-molecule eval: the MOSES distribution-learning metrics of a file of generated SMILES.
import Foundation
import GenEngine

/// The metrics `eval` reports (MOSES definitions, molecularsets/moses `metrics/metrics.py`).
struct MoleculeMetrics: Encodable {
    var samples: Int
    /// Valid samples over all samples (an empty line is an invalid sample).
    var validity: Double
    /// Distinct canonical forms among the first 1,000 and 10,000 valid samples (over all valid ones when fewer).
    var unique1k: Double
    var unique10k: Double
    /// Distinct valid molecules absent from the training set, over distinct valid molecules.
    var novelty: Double?
    /// 1 − mean pairwise Tanimoto (IntDiv1) and 1 − root-mean-square Tanimoto (IntDiv2) of the valid molecules.
    var internalDiversity: Double
    var internalDiversity2: Double
    /// The same of the reference set (test, else the first 10,000 training molecules).
    var referenceInternalDiversity: Double?
    /// Distinct scaffolds of the valid molecules absent from the training molecules' scaffolds, over distinct scaffolds.
    var scaffoldNovelty: Double?
    /// Mean largest Tanimoto of each valid molecule to the test set (SNN/Test), and the cosine
    /// similarity of scaffold counts with the test set's (Scaf/Test).
    var nearestNeighbourSimilarity: Double?
    var scaffoldSimilarity: Double?
    /// Wasserstein-1 distance of each property's distribution (valid molecules) to the test set's.
    var propertyDistances: [String: Double]?
}

/// The first field of each line (empty lines kept: they are invalid samples), without a
/// `SMILES` header.
func sampleLines(_ path: String) throws -> [String] {
    let lines = try readLines(path).map(smilesField)
    return lines.first?.lowercased() == "smiles" ? Array(lines.dropFirst()) : lines
}

func evaluateMolecules(_ args: Arguments) throws {
    typealias O = EvalOptions
    guard let input = args[O.input] ?? args.positionals.first else {
        throw CLIError.usage("--in GEN.smi is required (one SMILES per line)")
    }
    if args[O.input] != nil && !args.positionals.isEmpty {
        throw CLIError.usage("give the generated molecules once: --in \(input) or \(args.positionals[0]), not both")
    }
    try ReportOutput.check([args[O.json]], args)
    let started = Date()
    let generated = try sampleLines(input)
    guard !generated.isEmpty else { throw CLIError.badData("\(input): holds no SMILES lines") }
    let described = DescribedMolecule.describe(generated)
    let valid = described.compactMap { $0 }
    func unique(_ k: Int) -> Double {
        let first = valid.prefix(k)
        return first.isEmpty ? 0 : Double(Set(first.map(\.forms.canonical)).count) / Double(first.count)
    }
    let distinct = Set(valid.map(\.forms.canonical))
    let fingerprints = valid.map(\.fingerprint)
    var metrics = MoleculeMetrics(
        samples: generated.count, validity: Double(valid.count) / Double(generated.count), unique1k: unique(1000),
        unique10k: unique(10_000), internalDiversity: 1 - Similarity.meanTanimoto(fingerprints, fingerprints, power: 1),
        internalDiversity2: 1 - Similarity.meanTanimoto(fingerprints, fingerprints, power: 2))
    var reference: [DescribedMolecule] = []
    if let train = args[O.train] {
        let trainSMILES = try SMILESFile.references(train)
        // Only canonical forms and scaffolds are needed of the (large) training set.
        let trainSet = MoleculeForms.describe(trainSMILES).compactMap { $0 }
        let trainForms = Set(trainSet.map(\.canonical))
        metrics.novelty = Double(distinct.subtracting(trainForms).count) / Double(max(distinct.count, 1))
        let scaffolds = Set(valid.map(\.forms.scaffold).filter { !$0.isEmpty })
        let trainScaffolds = Set(trainSet.map(\.scaffold))
        metrics.scaffoldNovelty = Double(scaffolds.subtracting(trainScaffolds).count) / Double(max(scaffolds.count, 1))
        reference = DescribedMolecule.describe(Array(trainSMILES.prefix(10_000))).compactMap { $0 }
    }
    if let test = args[O.test] {
        reference = DescribedMolecule.describe(try SMILESFile.references(test)).compactMap { $0 }
        let testPrints = reference.map(\.fingerprint)
        metrics.nearestNeighbourSimilarity = Similarity.meanNearest(fingerprints, testPrints)
        metrics.propertyDistances = Dictionary(
            uniqueKeysWithValues: propertyColumns.map { name in
                (
                    name.rawValue,
                    Similarity.wasserstein(valid.map { $0.properties.value(name) }, reference.map { $0.properties.value(name) })
                )
            })
        // MOSES counts scaffolds of two rings or more (`compute_scaffolds(min_rings=2)`).
        func counts(_ set: [DescribedMolecule]) -> [String: Int] {
            Dictionary(set.filter { $0.forms.scaffoldRings >= 2 }.map { ($0.forms.scaffold, 1) }, uniquingKeysWith: +)
        }
        metrics.scaffoldSimilarity = Similarity.cosine(counts(valid), counts(reference))
    }
    if !reference.isEmpty {
        let prints = reference.map(\.fingerprint)
        metrics.referenceInternalDiversity = 1 - Similarity.meanTanimoto(prints, prints, power: 1)
    }
    // With --json -, standard output carries the JSON alone.
    if args[O.json] != "-" { printTable(metrics) }
    if let json = args[O.json] {
        if json == "-" {
            print(String(decoding: try JSONOutput.encode(metrics), as: UTF8.self))
        } else {
            try JSONOutput.write(metrics, to: URL(fileURLWithPath: json))
        }
    }
    printError("gen-molecule: evaluated \(generated.count) samples in " + String(format: "%.1f s", Date().timeIntervalSince(started)))
}

/// The metrics as an aligned table on standard output.
func printTable(_ metrics: MoleculeMetrics) {
    func row(_ name: String, _ value: Double?) {
        if let value { print(name.padding(toLength: 34, withPad: " ", startingAt: 0) + String(format: "%.4f", value)) }
    }
    print("samples".padding(toLength: 34, withPad: " ", startingAt: 0) + "\(metrics.samples)")
    row("validity", metrics.validity)
    row("unique@1k", metrics.unique1k)
    row("unique@10k", metrics.unique10k)
    row("novelty", metrics.novelty)
    row("internal diversity (IntDiv1)", metrics.internalDiversity)
    row("internal diversity (IntDiv2)", metrics.internalDiversity2)
    row("reference internal diversity", metrics.referenceInternalDiversity)
    row("scaffold novelty", metrics.scaffoldNovelty)
    row("SNN/Test", metrics.nearestNeighbourSimilarity)
    row("Scaf/Test", metrics.scaffoldSimilarity)
    for name in propertyColumns { row("W1 \(name.rawValue) to test", metrics.propertyDistances?[name.rawValue]) }
}

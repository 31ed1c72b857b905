// gen-level train: a column Markov chain or a tile chain from a folder of VGLC levels.
import Foundation
import GenEngine

/// What `gen-level train --arch` builds.
enum LevelArchitecture: String, CaseIterable {
    case markov, mdmc, wfc, lstm, gru, gpt

    /// The engine family of a neural column model.
    var neuralFamily: LanguageModelFamily? { LanguageModelFamily(rawValue: rawValue) }
}

/// The level files `path` stands for: a folder's `*.txt` files in name order, or the file itself.
func levelPaths(_ path: String) throws -> [String] {
    let url = URL(fileURLWithPath: path)
    return DataFolder.isFolder(url) ? try DataFolder.entries(url).filter { $0.hasSuffix(".txt") }.map { path + "/" + $0 } : [path]
}

/// The levels of a folder (`*.txt`, in name order), checked against the legend.
func readLevels(_ folder: String, legend: Legend) throws -> [(name: String, level: Level)] {
    let paths = try levelPaths(folder)
    guard !paths.isEmpty else { throw CLIError.badData("\(folder): no .txt levels") }
    return try paths.map { ($0, try Level.read(contentsOf: $0, legend: legend)) }
}

func train(_ args: Arguments) throws {
    typealias O = TrainOptions
    guard let data = args[O.data] else { throw CLIError.usage("--data DIR is required (a folder of VGLC text levels)") }
    let out = try O.model.training.outputFolder(args)
    let levels = try readLevels(data, legend: Legend.smb)
    if let other = levels.first(where: { $0.level.height != levels[0].level.height }) {
        throw CLIError.badData(
            "\(other.name): \(other.level.height) rows, but \(levels[0].name) has \(levels[0].level.height); levels must share a height")
    }
    let started = Date()
    let command = (["gen-level"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
    func save<M: GenerativeModel, D: Codable>(_ model: M, domain: D, steps: Int = 0, metrics: [String: Double] = [:]) throws {
        let record = TrainingRecord(command: command, data: data, steps: steps, seconds: Date().timeIntervalSince(started))
        try ModelBundle.save(model, manifest: BundleManifest(domain: domain, training: record, metrics: metrics), to: out, overwrite: true)
    }
    let tiles = String(Set(levels.flatMap { $0.level.rows.joined() }).sorted())
    switch args[O.arch] {
    case .markov:
        let order = args[O.model.order]
        let (domain, model) = LevelDomain.chain(game: "smb", levels: levels.map(\.level), order: order)
        try save(model, domain: domain)
        printError("gen-level: wrote \(out.path): \(levels.count) levels, \(domain.columns.count) distinct columns, order \(order)")
    case .mdmc:
        let neighbourhood = args[O.neighbourhood].map { $0.split(separator: ",").map(String.init) } ?? TileChain.defaultNeighbourhood
        try TileChain.check(neighbourhood)
        let domain = TileChainDomain(game: "smb", height: levels[0].level.height, tiles: tiles, neighbourhood: neighbourhood)
        let model = TileChain.fit(levels: levels.map(\.level), domain: domain)
        try save(model, domain: domain)
        printError(
            "gen-level: wrote \(out.path): \(levels.count) levels, \(tiles.count) tiles, neighbourhood \(neighbourhood.joined(separator: ","))"
        )
    case .wfc:
        let wfc = try OverlappingModel(
            examples: levels.map(\.level), n: args[GenerateOptions.patternSize], periodic: true, symmetry: args[GenerateOptions.symmetry],
            sources: levels.map(\.name))
        try save(PatternSet(wfc, tiles: tiles, periodic: true), domain: PatternDomain(game: "smb", height: levels[0].level.height))
        printError("gen-level: wrote \(out.path): \(levels.count) levels, \(wfc.patterns.count) patterns of \(wfc.n)×\(wfc.n)")
    case .lstm, .gru, .gpt:
        // The vocabulary is every level's columns; one level in eight (the 8th, 16th, ...) validates.
        let (domain, sequences) = LevelDomain.make(game: "smb", levels: levels.map(\.level))
        let held = Set(stride(from: 7, to: sequences.count, by: 8))
        guard !held.isEmpty else {
            throw CLIError.badData("\(data): \(levels.count) levels; a neural model needs at least 8 (one in eight validates)")
        }
        let (model, summary) = try O.model.train(
            args, family: args[O.arch].neuralFamily!, train: sequences.indices.filter { !held.contains($0) }.map { sequences[$0] },
            validation: held.sorted().map { sequences[$0] }, vocabSize: domain.vocabularySize, folder: out, tool: "gen-level")
        try save(
            model, domain: domain, steps: summary.steps,
            metrics: ["validation_nll_nats_per_column": summary.bestValidationLoss ?? .nan])
        printError(
            "gen-level: wrote \(out.path): \(levels.count - held.count) levels to train, \(held.count) to validate; validation NLL "
                + String(format: "%.3f", summary.bestValidationLoss ?? .nan) + " nats per column")
    }
}

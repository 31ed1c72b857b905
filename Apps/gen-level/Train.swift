// gen-level train: a column Markov chain or a tile chain from a folder of VGLC levels.
import Foundation
import GenEngine

/// What `gen-level train --arch` builds.
enum LevelArchitecture: String, CaseIterable { case markov, mdmc }

/// The levels of a folder (`*.txt`, in name order), checked against the legend.
func readLevels(_ folder: String, legend: Legend) throws -> [(name: String, level: Level)] {
    let url = URL(fileURLWithPath: folder)
    let paths = DataFolder.isFolder(url) ? try DataFolder.entries(url).filter { $0.hasSuffix(".txt") }.map { folder + "/" + $0 } : [folder]
    guard !paths.isEmpty else { throw CLIError.badData("\(folder): no .txt levels") }
    return try paths.map { ($0, try Level.read(contentsOf: $0, legend: legend)) }
}

func train(_ args: Arguments) throws {
    typealias O = TrainOptions
    guard let data = args[O.data] else { throw CLIError.usage("--data DIR is required (a folder of VGLC text levels)") }
    guard let outPath = args[O.out] else { throw CLIError.usage("--out DIR is required (the bundle folder to write)") }
    let out = URL(fileURLWithPath: outPath)
    if FileManager.default.fileExists(atPath: out.path) && !args[O.force] { throw IOFailure.exists(out.path) }
    try OutputOptionGroup.checkWritable(out)
    let levels = try readLevels(data, legend: Legend.smb)
    if let other = levels.first(where: { $0.level.height != levels[0].level.height }) {
        throw CLIError.badData(
            "\(other.name): \(other.level.height) rows, but \(levels[0].name) has \(levels[0].level.height); levels must share a height")
    }
    let started = Date()
    let command = (["gen-level"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
    func save<D: Codable>(_ model: NGramModel, domain: D) throws {
        let record = TrainingRecord(command: command, data: data, steps: 0, seconds: Date().timeIntervalSince(started))
        try ModelBundle.save(model, manifest: BundleManifest(domain: domain, training: record), to: out, overwrite: true)
    }
    switch args[O.arch] {
    case .markov:
        let (domain, sequences) = LevelDomain.make(game: "smb", levels: levels.map(\.level))
        let model = NGramModel(NGramConfig(order: args[O.order], vocabSize: domain.vocabularySize))
        model.fit(sequences)
        try save(model, domain: domain)
        printError("gen-level: wrote \(out.path): \(levels.count) levels, \(domain.columns.count) distinct columns, order \(args[O.order])")
    case .mdmc:
        let neighbourhood = args[O.neighbourhood].map { $0.split(separator: ",").map(String.init) } ?? TileChain.defaultNeighbourhood
        try TileChain.check(neighbourhood)
        let tiles = String(Set(levels.flatMap { $0.level.rows.joined() }).sorted())
        let domain = TileChainDomain(game: "smb", height: levels[0].level.height, tiles: tiles, neighbourhood: neighbourhood)
        let model = TileChain.fit(levels: levels.map(\.level), domain: domain)
        try save(model, domain: domain)
        printError(
            "gen-level: wrote \(out.path): \(levels.count) levels, \(tiles.count) tiles, neighbourhood \(neighbourhood.joined(separator: ","))"
        )
    }
}

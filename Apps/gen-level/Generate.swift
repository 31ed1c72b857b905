// gen-level (the default command): draw levels from the column model until one is playable and
// meets every --require rule, within the attempt budget.
import Foundation
import GenEngine

/// A tile-count rule: `E>=5`, `o<=20`, `?==3`.
struct TileRule: Equatable {
    var tile: Character, relation: String, count: Int

    init(_ text: String) throws {
        for relation in [">=", "<=", "=="] {
            let parts = text.components(separatedBy: relation)
            if parts.count == 2, parts[0].count == 1, let n = Int(parts[1]), n >= 0 {
                (tile, self.relation, count) = (parts[0].first!, relation, n)
                return
            }
        }
        throw CLIError.usage("--require '\(text)' is not a tile rule such as \"E>=5\", \"o<=20\" or \"?==3\"")
    }

    func holds(_ n: Int) -> Bool { relation == ">=" ? n >= count : relation == "<=" ? n <= count : n == count }
}

/// What `--stats` writes.
struct GenerationStats: Encodable {
    var seed: UInt64, model: String, width: Int
    /// Of the draws that met every `--require` rule, the share the A* agent could play: the
    /// generator's raw playability, before any redraw.
    var rawPlayability: Double
    var levels: [Entry]
    struct Entry: Encodable {
        /// `attempts`: draws made; `unplayable`: those the agent could not finish.
        var file: String, attempts: Int, unplayable: Int
        var metrics: LevelMetrics
        /// Super Mario levels: the share of 8-column windows found in no shipped VGLC level.
        var novelty: Double?
    }
}

func generateCommand(_ args: Arguments) throws {
    typealias O = GenerateOptions
    let rules = try args[O.require].map(TileRule.init)
    let (game, legend) = try gameLegend(args, game: O.game, legend: O.legend)
    for rule in rules where legend.tiles[rule.tile] == nil {
        throw CLIError.usage("--require names tile '\(rule.tile)', which the legend lacks")
    }
    let count = args[O.sampling.count]
    let seed = args[O.sampling.seed]
    // A dungeon is a room, not a corridor: 48 × 32 unless asked.
    let width = args.has(O.width) || legend.view == .side ? args[O.width] : 48
    let height = args.has(O.height) || legend.view == .side ? args[O.height] : 32
    if width * height > Level.maxTiles || (legend.view == .top && width * height > DungeonRepair.maxCells) {
        let most = legend.view == .top ? DungeonRepair.maxCells : Level.maxTiles
        throw CLIError.usage(
            "--width \(width) × --height \(height) is over the \(most) tiles a \(legend.view.rawValue)-view level may have")
    }
    // Counts no level could meet are refused now, not after --max-attempts draws.
    for tile in Set(rules.map(\.tile)) {
        let mine = rules.filter { $0.tile == tile }
        let least = mine.filter { $0.relation != "<=" }.map(\.count).max() ?? 0
        let most = mine.filter { $0.relation != ">=" }.map(\.count).min() ?? width * height
        guard least <= min(most, width * height) else {
            throw CLIError.usage(
                "--require \(mine.map { "\($0.tile)\($0.relation)\($0.count)" }.joined(separator: " and ")) cannot hold in a "
                    + "\(width) × \(height) level")
        }
    }
    // Without --format, a single file's extension says it (level.png is a PNG).
    let extensionFormat = args[O.output.out].flatMap { LevelFormat(rawValue: URL(fileURLWithPath: $0).pathExtension.lowercased()) }
    let named = count == 1 ? extensionFormat : nil
    let format = args.has(O.format) ? args[O.format] : named ?? args[O.format]
    if let named, named != format {
        throw CLIError.usage(
            "--out \(args[O.output.out]!) names a .\(named.rawValue) file but --format is \(format.rawValue): make them agree")
    }
    if count > 1, let extensionFormat {
        throw CLIError.usage(
            "--count \(count) writes \(count) files into the folder --out names; \(args[O.output.out]!) looks like one .\(extensionFormat.rawValue) file"
        )
    }
    var targets: [String]
    if count > 1 {
        guard let folder = args[O.output.out], folder != "-" else {
            throw CLIError.usage("--count \(count) writes \(count) files: give --out a folder for them")
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && !isFolder.boolValue {
            throw CLIError.usage("--count \(count) writes \(count) files into --out \(folder), which is a file: give a folder")
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        targets = OutputOptionGroup.numberedPaths(
            folder + "/level." + format.rawValue, count: count, seed: seed, extension: format.rawValue)
    } else {
        targets = [args[O.output.out] ?? "-"]
        if format == .png { try OutputOptionGroup.refuseBinaryOnTerminal(targets[0], "A PNG level") }
    }
    try O.output.check(targets + (args[O.output.stats].map { [$0] } ?? []), args)
    // The generator: the column model of a bundle, or WFC learning the --sample level (for a
    // dungeon, by default the shipped one, its layout then repaired into a dungeon).
    let source: String
    var draw: (inout RNG) -> Level?
    let model = args[O.model] ?? (legend.view == .top ? "wfc" : defaultModel)
    // Options the chosen generator does not read are refused, not silently ignored.
    let wfcOnly: [(name: String, given: Bool)] = [
        ("--pattern-size", args.has(O.patternSize)), ("--symmetry", args.has(O.symmetry)), ("--wrap", args.has(O.wrap)),
    ]
    let unread =
        model == "wfc" || model == "wfc-tiled"
        ? [] : wfcOnly + (model == "markov" ? [] : [("--sample", args.has(O.sample)), ("--height", args.has(O.height))])
    if let (name, _) = (unread + [("--doors", args.has(O.doors) && legend.view != .top)]).first(where: \.given) {
        throw CLIError.usage(
            "\(name) is not read by --model \(model)\(name == "--doors" ? " for a side-view game" : ""); "
                + "see gen-level --help for which generator reads it")
    }
    if model == "wfc" || model == "wfc-tiled" {
        let shipped = game == .dungeon ? ShippedFile.locate(dungeonSample)?.path : nil
        guard let sample = args[O.sample] ?? shipped else {
            throw CLIError.usage("--model \(model) needs --sample LEVEL.txt (the example to learn from)")
        }
        let example = try Level.read(contentsOf: sample, legend: legend)
        let periodic = legend.view == .side
        let n = model == "wfc" ? (args.has(O.patternSize) || periodic ? args[O.patternSize] : 3) : 1
        guard n <= min(width, height), n <= min(example.width, example.height) else {
            throw CLIError.usage(
                "--pattern-size \(n) is larger than the output (\(width)×\(height)) or the sample \(sample) (\(example.width)×\(example.height))"
            )
        }
        let wfc =
            model == "wfc"
            ? try OverlappingModel(examples: [example], n: n, periodic: periodic, symmetry: args[O.symmetry])
            : OverlappingModel(adjacenciesOf: example, periodic: periodic)
        let (backtracks, wraps) = (args[O.backtracks], args[O.wrap])
        guard (width - n + 1) * (height - n + 1) * wfc.patterns.count <= OverlappingModel.maxCellPatterns else {
            throw CLIError.usage(
                "a \(width)×\(height) output of \(wfc.patterns.count) patterns is over WaveFunctionCollapse's "
                    + "\(OverlappingModel.maxCellPatterns) cells × patterns; ask for a smaller one")
        }
        (source, draw) = (
            "\(model):\(sample)", { rng in wfc.run(width: width, height: height, rng: &rng, backtracks: backtracks, wraps: wraps) }
        )
    } else if model == "markov" {
        // A column chain of the --sample level, learned on the spot.
        guard let sample = args[O.sample] else { throw CLIError.usage("--model markov needs --sample LEVEL.txt (the level to learn from)") }
        guard legend.view == .side else {
            throw CLIError.usage("--model markov draws side-scrollers; a top-down game uses wfc or wfc-tiled")
        }
        let (domain, chain) = LevelDomain.chain(game: game.rawValue, levels: [try Level.read(contentsOf: sample, legend: legend)], order: 4)
        var sampler = ColumnModel(model: chain, domain: domain, source: "markov:\(sample)")
        sampler.grammar = !args[O.noGrammar]
        sampler.legend = legend
        let temperature = args[O.sampling.temperature]
        (source, draw) = (sampler.source, { rng in sampler.sample(width: width, temperature: temperature, rng: &rng) })
    } else {
        guard legend.view == .side, game == .smb else {
            throw CLIError.usage(
                "a \(game.rawValue) level is drawn by --model wfc, wfc-tiled or (side view) markov with --sample; the trained models are of smb levels"
            )
        }
        let sampler = try loadLevelSampler(
            try ModelBundle.resolve(model, default: defaultModel), grammar: !args[O.noGrammar], backtracks: args[O.backtracks])
        let temperature = args[O.sampling.temperature]
        (source, draw) = (sampler.source, { rng in sampler.sample(width: width, temperature: temperature, rng: &rng) })
    }
    if legend.view == .top {
        let repair = try DungeonRepair(legend: legend, source: args[O.legend] ?? "the \(game.rawValue) legend")
        let (layout, doors) = (draw, args[O.doors])
        draw = { rng in layout(&rng).flatMap { repair.repair($0, doorCount: doors, rng: &rng) } }
    }
    // Novelty against the shipped VGLC levels, for Super Mario levels when they are at hand.
    let reference = try ShippedFile.locate(vglcLevels).flatMap { folder in
        game == .smb && args.has(O.output.stats) ? NoveltyReference(try readLevels(folder.path, legend: .smb).map(\.level)) : nil
    }
    let base = RNG(seed: seed, stream: "gen-level")
    var entries: [GenerationStats.Entry] = []
    var checked = 0  // draws that met every rule and went to the agent
    for (i, target) in targets.enumerated() {
        var rng = base.stream("level-\(i)")
        var attempts = 0
        var unplayable = 0
        var failed: String?
        var accepted: (Level, PathOutcome)?
        while attempts < args[O.maxAttempts] && accepted == nil {
            attempts += 1
            guard var level = draw(&rng) else {
                failed = "the pattern constraints contradicted each other, or the layout had no floor"
                continue
            }
            for rule in rules { level = rule.repair(level, legend: legend, rng: &rng) }
            let counts = Dictionary(level.rows.joined().map { ($0, 1) }, uniquingKeysWith: +)
            if let broken = rules.first(where: { !$0.holds(counts[$0.tile] ?? 0) }) {
                failed = "\(broken.tile)\(broken.relation)\(broken.count) not met (\(counts[broken.tile] ?? 0))"
                continue
            }
            let outcome = legend.play(level)
            checked += 1
            if !outcome.playable { unplayable += 1 }
            if !args[O.noPath] && !outcome.playable {
                failed = outcome.failure
                continue
            }
            accepted = (level, outcome)
        }
        guard let (level, outcome) = accepted else {
            throw CLIError(
                "no level in \(attempts) attempts met the constraints (seed \(seed), level \(i); last: \(failed ?? "?")); "
                    + (rules.isEmpty ? "" : "relax --require, ") + "raise --max-attempts"
                    + (model.hasPrefix("wfc") ? ", or try another --pattern-size or more --backtracks" : ""),
                code: .constraintsUnsatisfied)
        }
        try AtomicFile.write(try level.encoded(format, legend: legend), to: URL(fileURLWithPath: target))
        entries.append(
            GenerationStats.Entry(
                file: target, attempts: attempts, unplayable: unplayable, metrics: LevelMetrics(level, legend: legend, outcome: outcome),
                novelty: reference?.novelty(of: level)))
        if !args[O.output.quiet] && target != "-" {
            printError("gen-level: wrote \(target) (\(level.width)×\(level.height), \(attempts) attempt\(attempts == 1 ? "" : "s"))")
        }
    }
    if let path = args[O.output.stats] {
        try JSONOutput.write(
            GenerationStats(
                seed: seed, model: source, width: width,
                rawPlayability: Double(checked - entries.reduce(0) { $0 + $1.unplayable }) / Double(max(checked, 1)), levels: entries),
            to: URL(fileURLWithPath: path))
    }
}

// gen-level's command line: every subcommand, its typed options and defaults.
import GenEngine

let version = "0.1.0"

/// The default model.
let defaultModel = "level-smb-markov"

/// The shipped Super Mario levels: eval's reference, and what stats measure novelty against.
let vglcLevels = "samples/data/vglc/smb1"

/// The example a dungeon's layout is learned from by default.
let dungeonSample = "samples/data/dungeon/rooms.txt"

/// The games `--game` knows: their legends and how they are played.
enum Game: String, CaseIterable { case smb, dungeon, custom }

/// The game and legend of `--game` and `--legend` (a legend file means a custom game). Throws
/// `CLIError.usage` for `--game custom` without a legend, and what `Legend.read` throws.
func gameLegend(_ args: Arguments, game: Opt<Game>, legend: Opt<String?>) throws -> (Game, Legend) {
    if let path = args[legend] {
        guard !args.has(game) || args[game] == .custom else {
            throw CLIError.usage("--legend is for --game custom (smb and dungeon have their own)")
        }
        return (.custom, try Legend.read(contentsOf: path))
    }
    switch args[game] {
    case .custom:
        throw CLIError.usage("--game custom needs --legend LEGEND.json ({\"tiles\": {\"X\": [\"solid\"], …}, \"view\": \"side\"})")
    case .smb: return (.smb, .smb)
    case .dungeon: return (.dungeon, .dungeon)
    }
}

/// `--game` and `--legend`, shared by generation and `check`.
enum GameOptions {
    static let game = Opt.choice(
        "game", "GAME", default: Game.smb,
        help: "smb: Super-Mario-like side-scrollers; dungeon: top-down rooms, doors and keys; custom: the tiles of --legend.")
    static let legend = Opt.string(
        "legend", "LEGEND.json",
        help:
            "A VGLC legend ({\"tiles\": {\"X\": [\"solid\", ...]}}; \"view\": \"top\" for a top-down game with \"start\" and \"goal\" tiles)."
    )
}

enum GenerateOptions {
    static let model = Opt.string(
        "model", "BUNDLE",
        help: "Model bundle folder, a shipped model's name (level-smb-markov, the default; level-smb-mdmc, level-smb-lstm), or "
            + "learning --sample on the spot: wfc (WaveFunctionCollapse, overlapping patterns; the dungeon default), wfc-tiled (its simple "
            + "tiled model) or markov (a column chain of order 4).")
    static let game = GameOptions.game
    static let legend = GameOptions.legend
    static let doors = Opt.int(
        "doors", default: 2, in: 0...26,
        help:
            "Top-down games: locked doors on the way from start to exit, each with its key before it (fewer if the layout has no more chokepoints)."
    )
    static let sample = Opt.string(
        "sample", "LEVEL.txt", help: "wfc, wfc-tiled: the example level to learn from (for --game dungeon, by default the shipped one).")
    static let patternSize = Opt.int(
        "pattern-size", "N", default: 2, in: 2...6,
        help: "wfc: the side of the overlapping patterns (3 and up contradict often on SMB levels; a dungeon: 3).")
    static let symmetry = Opt.int(
        "symmetry", default: 1, in: 1...8,
        help: "wfc: also learn each pattern's first N reflections and rotations (Gumin's order: 2 adds the mirror image, 8 all).")
    static let wrap = Opt.flag(
        "wrap",
        help: "wfc, wfc-tiled: the output is periodic horizontally, its last column continuing into its first (for a level that loops).")
    static let backtracks = Opt.int(
        "backtracks", default: 1000, in: 0...1_000_000,
        help: "wfc: choices undone, last first, before an attempt restarts (0: restart at the first contradiction).")
    static let height = Opt.int(
        "height", "ROWS", default: 14, in: 4...1000, help: "wfc: rows of each level (the column model keeps its own; a dungeon: 32).")
    static let width = Opt.int("width", "COLUMNS", default: 200, in: 8...100_000, help: "Columns of each level (a dungeon: 48).")
    static let format = Opt.choice(
        "format", "FORMAT", default: LevelFormat.txt,
        help: "Output format (default: --out's extension, else txt; csv: Tiled ids, the legend's tiles sorted from 1, its empty tile 0; "
            + "png: a preview, 8 pixels a tile).")
    static let output = OutputOptionGroup(
        outPlaceholder: "PATH", outHelp: "File to write (default: standard output); with --count, a folder for level-<seed>-<i> files.")
    static let sampling = SamplingOptionGroup(
        count: 1, maxCount: 100_000, seedHelp: "Random seed; the same seed gives the same level.",
        temperatureHelp: "Sampling temperature of the column model: below 1 stays closer to the training levels.",
        countHelp: "Levels to write; level i uses the seed's stream i.", tokenFilters: false)
    static let require = Opt.list(
        "require", "RULE", help: "A tile count the level must meet: TILE>=N, TILE<=N or TILE==N, e.g. \"E>=5\" or \"o<=20\".")
    static let noPath = Opt.flag(
        "no-require-path",
        help: "Do not require a playable level (by default the A* agent must reach the right edge, or in a top-down game the exit be "
            + "reachable with the keys).")
    static let noGrammar = Opt.flag(
        "no-grammar", help: "Column models: let the chain cut pipes (by default a column must close the pipes the last one opened).")
    static let maxAttempts = Opt.int(
        "max-attempts", default: 100, in: 1...1_000_000, help: "Levels drawn per written level before giving up (exit 3).")
    static let all: [any OptionConvertible] =
        [
            model, game, legend, sample, patternSize, symmetry, wrap, backtracks, width, height, doors, format, require, noPath, noGrammar,
            maxAttempts,
        ]
        + sampling.options
        + output.options
}

enum TrainOptions {
    static let data = Opt.string("data", "DIR", help: "A folder of VGLC text levels (*.txt), all of one height.")
    static let arch = Opt.choice(
        "arch", "ARCH", default: LevelArchitecture.markov,
        help: "markov: a chain of whole columns; mdmc: a chain of tiles, each given its neighbours (Snodgrass & Ontañón's MdMC); "
            + "wfc: WaveFunctionCollapse's overlapping patterns of every level (--pattern-size, --symmetry); "
            + "lstm, gru, gpt: a neural model of the column sequence (one level in eight held out to validate).")
    static let neighbourhood = Opt.string(
        "neighbourhood", "NAMES",
        help: "mdmc: a tile's context, farthest first, comma-separated from left, left-left, below, below-below, below-left, above-left, "
            + "row (default: \(TileChain.defaultNeighbourhood.joined(separator: ","))).")
    static let model = LanguageModelOptionGroup(
        family: .lstm, order: 4, orderHelp: "markov: columns of context plus one (the shipped model: 4).", length: 64, layers: 2,
        width: 128, dropout: 0.2, epochs: 40, learningRate: 0.003, batch: 8)
}

let trainCommand = Command(
    "train",
    abstract: "Train a column Markov chain, a tile chain (MdMC), WaveFunctionCollapse's patterns or a neural column model on a folder of "
        + "VGLC levels.",
    options: [TrainOptions.data, TrainOptions.arch, TrainOptions.neighbourhood, GenerateOptions.patternSize, GenerateOptions.symmetry]
        + TrainOptions.model.sizeAndScheduleOptions
) { try train($0) }

let checkCommand = Command(
    "check", abstract: "Check level files: format, legend, and whether the A* agent can play them; exit 0 only if all pass.",
    options: [GameOptions.game, GameOptions.legend],
    positionals: [Positional("PATH...", help: "VGLC text levels, or folders of *.txt levels.", variadic: true)]
) { try check($0) }

enum EvalOptions {
    static let reference = Opt.string(
        "reference", "DIR", help: "The training levels to compare with (default: the shipped samples/data/vglc/smb1).")
    static let plot = Opt.string(
        "plot", "FILE.png", help: "Draw the expressive range: the levels on the linearity × leniency plane, the reference as red dots.")
    static let json = Opt.string("json", "FILE", help: "Also write the numbers as JSON.")
}

let evalCommand = Command(
    "eval",
    abstract: "The numbers of a set of levels beside the training levels' (playability, linearity, leniency, density, novelty, "
        + "expressive-range coverage), and the expressive-range picture.",
    options: [EvalOptions.reference, EvalOptions.plot, EvalOptions.json, ReportOutput.force],
    positionals: [Positional("PATH...", help: "Level files or folders of *.txt levels.", variadic: true)]
) { try evaluate($0) }

let root = Command(
    "gen-level", abstract: "Procedural game levels for build scripts: always playable, the same bytes for the same seed.",
    discussion: """
        With no arguments: one Super-Mario-like level, 14 rows by 200 columns, as VGLC text on standard output. \
        Example: gen-level --width 300 --seed 7 --require "E>=5" --format png --out level.png
        """,
    options: GenerateOptions.all, subcommands: [trainCommand, checkCommand, evalCommand]
) { try generateCommand($0) }

// gen-level's command line: every subcommand, its typed options and defaults.
import GenEngine

let version = "0.1.0"

/// The default model.
let defaultModel = "level-smb-markov"

enum GenerateOptions {
    static let model = Opt.string(
        "model", "BUNDLE",
        help:
            "Model bundle folder, a shipped model's name (level-smb-markov, the default; level-smb-mdmc, level-smb-lstm), or wfc: WaveFunctionCollapse learning --sample."
    )
    static let sample = Opt.string("sample", "LEVEL.txt", help: "wfc: the example level to learn N×N patterns from.")
    static let patternSize = Opt.int(
        "pattern-size", "N", default: 2, in: 2...6,
        help: "wfc: the side of the overlapping patterns (3 and up contradict often on SMB levels).")
    static let backtracks = Opt.int(
        "backtracks", default: 1000, in: 0...1_000_000,
        help: "wfc: choices undone, last first, before an attempt restarts (0: restart at the first contradiction).")
    static let height = Opt.int(
        "height", "ROWS", default: 14, in: 4...1000, help: "wfc: rows of each level (the column model keeps its own).")
    static let width = Opt.int("width", "COLUMNS", default: 200, in: 8...100_000, help: "Columns of each level.")
    static let format = Opt.choice(
        "format", "FORMAT", default: LevelFormat.txt, help: "Output format (csv: tile ids from 1; png: a preview, 8 pixels a tile).")
    static let output = OutputOptionGroup(
        outPlaceholder: "PATH", outHelp: "File to write (default: standard output); with --count, a folder for level-<seed>-<i> files.")
    static let sampling = SamplingOptionGroup(
        count: 1, maxCount: 100_000, seedHelp: "Random seed; the same seed gives the same level.",
        temperatureHelp: "Sampling temperature of the column model: below 1 stays closer to the training levels.",
        countHelp: "Levels to write; level i uses the seed's stream i.", tokenFilters: false)
    static let require = Opt.list("require", "RULE", help: "A tile count the level must meet, e.g. \"E>=5\" or \"o<=20\" (repeatable).")
    static let noPath = Opt.flag("no-require-path", help: "Do not require the A* agent to reach the right edge (on by default).")
    static let noGrammar = Opt.flag(
        "no-grammar", help: "Column models: let the chain cut pipes (by default a column must close the pipes the last one opened).")
    static let maxAttempts = Opt.int(
        "max-attempts", default: 100, in: 1...1_000_000, help: "Levels drawn per written level before giving up (exit 3).")
    static let all: [any OptionConvertible] =
        [model, sample, patternSize, backtracks, width, height, format, require, noPath, noGrammar, maxAttempts] + sampling.options
        + output.options
}

enum TrainOptions {
    static let data = Opt.string("data", "DIR", help: "A folder of VGLC text levels (*.txt), all of one height.")
    static let arch = Opt.choice(
        "arch", "ARCH", default: LevelArchitecture.markov,
        help: "markov: a chain of whole columns; mdmc: a chain of tiles, each given its neighbours (Snodgrass & Ontañón's MdMC); "
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
    "train", abstract: "Train a column Markov chain, a tile chain (MdMC) or a neural column model on a folder of VGLC levels.",
    options: [TrainOptions.data, TrainOptions.arch, TrainOptions.neighbourhood] + TrainOptions.model.sizeAndScheduleOptions
) { try train($0) }

let checkCommand = Command(
    "check", abstract: "Check level files: format, legend, and whether the A* agent can play them; exit 0 only if all pass.",
    positionals: [Positional("FILE...", help: "VGLC text levels.", variadic: true)]
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
    options: [EvalOptions.reference, EvalOptions.plot, EvalOptions.json],
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

import Foundation

/// The options every `train` subcommand shares, declared once (the defaults are each tool's).
public struct TrainingOptionGroup {
    /// The bundle folder to write (checkpoints, `metrics.jsonl` and `curve.png` go there too).
    public let out = Opt.string("out", "DIR", help: "Bundle folder to write (checkpoints, metrics.jsonl and curve.png go there too).")
    public let epochs: Opt<Int>
    public let learningRate: Opt<Float>
    public let batch: Opt<Int>
    public let seed = Opt.seed(help: "Random seed of the initial weights, the data order and dropout.")
    public let resume = Opt.flag("resume", help: "Continue from the checkpoint in --out.")
    public let force = Opt.flag("force", help: "Replace an existing bundle in --out.")
    public let quiet = Opt.flag("quiet", help: "No progress output.")

    /// - Parameters: `defaultsBy`: when the defaults depend on another option (a tool whose
    /// architectures train with different settings), its name, shown in help instead of one value;
    /// the tool then reads `args.has(...)` and fills in its own.
    public init(epochs: Int, learningRate: Float, batch: Int, batchHelp: String = "Examples per step.", defaultsBy: String? = nil) {
        let shown = defaultsBy.map { "by \($0)" }
        self.epochs = Opt(
            "epochs", "E", default: epochs, defaultText: shown ?? "\(epochs)", help: "Passes over the training data."
        ) { try parseInt($0, "epochs", 1...10_000) }
        self.learningRate = Opt(
            "lr", "RATE", default: learningRate, defaultText: shown ?? "\(learningRate)",
            help: "Peak learning rate (warm-up, then cosine decay to a tenth)."
        ) { try parseFloat($0, "lr", 1e-6...1) }
        self.batch = Opt("batch", "N", default: batch, defaultText: shown ?? "\(batch)", help: batchHelp) {
            try parseInt($0, "batch", 1...4096)
        }
    }

    public var options: [any OptionConvertible] { [out, epochs, learningRate, batch, seed, resume, force, quiet] }

    /// The bundle folder of `--out`, checked before any work: required; an existing bundle is
    /// replaced only with `--force` (or continued with `--resume`); its parent must be writable.
    public func outputFolder(_ args: Arguments) throws -> URL {
        guard let path = args[out] else { throw CLIError.usage("--out is required (the bundle folder to write)") }
        let folder = URL(fileURLWithPath: path)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw IOFailure.cannotCreate(folder.path, reason: "a file of that name is in the way; --out names the bundle's folder")
            }
            // A bundle, an interrupted run's checkpoints or other files: never written among
            // without --resume (which continues the run there) or --force. A file manager's
            // litter (`.DS_Store`) is nobody's file; a hidden `.git` or `.env` is someone's.
            let contents = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter {
                !DataFolder.isSystemLitter($0)
            }
            if !contents.isEmpty && !args[resume] && !args[force] {
                if contents.contains(ModelBundle.configFile) { throw IOFailure.exists(folder.path) }
                throw IOFailure.cannotCreate(
                    folder.path,
                    reason: "the folder already holds \(contents.count) file(s); choose a new folder, --resume the run in it, "
                        + "or pass --force to write the bundle among them")
            }
        }
        try OutputOptionGroup.checkWritable(folder)
        return folder
    }
}

/// The options of every command that draws samples, declared once.
public struct SamplingOptionGroup {
    public let seed: Opt<UInt64>
    public let temperature: Opt<Float>
    public let count: Opt<Int>
    /// Token filters (sequence models only): top-k, top-p (nucleus), min-p, and the repetition penalty.
    public let topK = Opt.int("top-k", "K", in: 1...1_000_000, help: "Sample only among the K most likely tokens.")
    public let topP = Opt.float(
        "top-p", "P", in: 0...1, help: "Sample only among the most likely tokens whose probabilities add up to P (nucleus).")
    public let minP = Opt.float("min-p", "P", in: 0...1, help: "Drop tokens less likely than P times the most likely one.")
    /// CTRL's repetition penalty (Keskar et al. 2019), for `GenerationOptions.repetitionPenalty`.
    public let repetitionPenalty = Opt.float(
        "repetition-penalty", "R", default: 1, in: 0.01...10,
        help: "Divide the positive logits of the last 64 tokens' ids by R, multiply negative ones (above 1 repeats less).")
    let tokenFilters: Bool

    /// - Parameters: `tokenFilters`: whether `--top-k/--top-p/--min-p` apply (sequence models).
    public init(
        count: Int, maxCount: Int = 100_000, seedHelp: String, temperatureHelp: String, countHelp: String,
        tokenFilters: Bool
    ) {
        seed = .seed(help: seedHelp)
        temperature = .float("temperature", "T", default: 1, in: 0...10, help: temperatureHelp)
        self.count = .int("count", "N", default: count, in: 1...maxCount, help: countHelp)
        self.tokenFilters = tokenFilters
    }

    public var options: [any OptionConvertible] {
        [seed, temperature, count] + (tokenFilters ? [topK, topP, minP, repetitionPenalty] as [any OptionConvertible] : [])
    }

    /// The engine's sampling settings from the command line.
    public func sampling(_ args: Arguments) -> SamplingOptions {
        SamplingOptions(temperature: args[temperature], topK: args[topK], topP: args[topP], minP: args[minP])
    }
}

/// The options of every command that writes files, declared once, with one naming and one
/// overwrite rule for every output.
public struct OutputOptionGroup {
    public let out: Opt<String?>
    public let force = Opt.flag("force", help: "Replace existing output files.")
    public let stats = Opt.string("stats", "FILE.json", help: "Write what was done (settings, seed, timing, results) as JSON.")
    public let quiet = Opt.flag("quiet", help: "Do not report progress or the written files on stderr.")

    public init(outPlaceholder: String, outHelp: String) {
        out = .string("out", outPlaceholder, help: outHelp)
    }

    public var options: [any OptionConvertible] { [out, force, stats, quiet] }

    /// The files of `count` outputs: `path` itself for one; `<stem>-<seed>-<i>.<ext>` beside it
    /// for several, `i` zero-padded to the width of the last index so the names sort.
    public static func numberedPaths(_ path: String, count: Int, seed: UInt64, extension ext: String) -> [String] {
        guard count > 1 else { return [path] }
        let url = URL(fileURLWithPath: path)
        let stem = url.deletingPathExtension().lastPathComponent
        let dir = url.deletingLastPathComponent()
        let width = String(count - 1).count
        let suffix = url.pathExtension.isEmpty ? ext : url.pathExtension
        return (0..<count).map { i in
            let index = String(repeating: "0", count: width - String(i).count) + String(i)
            return dir.appendingPathComponent("\(stem)-\(seed)-\(index).\(suffix)").path
        }
    }

    /// Checks every target of a command before it writes any: an existing file is refused without
    /// `--force`, and each target's folder must exist and be writable. `-` (stdout) is always fine.
    public func check(_ targets: [String], _ args: Arguments) throws {
        try OutputOptionGroup.check(targets, force: args[force])
    }

    /// The overwrite and folder checks of `check`, for a command without this group: a folder (or
    /// a path ending in `/`) is no file to write; a device or pipe (`/dev/null`) is written as it
    /// is, without `--force`; one file named for two outputs (`--out x --stats x`) is refused,
    /// since the second would replace the first.
    public static func check(_ targets: [String], force: Bool) throws {
        var seen = Set<String>()
        for path in targets where path != "-" {
            let file = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
            guard seen.insert(file).inserted || SystemPath.isDeviceOrPipe(path) else {
                throw IOFailure.cannotCreate(path, reason: "it is named for two outputs; give each output its own file")
            }
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
                if isFolder.boolValue { throw IOFailure.cannotCreate(path, reason: "it is a folder; give a file's path") }
                if !SystemPath.isDeviceOrPipe(path) && !force { throw IOFailure.exists(path) }
            } else if path.hasSuffix("/") {
                throw IOFailure.cannotCreate(path, reason: "a path ending in / names a folder; give a file's path")
            }
            try checkWritable(URL(fileURLWithPath: path))
        }
    }

    /// Refuses to write `what` (a binary format: PNG, MIDI) to standard output (`path` `-`) when
    /// it is a terminal, as gzip does: the bytes would garble it. Throws `CLIError.usage`.
    public static func refuseBinaryOnTerminal(_ path: String, _ what: String) throws {
        guard path == "-", isatty(STDOUT_FILENO) != 0 else { return }
        throw CLIError.usage("\(what) is not written to a terminal; redirect standard output to a file or a pipe, or give --out FILE")
    }

    /// Fails when the folder that would hold `url` is missing (and cannot be made) or read-only.
    public static func checkWritable(_ url: URL) throws {
        var folder = url.deletingLastPathComponent()
        var isFolder: ObjCBool = false
        while !FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) && folder.path != "/" {
            folder = folder.deletingLastPathComponent()
        }
        guard isFolder.boolValue else { throw IOFailure.cannotCreate(url.path, reason: "\(folder.path) is a file, not a folder") }
        guard FileManager.default.isWritableFile(atPath: folder.path) else {
            throw IOFailure.cannotCreate(url.path, reason: "the folder \(folder.path) is not writable")
        }
    }
}

/// The `--force` of commands whose outputs are reports (`eval --json`, `--plot`): an existing
/// report is replaced only with it, as every other output.
public enum ReportOutput {
    public static let force = Opt.flag("force", help: "Replace existing report files.")

    /// `OutputOptionGroup.check` of the given report paths (nil: not asked for; `-`: stdout).
    public static func check(_ paths: [String?], _ args: Arguments) throws {
        try OutputOptionGroup.check(paths.compactMap { $0 }, force: args[force])
    }
}

/// The options of every `train` command that fits a language model (the family, its sizes, the
/// schedule and the shared training options), declared once; the defaults are each tool's.
public struct LanguageModelOptionGroup {
    public let training: TrainingOptionGroup
    public let family: Opt<LanguageModelFamily>
    public let order: Opt<Int>
    public let steps = Opt.int("steps", in: 1...100_000_000, help: "Neural: optimiser steps (overrides --epochs).")
    public let length: Opt<Int>
    public let layers: Opt<Int>
    public let width: Opt<Int>
    public let heads: Opt<Int>
    public let dropout: Opt<Float>
    public let patience = Opt.int("patience", in: 1...1000, help: "Stop after this many validations without improvement.")
    public let validateEvery = Opt.int(
        "validate-every", "STEPS", in: 1...100_000_000,
        help: "Neural: steps between validations and checkpoints (default: twice per epoch).")
    /// Fine-tuning: the bundle whose weights the run starts from (offered when `fineTuning`).
    public let initial = Opt.string(
        "init", "BUNDLE",
        help:
            "Neural: start from this bundle's weights (fine-tuning, transfer learning): its family, sizes and tokenizer are kept, the schedule is new."
    )
    /// Whether the tool offers `--init` (it must then load the bundle and its tokenizer itself).
    public let fineTuning: Bool

    public init(
        family: LanguageModelFamily, familyHelp: String = "The model family.", order: Int, orderHelp: String, length: Int,
        layers: Int, width: Int, heads: Int = 4, dropout: Float, epochs: Int, learningRate: Float, batch: Int, fineTuning: Bool = false
    ) {
        self.fineTuning = fineTuning
        training = TrainingOptionGroup(epochs: epochs, learningRate: learningRate, batch: batch, batchHelp: "Sequences per step.")
        self.family = .choice("arch", "ARCH", default: family, help: familyHelp)
        self.order = .int("order", default: order, in: NGramConfig.orders, help: orderHelp)
        self.length = .int("length", "T", default: length, in: 8...8192, help: "Neural: tokens per sequence (a GPT's context).")
        self.layers = .int("layers", default: layers, in: 1...48, help: "Neural: layers.")
        self.width = .int("width", "D", default: width, in: 8...8192, help: "GPT width, or LSTM/GRU hidden size.")
        self.heads = .int("heads", default: heads, in: 1...64, help: "GPT attention heads.")
        self.dropout = .float("dropout", "P", default: dropout, in: 0...0.9, help: "Neural: dropout probability.")
    }

    public var options: [any OptionConvertible] { [family] + sizeAndScheduleOptions }

    /// Every option but `--arch`, for a tool whose own `--arch` names more than language models
    /// (it passes the family to `train`).
    public var sizeAndScheduleOptions: [any OptionConvertible] {
        [order, steps, length, layers, width, heads, dropout, patience, validateEvery] + (fineTuning ? [initial] : [])
            + training.options
    }

    /// The schedule the command line asks for (a GPT started from `initial` reads windows of its
    /// context length unless `--length` says less).
    public func plan(_ args: Arguments, initial: (any SequenceModel)? = nil) -> LanguageModelPlan {
        let context = (initial as? TransformerLM)?.config.contextLength
        let length = context.map { args.has(self.length) ? args[self.length] : $0 } ?? args[self.length]
        var plan = LanguageModelPlan(batch: args[training.batch], length: length, learningRate: args[training.learningRate])
        (plan.epochs, plan.steps, plan.patience, plan.seed) = (args[training.epochs], args[steps], args[patience], args[training.seed])
        plan.validateEvery = args[validateEvery]
        return plan
    }

    /// The architecture of a fine-tuning run (`--init`), checked before any data is read: the
    /// family and sizes of `initial` (the model of `--init`, loaded by the tool with its
    /// tokenizer), `--dropout` if given. Throws `CLIError.usage` for an n-gram, for `--arch`,
    /// `--order`, `--layers`, `--width` or `--heads` beside `--init`, for a `--length` beyond a
    /// GPT's context, and for a `--resume` whose `--init` is not the one the run in `folder`
    /// started from (`checkpoint/init.json`). Nil without `initial`.
    public func fineTuning(_ args: Arguments, initial: (any SequenceModel)?, folder: URL) throws -> LanguageModelArchitecture? {
        let given = args[self.initial].map { try? Self.bundlePath($0) }
        if args[training.resume], let data = FileManager.default.contents(atPath: Self.initRecord(folder).path),
            let started = try? JSONDecoder().decode([String: String].self, from: data)["init"], started != given
        {
            throw CLIError.usage("the run in \(folder.path) started from --init \(started): resume it with that --init")
        }
        guard let initial else { return nil }
        let sizes = [order, layers, width, heads].filter { args.has($0) }.map { "--\($0.option.name)" }
        guard !args.has(family) && sizes.isEmpty else {
            throw CLIError.usage(
                "--init takes the family and sizes from its bundle; leave out \(((args.has(family) ? ["--arch"] : []) + sizes).joined(separator: ", "))"
            )
        }
        if let context = (initial as? TransformerLM)?.config.contextLength, args.has(length), args[length] > context {
            throw CLIError.usage("--length \(args[length]) is longer than the --init GPT's context of \(context) tokens")
        }
        return try LanguageModelArchitecture(of: initial, dropout: args.has(dropout) ? args[dropout] : nil)
    }

    /// Trains the model the command line asks for on `train` (validated on `validation`), with
    /// checkpoints in `folder`, `--resume` and `--quiet` honoured; a neural run first says on
    /// stderr, as `tool`, how many steps of what shape it will take. `family` overrides `--arch`
    /// (see `sizeAndScheduleOptions`). With `initial` (the model of `--init`), the run starts from
    /// its weights and architecture (`fineTuning`, which the tool should call before reading its
    /// data; a fresh run records the bundle in `checkpoint/init.json`). Throws what
    /// `fineTuning`, `architecture` and `LanguageModelTraining.run` throw.
    public func train(
        _ args: Arguments, family chosen: LanguageModelFamily? = nil, train: [[Int32]], validation: [[Int32]], vocabSize: Int,
        folder: URL, tool: String, initial: (any SequenceModel)? = nil
    ) throws -> (model: any SequenceModel, summary: TrainingSummary) {
        let plan = plan(args, initial: initial)
        var recipe = LanguageModelTraining(train: train, validation: validation, plan: plan)
        recipe.quiet = args[training.quiet]
        let record = Self.initRecord(folder)
        let model: LanguageModelArchitecture
        if let tuned = try fineTuning(args, initial: initial, folder: folder), let name = args[self.initial] {
            model = tuned
            if !args[training.resume] {
                try SystemPath.createFolder(record.deletingLastPathComponent().path)
                try AtomicFile.write(JSONEncoder().encode(["init": try Self.bundlePath(name)]), to: record)
            }
            printError("\(tool): fine-tuning \(name), \(recipe.totalSteps) steps of \(plan.batch)×\(plan.length) tokens")
        } else {
            if !args[training.resume] { try? FileManager.default.removeItem(at: record) }
            let family = chosen ?? args[self.family]
            model = try architecture(args, family: family, vocabSize: vocabSize)
            if family != .ngram {
                printError("\(tool): training \(family.rawValue), \(recipe.totalSteps) steps of \(plan.batch)×\(plan.length) tokens")
            }
        }
        let weights = (initial as? Module).map { Dictionary(uniqueKeysWithValues: $0.stateDict()) }
        return try recipe.run(model, folder: folder, resume: args[training.resume], initialWeights: weights)
    }

    /// Where a fine-tuning run records the bundle it started from.
    static func initRecord(_ folder: URL) -> URL { folder.appendingPathComponent("checkpoint/init.json") }

    /// The full path of the bundle an `--init` argument names, as the record keeps it.
    static func bundlePath(_ argument: String) throws -> String {
        try ModelBundle.resolve(argument, default: "").standardizedFileURL.path
    }

    /// The model the command line asks for (of `family`, default `--arch`), over `vocabSize`
    /// tokens. Throws `CLIError.usage` for a GPT whose width is not a multiple of its heads.
    public func architecture(_ args: Arguments, family chosen: LanguageModelFamily? = nil, vocabSize: Int) throws
        -> LanguageModelArchitecture
    {
        try LanguageModelArchitecture(
            chosen ?? args[family], vocabSize: vocabSize, contextLength: args[length], order: args[order], width: args[width],
            layers: args[layers], heads: args[heads], dropout: args[dropout])
    }
}

import Foundation

/// Settings of the training loop shared by every model family.
public struct TrainerConfig: Codable, Equatable {
    /// Optimiser steps in total.
    public var steps: Int
    /// Peak learning rate; warm-up and cosine decay to `minLearningRate` follow nanoGPT.
    public var learningRate: Float
    public var minLearningRate: Float
    public var warmupSteps: Int
    /// Global-norm gradient clipping (nil: none).
    public var clipNorm: Float?
    /// Validation every `evalEvery` steps (and at the end).
    public var evalEvery: Int
    /// Stop after this many evaluations without improvement (nil: never).
    public var patience: Int?
    /// Checkpoint every `checkpointEvery` steps (and on interrupt and at the end).
    public var checkpointEvery: Int
    /// Seed of every random stream of the run (batches, dropout).
    public var seed: UInt64
    /// Validate the starting weights too (step 0 of `metrics.jsonl`), so that a fine-tuning run
    /// that never improves on the weights it started from returns those (nanoGPT's iteration 0).
    public var validateAtStart = false

    public init(
        steps: Int, learningRate: Float, minLearningRate: Float? = nil, warmupSteps: Int = 0, clipNorm: Float? = 1,
        evalEvery: Int = 100, patience: Int? = nil, checkpointEvery: Int = 500, seed: UInt64 = 0
    ) {
        self.steps = steps
        self.learningRate = learningRate
        self.minLearningRate = minLearningRate ?? learningRate / 10
        self.warmupSteps = warmupSteps
        self.clipNorm = clipNorm
        self.evalEvery = evalEvery
        self.patience = patience
        self.checkpointEvery = checkpointEvery
        self.seed = seed
    }
}

/// One line of `metrics.jsonl`.
public struct MetricsRecord: Codable, Equatable {
    public var step: Int
    public var trainLoss: Double?
    public var validationLoss: Double?
    public var learningRate: Double
    public var seconds: Double
}

/// What a finished (or stopped) run did.
public struct TrainingSummary {
    public var steps: Int
    public var bestValidationLoss: Double?
    public var lastTrainLoss: Double?
    public var stoppedEarly: Bool
    public var seconds: Double
}

/// The training was interrupted (SIGINT/SIGTERM) after saving a checkpoint; exit code 130.
public struct TrainingInterrupted: UserFacingError {
    public let step: Int, checkpoint: String
    public var description: String { "interrupted at step \(step), checkpoint saved in \(checkpoint)" }
    public var exitCode: ExitCode { .interrupted }
    public var cliHint: String? { "run the same command with --resume to continue" }
}

/// A resume was asked for where no complete checkpoint exists; exit code 66.
public struct NoCheckpoint: UserFacingError {
    public let folder: String
    public var description: String { "no checkpoint to resume in \(folder)" }
    public var exitCode: ExitCode { .noInput }
    public var cliHint: String? { "start without --resume" }
}

/// The engine's training loop (iterative improvement): seeded minibatches, LR schedule, clipping,
/// periodic validation with early stopping, checkpoints (periodic, on interrupt, at the end),
/// bit-identical `resume`, `metrics.jsonl` and `curve.png`.
///
/// Every random stream is derived from `(seed, step)`: the batch of step `s` comes from
/// `RNG(seed:, stream: "batch-s")` and each dropout layer is reseeded per step, so a resumed run
/// needs only weights, optimiser state and the step to continue exactly where it stopped.
public final class Trainer<M: Module> {
    public let model: M
    /// The optimisers, by name (their state is checkpointed; the schedule sets their rate).
    public let optimizers: [(name: String, optimizer: Optimizer)]
    public let config: TrainerConfig
    /// Folder of `metrics.jsonl`, `curve.png` and `checkpoint/`.
    public let folder: URL
    /// One optimisation step (model, the step's generator, the step number); returns the training loss.
    let step: (M, inout RNG, Int) -> Double
    /// Validation loss (lower is better), computed without gradients in evaluation mode.
    let validate: ((M) -> Double)?
    public var quiet = false
    /// Called after every evaluation with the record (e.g. to print samples).
    public var onEvaluate: ((MetricsRecord) -> Void)?
    /// State outside the model that a resume needs (the carried hidden state of truncated BPTT).
    public var extraState: (save: () -> [(String, Tensor)], load: ([String: Tensor]) throws -> Void)?

    /// A trainer whose `step` makes its own updates (several optimisers, as a GAN).
    public init(
        model: M, optimizers: [(name: String, optimizer: Optimizer)], config: TrainerConfig, folder: URL,
        step: @escaping (M, inout RNG, Int) -> Double, validate: ((M) -> Double)?
    ) {
        self.model = model
        self.optimizers = optimizers
        self.config = config
        self.folder = folder
        self.step = step
        self.validate = validate
    }

    /// A trainer that minimises `loss(model, rng, step)` with one optimiser (and the config's
    /// gradient clipping).
    public convenience init(
        model: M, optimizer: Optimizer, config: TrainerConfig, folder: URL,
        loss: @escaping (M, inout RNG, Int) -> Tensor, validate: ((M) -> Double)?
    ) {
        let clip = config.clipNorm
        self.init(
            model: model, optimizers: [("optimizer", optimizer)], config: config, folder: folder,
            step: { m, rng, step in
                var batchRNG = rng
                let (value, gradients) = valueAndGrad(m) { m in loss(m, &batchRNG, step) }()
                rng = batchRNG
                optimizer.update(m, clip.map { clipGradNorm(gradients, maxNorm: $0).0 } ?? gradients)
                return Double(value.item)
            }, validate: validate)
    }

    var checkpointFolder: URL { folder.appendingPathComponent("checkpoint") }
    var metricsURL: URL { folder.appendingPathComponent("metrics.jsonl") }

    /// Trains from step 0, or from the checkpoint in `folder` when `resume` is true.
    /// On SIGINT/SIGTERM saves a checkpoint and throws `TrainingInterrupted`.
    @discardableResult
    public func run(resume: Bool = false) throws -> TrainingSummary {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var state = resume ? try loadCheckpoint() : CheckpointState(step: 0, bestValidationLoss: nil, badEvaluations: 0)
        var records = resume ? try readMetrics().filter { $0.step <= state.step } : []
        if !resume { try? FileManager.default.removeItem(at: metricsURL) }
        try writeMetrics(records)
        let schedule = CosineSchedule(
            peak: config.learningRate, minimum: config.minLearningRate,
            warmup: config.warmupSteps, total: config.steps)
        let progress = Progress(total: config.steps, label: "training", quiet: quiet, startedAt: state.step)
        let start = Date()
        let previousSeconds = records.last?.seconds ?? 0
        var lastLoss: Double?
        var stoppedEarly = false
        if !resume, config.validateAtStart, let validate {
            model.train(false)
            let v = noGrad { validate(model) }
            state.bestValidationLoss = v
            try saveWeights(named: "best.safetensors")
            let record = MetricsRecord(step: 0, trainLoss: nil, validationLoss: v, learningRate: 0, seconds: 0)
            records.append(record)
            try appendMetrics(record)
            onEvaluate?(record)
        }
        Interrupt.begin()
        model.train(true)
        while state.step < config.steps {
            let step = state.step
            reseedDropout(step: step)
            var batchRNG = RNG(seed: config.seed, stream: "batch-\(step)")
            let rate = schedule(step)
            for (_, optimizer) in optimizers { optimizer.learningRate = rate }
            lastLoss = self.step(model, &batchRNG, step)
            state.step += 1
            var record = MetricsRecord(
                step: state.step, trainLoss: lastLoss, validationLoss: nil,
                learningRate: Double(rate),
                seconds: previousSeconds + Date().timeIntervalSince(start))
            if let validate, state.step % config.evalEvery == 0 || state.step == config.steps {
                model.train(false)
                let v = noGrad { validate(model) }
                model.train(true)
                record.validationLoss = v
                if state.bestValidationLoss.map({ v < $0 }) ?? true {
                    state.bestValidationLoss = v
                    state.badEvaluations = 0
                    try saveWeights(named: "best.safetensors")
                } else {
                    state.badEvaluations += 1
                }
                onEvaluate?(record)
            }
            records.append(record)
            try appendMetrics(record)
            progress.update(
                state.step,
                note: String(format: "loss %.4f", lastLoss ?? .nan)
                    + (record.validationLoss.map { String(format: " val %.4f", $0) } ?? ""))
            if let patience = config.patience, state.badEvaluations >= patience {
                stoppedEarly = true
                break
            }
            if Interrupt.requested {
                try saveCheckpoint(state)
                try drawCurve(records)
                throw TrainingInterrupted(step: state.step, checkpoint: checkpointFolder.path)
            }
            if state.step % config.checkpointEvery == 0 { try saveCheckpoint(state) }
        }
        try saveCheckpoint(state)
        try drawCurve(records)
        // The result is the best validated weights when there was validation.
        if validate != nil, FileManager.default.fileExists(atPath: checkpointFolder.appendingPathComponent("best.safetensors").path) {
            try model.load(stateDict: SafeTensors.read(contentsOf: checkpointFolder.appendingPathComponent("best.safetensors")).byName)
        }
        model.train(false)
        return TrainingSummary(
            steps: state.step, bestValidationLoss: state.bestValidationLoss, lastTrainLoss: lastLoss,
            stoppedEarly: stoppedEarly, seconds: records.last?.seconds ?? 0)
    }

    /// Gives every dropout layer a fresh mask stream for `step`, derived from the run's seed.
    func reseedDropout(step: Int) {
        func visit(_ m: Module, _ path: String) {
            if let d = m as? Dropout { d.rng = RNG(seed: config.seed, stream: "dropout-\(path)-\(step)") }
            for (name, child) in m.children() { visit(child, path.isEmpty ? name : "\(path).\(name)") }
        }
        visit(model, "")
    }

    // MARK: checkpoints

    struct CheckpointState: Codable {
        var step: Int
        var bestValidationLoss: Double?
        var badEvaluations: Int
    }

    func saveWeights(named name: String) throws {
        try FileManager.default.createDirectory(at: checkpointFolder, withIntermediateDirectories: true)
        try SafeTensors(tensors: model.stateDict()).write(to: checkpointFolder.appendingPathComponent(name))
    }

    /// Weights, optimiser state and loop state; `state.json` is written last, so a checkpoint
    /// with a state file is complete.
    func saveCheckpoint(_ state: CheckpointState) throws {
        try saveWeights(named: "model.safetensors")
        for (name, optimizer) in optimizers {
            try SafeTensors(tensors: optimizer.state()).write(to: checkpointFolder.appendingPathComponent("\(name).safetensors"))
        }
        if let extra = extraState {
            try SafeTensors(tensors: extra.save()).write(to: checkpointFolder.appendingPathComponent("extra.safetensors"))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(encoder.encode(state), to: checkpointFolder.appendingPathComponent("state.json"))
    }

    func loadCheckpoint() throws -> CheckpointState {
        let stateURL = checkpointFolder.appendingPathComponent("state.json")
        guard FileManager.default.fileExists(atPath: stateURL.path) else {
            throw NoCheckpoint(folder: checkpointFolder.path)
        }
        let state = try JSONDecoder().decode(CheckpointState.self, from: AtomicFile.read(stateURL))
        try model.load(stateDict: SafeTensors.read(contentsOf: checkpointFolder.appendingPathComponent("model.safetensors")).byName)
        for (name, optimizer) in optimizers {
            try optimizer.load(state: SafeTensors.read(contentsOf: checkpointFolder.appendingPathComponent("\(name).safetensors")).byName)
        }
        if let extra = extraState {
            try extra.load(SafeTensors.read(contentsOf: checkpointFolder.appendingPathComponent("extra.safetensors")).byName)
        }
        return state
    }

    // MARK: metrics

    func readMetrics() throws -> [MetricsRecord] {
        guard let data = FileManager.default.contents(atPath: metricsURL.path) else { return [] }
        return try JSONLines.decode(MetricsRecord.self, from: data, source: metricsURL.path)
    }

    func writeMetrics(_ records: [MetricsRecord]) throws {
        try AtomicFile.write(records.reduce(Data()) { $0 + (try JSONLines.line($1)) }, to: metricsURL)
    }

    func appendMetrics(_ record: MetricsRecord) throws {
        let line = try JSONLines.line(record)
        guard let handle = FileHandle(forWritingAtPath: metricsURL.path) else {
            throw IOFailure.cannotCreate(metricsURL.path, reason: "cannot append")
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: line)
    }

    /// Train and validation loss against step, to `curve.png`.
    func drawCurve(_ records: [MetricsRecord]) throws {
        let train = records.compactMap { r in r.trainLoss.map { (x: Double(r.step), y: $0) } }
        let validation = records.compactMap { r in r.validationLoss.map { (x: Double(r.step), y: $0) } }
        var series = [LinePlot.Series(name: "train", points: train, color: (31, 119, 180))]
        if !validation.isEmpty { series.append(LinePlot.Series(name: "validation", points: validation, color: (214, 39, 40))) }
        let plot = LinePlot(title: "training curve", xLabel: "step", yLabel: "loss", series: series)
        try PNG.write(plot.render(), to: folder.appendingPathComponent("curve.png"))
    }
}

import Foundation

/// A language model to train: the family and its configuration.
public enum LanguageModelArchitecture {
    /// Interpolated Kneser–Ney n-gram: one counting pass, no schedule.
    case ngram(NGramConfig)
    /// LSTM/GRU, trained by truncated backpropagation through time over contiguous streams.
    case recurrent(RecurrentLMConfig)
    /// GPT, trained on windows of its context length at random offsets (nanoGPT).
    case transformer(TransformerLMConfig)
}

/// The families a tool's `train --arch` offers, by the names the tools use.
public enum LanguageModelFamily: String, CaseIterable, Sendable { case ngram, lstm, gru, gpt }

extension LanguageModelArchitecture {
    /// The architecture of `family` over `vocabSize` tokens: an n-gram of `order`; an LSTM/GRU of
    /// `layers` × `width` with a min(`width`, 256)-wide embedding; a GPT of `layers` blocks of
    /// `width` with `heads` heads and a context of `contextLength`. `dropout` applies to the
    /// neural families. Throws `CLIError.usage` when a GPT's width is not a multiple of its heads.
    public init(
        _ family: LanguageModelFamily, vocabSize: Int, contextLength: Int, order: Int, width: Int, layers: Int, heads: Int,
        dropout: Float
    ) throws {
        switch family {
        case .ngram: self = .ngram(NGramConfig(order: order, vocabSize: vocabSize))
        case .lstm, .gru:
            self = .recurrent(
                RecurrentLMConfig(
                    vocabSize: vocabSize, embedding: min(width, 256), hidden: width, layers: layers, cell: family == .lstm ? .lstm : .gru,
                    dropout: dropout))
        case .gpt:
            guard width % heads == 0 else { throw CLIError.usage("the GPT's width \(width) must be a multiple of its heads (\(heads))") }
            self = .transformer(
                TransformerLMConfig(
                    vocabSize: vocabSize, contextLength: contextLength, layers: layers, heads: heads, width: width, dropout: dropout))
        }
    }

    /// The architecture of a trained model, to fine-tune it (nanoGPT's `init_from`): its config,
    /// with `dropout` instead of its own when given. Throws `CLIError.usage` for an n-gram (it is
    /// counted, not trained by steps).
    public init(of model: any SequenceModel, dropout: Float? = nil) throws {
        switch model {
        case let recurrent as RecurrentLM:
            var config = recurrent.config
            config.dropout = dropout ?? config.dropout
            self = .recurrent(config)
        case let transformer as TransformerLM:
            var config = transformer.config
            config.dropout = dropout ?? config.dropout
            self = .transformer(config)
        default:
            throw CLIError.usage("--init needs an LSTM, GRU or GPT bundle; an n-gram is counted, not fine-tuned: train a new one")
        }
    }
}

/// Sizes and schedule of a neural language model's training; the settings without a parameter in
/// `init` keep their defaults unless set.
public struct LanguageModelPlan {
    /// Sequences per step, and tokens per sequence (a Transformer's context should equal it).
    public var batch: Int, length: Int
    /// Peak learning rate (linear warm-up over min(100, steps/10) steps, cosine decay to a tenth).
    public var learningRate: Float
    /// Passes over the training stream, when `steps` is not given.
    public var epochs = 1
    /// Optimiser steps (nil: `epochs` × steps per epoch).
    public var steps: Int?
    /// Decoupled weight decay of the Transformer's AdamW (the recurrent models use Adam without).
    public var weightDecay: Float = 0.01
    /// Stop after this many validations without improvement (nil: never).
    public var patience: Int?
    /// Seed of the initial weights, the batches and dropout.
    public var seed: UInt64 = 0
    /// Steps between validations, which are also the checkpoints (nil: twice per epoch). Long runs
    /// on a large corpus set it so that an interruption loses little.
    public var validateEvery: Int?

    public init(batch: Int, length: Int, learningRate: Float) {
        (self.batch, self.length, self.learningRate) = (batch, length, learningRate)
    }
}

/// Too little training data for the plan's batch shape; exit code 65.
public struct TrainingDataError: UserFacingError {
    public let message: String
    public var description: String { message }
    public var exitCode: ExitCode { .dataError }
}

/// The language-model training recipe every sequence tool shares: documents in (token sequences,
/// already split into training and validation by document), a trained `SequenceModel` out.
///
/// The training documents are concatenated into one stream in the order given. A recurrent model
/// reads `batch` contiguous streams `length` tokens at a time and carries its state from chunk to
/// chunk (truncated BPTT; the state is checkpointed, so `resume` continues bit-identically); a
/// Transformer reads `batch` windows at random offsets per step (nanoGPT's `get_batch`). The
/// `Trainer` validates twice per epoch with `negativeLogLikelihood` on the validation documents,
/// keeps the best weights, stops early after `patience` validations without improvement, and
/// writes checkpoints, `metrics.jsonl` and `curve.png` into the folder.
public struct LanguageModelTraining {
    public let train: [[Int32]], validation: [[Int32]]
    /// The training documents joined, in order: what the batches read (made once).
    let stream: [Int32]
    public var plan: LanguageModelPlan
    /// No progress output.
    public var quiet = false

    public init(train: [[Int32]], validation: [[Int32]], plan: LanguageModelPlan) {
        self.train = train
        self.validation = validation
        self.plan = plan
        stream = train.flatMap { $0 }
    }

    /// Steps of one pass over the training stream with the plan's batch shape.
    public var stepsPerEpoch: Int { stream.count > plan.batch * (plan.length + 1) ? batches().stepsPerEpoch : 0 }

    /// The optimiser steps the plan asks for.
    public var totalSteps: Int { plan.steps ?? plan.epochs * stepsPerEpoch }

    func batches() -> StreamBatches { StreamBatches(tokens: stream, batch: plan.batch, length: plan.length) }

    /// Trains a model of `architecture` (initial weights from `RNG(seed: plan.seed, stream: "init")`,
    /// or `initialWeights` by name, the state dict of a model of this architecture, to fine-tune
    /// it), checkpointing into `folder`; with `resume`, continues the checkpoint there. Throws
    /// `TrainingDataError` when the stream is too short for the batch shape, `TrainingInterrupted`
    /// on SIGINT/SIGTERM (after a checkpoint), `ModelLoadError` for weights that do not fit,
    /// `NoCheckpoint` and I/O errors.
    public func run(_ architecture: LanguageModelArchitecture, folder: URL, resume: Bool = false, initialWeights: [String: Tensor]? = nil)
        throws -> (model: any SequenceModel, summary: TrainingSummary)
    {
        var rng = RNG(seed: plan.seed, stream: "init")
        switch architecture {
        case .ngram(let config):
            let started = Date()
            let model = NGramModel(config)
            model.fit(train)
            return (
                model,
                TrainingSummary(
                    steps: 0, bestValidationLoss: model.negativeLogLikelihood(validation), lastTrainLoss: nil,
                    stoppedEarly: false, seconds: Date().timeIntervalSince(started))
            )
        case .recurrent(let config):
            let batches = try checkedBatches()
            let model = RecurrentLM(config, rng: &rng)
            if let initialWeights { try model.load(stateDict: initialWeights) }
            // Each stream's state carries over to its next chunk, and into checkpoints.
            var carried: RecurrentLM.State?
            let trainer = Trainer(
                model: model, optimizer: Adam(learningRate: plan.learningRate),
                config: trainerConfig(batches, validateAtStart: initialWeights != nil),
                folder: folder,
                loss: { m, _, step in
                    let chunk = batches.chunk(step)
                    let (loss, next) = m.loss(
                        inputs: chunk.inputs, targets: chunk.targets, batch: batches.batch,
                        state: chunk.startsEpoch ? nil : carried)
                    carried = next
                    return loss
                }, validate: { m in m.negativeLogLikelihood(validation) })
            trainer.extraState = (
                // A GRU has no cell state: only an LSTM saves "c".
                save: { carried.map { [("h", $0.h)] + ($0.c.map { [("c", $0)] } ?? []) } ?? [] },
                load: { t in carried = t["h"].map { RecurrentLM.State(h: $0, c: t["c"]) } }
            )
            trainer.quiet = quiet
            return (model, try trainer.run(resume: resume))
        case .transformer(let config):
            let batches = try checkedBatches()
            let windows = RandomWindows(tokens: batches.tokens, batch: plan.batch, length: plan.length)
            let model = TransformerLM(config, rng: &rng)
            if let initialWeights { try model.load(stateDict: initialWeights) }
            let trainer = Trainer(
                model: model, optimizer: Adam.adamW(learningRate: plan.learningRate, weightDecay: plan.weightDecay),
                config: trainerConfig(batches, validateAtStart: initialWeights != nil), folder: folder,
                loss: { m, rng, _ in
                    let (x, y) = windows.sample(&rng)
                    return m.loss(inputs: x, targets: y, batch: windows.batch)
                }, validate: { m in m.negativeLogLikelihood(validation) })
            trainer.quiet = quiet
            return (model, try trainer.run(resume: resume))
        }
    }

    func checkedBatches() throws -> StreamBatches {
        let tokens = stream.count
        guard tokens > plan.batch * (plan.length + 1) else {
            throw TrainingDataError(message: "\(tokens) training tokens are too few for batches of \(plan.batch) × \(plan.length)")
        }
        return batches()
    }

    func trainerConfig(_ batches: StreamBatches, validateAtStart: Bool) -> TrainerConfig {
        let steps = plan.steps ?? plan.epochs * batches.stepsPerEpoch
        let evalEvery = max(1, min(steps, plan.validateEvery ?? batches.stepsPerEpoch / 2))
        var config = TrainerConfig(
            steps: steps, learningRate: plan.learningRate, warmupSteps: min(100, steps / 10), clipNorm: 1,
            evalEvery: evalEvery, patience: plan.patience, checkpointEvery: evalEvery, seed: plan.seed)
        config.validateAtStart = validateAtStart
        return config
    }
}

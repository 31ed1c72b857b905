/// Seeded data order for training, computed per step so that a resumed run sees the same batches.

/// A train/validation split of `count` examples: a seeded permutation, the last `fraction` held out.
public func trainValidationSplit(count: Int, validationFraction: Double, seed: UInt64) -> (train: [Int], validation: [Int]) {
    var rng = RNG(seed: seed, stream: "split")
    let order = rng.permutation(count)
    let held = min(count - 1, max(count > 1 ? 1 : 0, Int((Double(count) * validationFraction).rounded())))
    return (Array(order[..<(count - held)]), Array(order[(count - held)...]))
}

/// Minibatches of example indices, reshuffled every epoch: the order of epoch e is a permutation
/// drawn from `(seed, e)`, so the batch of any step is known without replaying earlier steps.
public struct ShuffledBatches {
    public let examples: [Int], batchSize: Int, seed: UInt64

    public init(examples: [Int], batchSize: Int, seed: UInt64) {
        precondition(!examples.isEmpty && batchSize > 0, "need examples and a positive batch size")
        self.examples = examples
        self.batchSize = min(batchSize, examples.count)
        self.seed = seed
    }

    /// Full batches per epoch (the remainder of an epoch is dropped).
    public var batchesPerEpoch: Int { examples.count / batchSize }

    /// The example indices of `step`.
    public func batch(_ step: Int) -> [Int] {
        let epoch = step / batchesPerEpoch
        let position = step % batchesPerEpoch
        var rng = RNG(seed: seed, stream: "epoch-\(epoch)")
        let order = rng.permutation(examples.count)
        return order[(position * batchSize)..<((position + 1) * batchSize)].map { examples[$0] }
    }
}

/// Contiguous chunks of a token stream for truncated BPTT: `batch` parallel streams, each
/// starting at its own offset, advanced `length` tokens per step, so that the state carried from
/// one step to the next belongs to the text that follows.
public struct StreamBatches {
    public let tokens: [Int32], batch: Int, length: Int

    public init(tokens: [Int32], batch: Int, length: Int) {
        precondition(tokens.count > batch * (length + 1), "stream of \(tokens.count) tokens is too short for \(batch)×\(length)")
        self.tokens = tokens
        self.batch = batch
        self.length = length
    }

    /// Chunks per stream before the streams wrap around.
    public var stepsPerEpoch: Int { (tokens.count / batch - 1) / length }

    /// Inputs and targets `[batch, length]` of `step`; the step after the last of an epoch starts
    /// the streams again (and the carried state should then be reset).
    public func chunk(_ step: Int) -> (inputs: [Int32], targets: [Int32], startsEpoch: Bool) {
        let span = tokens.count / batch
        let position = (step % stepsPerEpoch) * length
        var x: [Int32] = []
        var y: [Int32] = []
        x.reserveCapacity(batch * length)
        y.reserveCapacity(batch * length)
        for b in 0..<batch {
            let start = b * span + position
            x += tokens[start..<(start + length)]
            y += tokens[(start + 1)...(start + length)]
        }
        return (x, y, step % stepsPerEpoch == 0)
    }
}

/// Training windows drawn at random offsets of a token stream, as nanoGPT's `get_batch`: inputs
/// `[batch, length]` and the same windows shifted by one as targets.
public struct RandomWindows {
    public let tokens: [Int32], batch: Int, length: Int

    public init(tokens: [Int32], batch: Int, length: Int) {
        precondition(tokens.count > length + 1, "stream of \(tokens.count) tokens is too short for windows of \(length)")
        self.tokens = tokens
        self.batch = batch
        self.length = length
    }

    /// `batch` windows at offsets drawn from `rng`.
    public func sample(_ rng: inout RNG) -> (inputs: [Int32], targets: [Int32]) {
        var x: [Int32] = []
        var y: [Int32] = []
        x.reserveCapacity(batch * length)
        y.reserveCapacity(batch * length)
        for _ in 0..<batch {
            let at = rng.int(below: tokens.count - length - 1)
            x += tokens[at..<(at + length)]
            y += tokens[(at + 1)...(at + length)]
        }
        return (x, y)
    }
}

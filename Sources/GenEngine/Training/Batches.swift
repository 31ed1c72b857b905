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
        let epoch = step / batchesPerEpoch, position = step % batchesPerEpoch
        var rng = RNG(seed: seed, stream: "epoch-\(epoch)")
        let order = rng.permutation(examples.count)
        return order[(position * batchSize)..<((position + 1) * batchSize)].map { examples[$0] }
    }
}

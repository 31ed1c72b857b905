/// Random initial values of parameters, and skipping them for a model built only to receive a
/// bundle's tensors: `ModelBundle` replaces every parameter right after building the model (a
/// missing tensor is an error), so drawing millions of normals first only delays the first token.
public enum ParameterInitialisation {
    /// True while `skipping(_:)` runs.
    @TaskLocal static var isSkipped = false

    /// Runs `body` with the initialisers below returning uninitialised tensors without drawing
    /// (the RNG does not advance): never written, their pages are never touched. For building
    /// models whose every parameter is then replaced (`Module.load(stateDict:)` assigns each one,
    /// and throws for any missing).
    static func skipping<T>(_ body: () throws -> T) rethrows -> T {
        try $isSkipped.withValue(true, operation: body)
    }

    /// U(low, high) samples of `shape` (uninitialised while skipped).
    static func uniform(_ shape: [Int], low: Float, high: Float, rng: inout RNG) -> Tensor {
        isSkipped ? Tensor(uninitializedShape: shape) : Tensor.uniform(shape, low: low, high: high, rng: &rng)
    }

    /// N(0, std²) samples of `shape` (uninitialised while skipped).
    static func normal(_ shape: [Int], std: Float = 1, rng: inout RNG) -> Tensor {
        isSkipped ? Tensor(uninitializedShape: shape) : Tensor.normal(shape, std: std, rng: &rng)
    }
}

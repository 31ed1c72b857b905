import Foundation

/// Learning rate as a function of the step number (0-based).
public protocol LearningRateSchedule {
    func callAsFunction(_ step: Int) -> Float
}

/// The same rate at every step.
public struct ConstantSchedule: LearningRateSchedule {
    public let rate: Float
    public init(_ rate: Float) { self.rate = rate }
    public func callAsFunction(_ step: Int) -> Float { rate }
}

/// Linear warm-up from 0 to `peak` over `warmup` steps, then a cosine decay to `minimum` at
/// `total` steps (nanoGPT's `get_lr`); `minimum` after that.
public struct CosineSchedule: LearningRateSchedule {
    public let peak: Float, minimum: Float, warmup: Int, total: Int

    public init(peak: Float, minimum: Float = 0, warmup: Int, total: Int) {
        self.peak = peak
        self.minimum = minimum
        self.warmup = warmup
        self.total = total
    }

    public func callAsFunction(_ step: Int) -> Float {
        if step < warmup { return peak * Float(step + 1) / Float(warmup + 1) }
        if step >= total { return minimum }
        let progress = Double(step - warmup) / Double(Swift.max(total - warmup, 1))
        return minimum + Float(0.5 * (1 + cos(Double.pi * progress))) * (peak - minimum)
    }
}

/// Gradients scaled so that their global L2 norm is at most `maxNorm` (`clip_grad_norm_`).
/// Returns the clipped gradients and the norm before clipping.
public func clipGradNorm(_ gradients: Gradients, maxNorm: Float) -> (Gradients, Float) {
    let norm = gradients.globalNorm
    guard norm > maxNorm, norm.isFinite else { return (gradients, norm) }
    return (gradients.scaled(by: maxNorm / (norm + 1e-6)), norm)
}

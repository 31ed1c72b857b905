import Foundation

/// The engine's pseudo-random generator: xoshiro256** seeded through SplitMix64. Its bits are
/// the same on every platform and thread count. Give each sub-task its own named stream
/// (`RNG(seed: s, stream: "dropout")`) so that adding one consumer never shifts another's numbers.
public struct RNG {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    /// Second value of the last Box-Muller pair, served by the next `normal()`.
    private var spareNormal: Float?

    /// A generator for `seed`, optionally on the named stream `stream`.
    public init(seed: UInt64, stream: String = "") {
        var x = seed ^ RNG.fnv1a(stream)
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix()
        s1 = splitmix()
        s2 = splitmix()
        s3 = splitmix()
    }

    /// 64-bit FNV-1a of a string's UTF-8 bytes (0 for the empty name, so stream "" is the seed itself).
    static func fnv1a(_ name: String) -> UInt64 {
        if name.isEmpty { return 0 }
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }

    /// A new generator derived from this one's seed and a sub-stream name, without advancing this one.
    public func stream(_ name: String) -> RNG {
        RNG(seed: s0 ^ s2, stream: name)
    }

    /// Next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// Uniform in [0, 1) with 24 random bits.
    public mutating func uniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// Uniform integer in `0..<bound` (Lemire's method, unbiased).
    public mutating func int(below bound: Int) -> Int {
        precondition(bound > 0, "int(below:) needs a positive bound")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// Standard normal (Box-Muller in Double precision).
    public mutating func normal() -> Float {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        let u1 = (Double(next() >> 11) + 1) * (1.0 / 9_007_199_254_740_992.0)  // (0, 1]
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        let r = (-2 * Foundation.log(u1)).squareRoot()
        spareNormal = Float(r * Foundation.sin(2 * .pi * u2))
        return Float(r * Foundation.cos(2 * .pi * u2))
    }

    /// An index drawn with probability proportional to `weights` (non-negative, not all zero).
    public mutating func categorical(_ weights: UnsafeBufferPointer<Float>) -> Int {
        var total: Double = 0
        for w in weights { total += Double(w) }
        precondition(total > 0, "categorical: weights sum to zero")
        let target = Double(uniform()) * total
        var acc: Double = 0
        for (i, w) in weights.enumerated() {
            acc += Double(w)
            if target < acc { return i }
        }
        return weights.lastIndex { $0 > 0 } ?? 0
    }

    /// A random permutation of `0..<n` (Fisher-Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n < 2 { return p }
        for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, int(below: i + 1)) }
        return p
    }
}

extension Tensor {
    /// Uniform samples in `[low, high)`.
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, rng: inout RNG) -> Tensor {
        var t = Tensor(uninitializedShape: shape)
        let p = t.mutablePointer
        for i in 0..<t.count { p[i] = low + (high - low) * rng.uniform() }
        return t
    }

    /// Normal samples with the given mean and standard deviation.
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, rng: inout RNG) -> Tensor {
        var t = Tensor(uninitializedShape: shape)
        let p = t.mutablePointer
        for i in 0..<t.count { p[i] = mean + std * rng.normal() }
        return t
    }
}

import Foundation

/// A mixture of K Gaussians in D dimensions (diagonal or full covariance), fitted by EM from a
/// k-means++ start and stopped when the mean log-likelihood improves by less than `tolerance`.
/// The continuous probabilistic model: tabular synthesis, latent priors, density scores.

public struct GaussianMixtureConfig: Codable, Equatable {
    public enum Covariance: String, Codable { case diagonal, full }
    public var components: Int
    public var dimensions: Int
    public var covariance: Covariance
    public var maxIterations: Int
    /// Stop when the mean per-sample log-likelihood changes by less than this (nats).
    public var tolerance: Double
    /// Added to every variance (covariance diagonal) so that no component collapses.
    public var regularization: Double

    public init(
        components: Int, dimensions: Int, covariance: Covariance = .full, maxIterations: Int = 200,
        tolerance: Double = 1e-5, regularization: Double = 1e-6
    ) {
        self.components = components
        self.dimensions = dimensions
        self.covariance = covariance
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.regularization = regularization
    }
}

public final class GaussianMixture {
    public let config: GaussianMixtureConfig
    public private(set) var weights: [Double]
    /// Means, `[K][D]`.
    public private(set) var means: [[Double]]
    /// Covariances: `[K][D]` variances (diagonal) or `[K][D·D]` row-major matrices (full).
    public private(set) var covariances: [[Double]]
    /// Cholesky factors of full covariances (lower triangular, row-major), or standard deviations.
    private var factors: [[Double]] = []

    public init(_ config: GaussianMixtureConfig) {
        self.config = config
        let (k, d) = (config.components, config.dimensions)
        weights = Array(repeating: 1 / Double(k), count: k)
        means = Array(repeating: Array(repeating: 0, count: d), count: k)
        covariances = Array(repeating: config.covariance == .full ? GaussianMixture.identity(d) : Array(repeating: 1, count: d), count: k)
        refreshFactors()
    }

    static func identity(_ d: Int) -> [Double] {
        var m = [Double](repeating: 0, count: d * d)
        for i in 0..<d { m[i * d + i] = 1 }
        return m
    }

    /// Fits to `data [N, D]`; returns the EM iterations run and the final mean log-likelihood (nats).
    @discardableResult
    public func fit(_ data: Tensor, rng: inout RNG) -> (iterations: Int, logLikelihood: Double) {
        let (n, d, k) = (data.shape[0], config.dimensions, config.components)
        precondition(data.rank == 2 && data.shape[1] == d, "fit: data \(data.shape) is not [N, \(d)]")
        precondition(n >= k, "fit: \(n) samples for \(k) components")
        let x = data.scalars.map(Double.init)
        initialise(x, n: n, rng: &rng)
        var previous = -Double.infinity
        var resp = [Double](repeating: 0, count: n * k)
        var iterations = 0
        var mean = -Double.infinity
        while iterations < config.maxIterations {
            iterations += 1
            // E step.
            var total = 0.0
            for i in 0..<n {
                let row = Array(x[(i * d)..<(i * d + d)])
                var logs = (0..<k).map { Foundation.log(weights[$0]) + componentLogDensity($0, row) }
                let m = logs.max()!
                let lse = m + Foundation.log(logs.reduce(0) { $0 + Foundation.exp($1 - m) })
                for j in 0..<k {
                    logs[j] = Foundation.exp(logs[j] - lse)
                    resp[i * k + j] = logs[j]
                }
                total += lse
            }
            mean = total / Double(n)
            if Swift.abs(mean - previous) < config.tolerance { break }
            previous = mean
            mStep(x, resp, n: n)
        }
        return (iterations, mean)
    }

    private func mStep(_ x: [Double], _ resp: [Double], n: Int) {
        let (d, k) = (config.dimensions, config.components)
        for j in 0..<k {
            var nk = 0.0
            var mu = [Double](repeating: 0, count: d)
            for i in 0..<n {
                let r = resp[i * k + j]
                nk += r
                for a in 0..<d { mu[a] += r * x[i * d + a] }
            }
            nk = max(nk, 1e-10)
            mu = mu.map { $0 / nk }
            var cov = [Double](repeating: 0, count: config.covariance == .full ? d * d : d)
            for i in 0..<n {
                let r = resp[i * k + j]
                for a in 0..<d {
                    let da = x[i * d + a] - mu[a]
                    if config.covariance == .full {
                        for b in 0...a { cov[a * d + b] += r * da * (x[i * d + b] - mu[b]) }
                    } else {
                        cov[a] += r * da * da
                    }
                }
            }
            if config.covariance == .full {
                for a in 0..<d {
                    for b in 0...a {
                        cov[a * d + b] /= nk
                        cov[b * d + a] = cov[a * d + b]
                    }
                    cov[a * d + a] += config.regularization
                }
            } else {
                cov = cov.map { $0 / nk + config.regularization }
            }
            weights[j] = nk / Double(n)
            means[j] = mu
            covariances[j] = cov
        }
        refreshFactors()
    }

    /// k-means++ seeding, 10 Lloyd iterations, then per-cluster weights and covariances.
    private func initialise(_ x: [Double], n: Int, rng: inout RNG) {
        let (d, k) = (config.dimensions, config.components)
        func dist2(_ i: Int, _ c: [Double]) -> Double {
            var s = 0.0
            for a in 0..<d {
                let t = x[i * d + a] - c[a]
                s += t * t
            }
            return s
        }
        var centers = [Array(x[(rng.int(below: n) * d)...].prefix(d))]
        var nearest = (0..<n).map { dist2($0, centers[0]) }
        // Greedy k-means++ (as scikit-learn): of 2 + ln k candidates drawn by squared distance,
        // keep the one that lowers the total squared distance most.
        let trials = 2 + Int(Foundation.log(Double(k)))
        while centers.count < k {
            let w = nearest.map(Float.init)
            var best: (cost: Double, center: [Double], nearest: [Double])?
            for _ in 0..<trials {
                let pick = w.reduce(0, +) > 0 ? w.withUnsafeBufferPointer { rng.categorical($0) } : rng.int(below: n)
                let candidate = Array(x[(pick * d)..<(pick * d + d)])
                let updated = (0..<n).map { min(nearest[$0], dist2($0, candidate)) }
                let cost = updated.reduce(0, +)
                if best.map({ cost < $0.cost }) ?? true { best = (cost, candidate, updated) }
            }
            centers.append(best!.center)
            nearest = best!.nearest
        }
        var assignment = [Int](repeating: 0, count: n)
        for _ in 0..<10 {
            for i in 0..<n {
                var best = 0
                var bestD = Double.infinity
                for j in 0..<k {
                    let dd = dist2(i, centers[j])
                    if dd < bestD {
                        bestD = dd
                        best = j
                    }
                }
                assignment[i] = best
            }
            for j in 0..<k {
                let members = (0..<n).filter { assignment[$0] == j }
                guard !members.isEmpty else { continue }
                centers[j] = (0..<d).map { a in members.reduce(0) { $0 + x[$1 * d + a] } / Double(members.count) }
            }
        }
        var resp = [Double](repeating: 0, count: n * k)
        for i in 0..<n { resp[i * k + assignment[i]] = 1 }
        mStep(x, resp, n: n)
        for j in 0..<k where weights[j] < 1e-9 {  // an empty cluster restarts at a data point
            means[j] = Array(x[(rng.int(below: n) * d)...].prefix(d))
            weights[j] = 1 / Double(n)
        }
    }

    private func refreshFactors() {
        let d = config.dimensions
        factors = covariances.map { cov in
            if config.covariance == .diagonal { return cov.map { $0.squareRoot() } }
            var l = [Double](repeating: 0, count: d * d)  // Cholesky, with a jitter floor
            for i in 0..<d {
                for j in 0...i {
                    var s = cov[i * d + j]
                    for p in 0..<j { s -= l[i * d + p] * l[j * d + p] }
                    l[i * d + j] = i == j ? max(s, 1e-12).squareRoot() : s / l[j * d + j]
                }
            }
            return l
        }
    }

    /// log N(x | component j).
    func componentLogDensity(_ j: Int, _ x: [Double]) -> Double {
        let d = config.dimensions
        let f = factors[j]
        let mu = means[j]
        var quad = 0.0
        var logDet = 0.0
        if config.covariance == .diagonal {
            for a in 0..<d {
                let z = (x[a] - mu[a]) / f[a]
                quad += z * z
                logDet += 2 * Foundation.log(f[a])
            }
        } else {
            var y = [Double](repeating: 0, count: d)  // solve L y = x - mu
            for a in 0..<d {
                var s = x[a] - mu[a]
                for b in 0..<a { s -= f[a * d + b] * y[b] }
                y[a] = s / f[a * d + a]
                quad += y[a] * y[a]
                logDet += 2 * Foundation.log(f[a * d + a])
            }
        }
        return -0.5 * (Double(d) * Foundation.log(2 * Double.pi) + logDet + quad)
    }

    /// Log-density (nats) of each row of `data [N, D]`.
    public func logLikelihood(_ data: Tensor) -> [Double] {
        let d = config.dimensions
        let x = data.scalars.map(Double.init)
        return (0..<data.shape[0]).map { i in
            let row = Array(x[(i * d)..<(i * d + d)])
            let logs = (0..<config.components).map { Foundation.log(weights[$0]) + componentLogDensity($0, row) }
            let m = logs.max()!
            return m + Foundation.log(logs.reduce(0) { $0 + Foundation.exp($1 - m) })
        }
    }

    /// `count` samples `[count, D]`.
    public func sample(_ count: Int, rng: inout RNG) -> Tensor {
        let d = config.dimensions
        var out: [Float] = []
        out.reserveCapacity(count * d)
        let w = weights.map(Float.init)
        for _ in 0..<count {
            let j = w.withUnsafeBufferPointer { rng.categorical($0) }
            let z = (0..<d).map { _ in Double(rng.normal()) }
            for a in 0..<d {
                let offset =
                    config.covariance == .diagonal
                    ? factors[j][a] * z[a]
                    : (0...a).reduce(0) { $0 + factors[j][a * d + $1] * z[$1] }
                out.append(Float(means[j][a] + offset))
            }
        }
        return Tensor(out, shape: [count, d])
    }

    /// Parameters as tensors (`weights [K]`, `means [K, D]`, `covariances [K, D]` or `[K, D, D]`).
    public func stateDict() -> [(String, Tensor)] {
        let (k, d) = (config.components, config.dimensions)
        return [
            ("weights", Tensor(weights.map(Float.init))),
            ("means", Tensor(means.flatMap { $0.map(Float.init) }, shape: [k, d])),
            ("covariances", Tensor(covariances.flatMap { $0.map(Float.init) }, shape: config.covariance == .full ? [k, d, d] : [k, d])),
        ]
    }

    /// Replaces the parameters with those of `stateDict()`, after checking their shapes.
    public func load(stateDict tensors: [String: Tensor]) throws {
        let (k, d) = (config.components, config.dimensions)
        let covShape = config.covariance == .full ? [k, d, d] : [k, d]
        var problems: [String] = []
        for (name, shape) in [("weights", [k]), ("means", [k, d]), ("covariances", covShape)] {
            if let t = tensors[name] {
                if t.shape != shape { problems.append("'\(name)' is \(t.shape), expected \(shape)") }
            } else {
                problems.append("missing tensor '\(name)'")
            }
        }
        if !problems.isEmpty { throw ModelLoadError(problems: problems) }
        weights = tensors["weights"]!.scalars.map(Double.init)
        let m = tensors["means"]!.scalars.map(Double.init)
        let c = tensors["covariances"]!.scalars.map(Double.init)
        let per = covShape.dropFirst().reduce(1, *)
        means = (0..<k).map { Array(m[($0 * d)..<($0 * d + d)]) }
        covariances = (0..<k).map { Array(c[($0 * per)..<($0 * per + per)]) }
        refreshFactors()
    }
}

// augment tabular --method gmm|vae: rows drawn from a model of each class, fitted through the engine.
import Foundation
import GenEngine

/// A Gaussian mixture per class (the engine's `GaussianMixture`, full covariance, EM from
/// k-means++) over the standardised numeric columns, `(x − mean) / std` with the whole table's
/// mean and standard deviation; categorical columns are drawn independently of everything else
/// from the class's empirical category frequencies (so dependence between a categorical column
/// and the other columns within a class is not modelled). Numeric values are clipped to the
/// originals' range (as SDV's `enforce_min_max_values`) and written in their column's format.
///
/// Components per class: `min(components, max(1, n / (d + 1)))` for n rows and d numeric columns,
/// so each component has on average more rows than dimensions; 1e-3 is added to every variance.
/// Fitting uses `RNG(seed: seed, stream: "tabular:gmm:<class index>")`; synthetic row i uses only
/// `RNG(seed: seed, stream: "tabular:i")`.
struct GaussianMixtureSynthesizer {
    let data: TabularData
    /// The fitted mixture of each class that gets rows (nil: none, or no numeric column).
    private var mixtures: [GaussianMixture?]
    /// Per class and categorical column: category weights, aligned with `data.categories[j]`.
    private var frequencies: [[[Float]]]
    /// Components fitted per class (0 where the class gets no rows).
    private(set) var components: [Int]

    init(_ data: TabularData, plan: SynthesisPlan, components k: Int, seed: UInt64) {
        self.data = data
        let d = data.numericColumns.count
        var mixtures: [GaussianMixture?] = Array(repeating: nil, count: data.classes.count)
        var components = Array(repeating: 0, count: data.classes.count)
        var frequencies: [[[Float]]] = Array(repeating: [], count: data.classes.count)
        for (c, count) in plan.counts.enumerated() where count > 0 {
            let members = data.rowsOfClass[c]
            frequencies[c] = data.categoricalColumns.indices.map { j in
                let values = members.map { data.categorical[$0][j] }
                return Statistics.histogram(values, categories: data.categories[j]).map(Float.init)
            }
            guard d > 0 else { continue }
            let fitted = min(k, max(1, members.count / (d + 1)))
            let gmm = GaussianMixture(GaussianMixtureConfig(components: fitted, dimensions: d, covariance: .full, regularization: 1e-3))
            var rng = RNG(seed: seed, stream: "tabular:gmm:\(c)")
            gmm.fit(Tensor(members.flatMap { data.standardised($0).map(Float.init) }, shape: [members.count, d]), rng: &rng)
            mixtures[c] = gmm
            components[c] = fitted
        }
        (self.mixtures, self.frequencies, self.components) = (mixtures, frequencies, components)
    }

    /// Synthetic row `i` of the run, of class `c` (which the plan gives rows).
    func row(_ i: Int, classIndex c: Int, seed: UInt64) -> SyntheticRow {
        var rng = RNG(seed: seed, stream: "tabular:\(i)")
        var numeric: [Double] = []
        if let gmm = mixtures[c] {
            let z = gmm.sample(1, rng: &rng).scalars
            numeric = z.indices.map { a in data.clipped(Double(z[a]) * data.scale[a] + data.mean[a], column: a) }
        }
        let categorical = data.categoricalColumns.indices.map { j in
            data.categories[j][frequencies[c][j].withUnsafeBufferPointer { rng.categorical($0) }]
        }
        return SyntheticRow(classIndex: c, numeric: numeric, categorical: categorical)
    }
}

/// A small tabular VAE through the engine's `VAE` (MLP, Gaussian likelihood; Kingma & Welling
/// 2014), class-conditional (a CVAE: the class's one-hot joins the encoder features and the
/// latent) when the table has a target with two or more classes, so one model serves every class.
///
/// Encoding of a row, `[d]`: standardised numeric columns, then each categorical column one-hot
/// (categories in order of first appearance). Training: `steps` Adam steps (learning rate 3e-3)
/// on batches of min(n, 64) rows drawn with replacement from `RNG(seed:, stream:
/// "tabular:vae:batches")`, initial weights from stream `tabular:vae:init` and the
/// reparameterisation noise from `tabular:vae:noise`.
///
/// Decoding: z ~ N(0, I) → decoder means; a numeric value is the mean plus Gaussian noise with
/// that column's residual standard deviation (the root-mean-square reconstruction error of the
/// training rows from their posterior means), then un-standardised, clipped to the originals'
/// range and formatted; a categorical value is drawn with probability proportional to the
/// positive part of its one-hot block's outputs (the largest when none is positive). Synthetic
/// rows are decoded in blocks of `block` rows aligned on the run's row numbers, so a row's
/// numbers never depend on which shard computes it; row i's latent, noise and draws come from
/// `RNG(seed: seed, stream: "tabular:i")`.
final class VAESynthesizer {
    let data: TabularData
    let vae: VAE
    /// Width of the encoded row.
    let width: Int
    /// Residual standard deviation of each numeric column, standardised units.
    private(set) var residual: [Double] = []
    let conditional: Bool
    /// Rows decoded together.
    static let block = 256
    /// Negative ELBO (nats per row) of the training rows before and after training.
    private(set) var initialLoss: Float = 0, finalLoss: Float = 0

    init(_ data: TabularData, steps: Int, seed: UInt64) {
        self.data = data
        width = data.numericColumns.count + data.categories.reduce(0) { $0 + $1.count }
        conditional = data.targetIndex != nil && data.classes.count > 1
        var initRNG = RNG(seed: seed, stream: "tabular:vae:init")
        let config = VAEConfig(
            architecture: .mlp, channels: width, height: 1, width: 1, latent: max(2, min(8, width / 2)), hidden: [64],
            likelihood: .gaussian, gaussianStd: 0.5, classes: conditional ? data.classes.count : 0)
        vae = VAE(config, rng: &initRNG)
        train(steps: steps, seed: seed)
    }

    /// Row `r` encoded, `[width]`.
    func encode(_ r: Int) -> [Float] {
        var out = data.standardised(r).map(Float.init)
        for (j, cats) in data.categories.enumerated() {
            var hot = [Float](repeating: 0, count: cats.count)
            hot[cats.firstIndex(of: data.categorical[r][j])!] = 1
            out += hot
        }
        return out
    }

    private func train(steps: Int, seed: UInt64) {
        let n = data.rows.count
        let encoded = (0..<n).map(encode)
        let all = Tensor(encoded.flatMap { $0 }, shape: [n, width, 1, 1])
        let labels = data.classOfRow.map(Int32.init)
        let condition = conditional ? labels : nil
        var batches = RNG(seed: seed, stream: "tabular:vae:batches")
        var noise = RNG(seed: seed, stream: "tabular:vae:noise")
        var evaluation = RNG(seed: seed, stream: "tabular:vae:evaluation")
        initialLoss = noGrad { vae.loss(all, labels: condition, rng: &evaluation).negativeELBO }
        let optimizer = Adam(learningRate: 3e-3)
        let size = min(n, 64)
        for _ in 0..<steps {
            let pick = (0..<size).map { _ in batches.int(below: n) }
            let x = Tensor(pick.flatMap { encoded[$0] }, shape: [size, width, 1, 1])
            let y = conditional ? pick.map { labels[$0] } : nil
            let (_, g) = valueAndGrad(vae) { m in m.loss(x, labels: y, rng: &noise).total }()
            optimizer.update(vae, g)
        }
        var evaluation2 = RNG(seed: seed, stream: "tabular:vae:evaluation")
        finalLoss = noGrad { vae.loss(all, labels: condition, rng: &evaluation2).negativeELBO }
        let means = noGrad { vae.decodeRaw(vae.encode(all, labels: condition).mean, labels: condition) }.scalars
        residual = data.numericColumns.indices.map { a in
            let s = (0..<n).reduce(0.0) { acc, r in
                let t = Double(means[r * width + a] - encoded[r][a])
                return acc + t * t
            }
            return (s / Double(n)).squareRoot()
        }
    }

    /// Synthetic rows `range` of the run, whose classes `plan` gives.
    func rows(_ range: Range<Int>, plan: SynthesisPlan, seed: UInt64) -> [SyntheticRow] {
        guard !range.isEmpty else { return [] }
        let b = VAESynthesizer.block
        let latent = vae.config.latent
        var out: [SyntheticRow] = []
        out.reserveCapacity(range.count)
        for start in stride(from: range.lowerBound / b * b, to: range.upperBound, by: b) {
            let block = start..<min(start + b, plan.total)
            let classes = plan.classes(block)
            var rngs = block.map { RNG(seed: seed, stream: "tabular:\($0)") }
            var z: [Float] = []
            z.reserveCapacity(block.count * latent)
            for r in rngs.indices {
                for _ in 0..<latent { z.append(rngs[r].normal()) }
            }
            let labels = conditional ? classes.map(Int32.init) : nil
            let decoded = noGrad { vae.decodeRaw(Tensor(z, shape: [block.count, latent]), labels: labels) }.scalars
            for (r, i) in block.enumerated() {
                let o = decoded[(r * width)..<((r + 1) * width)].map { $0 }
                let numeric = data.numericColumns.indices.map { a in
                    let v = Double(o[a]) + residual[a] * Double(rngs[r].normal())
                    return data.clipped(v * data.scale[a] + data.mean[a], column: a)
                }
                var offset = data.numericColumns.count
                var categorical: [String] = []
                for cats in data.categories {
                    let weights = o[offset..<(offset + cats.count)].map { max($0, 0) }
                    let pick =
                        weights.contains { $0 > 0 }
                        ? weights.withUnsafeBufferPointer { rngs[r].categorical($0) }
                        : o[offset..<(offset + cats.count)].indices.max { o[$0] < o[$1] }! - offset
                    categorical.append(cats[pick])
                    offset += cats.count
                }
                if range.contains(i) { out.append(SyntheticRow(classIndex: classes[r], numeric: numeric, categorical: categorical)) }
            }
        }
        return out
    }
}

import Foundation

/// A generative adversarial network: an MLP (vectors `[N, D]`) or DCGAN (images `[N, C, H, W]`,
/// values in [-1, 1]) generator and discriminator, the non-saturating loss, one-sided label
/// smoothing, optional class conditioning (a one-hot label joins the latent, and the
/// discriminator's input as extra features or constant image planes), and an optional EMA copy
/// of the generator used for sampling. Latents can be truncated (resampled beyond a bound).

public struct GANConfig: Codable, Equatable {
    public enum Architecture: String, Codable { case mlp, dcgan }
    public var architecture: Architecture
    /// Output shape: `[D]` (MLP) or `[C, H, W]` (DCGAN; H and W multiples of 4).
    public var shape: [Int]
    public var latent: Int
    /// Hidden width (MLP) or the channel count of the last generator stage (DCGAN, doubled per stage).
    public var width: Int
    public var classes: Int
    /// Target for real samples in the discriminator loss (1: none; 0.9: one-sided smoothing).
    public var realLabel: Float
    /// Decay of the generator's exponential moving average (nil: no EMA copy).
    public var emaDecay: Float?

    public init(
        architecture: Architecture, shape: [Int], latent: Int = 100, width: Int = 64, classes: Int = 0,
        realLabel: Float = 0.9, emaDecay: Float? = nil
    ) {
        self.architecture = architecture
        self.shape = shape
        self.latent = latent
        self.width = width
        self.classes = classes
        self.realLabel = realLabel
        self.emaDecay = emaDecay
    }
}

public final class GAN: Module {
    public let config: GANConfig
    @Child public var generator: Sequential
    @Child public var discriminator: Sequential
    @OptionalChild public var averagedGenerator: Sequential?

    public init(_ config: GANConfig, rng: inout RNG) {
        self.config = config
        _generator = Child(wrappedValue: GAN.makeGenerator(config, rng: &rng), key: "generator")
        _discriminator = Child(wrappedValue: GAN.makeDiscriminator(config, rng: &rng), key: "discriminator")
        _averagedGenerator = OptionalChild(wrappedValue: nil, key: "generator_ema")
        super.init()
        if config.emaDecay != nil {
            var copyRNG = RNG(seed: 0)
            let ema = GAN.makeGenerator(config, rng: &copyRNG)
            for ((_, target), (_, source)) in zip(ema.namedParameters(), generator.namedParameters()) {
                target.wrappedValue = source.wrappedValue
            }
            averagedGenerator = ema
        }
    }

    static func makeGenerator(_ c: GANConfig, rng: inout RNG) -> Sequential {
        let input = c.latent + c.classes
        switch c.architecture {
        case .mlp:
            return Sequential([
                Linear(input, c.width, rng: &rng), Activation.relu, Linear(c.width, c.width, rng: &rng), Activation.relu,
                Linear(c.width, c.shape[0], rng: &rng),
            ])
        case .dcgan:
            let (channels, h, w) = (c.shape[0], c.shape[1], c.shape[2])
            let stages = GAN.stages(h)
            let top = c.width << (stages - 1)
            let (h0, w0) = (h >> stages, w >> stages)
            var layers: [any UnaryLayer] = [
                Linear(input, top * h0 * w0, rng: &rng), Activation { $0.reshaped([$0.shape[0], top, h0, w0]) },
                BatchNorm(top), Activation.relu,
            ]
            var ch = top
            for _ in 0..<(stages - 1) {
                layers += [ConvTranspose2d(ch, ch / 2, kernel: 4, stride: 2, padding: 1, rng: &rng), BatchNorm(ch / 2), Activation.relu]
                ch /= 2
            }
            layers += [ConvTranspose2d(ch, channels, kernel: 4, stride: 2, padding: 1, rng: &rng), Activation.tanh]
            return Sequential(layers)
        }
    }

    static func makeDiscriminator(_ c: GANConfig, rng: inout RNG) -> Sequential {
        switch c.architecture {
        case .mlp:
            return Sequential([
                Linear(c.shape[0] + c.classes, c.width, rng: &rng), Activation.leakyRelu(0.2),
                Linear(c.width, c.width, rng: &rng), Activation.leakyRelu(0.2), Linear(c.width, 1, rng: &rng),
            ])
        case .dcgan:
            let (channels, h, w) = (c.shape[0], c.shape[1], c.shape[2])
            let stages = GAN.stages(h)
            var layers: [any UnaryLayer] = []
            var ch = channels + c.classes
            var out = c.width
            for s in 0..<stages {
                layers.append(Conv2d(ch, out, kernel: 4, stride: 2, padding: 1, rng: &rng))
                if s > 0 { layers.append(BatchNorm(out)) }
                layers.append(Activation.leakyRelu(0.2))
                ch = out
                out *= 2
            }
            layers += [Activation { $0.reshaped([$0.shape[0], -1]) }, Linear(ch * (h >> stages) * (w >> stages), 1, rng: &rng)]
            return Sequential(layers)
        }
    }

    /// Stride-2 stages for an image side: halve while the side stays a multiple of 2 and above 8.
    static func stages(_ side: Int) -> Int {
        var s = side
        var n = 0
        while s % 2 == 0 && s > 7 && n < 5 {
            s /= 2
            n += 1
        }
        return max(n, 1)
    }

    private func conditioned(_ z: Tensor, _ labels: [Int32]?) -> Tensor {
        guard config.classes > 0 else { return z }
        guard let labels else { preconditionFailure("this GAN is class-conditional: pass labels") }
        return Tensor.concat([z, Tensor.oneHot(labels, classes: config.classes)], axis: 1)
    }

    /// The discriminator's logits `[N, 1]` for samples (with their labels when conditional).
    public func discriminate(_ x: Tensor, labels: [Int32]? = nil) -> Tensor {
        guard config.classes > 0, let labels else { return discriminator(x) }
        let onehot = Tensor.oneHot(labels, classes: config.classes)
        if config.architecture == .mlp { return discriminator(Tensor.concat([x, onehot], axis: 1)) }
        let planes = onehot.reshaped([x.shape[0], config.classes, 1, 1]).expanded(to: [x.shape[0], config.classes, x.shape[2], x.shape[3]])
        return discriminator(Tensor.concat([x, planes], axis: 1))
    }

    /// Latents `[count, latent]` from N(0, I); with `truncation`, entries beyond ±truncation are redrawn.
    public func latents(_ count: Int, truncation: Float? = nil, rng: inout RNG) -> Tensor {
        var values = (0..<(count * config.latent)).map { _ in rng.normal() }
        if let t = truncation {
            for i in values.indices { while Swift.abs(values[i]) > t { values[i] = rng.normal() } }
        }
        return Tensor(values, shape: [count, config.latent])
    }

    /// Generator output for latents (the EMA generator when it exists and `averaged`).
    public func generate(_ z: Tensor, labels: [Int32]? = nil, averaged: Bool = true) -> Tensor {
        let g = averaged ? (averagedGenerator ?? generator) : generator
        return g(conditioned(z, labels))
    }

    /// `count` samples in evaluation mode (batch norm with running statistics).
    public func sample(_ count: Int, labels: [Int32]? = nil, truncation: Float? = nil, rng: inout RNG) -> Tensor {
        let z = latents(count, truncation: truncation, rng: &rng)
        let wasTraining = training
        train(false)
        defer { train(wasTraining) }
        return noGrad { generate(z, labels: labels) }
    }

    /// One alternating update: a discriminator step on real and generated samples, then a generator
    /// step with the non-saturating loss; then the EMA update. Returns both losses (nats).
    @discardableResult
    public func trainStep(
        real: Tensor, labels: [Int32]? = nil, generatorOptimizer: Optimizer,
        discriminatorOptimizer: Optimizer, rng: inout RNG
    ) -> (discriminator: Float, generator: Float) {
        let n = real.shape[0]
        let z = latents(n, rng: &rng)
        let fakeLabels = labels.map { _ in (0..<n).map { _ in Int32(rng.int(below: config.classes)) } }
        let fake = noGrad { generator(conditioned(z, fakeLabels)) }
        let realTarget = Tensor(shape: [n, 1], repeating: config.realLabel)
        let fakeTarget = Tensor.zeros([n, 1])
        let (dLoss, dGrads) = valueAndGrad(discriminator) { _ in
            binaryCrossEntropy(logits: self.discriminate(real, labels: labels), targets: realTarget)
                + binaryCrossEntropy(logits: self.discriminate(fake, labels: fakeLabels), targets: fakeTarget)
        }()
        discriminatorOptimizer.update(discriminator, dGrads)
        let ones = Tensor.ones([n, 1])
        let (gLoss, gGrads) = valueAndGrad(generator) { g in
            binaryCrossEntropy(logits: self.discriminate(g(self.conditioned(z, fakeLabels)), labels: fakeLabels), targets: ones)
        }()
        generatorOptimizer.update(generator, gGrads)
        if let decay = config.emaDecay, let ema = averagedGenerator {
            noGrad {
                for ((_, target), (_, source)) in zip(ema.namedParameters(), generator.namedParameters()) {
                    target.wrappedValue = target.wrappedValue * decay + source.wrappedValue * (1 - decay)
                }
                for ((_, target), (_, source)) in zip(ema.namedBuffers(), generator.namedBuffers()) {
                    target.wrappedValue = source.wrappedValue
                }
            }
        }
        return (dLoss.item, gLoss.item)
    }
}

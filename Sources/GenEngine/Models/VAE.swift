import Foundation

/// A variational autoencoder: an MLP or convolutional encoder to a diagonal Gaussian latent
/// (reparameterisation trick), a decoder with a Bernoulli or Gaussian likelihood, a β weight on
/// the KL term and optional class conditioning (CVAE: a one-hot label joins the encoder features
/// and the latent). Inputs are images `[N, C, H, W]` with values in [0, 1] (or any `[N, D]` data
/// with `height = width = 1` and the MLP architecture).

public struct VAEConfig: Codable, Equatable {
    public enum Architecture: String, Codable, CaseIterable { case mlp, conv }
    public enum Likelihood: String, Codable { case bernoulli, gaussian }
    public var architecture: Architecture
    public var channels: Int, height: Int, width: Int
    public var latent: Int
    /// Hidden widths of the MLP (encoder; the decoder mirrors them), or the width of the dense
    /// layer between the convolutions and the latent.
    public var hidden: [Int]
    /// Channels of each stride-2 convolution stage (conv architecture).
    public var convChannels: [Int]
    public var likelihood: Likelihood
    /// Standard deviation of the Gaussian likelihood.
    public var gaussianStd: Float
    public var beta: Float
    /// Number of classes for conditioning (0: unconditional).
    public var classes: Int

    public init(
        architecture: Architecture, channels: Int, height: Int, width: Int, latent: Int, hidden: [Int] = [400],
        convChannels: [Int] = [32, 64], likelihood: Likelihood = .bernoulli, gaussianStd: Float = 0.1,
        beta: Float = 1, classes: Int = 0
    ) {
        self.architecture = architecture
        self.channels = channels
        self.height = height
        self.width = width
        self.latent = latent
        self.hidden = hidden
        self.convChannels = convChannels
        self.likelihood = likelihood
        self.gaussianStd = gaussianStd
        self.beta = beta
        self.classes = classes
    }

    var inputSize: Int { channels * height * width }
    /// Spatial size after the conv stages.
    var convGrid: (Int, Int) {
        let f = 1 << convChannels.count
        return (height / f, width / f)
    }
}

/// The negative ELBO of a batch, in nats per example, and its two parts.
public struct VAELoss {
    /// `reconstruction + β·kl`, the training objective (scalar tensor).
    public var total: Tensor
    public var reconstruction: Float
    public var kl: Float
    /// `reconstruction + kl` (the true negative ELBO, β = 1).
    public var negativeELBO: Float { reconstruction + kl }
}

public final class VAE: Module {
    public let config: VAEConfig
    @Child public var encoder: Sequential
    @Child public var mean: Linear
    @Child public var logVariance: Linear
    @Child public var decoderInput: Sequential
    @Child public var decoder: Sequential

    public init(_ config: VAEConfig, rng: inout RNG) {
        precondition(
            config.architecture == .mlp
                || (config.height % (1 << config.convChannels.count) == 0
                    && config.width % (1 << config.convChannels.count) == 0),
            "image size \(config.height)x\(config.width) must divide by 2^\(config.convChannels.count)")
        self.config = config
        let c = config
        var enc: [any UnaryLayer] = []
        var dec: [any UnaryLayer] = []
        var decIn: [any UnaryLayer] = []
        let features: Int
        switch c.architecture {
        case .mlp:
            enc.append(Activation { $0.reshaped([$0.shape[0], -1]) })
            var width = c.inputSize
            for h in c.hidden {
                enc += [Linear(width, h, rng: &rng), Activation.relu]
                width = h
            }
            features = width
            var dwidth = c.latent + c.classes
            for h in c.hidden.reversed() {
                decIn += [Linear(dwidth, h, rng: &rng), Activation.relu]
                dwidth = h
            }
            dec += [Linear(dwidth, c.inputSize, rng: &rng), Activation { $0.reshaped([$0.shape[0], c.channels, c.height, c.width]) }]
        case .conv:
            var ch = c.channels
            for out in c.convChannels {
                enc += [Conv2d(ch, out, kernel: 4, stride: 2, padding: 1, rng: &rng), Activation.relu]
                ch = out
            }
            let (gh, gw) = c.convGrid
            enc.append(Activation { $0.reshaped([$0.shape[0], -1]) })
            let flat = ch * gh * gw
            let dense = c.hidden.first ?? 256
            enc += [Linear(flat, dense, rng: &rng), Activation.relu]
            features = dense
            decIn += [Linear(c.latent + c.classes, dense, rng: &rng), Activation.relu, Linear(dense, flat, rng: &rng), Activation.relu]
            dec.append(Activation { $0.reshaped([$0.shape[0], ch, gh, gw]) })
            let stages = Array(c.convChannels.reversed())  // e.g. 64 -> 32 -> channels
            for i in 0..<(stages.count - 1) {
                dec += [ConvTranspose2d(stages[i], stages[i + 1], kernel: 4, stride: 2, padding: 1, rng: &rng), Activation.relu]
            }
            dec.append(ConvTranspose2d(stages.last!, c.channels, kernel: 4, stride: 2, padding: 1, rng: &rng))
        }
        _encoder = Child(wrappedValue: Sequential(enc), key: "encoder")
        _mean = Child(wrappedValue: Linear(features + c.classes, c.latent, rng: &rng), key: "fc_mu")
        _logVariance = Child(wrappedValue: Linear(features + c.classes, c.latent, rng: &rng), key: "fc_logvar")
        _decoderInput = Child(wrappedValue: Sequential(decIn), key: "decoder_input")
        _decoder = Child(wrappedValue: Sequential(dec), key: "decoder")
        super.init()
    }

    private func withLabels(_ x: Tensor, _ labels: [Int32]?) -> Tensor {
        guard config.classes > 0 else { return x }
        guard let labels else { preconditionFailure("this VAE is class-conditional: pass labels") }
        return Tensor.concat([x, Tensor.oneHot(labels, classes: config.classes)], axis: 1)
    }

    /// Images in [0, 1] for latents `[N, latent]` under a mix of classes: `classWeights`
    /// `[N, classes]` in place of one-hot labels (rows summing to 1 walk between classes).
    public func decode(_ z: Tensor, classWeights: Tensor) -> Tensor {
        precondition(classWeights.shape == [z.shape[0], config.classes], "decode: classWeights must be [N, \(config.classes)]")
        let raw = decoder(decoderInput(Tensor.concat([z, classWeights], axis: 1)))
        return config.likelihood == .bernoulli ? raw.sigmoid() : raw.clamped(min: 0, max: 1)
    }

    /// The negative ELBO (nats) of one image `[1, C, H, W]` under each class, `[classes]`, with the
    /// posterior mean as the latent (no sampling): the lower, the better the class explains the
    /// image. How a class-conditional VAE classifies by its own likelihood (Kingma et al. 2014,
    /// "Semi-supervised learning with deep generative models", M2).
    public func negativeELBOPerClass(_ x: Tensor) -> [Float] {
        precondition(config.classes > 0 && x.shape.count == 4 && x.shape[0] == 1, "negativeELBOPerClass: one image, a conditional VAE")
        let k = config.classes
        let labels = (0..<k).map(Int32.init)
        let batch = Tensor.concat(Array(repeating: x, count: k))
        return noGrad {
            let (mu, logVar) = encode(batch, labels: labels)
            let raw = decodeRaw(mu, labels: labels).reshaped([k, -1])
            let flat = batch.reshaped([k, -1])
            let reconstruction: Tensor
            switch config.likelihood {
            case .bernoulli: reconstruction = (raw.softplus() - flat * raw).sum(axis: 1)
            case .gaussian:
                let s = config.gaussianStd
                let constant = Float(config.inputSize) * (Foundation.log(s) + 0.5 * Foundation.log(2 * Float.pi))
                reconstruction = (raw - flat).square().sum(axis: 1) * (0.5 / (s * s)) + constant
            }
            // KL(N(mu, σ²) ‖ N(0, 1)) per example: ½ Σ (mu² + σ² − log σ² − 1).
            let kl = ((mu.square() + logVar.exp() - logVar - 1) * 0.5).sum(axis: 1)
            return (reconstruction + kl * config.beta).scalars
        }
    }

    /// The class whose negative ELBO is lowest for one image `[1, C, H, W]` (see
    /// `negativeELBOPerClass`).
    public func bestFittingClass(_ x: Tensor) -> Int32 {
        let scores = negativeELBOPerClass(x)
        return Int32(scores.indices.min { scores[$0] < scores[$1] }!)
    }

    /// Posterior mean and log-variance `[N, latent]` of images `[N, C, H, W]`.
    public func encode(_ x: Tensor, labels: [Int32]? = nil) -> (mean: Tensor, logVariance: Tensor) {
        let h = withLabels(encoder(x), labels)
        return (mean(h), logVariance(h))
    }

    /// Decoder output for latents `[N, latent]`: logits (Bernoulli) or means (Gaussian), `[N, C, H, W]`.
    public func decodeRaw(_ z: Tensor, labels: [Int32]? = nil) -> Tensor {
        decoder(decoderInput(withLabels(z, labels)))
    }

    /// Images in [0, 1] for latents `[N, latent]`.
    public func decode(_ z: Tensor, labels: [Int32]? = nil) -> Tensor {
        let raw = decodeRaw(z, labels: labels)
        return config.likelihood == .bernoulli ? raw.sigmoid() : raw.clamped(min: 0, max: 1)
    }

    /// The negative ELBO of a batch, per example, with one reparameterised latent sample each.
    public func loss(_ x: Tensor, labels: [Int32]? = nil, rng: inout RNG) -> VAELoss {
        let n = Float(x.shape[0])
        let (mu, logVar) = encode(x, labels: labels)
        let z = mu + (logVar * 0.5).exp() * Tensor.normal(mu.shape, rng: &rng)
        let raw = decodeRaw(z, labels: labels)
        let reconstruction: Tensor
        switch config.likelihood {
        case .bernoulli:
            reconstruction = (raw.softplus() - x * raw).sum() / n
        case .gaussian:
            let s = config.gaussianStd
            let constant = Float(config.inputSize) * (Foundation.log(s) + 0.5 * Foundation.log(2 * Float.pi))
            reconstruction = (raw - x).square().sum() * (0.5 / (s * s * n)) + constant
        }
        let kl = gaussianKL(mu: mu, logVar: logVar)
        return VAELoss(total: reconstruction + kl * config.beta, reconstruction: reconstruction.item, kl: kl.item)
    }

    /// `count` images decoded from z ~ N(0, temperature²·I).
    public func sample(_ count: Int, labels: [Int32]? = nil, temperature: Float = 1, rng: inout RNG) -> Tensor {
        noGrad { decode(Tensor.normal([count, config.latent], std: temperature, rng: &rng), labels: labels) }
    }

    /// Encode to the posterior mean and decode.
    public func reconstruct(_ x: Tensor, labels: [Int32]? = nil) -> Tensor {
        noGrad { decode(encode(x, labels: labels).mean, labels: labels) }
    }
}

// The image models a bundle can hold (VAE/CVAE, DCGAN/cDCGAN, the evaluation classifier) and
// their bundle config.
import Foundation
import GenEngine

/// A small CNN: two conv(3×3)+ReLU+maxpool stages, a 128-unit dense layer (the features the
/// Fréchet distance uses) and the class logits.
final class Classifier: Module {
    @Child var conv1: Conv2d
    @Child var conv2: Conv2d
    @Child var dense: Linear
    @Child var output: Linear

    init(channels: Int, size: Int, classes: Int, rng: inout RNG) {
        _conv1 = Child(wrappedValue: Conv2d(channels, 32, kernel: 3, padding: 1, rng: &rng), key: "conv1")
        _conv2 = Child(wrappedValue: Conv2d(32, 64, kernel: 3, padding: 1, rng: &rng), key: "conv2")
        _dense = Child(wrappedValue: Linear(64 * (size / 4) * (size / 4), 128, rng: &rng), key: "fc1")
        _output = Child(wrappedValue: Linear(128, classes, rng: &rng), key: "fc2")
        super.init()
    }

    /// Penultimate features `[N, 128]` of images `[N, C, H, W]` in [0, 1].
    func features(_ x: Tensor) -> Tensor {
        let h = conv2(conv1(x).relu().maxPool2d(kernel: 2)).relu().maxPool2d(kernel: 2)
        return dense(h.reshaped([x.shape[0], -1])).relu()
    }

    func callAsFunction(_ x: Tensor) -> Tensor { output(features(x)) }
}

/// `config.json`'s `config` of every gen-image bundle.
struct ImageBundleConfig: Codable {
    enum Kind: String, Codable { case vae, gan, classifier }
    var kind: Kind
    var channels: Int, size: Int
    var classNames: [String]
    var vae: VAEConfig?
    var gan: GANConfig?
}

enum ImageModel {
    case vae(VAE)
    case gan(GAN)
    case classifier(Classifier)

    var module: Module {
        switch self {
        case .vae(let m): return m
        case .gan(let m): return m
        case .classifier(let m): return m
        }
    }

    static func build(_ config: ImageBundleConfig, seed: UInt64 = 0) -> ImageModel {
        var rng = RNG(seed: seed, stream: "init")
        switch config.kind {
        case .vae: return .vae(VAE(config.vae!, rng: &rng))
        case .gan: return .gan(GAN(config.gan!, rng: &rng))
        case .classifier:
            return .classifier(Classifier(channels: config.channels, size: config.size, classes: config.classNames.count, rng: &rng))
        }
    }

    /// Loads a bundle, checking its config and every tensor.
    static func load(_ folder: URL) throws -> (ImageModel, BundleManifest<ImageBundleConfig>) {
        let manifest = try ModelBundle.manifest(ImageBundleConfig.self, from: folder)
        let c = manifest.config
        guard (c.kind == .vae) == (c.vae != nil), (c.kind == .gan) == (c.gan != nil) else {
            throw BundleError(path: folder.path, problems: ["config.json: kind '\(c.kind.rawValue)' without its settings"])
        }
        let model = build(c)
        try ModelBundle.loadWeights(into: model.module, manifest: manifest, from: folder)
        model.module.train(false)
        return (model, manifest)
    }

    /// Images `[count, C, H, W]` in [0, 1], class-conditional when `labels` are given.
    func sample(_ count: Int, labels: [Int32]?, temperature: Float, rng: inout RNG) throws -> Tensor {
        switch self {
        case .vae(let vae): return vae.sample(count, labels: labels, temperature: temperature, rng: &rng)
        case .gan(let gan):
            let truncation: Float? = temperature < 1 ? Swift.max(temperature * 2, 0.1) : nil
            return (gan.sample(count, labels: labels, truncation: truncation, rng: &rng) + 1) * 0.5
        case .classifier: throw CLIError.usage("a classifier bundle cannot generate images; pass a VAE or GAN bundle with --model")
        }
    }

    var classes: Int {
        switch self {
        case .vae(let m): return m.config.classes
        case .gan(let m): return m.config.classes
        case .classifier(let m): return m.output.weight.shape[0]
        }
    }
}

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

    let channels: Int, size: Int

    init(channels: Int, size: Int, classes: Int, rng: inout RNG) {
        self.channels = channels
        self.size = size
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

/// The classifier's hyper-parameters (its bundle's `config`).
struct ClassifierConfig: Codable, Equatable {
    var channels: Int, size: Int, classes: Int
}

extension Classifier: GenerativeModel {
    static let family = "image-classifier"
    convenience init(_ config: ClassifierConfig, rng: inout RNG) {
        self.init(channels: config.channels, size: config.size, classes: config.classes, rng: &rng)
    }
    var config: ClassifierConfig { ClassifierConfig(channels: channels, size: size, classes: output.weight.shape[0]) }
}

/// Loads a gen-image bundle: an image generator (VAE, GAN) or the classifier.
func loadImageModel(_ folder: URL) throws -> (model: any GenerativeModel, manifest: BundleManifest<ImageDomain>) {
    try ModelBundle.load(folder, domain: ImageDomain.self, families: [VAE.self, GAN.self, Classifier.self])
}

import Foundation

/// A generative model of images with a latent space (VAE, GAN): it samples images, draws latents
/// from its prior and decodes them, so a tool samples, and walks the latent space, without
/// knowing the family.
///
/// Images are `[N, C, H, W]` in [0, 1]; latents are `[N, latentSize]`; `labels` (one per image,
/// in 0..<classes) are required when `classes > 0` and ignored otherwise.
public protocol ImageGenerator: GenerativeModel {
    /// Number of classes it is conditioned on (0: unconditional).
    var classes: Int { get }
    /// Length of one latent vector.
    var latentSize: Int { get }
    /// One latent vector `[latentSize]` from the prior.
    func drawLatent(rng: inout RNG) -> Tensor
    /// Images for latents `[N, latentSize]`, in evaluation mode, without gradients.
    func decodeImages(_ latents: Tensor, labels: [Int32]?) -> Tensor
    /// `count` images; `temperature` below 1 draws latents nearer the prior's mode (a VAE scales
    /// its latent's standard deviation; a GAN truncates it at ±max(2·temperature, 0.1), the
    /// truncation trick of BigGAN, Brock et al. 2019), 1 samples the prior itself.
    func sampleImages(_ count: Int, labels: [Int32]?, temperature: Float, rng: inout RNG) -> Tensor
}

extension VAE: ImageGenerator {
    public var classes: Int { config.classes }
    public var latentSize: Int { config.latent }
    public func drawLatent(rng: inout RNG) -> Tensor { Tensor.normal([config.latent], rng: &rng) }
    public func decodeImages(_ latents: Tensor, labels: [Int32]?) -> Tensor { noGrad { decode(latents, labels: labels) } }
    public func sampleImages(_ count: Int, labels: [Int32]?, temperature: Float, rng: inout RNG) -> Tensor {
        sample(count, labels: labels, temperature: temperature, rng: &rng)
    }
}

extension GAN: ImageGenerator {
    public var classes: Int { config.classes }
    public var latentSize: Int { config.latent }
    public func drawLatent(rng: inout RNG) -> Tensor { latents(1, rng: &rng).reshaped([config.latent]) }
    public func decodeImages(_ latents: Tensor, labels: [Int32]?) -> Tensor {
        train(false)
        return noGrad { (generate(latents, labels: labels) + 1) * 0.5 }
    }
    public func sampleImages(_ count: Int, labels: [Int32]?, temperature: Float, rng: inout RNG) -> Tensor {
        let truncation: Float? = temperature < 1 ? Swift.max(temperature * 2, 0.1) : nil
        return (sample(count, labels: labels, truncation: truncation, rng: &rng) + 1) * 0.5
    }
}

/// The `domain` of every image bundle (gen-image writes them; augment reads them): the images it
/// was trained on, `channels` × `size` × `size`, the name of each class label, and the gray level
/// (0–255) their transparent pixels were composited over (absent in older bundles: black).
public struct ImageDomain: Codable, Equatable {
    public var channels: Int, size: Int
    public var classNames: [String]
    public var background: Int?
    public init(channels: Int, size: Int, classNames: [String], background: Int? = nil) {
        (self.channels, self.size, self.classNames, self.background) = (channels, size, classNames, background)
    }
}

/// Loads a bundle that must hold an image generator (a VAE or GAN bundle); `command` names what
/// needs it; `families` may add a tool's other image families so that their bundles are named
/// in the error. Throws `BundleError` for a damaged bundle and `CLIError.usage` for a model that
/// is not a generator.
public func loadImageGenerator(_ folder: URL, for command: String, families: [any GenerativeModel.Type] = [])
    throws -> (model: any ImageGenerator, manifest: BundleManifest<ImageDomain>)
{
    let (model, manifest) = try ModelBundle.load(folder, domain: ImageDomain.self, families: [VAE.self, GAN.self] + families)
    guard let generator = model as? any ImageGenerator else {
        throw CLIError.usage(
            "\(folder.path) holds a '\(manifest.family)' model, which cannot \(command); pass a VAE or GAN bundle with --model")
    }
    return (generator, manifest)
}

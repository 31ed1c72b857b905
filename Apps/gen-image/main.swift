// gen-image: image synthesis and editing to PNG. The domain adapter between PNG files / MNIST and
// the engine's VAE and GAN families.
import GenEngine

CLI.main(version: version, root: root)

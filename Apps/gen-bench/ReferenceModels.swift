// The four reference training configurations of the benchmark, built from engine layers with
// the same shapes as bench/pytorch_reference.py.
import GenEngine

/// GPT: 4 layers, 4 heads, width 128, context 64, vocabulary 65.
func makeGPT(rng: inout RNG) -> TransformerLM {
    TransformerLM(TransformerLMConfig(vocabSize: 65, contextLength: 64, layers: 4, heads: 4, width: 128), rng: &rng)
}

/// Character LSTM: embedding 64, 2 layers of 256, vocabulary 65.
final class CharLSTM: Module {
    let embedding: Embedding, lstm: LSTM, head: Linear
    init(rng: inout RNG) {
        embedding = Embedding(65, 64, rng: &rng)
        lstm = LSTM(inputSize: 64, hiddenSize: 256, numLayers: 2, rng: &rng)
        head = Linear(256, 65, rng: &rng)
    }
    /// ids `[B, T]` -> logits `[B·T, 65]`.
    func callAsFunction(_ ids: [Int32], batch: Int) -> Tensor {
        head(lstm(embedding(ids, shape: [batch, ids.count / batch])).output).reshaped([-1, 65])
    }
}

/// The PyTorch example's MLP VAE: 784-400-(20, 20) encoder, 20-400-784 decoder.
final class MLPVAE: Module {
    let fc1: Linear, fc21: Linear, fc22: Linear, fc3: Linear, fc4: Linear
    init(rng: inout RNG) {
        fc1 = Linear(784, 400, rng: &rng)
        fc21 = Linear(400, 20, rng: &rng)
        fc22 = Linear(400, 20, rng: &rng)
        fc3 = Linear(20, 400, rng: &rng)
        fc4 = Linear(400, 784, rng: &rng)
    }
    /// Negative ELBO summed over the batch (BCE + KL), as the example's `loss_function`.
    func loss(_ x: Tensor, noise: Tensor) -> Tensor {
        let h = fc1(x).relu()
        let mu = fc21(h)
        let logVar = fc22(h)
        let z = mu + (logVar * 0.5).exp() * noise
        let logits = fc4(fc3(z).relu())
        let bce = (logits.softplus() - x * logits).sum()
        let kl = ((logVar.exp() + mu.square() - logVar - 1) * 0.5).sum()
        return bce + kl
    }
}

/// DCGAN for 28×28: G z100 → 128×7×7 → convT 64 → convT 1 (tanh); D mirrored.
func makeGenerator(rng: inout RNG) -> Sequential {
    Sequential([
        Linear(100, 128 * 7 * 7, rng: &rng), Activation { $0.reshaped([-1, 128, 7, 7]) }, BatchNorm(128), Activation.relu,
        ConvTranspose2d(128, 64, kernel: 4, stride: 2, padding: 1, rng: &rng), BatchNorm(64), Activation.relu,
        ConvTranspose2d(64, 1, kernel: 4, stride: 2, padding: 1, rng: &rng), Activation.tanh,
    ])
}

func makeDiscriminator(rng: inout RNG) -> Sequential {
    Sequential([
        Conv2d(1, 64, kernel: 4, stride: 2, padding: 1, rng: &rng), Activation.leakyRelu(0.2),
        Conv2d(64, 128, kernel: 4, stride: 2, padding: 1, rng: &rng), BatchNorm(128), Activation.leakyRelu(0.2),
        Activation { $0.reshaped([$0.shape[0], -1]) }, Linear(128 * 7 * 7, 1, rng: &rng),
    ])
}

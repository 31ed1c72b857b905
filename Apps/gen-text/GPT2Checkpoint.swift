// Hugging Face GPT-2 checkpoints (`save_pretrained` folders): config.json, model.safetensors and
// the byte-level BPE (vocab.json + merges.txt, or tokenizer.json), loaded into the engine's
// TransformerLM. The architecture is GPT-2's (Radford et al. 2019; transformers'
// `modeling_gpt2.py`): learned positions, pre-norm blocks, GELU in its tanh form, tied embeddings,
// and Conv1D layers whose weights are stored `[in, out]` (transposed here to `[out, in]`).
import Foundation
import GenEngine

enum GPT2Checkpoint {
    /// The fields of a GPT-2 `config.json` that shape the model.
    struct Config: Decodable {
        var modelType: String
        var vocabSize: Int
        var positions: Int
        var width: Int
        var layers: Int
        var heads: Int
        var activation: String?
        var layerNormEpsilon: Double?
        var tieWordEmbeddings: Bool?
        var inner: Int?

        enum CodingKeys: String, CodingKey {
            case modelType = "model_type", vocabSize = "vocab_size", positions = "n_positions", width = "n_embd"
            case layers = "n_layer", heads = "n_head", activation = "activation_function"
            case layerNormEpsilon = "layer_norm_epsilon", tieWordEmbeddings = "tie_word_embeddings", inner = "n_inner"
        }
    }

    /// Conv1D weights, stored `[in, out]`.
    static let conv1D = ["attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight", "mlp.c_proj.weight"]

    /// Whether `folder` holds a Hugging Face GPT-2 checkpoint (its config.json names `model_type`).
    static func isCheckpoint(_ folder: URL) -> Bool {
        let url = folder.appendingPathComponent("config.json")
        guard let data = try? Data(contentsOf: url),
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return false }
        return json["model_type"] != nil && json["format"] == nil
    }

    /// The model and tokenizer of a GPT-2 folder. Throws `BundleError` naming a missing file, an
    /// unsupported setting, or each tensor that is missing or of the wrong shape.
    static func load(_ folder: URL) throws -> TextModel {
        func fail(_ problem: String) -> BundleError { BundleError(path: folder.path, problems: [problem]) }
        let config: Config
        do {
            config = try JSONDecoder().decode(Config.self, from: Data(contentsOf: folder.appendingPathComponent("config.json")))
        } catch let error as DecodingError {
            throw fail("config.json is not a GPT-2 config: \(error)")
        }
        guard config.modelType == "gpt2" else { throw fail("config.json has model_type '\(config.modelType)'; gen-text reads gpt2") }
        guard (config.layerNormEpsilon ?? 1e-5) == 1e-5 else { throw fail("layer_norm_epsilon other than 1e-5 is not supported") }
        let activation = config.activation ?? "gelu_new"
        guard ["gelu_new", "gelu", "gelu_pytorch_tanh"].contains(activation) else {
            throw fail("activation_function '\(activation)' is not supported (gelu_new, gelu)")
        }
        guard config.inner.map({ $0 == 4 * config.width }) ?? true else { throw fail("n_inner other than 4 × n_embd is not supported") }
        let tied = config.tieWordEmbeddings ?? true
        let lmConfig = TransformerLMConfig(
            vocabSize: config.vocabSize, contextLength: config.positions, layers: config.layers, heads: config.heads,
            width: config.width, approximateGELU: activation != "gelu", tiedEmbeddings: tied)
        let weightsURL = folder.appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: weightsURL.path) else {
            throw fail("no model.safetensors (save the model with safe_serialization=True)")
        }
        var state: [String: Tensor] = [:]
        for (name, tensor) in try SafeTensors.read(contentsOf: weightsURL).byName {
            if name.hasSuffix(".attn.bias") || name.hasSuffix(".attn.masked_bias") { continue }  // causal-mask buffers
            if name == "lm_head.weight" && tied { continue }
            let key = name.hasPrefix("transformer.") || name.hasPrefix("lm_head.") ? name : "transformer." + name
            let isConv1D = conv1D.contains { key.hasSuffix($0) }
            guard !isConv1D || tensor.rank == 2 else { throw fail("tensor '\(name)' is \(tensor.shape); a Conv1D weight is 2-D") }
            state[key] = isConv1D ? tensor.transposed() : tensor
        }
        var rng = RNG(seed: 0)
        let model = TransformerLM(lmConfig, rng: &rng)
        do {
            try model.load(stateDict: state)
        } catch let error as ModelLoadError {
            throw BundleError(path: folder.path, problems: error.problems)
        }
        model.train(false)
        return TextModel(model: model, tokenizer: try tokenizer(folder), source: folder.path)
    }

    /// GPT-2's byte-level BPE from tokenizer.json, or vocab.json + merges.txt.
    static func tokenizer(_ folder: URL) throws -> any Tokenizer {
        let json = folder.appendingPathComponent("tokenizer.json")
        if FileManager.default.fileExists(atPath: json.path) { return try TokenizerFile.read(contentsOf: json) }
        let vocabulary = folder.appendingPathComponent("vocab.json")
        let merges = folder.appendingPathComponent("merges.txt")
        guard FileManager.default.fileExists(atPath: vocabulary.path), FileManager.default.fileExists(atPath: merges.path) else {
            throw BundleError(path: folder.path, problems: ["no tokenizer.json, nor vocab.json and merges.txt"])
        }
        return try TokenizerFile.readGPT2(vocabulary: vocabulary, merges: merges)
    }
}

// libFuzzer target: the engine's readers of users' files. The first byte chooses one: PNG (through
// libpng), safetensors, CSV, or a model bundle's config.json (beside a valid tiny model).
import Foundation
import GenEngine

/// A bundle folder whose config.json each input replaces.
private let bundle: URL = {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-bundle-\(getpid())")
    var rng = RNG(seed: 1)
    let model = TransformerLM(TransformerLMConfig(vocabSize: 5, contextLength: 4, layers: 1, heads: 1, width: 4), rng: &rng)
    try! ModelBundle.save(model, manifest: BundleManifest<NoDomain>(), to: folder, overwrite: true)
    return folder
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEngine(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let body = Data(UnsafeBufferPointer(start: data + 1, count: size - 1))
    switch data[0] % 4 {
    case 0: _ = try? PNG.decode(body)
    case 1: _ = try? SafeTensors.decode(body)
    case 2: _ = try? CSV.decode(body)
    default:
        try? body.write(to: bundle.appendingPathComponent(ModelBundle.configFile))
        _ = try? ModelBundle.load(bundle)
    }
    return 0
}

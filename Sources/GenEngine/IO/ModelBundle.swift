import Foundation

/// Name, shape and stored dtype of one tensor of a bundle.
public struct TensorSpec: Codable, Equatable {
    public var shape: [Int]
    public var dtype: String
    public init(shape: [Int], dtype: String = "F32") {
        self.shape = shape
        self.dtype = dtype
    }
}

/// How a model was trained: what a model card and `config.json` record.
public struct TrainingRecord: Codable, Equatable {
    /// The exact command line that produced the bundle.
    public var command: String
    /// The training data (path and provenance).
    public var data: String
    public var steps: Int
    public var seconds: Double
    public init(command: String, data: String, steps: Int, seconds: Double) {
        self.command = command
        self.data = data
        self.steps = steps
        self.seconds = seconds
    }
}

/// `config.json` of a model bundle, but for the family's hyper-parameters, which the model itself
/// holds (`GenerativeModel.config`) and which sit beside these fields as `"config"`:
///
/// ```json
/// {"format": "gensuite-bundle/2", "family": "recurrent-lm", "config": {…},
///  "domain": {…}, "tensors": {"name": {"shape": […], "dtype": "F32"}}, "training": {…}, "metrics": {…}}
/// ```
///
/// `Domain` is what the tool that trained the model needs beside it (a token language's version,
/// class names, image size); `NoDomain` when nothing.
public struct BundleManifest<Domain: Codable>: Codable {
    public var format = ModelBundle.format
    /// The model family (`GenerativeModel.family`).
    public var family: String
    public var domain: Domain
    public var tensors: [String: TensorSpec] = [:]
    public var training: TrainingRecord?
    public var metrics: [String: Double] = [:]

    public init(family: String = "", domain: Domain, training: TrainingRecord? = nil, metrics: [String: Double] = [:]) {
        self.family = family
        self.domain = domain
        self.training = training
        self.metrics = metrics
    }
}

extension BundleManifest where Domain == NoDomain {
    public init(training: TrainingRecord? = nil, metrics: [String: Double] = [:]) {
        self.init(domain: NoDomain(), training: training, metrics: metrics)
    }
}

/// The domain of a bundle whose tool records nothing beside the model.
public struct NoDomain: Codable, Equatable {
    public init() {}
}

/// The whole `config.json`: the manifest's fields and the family's config.
private struct ManifestFile<Config: Codable, Domain: Codable>: Codable {
    var format: String
    var family: String
    var config: Config
    var domain: Domain
    var tensors: [String: TensorSpec]
    var training: TrainingRecord?
    var metrics: [String: Double]
}

/// The `format` of a `config.json`, read first.
private struct ManifestHeader: Codable {
    var format: String?
    var family: String?
    var training: Command?
    struct Command: Codable { var command: String? }
}

/// Only the `config` of a `config.json`, decoded once the family is known.
private struct ConfigField<Config: Codable>: Codable {
    var config: Config
}

/// A bundle that cannot be used, with the folder and every problem found: exit code 65, or 66
/// when no such bundle exists.
public struct BundleError: UserFacingError {
    public let path: String
    public let problems: [String]
    public let exitCode: ExitCode
    public init(path: String, problems: [String], exitCode: ExitCode = .dataError) {
        self.path = path
        self.problems = problems
        self.exitCode = exitCode
    }
    public var description: String { "model bundle \(path): " + problems.joined(separator: "; ") }
    public var cliHint: String? {
        exitCode == .noInput ? "pass a bundle folder or a shipped model's name" : "check the bundle's path, or train the bundle again"
    }
}

/// Model bundle folders: `config.json` + `model.safetensors` (+ `tokenizer.json`, `metrics.jsonl`,
/// `curve.png`, `MODEL_CARD.md`, written by whoever has them). Every model family saves and loads
/// through the same two calls, `save` and `load`.
public enum ModelBundle {
    public static let configFile = "config.json", weightsFile = "model.safetensors"
    /// The `config.json` format this engine reads and writes.
    public static let format = "gensuite-bundle/2"

    /// Saves `model`'s tensors and the manifest (family and tensor list filled in) into `folder`.
    /// Each file is written atomically, weights before config, so a bundle with a config always
    /// has matching weights. An existing folder is written into only with `overwrite` (its other
    /// files are left as they are). Throws `IOFailure` (exists, cannot create).
    public static func save<M: GenerativeModel, D>(
        _ model: M, manifest: BundleManifest<D>, to folder: URL,
        overwrite: Bool = false
    ) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: folder.path) && !overwrite { throw IOFailure.exists(folder.path) }
        let state = model.stateDict()
        var m = manifest
        m.family = M.family
        m.tensors = Dictionary(uniqueKeysWithValues: state.map { ($0.0, TensorSpec(shape: $0.1.shape)) })
        let weights = SafeTensors(tensors: state, metadata: ["format": "pt", "family": M.family])
        do {
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw IOFailure.cannotCreate(folder.path, reason: error.localizedDescription)
        }
        try weights.write(to: folder.appendingPathComponent(weightsFile))
        try writeManifest(m, for: model, to: folder)
    }

    /// Rewrites `config.json` (atomically), e.g. to record evaluation metrics.
    public static func writeManifest<M: GenerativeModel, D>(_ manifest: BundleManifest<D>, for model: M, to folder: URL) throws {
        let file = ManifestFile(
            format: manifest.format, family: M.family, config: model.config, domain: manifest.domain,
            tensors: manifest.tensors, training: manifest.training, metrics: manifest.metrics)
        try JSONOutput.write(file, to: folder.appendingPathComponent(configFile))
    }

    /// Loads the bundle in `folder`: the family named in its `config.json` (one of `families`),
    /// built from its config, with every tensor checked for name, shape and dtype against the
    /// manifest and the model. Throws `IOFailure.missing` for no folder and `BundleError` listing
    /// every problem otherwise (not a bundle, another format, unknown family, config or domain
    /// that does not decode, tensors that do not match).
    public static func load<D>(
        _ folder: URL, domain: D.Type = NoDomain.self,
        families: [any GenerativeModel.Type] = ModelFamilies.engine
    )
        throws -> (model: any GenerativeModel, manifest: BundleManifest<D>)
    {
        let (data, manifest) = try readManifest(D.self, from: folder)
        guard let family = families.first(where: { $0.family == manifest.family }) else {
            throw BundleError(
                path: folder.path,
                problems: [
                    "holds a '\(manifest.family)' model; expected one of: "
                        + families.map { $0.family }.joined(separator: ", ")
                ])
        }
        let tensors = try loadTensors(manifest: manifest, from: folder)
        return (try family.fromBundle(config: data, tensors: tensors, folder: folder), manifest)
    }

    /// Loads a bundle that must hold a model of type `M`.
    public static func load<M: GenerativeModel, D>(_ type: M.Type, from folder: URL, domain: D.Type = NoDomain.self)
        throws -> (model: M, manifest: BundleManifest<D>)
    {
        let loaded = try load(folder, domain: domain, families: [M.self])
        return (loaded.model as! M, loaded.manifest)
    }

    /// Loads a bundle that must hold a sequence model (n-gram, recurrent or Transformer LM).
    public static func loadSequenceModel<D>(_ folder: URL, domain: D.Type = NoDomain.self)
        throws -> (model: any SequenceModel, manifest: BundleManifest<D>)
    {
        let sequenceFamilies = ModelFamilies.engine.filter { $0 is any SequenceModel.Type }
        let loaded = try load(folder, domain: domain, families: sequenceFamilies)
        return (loaded.model as! any SequenceModel, loaded.manifest)
    }

    /// Reads `config.json` and decodes everything but the family's config; returns the file's
    /// bytes too. Throws as `load` does.
    public static func readManifest<D>(_ domain: D.Type, from folder: URL) throws -> (data: Data, manifest: BundleManifest<D>) {
        let url = folder.appendingPathComponent(configFile)
        guard FileManager.default.fileExists(atPath: folder.path) else { throw IOFailure.missing(folder.path) }
        guard FileManager.default.fileExists(atPath: url.path) else {
            // A training run writes its checkpoint first and the bundle at its end.
            let training = FileManager.default.fileExists(atPath: folder.appendingPathComponent("checkpoint/state.json").path)
            throw BundleError(
                path: folder.path,
                problems: [
                    training
                        ? "training has not finished here (a checkpoint, no \(configFile)): run the same train command with --resume"
                        : "no \(configFile) (is this a model bundle folder?)"
                ])
        }
        let data = try AtomicFile.read(url)
        let header = try? JSONDecoder().decode(ManifestHeader.self, from: data)
        guard let header else { throw BundleError(path: folder.path, problems: ["\(configFile) is not a JSON object"]) }
        guard header.format == format else {
            throw BundleError(
                path: folder.path,
                problems: [
                    "\(configFile) has format '\(header.format ?? "none")'; this version reads \(format)"
                        + " (a gensuite-bundle/1 folder converts with scripts/migrate_bundle_v1.py)"
                ])
        }
        do {
            return (data, try JSONDecoder().decode(BundleManifest<D>.self, from: data))
        } catch let error as DecodingError {
            // Say what the bundle holds, which tool made it (its training command's first word) and
            // which bundles this tool reads.
            let maker = header.training?.command?.split(separator: " ").first.map { ", made by \($0)" } ?? ""
            let holds = header.family.map { " (it holds a '\($0)' model\(maker))" } ?? ""
            let tool = URL(fileURLWithPath: CommandLine.arguments.first ?? "this tool").lastPathComponent
            throw BundleError(
                path: folder.path,
                problems: [
                    "\(configFile) does not fit \(tool)\(holds): \(error.summary); \(tool) reads bundles made by "
                        + "'\(tool) train' or shipped for it"
                ])
        }
    }

    /// Decodes the family's `config` of a `config.json`.
    static func decodeConfig<C: Codable>(_ type: C.Type, from data: Data, folder: URL) throws -> C {
        do {
            return try JSONDecoder().decode(ConfigField<C>.self, from: data).config
        } catch let error as DecodingError {
            throw BundleError(path: folder.path, problems: ["\(configFile): config does not fit the model family: \(error.summary)"])
        }
    }

    /// Reads `model.safetensors` and checks every tensor's name, shape and dtype against the manifest.
    public static func loadTensors<D>(manifest: BundleManifest<D>, from folder: URL) throws -> [String: Tensor] {
        let url = folder.appendingPathComponent(weightsFile)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw BundleError(path: folder.path, problems: ["no \(weightsFile)"])
        }
        let file: SafeTensors
        do { file = try SafeTensors.read(contentsOf: url) } catch let e as SafeTensorsError {
            throw BundleError(path: folder.path, problems: ["\(weightsFile): \(e.message)"])
        }
        var problems: [String] = []
        let stored = file.byName
        for name in manifest.tensors.keys.sorted() {
            let spec = manifest.tensors[name]!
            guard let t = stored[name] else {
                problems.append("\(weightsFile) lacks tensor '\(name)' listed in \(configFile)")
                continue
            }
            if t.shape != spec.shape {
                problems.append("tensor '\(name)' is \(t.shape) in \(weightsFile) but \(spec.shape) in \(configFile)")
            }
            if let d = file.dtypes[name], d != spec.dtype {
                problems.append("tensor '\(name)' is \(d) in \(weightsFile) but \(spec.dtype) in \(configFile)")
            }
        }
        for name in stored.keys.sorted() where manifest.tensors[name] == nil {
            problems.append("\(weightsFile) has tensor '\(name)' not listed in \(configFile)")
        }
        if !problems.isEmpty { throw BundleError(path: folder.path, problems: problems) }
        return stored
    }

    /// The bundle a `--model` argument names: an existing path, or else the name of a shipped model
    /// (`locateDefault`); without an argument, the shipped model `name`.
    public static func resolve(_ argument: String?, default name: String) throws -> URL {
        guard let argument else { return try locateDefault(name) }
        if FileManager.default.fileExists(atPath: argument) || argument.contains("/") { return URL(fileURLWithPath: argument) }
        return try locateDefault(argument)
    }

    /// The folder of a shipped default model, searched in this order: `$GENSUITE_MODELS/<name>`;
    /// `<prefix>/share/gensuite/models/<name>` beside an installed executable (`<prefix>/bin`, as
    /// `make install PREFIX=…` lays it out); `SharedModels/<name>` in the working directory or up
    /// to four folders above it, then beside the executable or up to four above it (a source
    /// checkout; `ShippedFile`). Throws
    /// `BundleError` (exit 66) naming where it looked.
    public static func locateDefault(_ name: String) throws -> URL {
        var roots: [URL] = []
        if let env = ProcessInfo.processInfo.environment["GENSUITE_MODELS"] { roots.append(URL(fileURLWithPath: env)) }
        roots.append(ShippedFile.installedRoot.appendingPathComponent("models"))
        roots += ShippedFile.checkoutRoots.map { $0.appendingPathComponent("SharedModels") }
        for root in roots where FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path) {
            return root.appendingPathComponent(name)
        }
        throw BundleError(
            path: name,
            problems: [
                "no such shipped model (looked in $GENSUITE_MODELS, <prefix>/share/gensuite/models beside the executable, "
                    + "and SharedModels/ near the working directory and the executable)"
            ], exitCode: .noInput)
    }
}

extension GenerativeModel {
    /// This family's model from a bundle: built from the config in `data` (a `config.json`), then
    /// given `tensors` (already checked against the manifest).
    static func fromBundle(config data: Data, tensors: [String: Tensor], folder: URL) throws -> any GenerativeModel {
        let config = try ModelBundle.decodeConfig(Config.self, from: data, folder: folder)
        var rng = RNG(seed: 0, stream: "init")
        let model = ParameterInitialisation.skipping { Self(config, rng: &rng) }
        do { try model.load(stateDict: tensors) } catch let e as ModelLoadError {
            throw BundleError(path: folder.path, problems: e.problems)
        }
        if let module = model as? Module { module.train(false) }
        return model
    }
}

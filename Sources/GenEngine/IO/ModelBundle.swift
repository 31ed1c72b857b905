import Foundation

/// Name, shape and stored dtype of one tensor of a bundle.
public struct TensorSpec: Codable, Equatable {
    public var shape: [Int]
    public var dtype: String
    public init(shape: [Int], dtype: String = "F32") { self.shape = shape; self.dtype = dtype }
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
        self.command = command; self.data = data; self.steps = steps; self.seconds = seconds
    }
}

/// `config.json` of a model bundle: the model family, its hyper-parameters (`Config`, a plain
/// Codable struct of the family), every tensor's name/shape/dtype, training provenance and metrics.
public struct BundleManifest<Config: Codable>: Codable {
    public var format = "gensuite-bundle/1"
    public var family: String
    public var config: Config
    public var tensors: [String: TensorSpec] = [:]
    public var training: TrainingRecord?
    public var metrics: [String: Double] = [:]

    public init(family: String, config: Config, training: TrainingRecord? = nil, metrics: [String: Double] = [:]) {
        self.family = family
        self.config = config
        self.training = training
        self.metrics = metrics
    }
}

/// A bundle that cannot be used, with the folder and every problem found.
public struct BundleError: Error, CustomStringConvertible {
    public let path: String
    public let problems: [String]
    public init(path: String, problems: [String]) { self.path = path; self.problems = problems }
    public var description: String { "model bundle \(path): " + problems.joined(separator: "; ") }
}

/// Model bundle folders: `config.json` + `model.safetensors` (+ `tokenizer.json`, `metrics.jsonl`,
/// `curve.png`, `MODEL_CARD.md`, written by whoever has them).
public enum ModelBundle {
    public static let configFile = "config.json", weightsFile = "model.safetensors"

    /// Saves `model`'s weights and the manifest (its tensor list filled in) into `folder`.
    /// Each file is written atomically, weights before config. An existing folder is written
    /// into only with `overwrite` (its other files are left as they are).
    public static func save<C: Codable>(_ model: Module, manifest: BundleManifest<C>, to folder: URL,
                                        overwrite: Bool = false) throws {
        try save(tensors: model.stateDict(), manifest: manifest, to: folder, overwrite: overwrite)
    }

    /// Saves named tensors (a model that is not a `Module`, such as an n-gram table) with the manifest.
    public static func save<C: Codable>(tensors state: [(String, Tensor)], manifest: BundleManifest<C>, to folder: URL,
                                        overwrite: Bool = false) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: folder.path) && !overwrite { throw IOFailure.exists(folder.path) }
        var m = manifest
        m.tensors = Dictionary(uniqueKeysWithValues: state.map { ($0.0, TensorSpec(shape: $0.1.shape)) })
        let weights = SafeTensors(tensors: state.map { ($0.0, $0.1) }, metadata: ["format": "pt", "family": m.family])
        do {
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw IOFailure.cannotCreate(folder.path, reason: error.localizedDescription)
        }
        // Weights first, config last: a bundle with a config always has matching weights.
        try weights.write(to: folder.appendingPathComponent(weightsFile))
        try writeManifest(m, to: folder)
    }

    /// Rewrites `config.json` (atomically), e.g. to record evaluation metrics.
    public static func writeManifest<C: Codable>(_ manifest: BundleManifest<C>, to folder: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(encoder.encode(manifest) + Data("\n".utf8), to: folder.appendingPathComponent(configFile))
    }

    /// Reads and decodes `config.json`.
    public static func manifest<C: Codable>(_ type: C.Type, from folder: URL) throws -> BundleManifest<C> {
        let url = folder.appendingPathComponent(configFile)
        guard FileManager.default.fileExists(atPath: folder.path) else { throw IOFailure.missing(folder.path) }
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw BundleError(path: folder.path, problems: ["no \(configFile) (is this a model bundle folder?)"])
        }
        do {
            return try JSONDecoder().decode(BundleManifest<C>.self, from: AtomicFile.read(url))
        } catch let error as DecodingError {
            throw BundleError(path: folder.path, problems: ["\(configFile) does not fit this model family: \(describe(error))"])
        }
    }

    /// Loads `model.safetensors` into `model`, after checking every tensor's name, shape and
    /// dtype against the manifest and the model. Nothing is loaded unless everything matches.
    public static func loadWeights<C: Codable>(into model: Module, manifest: BundleManifest<C>, from folder: URL) throws {
        let stored = try loadTensors(manifest: manifest, from: folder)
        do { try model.load(stateDict: stored) } catch let e as ModelLoadError {
            throw BundleError(path: folder.path, problems: e.problems)
        }
    }

    /// Reads `model.safetensors` and checks every tensor's name, shape and dtype against the manifest.
    public static func loadTensors<C: Codable>(manifest: BundleManifest<C>, from folder: URL) throws -> [String: Tensor] {
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
            guard let t = stored[name] else { problems.append("\(weightsFile) lacks tensor '\(name)' listed in \(configFile)"); continue }
            if t.shape != spec.shape { problems.append("tensor '\(name)' is \(t.shape) in \(weightsFile) but \(spec.shape) in \(configFile)") }
            if let d = file.dtypes[name], d != spec.dtype { problems.append("tensor '\(name)' is \(d) in \(weightsFile) but \(spec.dtype) in \(configFile)") }
        }
        for name in stored.keys.sorted() where manifest.tensors[name] == nil {
            problems.append("\(weightsFile) has tensor '\(name)' not listed in \(configFile)")
        }
        if !problems.isEmpty { throw BundleError(path: folder.path, problems: problems) }
        return stored
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let ctx): return "missing key '\((ctx.codingPath + [key]).map(\.stringValue).joined(separator: "."))'"
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx):
            return "wrong value at '\(ctx.codingPath.map(\.stringValue).joined(separator: "."))': \(ctx.debugDescription)"
        case .dataCorrupted(let ctx): return "not valid JSON (\(ctx.debugDescription))"
        @unknown default: return "\(error)"
        }
    }

    /// The bundle a `--model` argument names: an existing path, or else the name of a shipped model
    /// (`locateDefault`); without an argument, the shipped model `name`.
    public static func resolve(_ argument: String?, default name: String) throws -> URL {
        guard let argument else { return try locateDefault(name) }
        if FileManager.default.fileExists(atPath: argument) || argument.contains("/") { return URL(fileURLWithPath: argument) }
        return try locateDefault(argument)
    }

    /// The folder of a shipped default model: `$GENSUITE_MODELS/<name>`, else `SharedModels/<name>`
    /// in the working directory, next to the executable, or up to four folders above either.
    public static func locateDefault(_ name: String) throws -> URL {
        var roots: [URL] = []
        if let env = ProcessInfo.processInfo.environment["GENSUITE_MODELS"] { roots.append(URL(fileURLWithPath: env)) }
        var dir = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            roots.append(dir.appendingPathComponent("SharedModels"))
            roots.append(exe.appendingPathComponent("SharedModels"))
            dir = dir.deletingLastPathComponent()
            exe = exe.deletingLastPathComponent()
        }
        for root in roots where FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path) {
            return root.appendingPathComponent(name)
        }
        throw CLIError("default model \(name) not found (looked in SharedModels/ near the working directory and the executable, "
                       + "and in $GENSUITE_MODELS); pass --model BUNDLE", code: .noInput)
    }
}

// A pipeline: ops applied in turn, each with its probability, and one-of groups.
import GenEngine

/// One step of a pipeline, applied with probability `p`: an op; a group of which one member
/// applies (albumentations' `OneOf`: members are chosen with weights proportional to their own
/// `p`, then applied without a second coin); or a nested sequence (`Sequential`, `Compose`).
indirect enum PipelineStep {
    case op(any ImageOp, p: Double)
    case oneOf([PipelineStep], p: Double)
    case sequence([PipelineStep], p: Double)

    var p: Double {
        switch self {
        case .op(_, let p), .oneOf(_, let p), .sequence(_, let p): return p
        }
    }
}

/// The ops that a spec names, their albumentations classes and default probabilities (as
/// albumentations: 0.5 for random ops, 1 for crops and resizes).
struct OpDefinition {
    let name: String
    let albumentations: String
    let defaultP: Double
    let make: (inout OpParameters) throws -> any ImageOp

    static let all: [OpDefinition] = [
        OpDefinition(name: "hflip", albumentations: "HorizontalFlip", defaultP: 0.5) { _ in HorizontalFlip() },
        OpDefinition(name: "vflip", albumentations: "VerticalFlip", defaultP: 0.5) { _ in VerticalFlip() },
        OpDefinition(name: "rot90", albumentations: "RandomRotate90", defaultP: 0.5) { _ in RandomRotate90() },
        OpDefinition(name: "rotate", albumentations: "Rotate", defaultP: 0.5) { try Rotate(&$0) },
        OpDefinition(name: "affine", albumentations: "Affine", defaultP: 0.5) { try RandomAffine(&$0, shiftScaleRotate: false) },
        OpDefinition(name: "ssr", albumentations: "ShiftScaleRotate", defaultP: 0.5) { try RandomAffine(&$0, shiftScaleRotate: true) },
        OpDefinition(name: "crop", albumentations: "RandomResizedCrop", defaultP: 1) { try RandomResizedCrop(&$0) },
        OpDefinition(name: "resize", albumentations: "Resize", defaultP: 1) { try Resize(&$0) },
        OpDefinition(name: "centercrop", albumentations: "CenterCrop", defaultP: 1) { try Crop(&$0, random: false) },
        OpDefinition(name: "randomcrop", albumentations: "RandomCrop", defaultP: 1) { try Crop(&$0, random: true) },
        OpDefinition(name: "jitter", albumentations: "ColorJitter", defaultP: 0.5) { try ColorJitter(&$0) },
        OpDefinition(name: "brightnesscontrast", albumentations: "RandomBrightnessContrast", defaultP: 0.5) { try BrightnessContrast(&$0) },
        OpDefinition(name: "grayscale", albumentations: "ToGray", defaultP: 0.5) { _ in Grayscale() },
        OpDefinition(name: "noise", albumentations: "GaussNoise", defaultP: 0.5) { try GaussianNoise(&$0) },
        OpDefinition(name: "blur", albumentations: "GaussianBlur", defaultP: 0.5) { try GaussianBlur(&$0) },
        OpDefinition(name: "cutout", albumentations: "CoarseDropout", defaultP: 0.5) { try Cutout(&$0) },
        OpDefinition(name: "elastic", albumentations: "ElasticTransform", defaultP: 0.5) { try ElasticTransform(&$0) },
        OpDefinition(name: "mixup", albumentations: "", defaultP: 0.5) { try MixUp(&$0) },
        OpDefinition(name: "cutmix", albumentations: "", defaultP: 0.5) { try CutMix(&$0) },
    ]

    static func named(_ name: String) -> OpDefinition? { all.first { $0.name == name.lowercased() } }

    /// The op `name` with `values` (and its `p`, default `defaultP`), checked. Throws
    /// `CLIError.usage` for an unknown op or parameter, or a value out of range.
    static func step(_ name: String, _ values: [String: String]) throws -> PipelineStep {
        guard let def = named(name) else {
            throw CLIError.usage("unknown op '\(name)'; the ops are " + all.map(\.name).joined(separator: ", "))
        }
        var params = OpParameters(op: def.name, values: values)
        let p = try params.double("p", default: def.defaultP, in: 0...1)
        let op = try def.make(&params)
        try params.finish()
        return .op(op, p: p)
    }
}

/// A list of steps applied in order to each sample.
struct Pipeline {
    var steps: [PipelineStep]
    /// The box rules the pipeline file gave (albumentations' `bbox_params`), if any.
    var boxRules: BoxRules?

    /// Runs every step on `sample`, drawing from `rng`, and returns the record of each op that
    /// applied: `{"op": name, …its drawn parameters}`.
    func run(_ sample: inout Sample, rng: inout RNG, context: OpContext) throws -> [ManifestValue] {
        var applied: [ManifestValue] = []
        for step in steps { try Self.run(step, &sample, &rng, context, forced: false, into: &applied) }
        return applied
    }

    private static func run(
        _ step: PipelineStep, _ sample: inout Sample, _ rng: inout RNG, _ context: OpContext, forced: Bool,
        into applied: inout [ManifestValue]
    ) throws {
        if !forced && !(Double(rng.uniform()) < step.p) { return }
        switch step {
        case .op(let op, _):
            let fields = try op.apply(&sample, rng: &rng, context: context)
            applied.append(.object([.init("op", .string(op.name))] + fields))
        case .oneOf(let members, _):
            let total = members.reduce(0) { $0 + $1.p }
            guard total > 0 else { return }
            var pick = Double(rng.uniform()) * total
            var chosen = members[members.count - 1]
            for m in members {
                if pick < m.p {
                    chosen = m
                    break
                }
                pick -= m.p
            }
            try run(chosen, &sample, &rng, context, forced: true, into: &applied)
        case .sequence(let members, _):
            for m in members { try run(m, &sample, &rng, context, forced: false, into: &applied) }
        }
    }

    /// Whether any op draws a second image (mixup, cutmix).
    var mixes: Bool {
        func mixes(_ s: PipelineStep) -> Bool {
            switch s {
            case .op(let op, _): return op is MixUp || op is CutMix
            case .oneOf(let members, _), .sequence(let members, _): return members.contains(where: mixes)
            }
        }
        return steps.contains(where: mixes)
    }
}

// albumentations' saved pipelines (`A.save(transform, "pipeline.json")`) as augment pipelines.
import Foundation
import GenEngine

/// Reads the `transform` object of a pipeline saved by albumentations 1.4–2.0 (`Compose`,
/// `Sequential` and `OneOf` with their members, each op's `__class_fullname__` and parameters)
/// into the equivalent augment ops, and `bbox_params`' `min_visibility` and `min_area` into the
/// box rules. Parameters augment has no counterpart for (interpolation codes, mask fills) are
/// ignored; an op it does not have is an error that names every such op in the file, so a user
/// can edit the pipeline once.
enum AlbumentationsPipeline {
    static func read(_ transform: [String: Any], source: String) throws -> Pipeline {
        var missing: [String] = []
        let steps = try members(transform, source: source, missing: &missing)
        guard missing.isEmpty else {
            let names = Array(Set(missing)).sorted()
            throw CLIError.usage(
                "\(source): augment has no counterpart for " + names.joined(separator: ", ")
                    + "; remove \(names.count == 1 ? "it" : "them") from the pipeline (augment has: "
                    + OpDefinition.all.filter { !$0.albumentations.isEmpty }.map(\.albumentations).joined(separator: ", ") + ")")
        }
        let p = (transform["p"] as? NSNumber)?.doubleValue ?? 1
        var pipeline = Pipeline(steps: p == 1 ? steps : [.sequence(steps, p: p)])
        if let bbox = transform["bbox_params"] as? [String: Any] {
            pipeline.boxRules = BoxRules(
                minVisibility: (bbox["min_visibility"] as? NSNumber)?.doubleValue ?? 0,
                minArea: (bbox["min_area"] as? NSNumber)?.doubleValue ?? 0)
        }
        return pipeline
    }

    private static func className(_ t: [String: Any]) -> String {
        let full = t["__class_fullname__"] as? String ?? ""
        return String(full.split(separator: ".").last ?? "")
    }

    private static func members(_ t: [String: Any], source: String, missing: inout [String]) throws -> [PipelineStep] {
        try (t["transforms"] as? [Any] ?? []).compactMap { item in
            guard let member = item as? [String: Any] else { throw CLIError.badData("\(source): a transform is not an object") }
            return try step(member, source: source, missing: &missing)
        }
    }

    private static func step(_ t: [String: Any], source: String, missing: inout [String]) throws -> PipelineStep? {
        let name = className(t)
        let p = (t["p"] as? NSNumber)?.doubleValue ?? 1
        switch name {
        case "Compose", "Sequential":
            return .sequence(try members(t, source: source, missing: &missing), p: p)
        case "OneOf":
            return .oneOf(try members(t, source: source, missing: &missing), p: p)
        default:
            guard let def = OpDefinition.all.first(where: { $0.albumentations == name && !name.isEmpty }) else {
                missing.append(name.isEmpty ? "(a transform without a class name)" : name)
                return nil
            }
            var values = try parameters(name, t, source: source)
            values["p"] = "\(p)"
            return try OpDefinition.step(def.name, values)
        }
    }

    /// `[lo, hi]` of a parameter stored as a number, a pair, or `{"x": pair, "y": pair}` (one
    /// range for both axes is all augment's ops take; different x and y ranges are refused).
    private static func pair(_ v: Any?, _ key: String, _ name: String, _ source: String) throws -> (Double, Double)? {
        switch v {
        case let n as NSNumber: return (n.doubleValue, n.doubleValue)
        case let a as [Any] where a.count == 2:
            guard let lo = a[0] as? NSNumber, let hi = a[1] as? NSNumber else { break }
            return (lo.doubleValue, hi.doubleValue)
        case let d as [String: Any]:
            let x = try pair(d["x"], key, name, source)
            let y = try pair(d["y"], key, name, source)
            guard x.map({ [$0.0, $0.1] }) == y.map({ [$0.0, $0.1] }) else {
                throw CLIError.usage("\(source): \(name).\(key) has different x and y ranges; augment's \(name) takes one range for both")
            }
            return x
        default: break
        }
        return nil
    }

    private static func text(_ r: (Double, Double)) -> String { "\(r.0)..\(r.1)" }

    /// The augment parameters of albumentations op `name`.
    private static func parameters(_ name: String, _ t: [String: Any], source: String) throws -> [String: String] {
        var out: [String: String] = [:]
        func range(_ key: String, as ours: String, offset: Double = 0) throws {
            if let r = try pair(t[key], key, name, source) { out[ours] = text((r.0 + offset, r.1 + offset)) }
        }
        func int(_ key: String) -> Int? { (t[key] as? NSNumber)?.intValue }
        if let code = int("border_mode"), ["Rotate", "Affine", "ShiftScaleRotate"].contains(name) {
            guard let mode = BorderMode(openCV: code) else {
                throw CLIError.usage("\(source): \(name) border_mode \(code) is not one augment has")
            }
            out["border"] = mode.rawValue
            if mode == .constant, let fill = (t["fill"] as? NSNumber)?.doubleValue ?? (t["value"] as? NSNumber)?.doubleValue {
                out["fill"] = "\(Int(fill))"
            }
        }
        switch name {
        case "Rotate": try range("limit", as: "limit")
        case "Affine":
            try range("scale", as: "scale")
            try range("translate_percent", as: "translate")
            try range("rotate", as: "rotate")
            try range("shear", as: "shear")
        case "ShiftScaleRotate":
            try range(t["shift_limit_x"] != nil ? "shift_limit_x" : "shift_limit", as: "shift")
            try range("scale_limit", as: "scale")
            try range("rotate_limit", as: "rotate")
        case "RandomResizedCrop":
            if let size = t["size"] as? [NSNumber], size.count == 2 {
                out["size"] = "\(size[1].intValue)x\(size[0].intValue)"
            } else if let h = int("height"), let w = int("width") {
                out["size"] = "\(w)x\(h)"
            }
            try range("scale", as: "scale")
            try range("ratio", as: "ratio")
        case "Resize", "CenterCrop", "RandomCrop":
            if let h = int("height"), let w = int("width") { out["size"] = "\(w)x\(h)" }
        case "ColorJitter":
            for key in ["brightness", "contrast", "saturation"] { try range(key, as: key, offset: -1) }
            try range("hue", as: "hue")
        case "RandomBrightnessContrast":
            try range("brightness_limit", as: "brightness")
            try range("contrast_limit", as: "contrast")
        case "GaussNoise":
            if t["std_range"] != nil {
                try range("std_range", as: "std")
            } else if let v = try pair(t["var_limit"], "var_limit", name, source) {
                out["std"] = text((v.0.squareRoot() / 255, v.1.squareRoot() / 255))
            }
        case "GaussianBlur": try range("sigma_limit", as: "sigma")
        case "CoarseDropout":
            try range("num_holes_range", as: "holes")
            if let h = try pair(t["hole_height_range"], "hole_height_range", name, source), h.0 >= 1 {
                out["size"] = "\(Int(h.0))..\(Int(h.1))"
            }
            if let fill = (t["fill"] as? NSNumber)?.doubleValue { out["fill"] = "\(Int(fill))" }
        case "ElasticTransform":
            if let a = (t["alpha"] as? NSNumber)?.doubleValue { out["alpha"] = "\(a)" }
            if let s = (t["sigma"] as? NSNumber)?.doubleValue { out["sigma"] = "\(s)" }
        default: break
        }
        return out
    }
}

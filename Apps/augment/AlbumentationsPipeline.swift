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
        let p = try probability(transform, className(transform), source: source)
        var pipeline = Pipeline(steps: p == 1 ? steps : [.sequence(steps, p: p)])
        if let bbox = transform["bbox_params"] as? [String: Any] {
            func rule(_ key: String) throws -> Double {
                guard let value = bbox[key], !(value is NSNull) else { return 0 }
                guard let n = JSONValue.number(value), n >= 0 else {
                    throw CLIError.usage("\(source): bbox_params.\(key)=\(json(value)) is not a number of at least 0")
                }
                return n
            }
            pipeline.boxRules = BoxRules(minVisibility: try rule("min_visibility"), minArea: try rule("min_area"))
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
        // albumentations 1.x's always_apply=True runs the op whatever its p.
        let p = (t["always_apply"] as? NSNumber)?.boolValue == true ? 1 : try probability(t, name, source: source)
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

    /// The `p` of a transform: a number in 0...1, 1 when absent. Throws `CLIError.usage` naming
    /// the transform otherwise (a `"p": "0.5"` would else be ignored).
    private static func probability(_ t: [String: Any], _ name: String, source: String) throws -> Double {
        guard let value = t["p"], !(value is NSNull) else { return 1 }
        guard let n = JSONValue.number(value), (0...1).contains(n) else {
            throw CLIError.usage("\(source): \(name).p=\(json(value)) is not a probability; p takes a number in 0.0...1.0")
        }
        return n
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

    /// Parameters that change nothing augment does (masks and keypoints are not augmented), or
    /// that augment does as albumentations does only at these values; any other value, or any
    /// parameter not listed here or read below, is refused by name.
    private static let neutral: [String: [Any?]] = [
        "mask_interpolation": [], "fill_mask": [], "mask_fill_value": [], "keypoint_remapping_method": [],
        "rotate_method": ["largest_box"], "crop_border": [false], "fit_output": [false], "keep_ratio": [false],
        "balanced_scale": [false], "translate_px": [nil, ["x": [0, 0], "y": [0, 0]]], "per_channel": [true], "mean_range": [[0, 0]],
        "noise_scale_factor": [1],
        "method": ["weighted_average"], "num_output_channels": [3], "brightness_by_max": [true], "ensure_safe_range": [false],
        "area_for_downscale": [nil], "pad_if_needed": [false], "pad_position": [], "approximate": [false], "same_dxdy": [false],
        "noise_distribution": ["gaussian", "uniform"], "blur_limit": [], "always_apply": [false, true], "interpolation": [1],
    ]

    /// Whether JSON value `v` equals `w` (numbers by value, lists element-wise).
    private static func same(_ v: Any?, _ w: Any?) -> Bool {
        switch (v, w) {
        case (nil, nil), (is NSNull, nil): return true
        case (let a as NSNumber, let b as Int): return a.doubleValue == Double(b)
        case (let a as NSNumber, let b as Bool): return a.boolValue == b && (a == 0 || a == 1)
        case (let a as String, let b as String): return a == b
        case (let a as [Any], let b as [Any]): return a.count == b.count && zip(a, b).allSatisfy { same($0, $1) }
        case (let a as [String: Any], let b as [String: Any]): return Set(a.keys) == Set(b.keys) && a.keys.allSatisfy { same(a[$0], b[$0]) }
        default: return false
        }
    }

    /// A JSON value as text, for messages.
    private static func json(_ v: Any?) -> String { v.map { COCOAnnotations.value($0).json } ?? "null" }

    /// The augment parameters of albumentations op `name` (1.x and 2.x parameter names).
    private static func parameters(_ name: String, _ t: [String: Any], source: String) throws -> [String: String] {
        var out: [String: String] = [:]
        var used: Set<String> = ["__class_fullname__", "p"]
        func take(_ key: String) -> Any? {
            used.insert(key)
            return t[key].flatMap { $0 is NSNull ? nil : $0 }
        }
        func range(_ key: String, as ours: String, offset: Double = 0) throws {
            if let r = try pair(take(key), key, name, source) { out[ours] = text((r.0 + offset, r.1 + offset)) }
        }
        func int(_ key: String) -> Int? { (take(key) as? NSNumber)?.intValue }
        func fill(_ keys: [String]) throws {
            for key in keys {
                guard let v = take(key) else { continue }
                if let n = v as? NSNumber {
                    out["fill"] = "\(Int(n.doubleValue))"
                } else if let list = v as? [NSNumber], let first = list.first, list.allSatisfy({ $0 == first }) {
                    out["fill"] = "\(Int(first.doubleValue))"
                } else {
                    throw CLIError.usage("\(source): \(name).\(key)=\(v) is not one value; augment fills with one gray level")
                }
            }
        }
        if ["Rotate", "Affine", "ShiftScaleRotate"].contains(name), let code = int("border_mode") {
            guard let mode = BorderMode(openCV: code) else {
                throw CLIError.usage("\(source): \(name) border_mode \(code) is not one augment has")
            }
            out["border"] = mode.rawValue
            try fill(["fill", "value"])
        }
        if ["RandomResizedCrop", "Resize"].contains(name), let code = int("interpolation") {
            guard code == 0 || code == 1 else {
                throw CLIError.usage("\(source): \(name).interpolation=\(code) is not one augment has (0 nearest, 1 bilinear)")
            }
            out["interpolation"] = code == 0 ? "nearest" : "bilinear"
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
            if let y = try pair(take("shift_limit_y"), "shift_limit_y", name, source), out["shift"] != text(y) {
                throw CLIError.usage("\(source): ShiftScaleRotate has different x and y shift limits; augment's ssr takes one for both")
            }
            try range("scale_limit", as: "scale")
            try range("rotate_limit", as: "rotate")
        case "RandomResizedCrop":
            if let size = take("size") as? [NSNumber], size.count == 2 {
                out["size"] = "\(size[1].intValue)x\(size[0].intValue)"
            } else if let h = int("height"), let w = int("width") {
                out["size"] = "\(w)x\(h)"
            }
            try range("scale", as: "scale")
            try range("ratio", as: "ratio")
        case "Resize", "CenterCrop", "RandomCrop":
            if let h = int("height"), let w = int("width") { out["size"] = "\(w)x\(h)" }
            if name != "Resize" { _ = (take("border_mode"), take("fill")) }  // used only with pad_if_needed
        case "ColorJitter":
            for key in ["brightness", "contrast", "saturation"] { try range(key, as: key, offset: -1) }
            try range("hue", as: "hue")
        case "RandomBrightnessContrast":
            try range("brightness_limit", as: "brightness")
            try range("contrast_limit", as: "contrast")
        case "GaussNoise":
            if t["std_range"] != nil {
                try range("std_range", as: "std")
            } else if let v = try pair(take("var_limit"), "var_limit", name, source) {
                out["std"] = text((v.0.squareRoot() / 255, v.1.squareRoot() / 255))
            }
            _ = take("mean")
            if let mean = t["mean"] as? NSNumber, mean.doubleValue != 0 {
                throw CLIError.usage("\(source): GaussNoise.mean must be 0 for augment")
            }
        case "GaussianBlur":
            try range("sigma_limit", as: "sigma")
        case "CoarseDropout":
            try fill(["fill", "fill_value"])
            if t["num_holes_range"] != nil {
                try range("num_holes_range", as: "holes")
            } else if let hi = int("max_holes") {
                out["holes"] = "\(int("min_holes") ?? hi)..\(hi)"
            }
            let height =
                try pair(take("hole_height_range"), "hole_height_range", name, source)
                ?? int("max_height").map { (Double(int("min_height") ?? $0), Double($0)) }
            let width =
                try pair(take("hole_width_range"), "hole_width_range", name, source)
                ?? int("max_width").map { (Double(int("min_width") ?? $0), Double($0)) }
            if let h = height {
                guard width.map({ [$0.0, $0.1] }) == [h.0, h.1], h.1 < 1 || h.0 >= 1 else {
                    throw CLIError.usage(
                        "\(source): CoarseDropout's hole_height_range and hole_width_range must be equal, both in pixels or both fractions")
                }
                out[h.1 < 1 ? "fraction" : "size"] = h.1 < 1 ? text(h) : "\(Int(h.0))..\(Int(h.1))"
            }
        case "ElasticTransform":
            if let a = take("alpha") as? NSNumber { out["alpha"] = "\(a.doubleValue)" }
            if let s = take("sigma") as? NSNumber { out["sigma"] = "\(s.doubleValue)" }
            _ = (take("border_mode"), take("fill"), take("value"))
        default: break
        }
        for key in t.keys.sorted() where !used.contains(key) {
            guard let allowed = neutral[key] else {
                throw CLIError.usage("\(source): augment's \(name) has no counterpart for its parameter \(key)=\(json(t[key]))")
            }
            let value = t[key].flatMap { $0 is NSNull ? nil : $0 }
            guard allowed.isEmpty || allowed.contains(where: { same(value, $0) }) else {
                throw CLIError.usage(
                    "\(source): augment's \(name) does \(key)=\(allowed.map(json).joined(separator: " or ")) only, not \(json(value))")
            }
        }
        return out
    }
}

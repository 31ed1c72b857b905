// Reading a pipeline: an inline spec, a JSON file of ours, or albumentations' saved pipeline.
import Foundation
import GenEngine

extension Pipeline {
    /// The pipeline of `spec`: a path to a `.json` file (ours or albumentations' `A.save`
    /// output), or an inline spec:
    ///
    ///     spec   := step (";" step)*
    ///     step   := name [":" params] | "oneof(" step ("|" step)* ")" [":" params]
    ///     params := key "=" value ("," key "=" value)*
    ///
    /// e.g. `hflip:p=0.5; oneof(rotate:limit=15 | affine:shear=10):p=0.8; jitter:brightness=0.2`.
    /// Throws `CLIError.usage` naming the place and the problem.
    static func parse(_ spec: String) throws -> Pipeline {
        if spec.lowercased().hasSuffix(".json") || FileManager.default.fileExists(atPath: spec) && !spec.contains(":") {
            return try fromJSONFile(spec)
        }
        var parser = InlineSpecParser(text: Array(spec))
        let steps = try parser.steps(until: nil)
        guard !steps.isEmpty else { throw CLIError.usage("the pipeline is empty; give ops such as \"hflip; rotate:limit=15\"") }
        return Pipeline(steps: steps)
    }

    /// A pipeline from a JSON file: albumentations' (`{"__version__":…, "transform": {…}}`) or
    /// ours (`[{"op": "hflip", "p": 0.5}, {"oneof": [...], "p": 0.8}]`).
    static func fromJSONFile(_ path: String) throws -> Pipeline {
        let data = try AtomicFile.read(URL(fileURLWithPath: path))
        guard let json = try? JSONSerialization.jsonObject(with: data) else { throw CLIError.badData("\(path): not valid JSON") }
        if let object = json as? [String: Any], let transform = object["transform"] as? [String: Any] {
            return try AlbumentationsPipeline.read(transform, source: path)
        }
        guard let list = json as? [Any] else {
            throw CLIError.badData("\(path): expected a list of ops or albumentations' saved pipeline ({\"transform\": …})")
        }
        return Pipeline(steps: try list.enumerated().map { try jsonStep($1, at: "\(path): op \($0 + 1)") })
    }

    private static func jsonStep(_ value: Any, at place: String) throws -> PipelineStep {
        guard var object = value as? [String: Any] else {
            throw CLIError.badData("\(place): expected an object such as {\"op\": \"hflip\"}")
        }
        if let members = object["oneof"] as? [Any] {
            let p = try (object["p"]).map { try jsonNumber($0, "p", place) } ?? 0.5
            guard (0...1).contains(p) else { throw CLIError.usage("\(place): p=\(p) is out of range; p takes 0...1") }
            return .oneOf(try members.enumerated().map { try jsonStep($1, at: "\(place), member \($0 + 1)") }, p: p)
        }
        guard let name = object.removeValue(forKey: "op") as? String else { throw CLIError.badData("\(place): no \"op\" name") }
        return try OpDefinition.step(name, try object.mapValues { try parameterText($0, place) })
    }

    private static func jsonNumber(_ v: Any, _ key: String, _ place: String) throws -> Double {
        guard let n = v as? NSNumber else { throw CLIError.badData("\(place): \(key) must be a number") }
        return n.doubleValue
    }

    /// A JSON parameter as spec text: numbers as written, `[a, b]` as `a..b`, strings as they are.
    static func parameterText(_ v: Any, _ place: String) throws -> String {
        if let s = v as? String { return s }
        if let n = v as? NSNumber { return "\(n.doubleValue)" }
        if let pair = v as? [Any], pair.count == 2, let a = pair[0] as? NSNumber, let b = pair[1] as? NSNumber {
            return "\(a.doubleValue)..\(b.doubleValue)"
        }
        throw CLIError.badData("\(place): a parameter must be a number, [lo, hi] or a name")
    }
}

/// The inline spec grammar of `Pipeline.parse`, read left to right.
private struct InlineSpecParser {
    let text: [Character]
    var at = 0

    mutating func skipSpaces() { while at < text.count && text[at].isWhitespace { at += 1 } }

    func error(_ message: String) -> CLIError {
        CLIError.usage("pipeline, at character \(at + 1) of \"\(String(text))\": \(message)")
    }

    /// Steps separated by `;` (top level) or `|` (inside `oneof(…)`), up to `end`.
    mutating func steps(until end: Character?) throws -> [PipelineStep] {
        var out: [PipelineStep] = []
        while true {
            skipSpaces()
            if at >= text.count {
                if end != nil { throw error("missing ')' to close oneof(") }
                return out
            }
            if text[at] == ";" && end == nil || text[at] == "|" && end != nil {
                at += 1
                continue
            }
            if let end, text[at] == end {
                at += 1
                return out
            }
            out.append(try step(inGroup: end != nil))
        }
    }

    mutating func word() -> String {
        let start = at
        while at < text.count && (text[at].isLetter || text[at].isNumber || text[at] == "_") { at += 1 }
        return String(text[start..<at])
    }

    mutating func step(inGroup: Bool) throws -> PipelineStep {
        let name = word()
        guard !name.isEmpty else { throw error("expected an op name, found '\(text[at])'") }
        skipSpaces()
        if name.lowercased() == "oneof" {
            guard at < text.count && text[at] == "(" else { throw error("oneof needs its members in parentheses: oneof(hflip | vflip)") }
            at += 1
            let members = try steps(until: ")")
            guard !members.isEmpty else { throw error("oneof() has no members") }
            var p = OpParameters(op: "oneof", values: try parameters(inGroup: inGroup))
            let prob = try p.double("p", default: 0.5, in: 0...1)
            try p.finish()
            return .oneOf(members, p: prob)
        }
        return try OpDefinition.step(name, try parameters(inGroup: inGroup))
    }

    /// `:key=value,…` after a name, up to the step's end.
    mutating func parameters(inGroup: Bool) throws -> [String: String] {
        skipSpaces()
        guard at < text.count && text[at] == ":" else { return [:] }
        at += 1
        var values: [String: String] = [:]
        let stops: Set<Character> = inGroup ? ["|", ")"] : [";"]
        while true {
            skipSpaces()
            let key = word().lowercased()
            guard !key.isEmpty, at < text.count, text[at] == "=" else { throw error("expected key=value") }
            at += 1
            let start = at
            while at < text.count && text[at] != "," && !stops.contains(text[at]) { at += 1 }
            let value = String(text[start..<at]).trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty else { throw error("\(key) has no value") }
            guard values.updateValue(value, forKey: key) == nil else { throw error("\(key) is given twice") }
            if at < text.count && text[at] == "," {
                at += 1
                continue
            }
            return values
        }
    }
}

// gen-text (the default command): continue a prompt, streaming the text as it is made.
import Foundation
import GenEngine

/// Text that may still turn into a stop string is held back: `push` returns what can be printed
/// and whether a stop string was reached (the text before it is returned, the rest dropped).
struct StopStringFilter {
    let stops: [String]
    private(set) var pending = ""

    init(_ stops: [String]) { self.stops = stops.filter { !$0.isEmpty } }

    mutating func push(_ text: String) -> (printable: String, stopped: Bool) {
        pending += text
        for stop in stops {
            if let range = pending.range(of: stop) {
                let before = String(pending[..<range.lowerBound])
                pending = ""
                return (before, true)
            }
        }
        // Hold back the longest tail that is the start of some stop string.
        var keep = 0
        for stop in stops {
            for n in stride(from: min(stop.count - 1, pending.count), to: 0, by: -1) where pending.hasSuffix(stop.prefix(n)) {
                keep = max(keep, n)
                break
            }
        }
        let cut = pending.index(pending.endIndex, offsetBy: -keep)
        let printable = String(pending[..<cut])
        pending = String(pending[cut...])
        return (printable, false)
    }

    /// What is still held back, at the end of the text.
    mutating func finish() -> String {
        defer { pending = "" }
        return pending
    }
}

/// What `--stats` writes.
struct GenerationStats: Encodable {
    var model: String
    var seed: UInt64
    var count: Int
    var promptTokens: Int
    var tokens: Int
    var loadSeconds: Double
    var timeToFirstTokenSeconds: Double
    var seconds: Double
    var tokensPerSecond: Double
    var charactersPerSecond: Double
}

/// The prompt's text: the positional argument, `-` (standard input) or `--prompt-file`.
func promptText(_ args: Arguments) throws -> String {
    let lossy = args[Shared.lossy]
    if let file = args[GenerateOptions.promptFile] {
        guard args.positionals.isEmpty else { throw CLIError.usage("give the prompt as an argument or with --prompt-file, not both") }
        return try readText(file, lossy: lossy)
    }
    guard let prompt = args.positionals.first else { return "" }
    return prompt == "-" ? try readText("-", lossy: lossy) : prompt
}

/// The token ids of `text` (from `source`, which errors name) and the text they spell:
/// characters a character-level vocabulary lacks are an error naming them, or are left out with
/// `--skip-unknown` (prompts, eval and tokenize alike).
func encode(_ text: String, _ tokenizer: any Tokenizer, skipUnknown: Bool, source: String) throws -> (ids: [Int32], text: String) {
    do {
        return (try tokenizer.encode(text), text)
    } catch let error as TokenizerError where skipUnknown {
        guard let characters = tokenizer as? CharacterTokenizer else { throw CLIError.badData("\(source): \(error.message)") }
        let known = String(String.UnicodeScalarView(text.unicodeScalars.filter { characters.id(forToken: String($0)) != nil }))
        return (try tokenizer.encode(known), known)
    } catch let error as TokenizerError {
        // Decomposed text (NFD: Hangul as jamo, accents as combining marks, as macOS writes names)
        // misses a vocabulary of composed characters: say so rather than list the jamo.
        let decomposed =
            text.unicodeScalars.elementsEqual(text.precomposedStringWithCanonicalMapping.unicodeScalars)
            ? "" : "; the text is decomposed (NFD): compose it first (NFC, e.g. Python's unicodedata.normalize(\"NFC\", text))"
        throw CLIError.badData("\(source): \(error.message)\(decomposed); or pass --skip-unknown to leave them out")
    }
}

func generateCommand(_ args: Arguments) throws {
    typealias O = GenerateOptions
    let started = Date()
    let count = args[O.sampling.count]
    let seed = args[O.sampling.seed]
    let quiet = args[O.quiet]
    if let stats = args[O.stats] { try OutputOptionGroup.check([stats], force: args[O.force]) }
    let text = try promptText(args)
    let dtype = args[O.dtype]
    if dtype != .float32 && count > 1 {
        throw CLIError.usage("--dtype \(dtype.rawValue) applies to one sample at a time: leave it out with --count \(count)")
    }
    let loaded = try loadTextModel(args[Shared.model])
    if dtype != .float32 {
        guard let gpt = loaded.model as? TransformerLM else {
            throw CLIError.usage("--dtype applies to GPT models; \(loaded.source) is not one")
        }
        gpt.decodingWeights = dtype
    }
    let loadSeconds = Date().timeIntervalSince(started)
    var prompt =
        text.isEmpty
        ? try loaded.startTokens() : try encode(text, loaded.tokenizer, skipUnknown: args[O.skipUnknown], source: "the prompt").ids
    if prompt.isEmpty { prompt = try loaded.startTokens() }
    if let context = loaded.contextLength, prompt.count > context - 1 {
        printError("gen-text: the prompt is \(prompt.count) tokens; the model reads the last \(context - 1) (its context is \(context))")
        prompt = Array(prompt.suffix(context - 1))
    }
    let maxTokens = args[O.maxTokens]
    var options = GenerationOptions(
        sampling: O.sampling.sampling(args), maxTokens: maxTokens, repetitionPenalty: args[O.sampling.repetitionPenalty])
    let stops = args[O.stop]
    if stops.contains("") { throw CLIError.usage("--stop needs a non-empty string (the text that ends a sample)") }
    let base = RNG(seed: seed, stream: "gen-text")
    var rngs = (0..<count).map { base.stream("sample-\($0)") }
    let output = FileHandle.standardOutput
    var firstToken: Date?
    var characters = 0
    let results: [(tokens: [Int32], stop: StopReason)]
    if count == 1 {
        // Stream: print each token's text as soon as it is complete UTF-8 and cannot start a stop string.
        output.write(Data(text.utf8))
        var decoder = loaded.tokenizer.streamDecoder()
        var filter = StopStringFilter(stops)
        options.onToken = { id in
            if firstToken == nil { firstToken = Date() }
            let (printable, stopped) = filter.push(decoder.append(id))
            characters += printable.count
            output.write(Data(printable.utf8))
            return !stopped
        }
        results = loaded.model.generate(prompts: [prompt], options: [options], rngs: &rngs)
        if results[0].stop != .caller {
            let (printable, _) = filter.push(decoder.finish())
            let rest = printable + filter.finish()
            characters += rest.count
            output.write(Data(rest.utf8))
        }
        output.write(Data("\n".utf8))
    } else {
        // One batch; each sample ends at its own stop string, and is printed when all are done.
        var filters = (0..<count).map { _ in StopStringFilter(stops) }
        var decoders = (0..<count).map { _ in loaded.tokenizer.streamDecoder() }
        var texts = [String](repeating: "", count: count)
        let perSample = (0..<count).map { i -> GenerationOptions in
            var o = options
            o.onToken = { id in
                if firstToken == nil { firstToken = Date() }
                let (printable, stopped) = filters[i].push(decoders[i].append(id))
                texts[i] += printable
                return !stopped
            }
            return o
        }
        results = loaded.model.generate(prompts: Array(repeating: prompt, count: count), options: perSample, rngs: &rngs)
        for i in 0..<count {
            if results[i].stop != .caller { texts[i] += filters[i].push(decoders[i].finish()).printable + filters[i].finish() }
            characters += texts[i].count
            output.write(Data(((i > 0 ? "---\n" : "") + text + texts[i] + "\n").utf8))
        }
    }
    let seconds = Date().timeIntervalSince(started) - loadSeconds
    let tokens = results.reduce(0) { $0 + $1.tokens.count }
    if !quiet {
        printError(
            String(
                format: "gen-text: %d tokens in %.2f s (%.0f tokens/s, %.0f characters/s) after %.2f s loading %@", tokens, seconds,
                Double(tokens) / seconds, Double(characters) / seconds, loadSeconds, loaded.source))
    }
    if let path = args[O.stats] {
        let stats = GenerationStats(
            model: loaded.source, seed: seed, count: count, promptTokens: prompt.count, tokens: tokens, loadSeconds: loadSeconds,
            timeToFirstTokenSeconds: (firstToken ?? Date()).timeIntervalSince(started), seconds: seconds,
            tokensPerSecond: Double(tokens) / seconds, charactersPerSecond: Double(characters) / seconds)
        try JSONOutput.write(stats, to: URL(fileURLWithPath: path))
    }
}

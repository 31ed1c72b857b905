// gen-text eval: how well a model predicts text, in the units language-model papers use.
import Foundation
import GenEngine

/// What `eval` reports for a set of files.
struct TextEvaluation: Encodable {
    var model: String
    var files: [String]
    var characters: Int
    var tokens: Int
    /// Mean cross-entropy of each predicted token (every token but each file's first).
    var natsPerToken: Double
    /// The same total over the characters (Unicode scalars) those tokens spell.
    var natsPerCharacter: Double
    var bitsPerCharacter: Double
    /// exp(nats per token).
    var perplexity: Double
}

func evaluate(_ args: Arguments) throws {
    let paths = args[EvalOptions.text] + args.positionals
    guard !paths.isEmpty else { throw CLIError.usage("--text FILE is required (the text to score; repeatable)") }
    try ReportOutput.check([args[EvalOptions.json]], args)
    let loaded = try loadTextModel(args[Shared.model])
    var totalNats = 0.0
    var tokens = 0
    var characters = 0
    for path in paths {
        let (ids, text) = try encode(
            try readText(path, lossy: args[Shared.lossy]), loaded.tokenizer, skipUnknown: args[GenerateOptions.skipUnknown], source: path)
        guard ids.count > 1 else { continue }
        totalNats += loaded.model.negativeLogLikelihood([ids]) * Double(ids.count - 1)
        tokens += ids.count - 1
        // The characters of the predicted tokens: all but those of the first token.
        characters += text.unicodeScalars.count - loaded.tokenizer.decode([ids[0]]).unicodeScalars.count
    }
    guard tokens > 0 else { throw CLIError.badData("the text is too short to score (it needs at least two tokens)") }
    let perToken = totalNats / Double(tokens)
    let perCharacter = totalNats / Double(max(characters, 1))
    let result = TextEvaluation(
        model: loaded.source, files: paths, characters: characters, tokens: tokens, natsPerToken: perToken,
        natsPerCharacter: perCharacter, bitsPerCharacter: perCharacter / log(2), perplexity: exp(perToken))
    if args[EvalOptions.json] != "-" {
        for (name, value) in [
            ("nats per token", perToken), ("nats per character", perCharacter), ("bits per character", result.bitsPerCharacter),
            ("perplexity (per token)", result.perplexity),
        ] {
            print(name.padding(toLength: 26, withPad: " ", startingAt: 0) + String(format: "%.4f", value))
        }
        print("tokens".padding(toLength: 26, withPad: " ", startingAt: 0) + "\(tokens) (\(characters) characters)")
    }
    if let json = args[EvalOptions.json] { try JSONOutput.write(result, to: URL(fileURLWithPath: json)) }
}

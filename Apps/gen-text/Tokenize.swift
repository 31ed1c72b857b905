// gen-text tokenize / detokenize: a model's tokenizer from the command line.
import Foundation
import GenEngine

func tokenize(_ args: Arguments) throws {
    let loaded = try loadTextModel(args[Shared.model])
    let source = args.positionals.first ?? "-"
    let ids = try encode(
        try readText(source, lossy: args[Shared.lossy]), loaded.tokenizer, skipUnknown: args[GenerateOptions.skipUnknown],
        source: source == "-" ? "standard input" : source
    ).ids
    FileHandle.standardOutput.write(Data(ids.map { "\($0)\n" }.joined().utf8))
}

func detokenize(_ args: Arguments) throws {
    let loaded = try loadTextModel(args[Shared.model])
    let source = args.positionals.first ?? "-"
    let text = try readText(source, lossy: true)
    var ids: [Int32] = []
    for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let field = line.trimmingCharacters(in: .whitespaces)
        if field.isEmpty { continue }
        guard let id = Int32(field), id >= 0, Int(id) < loaded.tokenizer.vocabSize else {
            throw CLIError.badData(
                "\(source == "-" ? "standard input" : source), line \(number + 1): '\(field)' is not a token id "
                    + "(0...\(loaded.tokenizer.vocabSize - 1))")
        }
        ids.append(id)
    }
    var decoder = loaded.tokenizer.streamDecoder()
    let out = ids.map { decoder.append($0) }.joined() + decoder.finish()
    FileHandle.standardOutput.write(Data(out.utf8))
}

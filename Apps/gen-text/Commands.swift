// gen-text's command line: every subcommand, its typed options and defaults.
import GenEngine

let version = "0.1.0"

/// The tokenizers `gen-text train --tokenizer` offers.
enum TextTokenizerKind: String, CaseIterable { case char, bpe }

/// Options shared by several subcommands.
enum Shared {
    static let model = Opt.string(
        "model", "BUNDLE",
        help:
            "Model bundle folder, a shipped model's name (text-shakespeare-gpt, the default; text-shakespeare-ngram; text-ko), or a Hugging Face GPT-2 folder (config.json, model.safetensors, vocab.json + merges.txt or tokenizer.json)."
    )
    static let lossy = Opt.flag("lossy", help: "Replace invalid UTF-8 in the input with U+FFFD instead of stopping.")
}

/// The options of generating (the default command).
enum GenerateOptions {
    static let promptFile = Opt.string("prompt-file", "FILE", help: "Read the prompt from FILE (- for standard input).")
    static let maxTokens = Opt.int("max-tokens", default: 500, in: 1...1_000_000, help: "Tokens to generate after the prompt.")
    static let sampling = SamplingOptionGroup(
        count: 1, maxCount: 10_000, seedHelp: "Random seed; the same seed gives the same text.",
        temperatureHelp: "Sampling temperature: below 1 is safer, above 1 more surprising; 0 is greedy.",
        countHelp: "Separate samples, decoded together in one batch.", tokenFilters: true)
    static let stop = Opt.list("stop", "TEXT", help: "End a sample where this text appears (it is not printed).")
    static let stats = Opt.string("stats", "FILE.json", help: "Write tokens, tokens/s, time to first token, seed and model as JSON.")
    static let quiet = Opt.flag("quiet", help: "Do not report the model and the speed on stderr.")
    static let force = Opt.flag("force", help: "Replace an existing --stats file.")
    static let skipUnknown = Opt.flag("skip-unknown", help: "Leave out characters the model's vocabulary lacks instead of stopping.")
    static let dtype = Opt.choice(
        "dtype", "TYPE", default: DecodingWeights.float32,
        help:
            "Weights a GPT streams per token: float16 reads half the bytes (about 2x the tokens/s of a model larger than the cache; samples drift from float32's). One sample at a time."
    )
    static let all: [any OptionConvertible] =
        [Shared.model, promptFile, maxTokens, stop, stats, force, quiet, skipUnknown, dtype, Shared.lossy] + sampling.options
}

/// The options of `train`.
enum TrainOptions {
    static let model = LanguageModelOptionGroup(
        family: .gpt, order: 6, orderHelp: "N-gram: longest context in tokens plus one.", length: 256, layers: 4, width: 256,
        dropout: 0.1, epochs: 1, learningRate: 0.001, batch: 16, fineTuning: true)
    static let group = model.training
    static let corpus = Opt.list("corpus", "FILE", help: "A UTF-8 text file (.txt or .txt.gz); each file is one document.")
    static let tokenizer = Opt.choice("tokenizer", "KIND", default: TextTokenizerKind.char, help: "Characters, or byte-level BPE.")
    static let vocabSize = Opt.int("vocab-size", "V", default: 1000, in: 260...100_000, help: "BPE: tokens, the 256 bytes included.")
    static let validation = Opt.float(
        "validation", "F", default: 0.1, in: 0.01...0.5,
        help: "Share of the documents held out for validation (a single file is cut into 20 documents at blank lines).")
    static let all: [any OptionConvertible] =
        [corpus, tokenizer, vocabSize, validation, Shared.lossy, GenerateOptions.skipUnknown] + model.options
}

/// The options of `eval`.
enum EvalOptions {
    static let text = Opt.list("text", "FILE", help: "UTF-8 text to score (repeatable; more files may follow it).")
    static let json = Opt.string("json", "FILE", help: "Also write the numbers as JSON (- for standard output).")
}

let trainCommand = Command(
    "train", abstract: "Train an n-gram, LSTM, GRU or GPT model on text files, with a character or BPE tokenizer.",
    options: TrainOptions.all,
    positionals: [Positional("FILE...", help: "More corpus files (so that --corpus *.txt works).", optional: true, variadic: true)]
) { try train($0) }

let evalCommand = Command(
    "eval", abstract: "Cross-entropy of text under a model: nats per token and per character, bits per character, perplexity.",
    options: [Shared.model, EvalOptions.text, EvalOptions.json, ReportOutput.force, Shared.lossy, GenerateOptions.skipUnknown],
    positionals: [Positional("FILE...", help: "More text files.", optional: true, variadic: true)]
) { try evaluate($0) }

let tokenizeCommand = Command(
    "tokenize", abstract: "Print the token ids of a text, one per line.",
    options: [Shared.model, Shared.lossy, GenerateOptions.skipUnknown],
    positionals: [Positional("FILE", help: "Text file, or - for standard input (default).", optional: true)]
) { try tokenize($0) }

let detokenizeCommand = Command(
    "detokenize", abstract: "Print the text of token ids given one per line.", options: [Shared.model],
    positionals: [Positional("FILE", help: "File of ids, or - for standard input (default).", optional: true)]
) { try detokenize($0) }

let root = Command(
    "gen-text", abstract: "Generate text with character, BPE and GPT-2 language models; streams to standard output.",
    discussion: """
        With no arguments: a sample of the shipped Shakespeare model. Give a prompt to continue it \
        (- reads it from standard input). Example: gen-text "ROMEO:" --max-tokens 300 --seed 7
        """,
    options: GenerateOptions.all, positionals: [Positional("PROMPT", help: "Text to continue (- for standard input).", optional: true)],
    subcommands: [trainCommand, evalCommand, tokenizeCommand, detokenizeCommand]
) { try generateCommand($0) }

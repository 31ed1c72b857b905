// gen-molecule's command line: every subcommand, its typed options and defaults.
import GenEngine

let version = "0.1.0"

/// The default model.
let defaultModel = "molecule-moses-gru"

/// Named property filters of sampling.
enum MoleculeFilterRule: String, CaseIterable { case lipinski }

/// Output formats of sampling.
enum MoleculeFormat: String, CaseIterable { case smi, csv }

/// The options of sampling (the default command).
enum GenerateOptions {
    static let model = Opt.string(
        "model", "BUNDLE", help: "Model bundle folder or a shipped model's name (molecule-moses-gru, the default; molecule-moses-ngram).")
    static let sampling = SamplingOptionGroup(
        count: 100, maxCount: 10_000_000, seedHelp: "Random seed; the same seed gives the same molecules.",
        temperatureHelp: "Sampling temperature: below 1 gives more valid but less diverse molecules.",
        countHelp: "Molecules to write (valid and distinct unless --raw).", tokenFilters: true)
    static let maxLength = Opt.int(
        "max-length", "TOKENS", default: 100, in: 1...10_000, help: "Longest SMILES in tokens; longer draws count as invalid.")
    static let raw = Opt.flag(
        "raw", help: "Write every draw as the model wrote it, valid or not, duplicates included (the MOSES protocol).")
    static let constrained = Opt.flag(
        "constrained", help: "Decode under the SMILES grammar: balanced branches, closed rings, valence budgets.")
    static let novel = Opt.flag("novel", help: "Only molecules absent from --train.")
    static let train = Opt.string("train", "FILE.smi", help: "The training molecules, for --novel.")
    static let maxAttempts = Opt.int(
        "max-attempts", in: 1...1_000_000_000, help: "Draws before giving up (default: 50 per molecule, at least 1,000).")
    static let filter: Opt<MoleculeFilterRule?> = .choice(
        "filter", "RULE", help: "lipinski: only molecules within Lipinski's rule of five.")
    static let require = Opt.list(
        "require", "BOUND", help: "A property bound each molecule must meet, e.g. \"MW<=500\", \"logP<=5\", \"HBD<=5\".")
    static let format = Opt.choice(
        "format", "FORMAT", default: MoleculeFormat.smi,
        help: "smi: canonical SMILES per line; csv: smiles,canonical,nll,valid,reason and the properties.")
    static let shard = Opt.shard(
        help:
            "Write the K-th of N slices (0-based). With --raw the slices together are the whole run; otherwise each slice is distinct within itself (deduplicate after merging)."
    )
    static let output = OutputOptionGroup(outPlaceholder: "FILE", outHelp: "File to write (default: standard output).")
    static let all: [any OptionConvertible] =
        [model, maxLength, raw, constrained, novel, train, filter, require, maxAttempts, format, shard] + sampling.options + output.options
}

/// The options of `train`.
enum TrainOptions {
    static let model = LanguageModelOptionGroup(
        family: .gru, familyHelp: "The model family (the shipped default is a GRU).", order: 10,
        orderHelp: "N-gram: longest context in tokens plus one (MOSES uses 10).", length: 64, layers: 2, width: 512, dropout: 0,
        epochs: 1, learningRate: 0.0015, batch: 64, fineTuning: true)
    static let group = model.training
    static let data = Opt.string("data", "FILE.smi", help: "Training molecules: one SMILES per line (.smi or .smi.gz; a title may follow).")
    static let randomised = Opt.flag(
        "randomised", help: "Train on a random spelling of each molecule (randomised SMILES; Arús-Pous et al. 2019) instead of the file's.")
    static let validation = Opt.float(
        "validation", "F", default: 0.02, in: 0.001...0.5, help: "Share of the molecules held out for validation.")
    static let all: [any OptionConvertible] = [data, randomised, validation] + model.options
}

/// The options of `eval`.
enum EvalOptions {
    static let input = Opt.string(
        "in", "GEN.smi", help: "Generated SMILES, one per line (every line is a sample; empty lines are invalid ones).")
    static let train = Opt.string("train", "TRAIN.smi", help: "Training molecules: novelty and scaffold novelty.")
    static let test = Opt.string("test", "TEST.smi", help: "Test molecules: SNN/Test, Scaf/Test and the reference diversity.")
    static let json = Opt.string("json", "FILE", help: "Also write the numbers as JSON (- for standard output).")
}

let evalCommand = Command(
    "eval", abstract: "MOSES metrics of generated SMILES: validity, unique@1k/10k, novelty, internal diversity, scaffold novelty.",
    options: [EvalOptions.input, EvalOptions.train, EvalOptions.test, EvalOptions.json, ReportOutput.force],
    positionals: [Positional("GEN.smi", help: "The generated SMILES (instead of --in).", optional: true)]
) { try evaluateMolecules($0) }

let trainCommand = Command(
    "train", abstract: "Train an n-gram, LSTM, GRU or GPT model on a SMILES file (atom-level tokens).",
    options: TrainOptions.all
) { try train($0) }

let checkCommand = Command(
    "check",
    abstract:
        "For each SMILES line: 'valid <canonical>' or 'invalid: <reason> at <position>', as RDKit would judge it; exit 1 if any is invalid.",
    options: [], positionals: [Positional("FILE", help: "SMILES file, or - for standard input (default).", optional: true)]
) { try check($0) }

let canonicalCommand = Command(
    "canonical", abstract: "Write each SMILES line in canonical form (one spelling per molecule), or why it is invalid.",
    options: [], positionals: [Positional("FILE", help: "SMILES file, or - for standard input (default).", optional: true)]
) { try canonical($0) }

let propsCommand = Command(
    "props", abstract: "Molecular properties of each SMILES line as CSV: MW, logP, TPSA, HBD, HBA, rotatable bonds, rings, heavy atoms.",
    discussion: """
        MW: average molecular weight (g/mol); logP: Wildman–Crippen (J. Chem. Inf. Comput. Sci. 39, 868, 1999); \
        TPSA: Ertl's N and O contributions (J. Med. Chem. 43, 3714, 2000); HBD/HBA: Lipinski's N–H/O–H hydrogens \
        and N/O atoms; rotatable: RDKit's strict definition; rings: RDKit's symmetrized SSSR. Values agree with \
        RDKit 2026.09 (see the README).
        """,
    options: [], positionals: [Positional("FILE", help: "SMILES file, or - for standard input (default).", optional: true)]
) { try properties($0) }

let root = Command(
    "gen-molecule", abstract: "Generate valid, unique molecules as SMILES; check, canonicalise and describe SMILES.",
    discussion: """
        With no arguments: 100 valid, distinct molecules from the shipped MOSES model, one SMILES per line. \
        Example: gen-molecule --count 1000 --seed 7 --format csv --out molecules.csv
        """,
    options: GenerateOptions.all, subcommands: [trainCommand, evalCommand, checkCommand, canonicalCommand, propsCommand]
) { try generateMolecules($0) }

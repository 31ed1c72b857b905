// gen-music's command line: every subcommand, its typed options and defaults.
import GenEngine

let version = "0.2.0"

/// The options of composing (the default command).
enum ComposeOptions {
    static let bars = Opt.int("bars", default: 16, in: 1...1000, help: "Length in bars (with --primer: including the primer's bars).")
    static let output = OutputOptionGroup(
        outPlaceholder: "FILE.mid",
        outHelp: "MIDI file to write (default song.mid; - for stdout). With --count: <name>-<seed>-<i>.mid.")
    static let sampling = SamplingOptionGroup(
        count: 1, maxCount: 10_000, seedHelp: "Random seed; the same seed gives the same MIDI bytes.",
        temperatureHelp: "Sampling temperature: below 1 plays safer, above 1 takes more risks; 0 is greedy.",
        countHelp: "Pieces to write; piece i uses the seed's stream i.", tokenFilters: true)
    static let key = Opt.string(
        "key", "KEY",
        help: "Key to compose in: C, Am, F#m, Bb, \"F# minor\"… Pitches outside its scale are masked "
            + "(minor keeps the raised 6th and 7th). Default: the model picks.")
    static let timeSignature = Opt<TimeSignature?>.choice("time-signature", "T", help: "Metre (default 4/4, or the primer's).")
    static let tempo = Opt.float("tempo", "BPM", default: 100, in: 20...400, help: "Tempo in quarter notes per minute.")
    static let model = Opt.string(
        "model", "BUNDLE", help: "Model bundle folder, or a shipped model's name: music-bach-lstm (default), music-bach-markov.")
    static let voices = Opt.int(
        "voices", default: 4, in: 1...4, help: "Voices to write: 1 soprano (melody), 2 soprano+bass, 3 soprano+alto+bass, 4 SATB.")
    static let program = Opt.int(
        "program", default: 52, in: 0...127,
        help: "General MIDI program (0-127) of every voice; 52 is Choir Aahs, 0 piano, 19 church organ.")
    static let programs = Opt.string("programs", "LIST", help: "One program per written voice, top down, e.g. 52,52,52,32.")
    static let primer = Opt.string(
        "primer", "FILE.mid",
        help: "Continue this opening. Its whole bars (at its time signature, quantised "
            + "to 16th notes) are kept note for note; its tracks map to voices by mean pitch (1 track: soprano, "
            + "which the model harmonises). Its key: --key, else its key signature, else estimated from its notes.")
    static let primerMelody = Opt.string(
        "primer-melody", "NOTES",
        help: "Harmonise or continue this melody, one token per 16th note as Magenta's --primer_melody: "
            + "a MIDI pitch starts a note, _ holds, - rests; e.g. \"67 _ _ _ 69 _ 71 _ 72 _ _ _ _ _ _ _\". "
            + "Its key: --key, else estimated from its pitches.")
    static let regenerate = Opt.intList(
        "regenerate", "BARS", in: 1...Score.maxBars,
        help: "Draw these bars of the --primer again (e.g. 5-8), keeping the rest note for note; --bars defaults to the primer's.")
    static let voicesFixed = Opt.string(
        "voices-fixed", "LIST",
        help:
            "Keep only these voices of the --primer (S, A, T, B, e.g. S or S,B) and draw the others again; --bars defaults to the primer's."
    )
    static let cadence = Opt.flag("cadence", help: "End on a whole-bar tonic chord, tonic in soprano and bass.")
    static let allowParallels = Opt.flag(
        "allow-parallels",
        help: "Let voices move in parallel fifths and octaves (masked by default, as Bach avoids them).")
    static let pianoRoll = Opt.string("piano-roll", "FILE.png", help: "Also draw each piece as a piano roll (one colour per voice).")
    static let audio = Opt.string(
        "audio", "FILE.wav",
        help: "Also render each piece to a WAV file: FluidSynth with a General MIDI SoundFont when installed, "
            + "else a small built-in synthesiser.")
    static let synth = Opt<Synthesiser>.choice(
        "synth", "NAME", default: .auto, help: "--audio's synthesiser: auto, fluidsynth (its GM sounds of --program), or builtin.")

    static let all: [any OptionConvertible] =
        [
            bars, key, timeSignature, tempo, model, voices, program, programs, primer, primerMelody, regenerate, voicesFixed, cadence,
            allowParallels, pianoRoll, audio, synth,
        ] + sampling.options + output.options
}

/// The metres of the token language.
enum TimeSignature: String, CaseIterable {
    case fourFour = "4/4"
    case threeFour = "3/4"
    var beatsPerBar: Int { self == .fourFour ? 4 : 3 }
}

/// The options of `train`.
enum TrainOptions {
    static let group = TrainingOptionGroup(
        epochs: 12, learningRate: 0.002, batch: 32, batchHelp: "Neural: parallel token streams per step.")
    static let data = Opt.string(
        "data", "PATH",
        help: "chorales.jsonl[.gz] (as samples/data/bach), a MIDI file, or a folder of MIDI "
            + "files (4 voices: tracks by mean pitch).")
    static let arch = Opt.choice(
        "arch", "ARCH", default: MusicArchitecture.lstm,
        help: "markov (variable-order n-gram, seconds), lstm, or transformer.")
    static let order = Opt.int(
        "order", default: 6, in: NGramConfig.orders,
        help: "Markov: longest context in tokens plus one (a frame is 1 or 4 tokens; the shipped model uses 6).")
    static let steps = Opt.int("steps", in: 1...10_000_000, help: "Neural: optimiser steps (overrides --epochs).")
    static let length = Opt.int(
        "length", "T", default: 128, in: 8...4096,
        help: "Neural: tokens per stream per step (LSTM: truncated BPTT; Transformer: its context).")
    static let embedding = Opt.int("embedding", "D", default: 64, in: 4...4096, help: "LSTM: token embedding size.")
    static let hidden = Opt.int("hidden", "D", default: 256, in: 8...4096, help: "LSTM hidden size, or Transformer width.")
    static let layers = Opt.int("layers", default: 2, in: 1...16, help: "LSTM or Transformer layers.")
    static let heads = Opt.int("heads", default: 4, in: 1...64, help: "Transformer attention heads.")
    static let dropout = Opt.float("dropout", "P", default: 0.1, in: 0...0.9, help: "Neural: dropout probability.")
    static let noTranspose = Opt.flag("no-transpose", help: "Train on the pieces as written, without the 12 transpositions.")
    static let skipBad = Opt.flag("skip-bad", help: "Skip (and count) unreadable MIDI files instead of stopping.")

    static let all: [any OptionConvertible] =
        [
            data, arch, order, steps, length, embedding, hidden, layers, heads, dropout, noTranspose,
            skipBad,
        ] + group.options
}

/// The options of `eval`.
enum EvalOptions {
    static let input = Opt.string(
        "in", "PATH", help: "A MIDI file, a folder of MIDI files (4 voices: tracks by mean pitch), or chorales.jsonl[.gz].")
    static let reference = Opt.string(
        "reference", "PATH",
        help: "Reference pieces (same kinds), e.g. samples/data/bach/chorales.jsonl.gz: "
            + "adds histogram distances.")
    static let key = Opt.string(
        "key", "KEY",
        help: "Measure the in-key ratio against this key (default: each file's key signature, "
            + "else its estimated key).")
    static let json = Opt.string("json", "FILE", help: "Also write the numbers as JSON.")
}

let trainCommand = Command(
    "train", abstract: "Train a Markov, LSTM or Transformer model on chorales or MIDI files (all 12 keys).",
    options: TrainOptions.all
) { try train($0) }

let evalCommand = Command(
    "eval", abstract: "Quality numbers of MIDI pieces (or a chorale corpus), and their distances to a reference set.",
    options: [EvalOptions.input, EvalOptions.reference, EvalOptions.key, EvalOptions.json, ReportOutput.force]
) { try evaluate($0) }

let inspectCommand = Command(
    "inspect", abstract: "Show a MIDI file's tracks, events, notes, tempo and bars.",
    positionals: [Positional("FILE.mid", help: "A Standard MIDI File (format 0 or 1).")]
) { try inspect($0) }

let root = Command(
    "gen-music", abstract: "Compose four-voice chorales (soprano, alto, tenor, bass) as Standard MIDI Files.",
    discussion: """
        Pieces are drawn from the shipped Bach-chorale model (SharedModels/music-bach-lstm) on a 16th-note grid, \
        bar by bar, so --bars is exact. Voices stay in their ranges (S C4-G5, A F3-C5, T C3-G4, B E2-C4).
        Example: gen-music --bars 16 --key Am --seed 7 --out song.mid --piano-roll song.png
        """,
    options: ComposeOptions.all, subcommands: [trainCommand, evalCommand, inspectCommand]
) { try composeCommand($0) }

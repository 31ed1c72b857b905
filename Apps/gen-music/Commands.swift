// gen-music's command line: every subcommand, its options and defaults.
import GenEngine

let version = "0.2.0"

let seedOption = Option.value("seed", "N", default: "0", help: "Random seed; the same seed gives the same MIDI bytes.")

let trainCommand = Command("train", abstract: "Train a Markov, LSTM or Transformer model on chorales or MIDI files (all 12 keys).", options: [
    .value("data", "PATH", help: "chorales.jsonl[.gz] (as samples/data/bach), a MIDI file, or a folder of MIDI files (4 voices: tracks by mean pitch)."),
    .value("arch", "ARCH", default: "lstm", help: "markov (variable-order n-gram, seconds), lstm, or transformer."),
    .value("out", "DIR", help: "Bundle folder to write (checkpoints, metrics.jsonl and curve.png go there too)."),
    .value("order", "N", default: "12", help: "Markov: longest context in tokens plus one (a frame is 1 or 4 tokens)."),
    .value("epochs", "E", default: "8", help: "Neural: passes over the transposed training stream."),
    .value("steps", "N", help: "Neural: optimiser steps (overrides --epochs)."),
    .value("batch", "N", default: "32", help: "Neural: parallel token streams per step."),
    .value("length", "T", default: "128", help: "Neural: tokens per stream per step (LSTM: truncated BPTT; Transformer: its context)."),
    .value("embedding", "D", default: "64", help: "LSTM: token embedding size."),
    .value("hidden", "D", default: "256", help: "LSTM hidden size, or Transformer width."),
    .value("layers", "N", default: "2", help: "LSTM or Transformer layers."),
    .value("heads", "N", default: "4", help: "Transformer attention heads."),
    .value("dropout", "P", default: "0.1", help: "Neural: dropout probability."),
    .value("lr", "RATE", default: "0.002", help: "Peak learning rate (warm-up, then cosine decay to a tenth)."),
    .flag("no-transpose", help: "Train on the pieces as written, without the 12 transpositions."),
    .flag("skip-bad", help: "Skip (and count) unreadable MIDI files instead of stopping."),
    .flag("resume", help: "Continue from the checkpoint in --out."),
    .flag("force", help: "Replace an existing bundle in --out."),
    seedOption, .flag("quiet", help: "No progress output."),
]) { try train($0) }

let evalCommand = Command("eval", abstract: "Quality numbers of MIDI pieces (or a chorale corpus), and their distances to a reference set.", options: [
    .value("in", "PATH", help: "A MIDI file, a folder of MIDI files (4 voices: tracks by mean pitch), or chorales.jsonl[.gz]."),
    .value("reference", "PATH", help: "Reference pieces (same kinds), e.g. samples/data/bach/chorales.jsonl.gz: adds histogram distances."),
    .value("key", "KEY", help: "Measure the in-key ratio against this key (default: each file's key signature, else its estimated key)."),
    .value("json", "FILE", help: "Also write the numbers as JSON."),
]) { try evaluate($0) }

let inspectCommand = Command("inspect", abstract: "Show a MIDI file's tracks, events, notes, tempo and bars.",
                             positionals: [Positional("FILE.mid", help: "A Standard MIDI File (format 0 or 1).")]) { try inspect($0) }

let root = Command("gen-music", abstract: "Compose four-voice chorales (soprano, alto, tenor, bass) as Standard MIDI Files.",
                   discussion: """
                   Pieces are drawn from the shipped Bach-chorale model (SharedModels/music-bach-lstm) on a 16th-note grid, \
                   bar by bar, so --bars is exact. Voices stay in their ranges (S C4-G5, A F3-C5, T C3-G4, B E2-C4).
                   Example: gen-music --bars 16 --key Am --seed 7 --out song.mid --piano-roll song.png
                   """,
                   options: [
    .value("bars", "N", default: "16", help: "Length in bars (with --primer: including the primer's bars)."),
    .value("out", "FILE.mid", help: "MIDI file to write (default song.mid; - for stdout). With --count: <name>-<seed>-<i>.mid."),
    .value("key", "KEY", help: "Key to compose in: C, Am, F#m, Bb, \"F# minor\"… Pitches outside its scale are masked (minor keeps the raised 6th and 7th). Default: the model picks."),
    .value("time-signature", "T", help: "4/4 or 3/4 (default 4/4, or the primer's)."),
    .value("tempo", "BPM", default: "100", help: "Tempo in quarter notes per minute."),
    seedOption,
    .value("temperature", "T", default: "1.0", help: "Sampling temperature: below 1 plays safer, above 1 takes more risks; 0 is greedy."),
    .value("model", "BUNDLE", help: "Model bundle folder, or a shipped model's name: music-bach-lstm (default), music-bach-markov."),
    .value("voices", "N", default: "4", help: "Voices to write: 1 soprano (melody), 2 soprano+bass, 3 soprano+alto+bass, 4 SATB."),
    .value("program", "N", default: "52", help: "General MIDI program (0-127) of every voice; 52 is Choir Aahs, 0 piano, 19 church organ."),
    .value("programs", "LIST", help: "One program per written voice, top down, e.g. 52,52,52,32."),
    .value("primer", "FILE.mid", help: "Continue this opening. Its whole bars (at its time signature, quantised to 16th notes) are kept note for note; its tracks map to voices by mean pitch (1 track: soprano, which the model harmonises). Its key: --key, else its key signature, else estimated from its notes."),
    .flag("cadence", help: "End on a whole-bar tonic chord, tonic in soprano and bass."),
    .flag("allow-parallels", help: "Let voices move in parallel fifths and octaves (masked by default, as Bach avoids them)."),
    .value("count", "N", default: "1", help: "Pieces to write; piece i uses the seed's stream i."),
    .value("stats", "FILE.json", help: "Write what was done: settings, timing, and each piece's metrics."),
    .value("piano-roll", "FILE.png", help: "Also draw each piece as a piano roll (one colour per voice)."),
    .flag("force", help: "Overwrite existing output files."),
    .flag("quiet", help: "Do not report the written files on stderr."),
                   ],
                   subcommands: [trainCommand, evalCommand, inspectCommand]) { try composeCommand($0) }

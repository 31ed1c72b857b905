// gen-music's command line. So far: inspect (the MIDI reader); composition follows with the models.
import GenEngine

let version = "0.1.0"

let inspectCommand = Command("inspect", abstract: "Show a MIDI file's tracks, events, notes, tempo and bars.",
                             positionals: [Positional("FILE.mid", help: "A Standard MIDI File (format 0 or 1).")]) { try inspect($0) }

let root = Command("gen-music", abstract: "MIDI composition (in progress: the MIDI reader/writer and inspect are done).",
                   subcommands: [inspectCommand])

// gen-music inspect: what a MIDI file holds.
import Foundation
import GenEngine

/// A MIDI file as music to compose from, train or evaluate on: `midi` with a pickup bar padded to
/// a whole bar (`paddingPickup`, said on stderr; `pickupBars` is then 1) and its metre checked
/// (`checkMetre`, which throws naming what the token language lacks); a format 2 file (patterns
/// meant one after another, which the score would sound together) is refused by name.
func music(_ file: MIDIFile, path: String) throws -> (midi: MIDIFile, pickupBars: Int) {
    guard file.format != 2 else {
        throw CLIError.badData(
            "\(path) is a format 2 MIDI file (independent patterns, one after another); gen-music reads formats 0 and 1: "
                + "export it as format 1")
    }
    var midi = file
    var pickupBars = 0
    if let (padded, rest) = midi.paddingPickup() {
        let (n, d) = midi.timeSignature
        printError(
            "gen-music: \(path) opens with a \(n)/\(d) pickup bar: read as the end of a whole bar, after "
                + "\(rest.formatted(.number.precision(.fractionLength(0...2)))) quarter notes of rest")
        (midi, pickupBars) = (padded, 1)
    }
    try checkMetre(midi, path: path)
    return (midi, pickupBars)
}

func readMIDI(_ path: String) throws -> MIDIFile {
    let bytes = [UInt8](try AtomicFile.read(URL(fileURLWithPath: path)))
    let (file, warnings): (MIDIFile, [String])
    do { (file, warnings) = try MIDIFile.read(bytes) } catch let e as MIDIError {
        throw CLIError.badData("\(path): \(e.description); is this a Standard MIDI File?")
    }
    for warning in warnings + file.invalidKeySignatures.map({ "\($0) is out of range and ignored (the key is estimated from the notes)" }) {
        printError("gen-music: warning: \(path): \(warning)")
    }
    return file
}

func inspect(_ args: Arguments) throws {
    let path = args.positionals[0]
    for line in inspection(of: try readMIDI(path), path: path) { print(line) }
}

/// What `inspect` prints about `file`: its header, tempo, metre, length and key, then one line per
/// track (name, events, notes, channels, pitch range, programs with their General MIDI names).
func inspection(of file: MIDIFile, path: String) -> [String] {
    var lines: [String] = []
    let (num, den) = file.timeSignature
    let bars = Double(file.lengthTicks) / Double(max(file.ticksPerBar, 1))
    lines.append(
        "\(path): format \(file.format), \(file.tracks.count) track\(file.tracks.count == 1 ? "" : "s"), \(file.division) ticks per quarter"
    )
    lines.append(
        String(format: "tempo %.1f bpm, time signature %d/%d, length %d ticks = %.2f bars", file.tempo, num, den, file.lengthTicks, bars)
            + (file.keySignature.map { ", key signature \($0)" } ?? ""))
    // The tempo map and the metres, when there is more than one; of several events on one tick
    // the last is in effect, and is marked so.
    func map(_ entries: [(tick: Int, text: String)]) -> String {
        entries.enumerated().map { i, e in
            let shadowed = entries.indices.contains(i + 1) && entries[i + 1].tick == e.tick
            let effective = i > 0 && entries[i - 1].tick == e.tick
            return "\(e.text) at tick \(e.tick)" + (shadowed ? " (replaced on the same tick)" : effective ? " (in effect)" : "")
        }.joined(separator: ", ")
    }
    let tempos = file.tempoChanges
    if tempos.count > 1 { lines.append("tempo map: " + map(tempos.map { ($0.tick, String(format: "%.1f bpm", $0.bpm)) })) }
    let metres = file.timeSignatureChanges
    if metres.count > 1 { lines.append("time signatures: " + map(metres.map { ($0.tick, "\($0.numerator)/\($0.denominator)") })) }
    for (i, track) in file.tracks.enumerated() {
        let notes = track.notes
        let channels = Set(notes.map(\.channel)).sorted().map { String($0 + 1) }.joined(separator: ",")
        let range = notes.isEmpty ? "" : " pitches \(notes.map(\.pitch).min()!)-\(notes.map(\.pitch).max()!)"
        // Program changes in order, each once: "program 52 (Choir Aahs)", General MIDI's names.
        var programs: [UInt8] = []
        for event in track.events {
            if case .programChange(_, let p) = event.kind, programs.last != p { programs.append(p) }
        }
        let sounds = programs.map { "program \($0) (\($0 < 128 ? generalMIDIPrograms[Int($0)] : "not a General MIDI program"))" }.joined(
            separator: ", then ")
        lines.append(
            "  track \(i)\(track.name.map { " '\($0)'" } ?? ""): \(track.events.count) events, \(notes.count) notes"
                + (channels.isEmpty ? "" : " on channel \(channels)") + range + (sounds.isEmpty ? "" : ", " + sounds))
    }
    return lines
}

/// General MIDI Level 1's 128 program (instrument) names, program 0 first (MIDI Manufacturers
/// Association, General MIDI System Level 1, 1991).
let generalMIDIPrograms = [
    "Acoustic Grand Piano", "Bright Acoustic Piano", "Electric Grand Piano", "Honky-tonk Piano", "Electric Piano 1",
    "Electric Piano 2", "Harpsichord", "Clavinet", "Celesta", "Glockenspiel", "Music Box", "Vibraphone", "Marimba", "Xylophone",
    "Tubular Bells", "Dulcimer", "Drawbar Organ", "Percussive Organ", "Rock Organ", "Church Organ", "Reed Organ", "Accordion",
    "Harmonica", "Tango Accordion", "Acoustic Guitar (nylon)", "Acoustic Guitar (steel)", "Electric Guitar (jazz)",
    "Electric Guitar (clean)", "Electric Guitar (muted)", "Overdriven Guitar", "Distortion Guitar", "Guitar Harmonics",
    "Acoustic Bass", "Electric Bass (finger)", "Electric Bass (pick)", "Fretless Bass", "Slap Bass 1", "Slap Bass 2",
    "Synth Bass 1", "Synth Bass 2", "Violin", "Viola", "Cello", "Contrabass", "Tremolo Strings", "Pizzicato Strings",
    "Orchestral Harp", "Timpani", "String Ensemble 1", "String Ensemble 2", "Synth Strings 1", "Synth Strings 2", "Choir Aahs",
    "Voice Oohs", "Synth Voice", "Orchestra Hit", "Trumpet", "Trombone", "Tuba", "Muted Trumpet", "French Horn", "Brass Section",
    "Synth Brass 1", "Synth Brass 2", "Soprano Sax", "Alto Sax", "Tenor Sax", "Baritone Sax", "Oboe", "English Horn", "Bassoon",
    "Clarinet", "Piccolo", "Flute", "Recorder", "Pan Flute", "Blown Bottle", "Shakuhachi", "Whistle", "Ocarina",
    "Lead 1 (square)", "Lead 2 (sawtooth)", "Lead 3 (calliope)", "Lead 4 (chiff)", "Lead 5 (charang)", "Lead 6 (voice)",
    "Lead 7 (fifths)", "Lead 8 (bass + lead)", "Pad 1 (new age)", "Pad 2 (warm)", "Pad 3 (polysynth)", "Pad 4 (choir)",
    "Pad 5 (bowed)", "Pad 6 (metallic)", "Pad 7 (halo)", "Pad 8 (sweep)", "FX 1 (rain)", "FX 2 (soundtrack)", "FX 3 (crystal)",
    "FX 4 (atmosphere)", "FX 5 (brightness)", "FX 6 (goblins)", "FX 7 (echoes)", "FX 8 (sci-fi)", "Sitar", "Banjo", "Shamisen",
    "Koto", "Kalimba", "Bagpipe", "Fiddle", "Shanai", "Tinkle Bell", "Agogo", "Steel Drums", "Woodblock", "Taiko Drum",
    "Melodic Tom", "Synth Drum", "Reverse Cymbal", "Guitar Fret Noise", "Breath Noise", "Seashore", "Bird Tweet",
    "Telephone Ring", "Helicopter", "Applause", "Gunshot",
]

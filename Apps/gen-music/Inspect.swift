// gen-music inspect: what a MIDI file holds.
import Foundation
import GenEngine

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
    let file = try readMIDI(path)
    let (num, den) = file.timeSignature
    let bars = Double(file.lengthTicks) / Double(max(file.ticksPerBar, 1))
    print(
        "\(path): format \(file.format), \(file.tracks.count) track\(file.tracks.count == 1 ? "" : "s"), \(file.division) ticks per quarter"
    )
    print(
        String(format: "tempo %.1f bpm, time signature %d/%d, length %d ticks = %.2f bars", file.tempo, num, den, file.lengthTicks, bars)
            + (file.keySignature.map { ", key signature \($0)" } ?? ""))
    for (i, track) in file.tracks.enumerated() {
        let notes = track.notes
        let channels = Set(notes.map(\.channel)).sorted().map { String($0 + 1) }.joined(separator: ",")
        let range = notes.isEmpty ? "" : " pitches \(notes.map(\.pitch).min()!)-\(notes.map(\.pitch).max()!)"
        print(
            "  track \(i)\(track.name.map { " '\($0)'" } ?? ""): \(track.events.count) events, \(notes.count) notes"
                + (channels.isEmpty ? "" : " on channel \(channels)") + range)
    }
}

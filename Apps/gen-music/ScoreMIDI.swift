// Scores to and from Standard MIDI Files: one track per voice after a conductor track (type 1,
// 480 ticks per quarter), and voices recovered from the tracks and channels of any MIDI file.
import Foundation

extension Score {
    static let ticksPerQuarter = 480
    static let ticksPerStep = ticksPerQuarter / stepsPerQuarter

    /// The piece as a type-1 MIDI file: a conductor track (name, tempo, time signature, key
    /// signature, end at the last bar line) and one track per voice in `voiceIndices`, voice i on
    /// channel i with General MIDI program `programs[i]`.
    func midiFile(tempo: Double, programs: [Int], voiceIndices: [Int]? = nil, velocity: Int = 80) -> MIDIFile {
        let end = length * Score.ticksPerStep
        var conductor = [MIDIEvent(tick: 0, kind: .meta(type: 0x03, data: Array((title ?? "GenSuite chorale").utf8)))]
        conductor += MIDIFile.conductor(tempo: tempo, timeSignature: (beatsPerBar, 4), key: (key.sharps, key.minor))
        conductor.append(MIDIEvent(tick: end, kind: .meta(type: 0x2F, data: [])))
        var tracks = [MIDITrack(events: conductor)]
        for v in voiceIndices ?? Array(voices.indices) {
            let notes = voices[v].map {
                Note(
                    pitch: $0.pitch, start: $0.start * Score.ticksPerStep, duration: $0.duration * Score.ticksPerStep,
                    velocity: velocity, channel: v)
            }
            var track = MIDITrack.from(notes: notes, name: Score.voiceNames[v], program: programs[v], channel: v)
            track.events.append(MIDIEvent(tick: end, kind: .meta(type: 0x2F, data: [])))
            tracks.append(track)
        }
        return MIDIFile(format: 1, division: Score.ticksPerQuarter, tracks: tracks)
    }

    /// Up to `voices` voices from any MIDI file, quantised to 16ths. Notes are grouped by track and
    /// channel (drums on channel 10 are ignored) and the groups ordered by mean pitch, highest
    /// first; a single polyphonic group is split by rank, the highest note of each onset going to
    /// the first voice. The key comes from the key-signature event, else from key finding.
    init(midi: MIDIFile, voices count: Int) throws {
        let (numerator, denominator) = midi.timeSignature
        let quarters = numerator * 4 % denominator == 0 ? numerator * 4 / denominator : 0
        var groups: [[Note]] = []
        for track in midi.tracks {
            let notes = track.notes.filter { $0.channel != 9 }
            for channel in Set(notes.map(\.channel)).sorted() { groups.append(notes.filter { $0.channel == channel }) }
        }
        func mean(_ g: [Note]) -> Double { Double(g.map(\.pitch).reduce(0, +)) / Double(max(1, g.count)) }
        groups.sort { mean($0) > mean($1) }
        if groups.count == 1 {
            let byOnset = Dictionary(grouping: groups[0], by: \.start)
            groups = (0..<count).map { rank in
                byOnset.values.compactMap { chord in
                    let sorted = chord.sorted { $0.pitch > $1.pitch }
                    return rank < sorted.count ? sorted[rank] : nil
                }
            }.filter { !$0.isEmpty }
        }
        let parts = groups.prefix(count).map { g in
            Score.voice(
                fromQuarters: g.map { ($0.pitch, Double($0.start) / Double(midi.division), Double($0.duration) / Double(midi.division)) },
                from: 0)
        }
        let stepsPerBar = max(1, quarters * Score.stepsPerQuarter)
        // The piece ends with its last note (and the rest of that bar): an end-of-track placed far
        // later, as some exports do, adds no silent bars.
        let end = parts.compactMap { $0.last?.end }.max() ?? 0
        guard end <= Score.maxBars * stepsPerBar else {
            throw MIDIError(
                offset: 0,
                message: "the music lasts \((end + stepsPerBar - 1) / stepsPerBar) bars; gen-music reads at most \(Score.maxBars)")
        }
        var score = Score(
            beatsPerBar: quarters, key: MusicKey(tonic: 0, minor: false), bars: (end + stepsPerBar - 1) / stepsPerBar,
            voices: Array(parts), title: midi.tracks.first?.name)
        score.key = midi.keySignature ?? MusicKey.estimate(score.pitchClassHistogram)?.key ?? score.key
        self = score
    }
}

extension MIDIFile {
    /// The key of the first valid key-signature event (−7…7 sharps, major or minor); an event out
    /// of that range is ignored (`invalidKeySignatures` names it), and the key is then estimated
    /// from the notes.
    var keySignature: MusicKey? {
        for t in tracks {
            for e in t.events {
                if case .meta(0x59, let d) = e.kind, d.count == 2, (-7...7).contains(Int(Int8(bitPattern: d[0]))), d[1] <= 1 {
                    let sharps = Int(Int8(bitPattern: d[0]))
                    let major = ((sharps * 7) % 12 + 12) % 12
                    return d[1] == 1 ? MusicKey(tonic: major + 9, minor: true) : MusicKey(tonic: major, minor: false)
                }
            }
        }
        return nil
    }

    /// Key-signature events outside −7…7 sharps or with a mode other than 0/1, described.
    var invalidKeySignatures: [String] {
        tracks.flatMap { t in
            t.events.compactMap { e -> String? in
                guard case .meta(0x59, let d) = e.kind, d.count == 2 else { return nil }
                let sharps = Int(Int8(bitPattern: d[0]))
                return (-7...7).contains(sharps) && d[1] <= 1 ? nil : "key signature of \(sharps) sharps, mode \(d[1]) at tick \(e.tick)"
            }
        }
    }
}

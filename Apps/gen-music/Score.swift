// A piece as up to four voices on a 16th-note grid: what the tokeniser, the metrics, the MIDI
// writer and the piano roll share.
import Foundation

/// One note of a voice; start and duration in 16th-note steps.
struct ScoreNote: Equatable, Codable {
    var pitch: Int
    var start: Int
    var duration: Int
    var end: Int { start + duration }
}

struct Score: Equatable {
    static let stepsPerQuarter = 4
    /// The longest piece gen-music reads or writes: a MIDI file whose notes last longer is refused
    /// (its tokens would need memory out of proportion to a chorale).
    static let maxBars = 1000
    static let voiceNames = ["Soprano", "Alto", "Tenor", "Bass"]
    /// Singable ranges (MIDI pitches): S C4–G5, A F3–C5, T C3–G4, B E2–C4.
    static let voiceRanges: [ClosedRange<Int>] = [60...79, 53...72, 48...67, 40...60]

    /// Quarter notes per bar: 4 for 4/4, 3 for 3/4.
    var beatsPerBar: Int
    var key: MusicKey
    var bars: Int
    /// Notes per voice, highest voice first (soprano, alto, tenor, bass), each in start order
    /// without overlaps.
    var voices: [[ScoreNote]]
    var title: String?

    var stepsPerBar: Int { beatsPerBar * Score.stepsPerQuarter }
    var length: Int { bars * stepsPerBar }
    var timeSignature: String { "\(beatsPerBar)/4" }

    /// The same piece `semitones` higher (negative: lower).
    func transposed(by semitones: Int) -> Score {
        var s = self
        s.key = key.transposed(by: semitones)
        s.voices = voices.map { $0.map { ScoreNote(pitch: $0.pitch + semitones, start: $0.start, duration: $0.duration) } }
        return s
    }

    /// The pitch sounding in `voice` at each step (nil: silence), `length` entries.
    func sounding(_ voice: Int) -> [Int?] {
        var grid = [Int?](repeating: nil, count: length)
        for n in voices[voice] { for t in max(0, n.start)..<min(length, n.end) { grid[t] = n.pitch } }
        return grid
    }

    /// Notes from (pitch, start, duration) triples in quarter notes: starts before `from` are dropped,
    /// times are shifted by `from`, rounded to 16ths, and a note that would overlap the next is cut.
    static func voice(fromQuarters events: [(pitch: Int, start: Double, duration: Double)], from: Double) -> [ScoreNote] {
        var notes: [ScoreNote] = []
        for e in events.sorted(by: { ($0.start, -$0.pitch) < ($1.start, -$1.pitch) }) where e.start >= from - 1e-9 {
            let start = Int(((e.start - from) * 4).rounded())
            let end = Int(((e.start + e.duration - from) * 4).rounded())
            if let last = notes.last, last.end > start {
                if last.start == start { continue }  // a chord in one voice: keep the top note
                notes[notes.count - 1].duration = start - last.start
            }
            if end > start { notes.append(ScoreNote(pitch: e.pitch, start: start, duration: end - start)) }
        }
        return notes
    }

    /// Duration-weighted pitch-class histogram (12 bins, in steps).
    var pitchClassHistogram: [Double] {
        var h = [Double](repeating: 0, count: 12)
        for v in voices { for n in v { h[n.pitch % 12] += Double(n.duration) } }
        return h
    }
}

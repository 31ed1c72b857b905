// The token language of a four-voice piece on a 16th-note grid, after BachBot and DeepBach:
//
//   Start Metre Key | Bar frame frame … | Bar … | FinalBar … | End
//
// A frame is one 16th-note step: a single AllHold token when no voice changes, else four tokens,
// one per voice (soprano, alto, tenor, bass): a pitch (a new note begins), Hold (the note or the
// silence goes on) or Rest (silence begins). Bars are explicit, so a piece has exactly the bars
// asked for, and each voice has its own tokens, so ranges and keys are masks on token sets.
import Foundation

enum ChoraleTokens {
    static let start: Int32 = 0, end: Int32 = 1, bar: Int32 = 2, finalBar: Int32 = 3, allHold: Int32 = 4
    static let metreBase: Int32 = 5  // + 0 for 4/4, + 1 for 3/4
    static let keyBase: Int32 = 7  // + MusicKey.index (24 keys)
    static let voiceBase: Int32 = 31
    static let voices = 4
    /// Pitches each voice's tokens can name: wider than the ranges generation allows, so that the
    /// corpus transposed to every key fits.
    static let pitchRanges: [ClosedRange<Int>] = [55...84, 48...77, 43...72, 33...65]
    static let voiceOffsets: [Int32] = {
        var offsets: [Int32] = []
        var next = voiceBase
        for r in pitchRanges {
            offsets.append(next)
            next += Int32(r.count + 2)
        }
        return offsets
    }()
    static let vocabularySize = Int(voiceOffsets.last!) + pitchRanges.last!.count + 2

    static func metre(beatsPerBar: Int) -> Int32? { beatsPerBar == 4 ? metreBase : beatsPerBar == 3 ? metreBase + 1 : nil }
    static func key(_ k: MusicKey) -> Int32 { keyBase + Int32(k.index) }
    static func rest(_ voice: Int) -> Int32 { voiceOffsets[voice] }
    static func hold(_ voice: Int) -> Int32 { voiceOffsets[voice] + 1 }
    static func pitch(_ p: Int, voice: Int) -> Int32? {
        pitchRanges[voice].contains(p) ? voiceOffsets[voice] + 2 + Int32(p - pitchRanges[voice].lowerBound) : nil
    }

    /// The pitch of a voice's pitch token.
    static func pitchOf(_ token: Int32) -> Int {
        if case .note(let p)? = cell(token)?.cell { return p }
        preconditionFailure("token \(token) is not a pitch")
    }

    /// What a voice token says.
    enum Cell: Equatable { case rest, hold, note(Int) }

    /// The voice and cell of a voice token (nil for structural tokens).
    static func cell(_ token: Int32) -> (voice: Int, cell: Cell)? {
        guard token >= voiceBase, Int(token) < vocabularySize else { return nil }
        let voice = voiceOffsets.lastIndex { $0 <= token }!
        let i = Int(token - voiceOffsets[voice])
        return (voice, i == 0 ? .rest : i == 1 ? .hold : .note(pitchRanges[voice].lowerBound + i - 2))
    }

    /// The tokens of a four-voice score (header, bars, End); nil when a pitch has no token.
    static func encode(_ score: Score) -> [Int32]? {
        guard score.voices.count == voices, let metre = metre(beatsPerBar: score.beatsPerBar) else { return nil }
        var cells = [[Cell]](repeating: [Cell](repeating: .hold, count: score.length), count: voices)
        for (v, notes) in score.voices.enumerated() {
            var previousEnd = 0
            for n in notes where n.start < score.length {
                guard pitchRanges[v].contains(n.pitch) else { return nil }
                if n.start > previousEnd { cells[v][previousEnd] = .rest }
                cells[v][n.start] = .note(n.pitch)
                previousEnd = n.end
            }
            if previousEnd > 0 && previousEnd < score.length { cells[v][previousEnd] = .rest }
        }
        var tokens: [Int32] = [start, metre, key(score.key)]
        for b in 0..<score.bars {
            tokens.append(b == score.bars - 1 ? finalBar : bar)
            for t in (b * score.stepsPerBar)..<((b + 1) * score.stepsPerBar) {
                if (0..<voices).allSatisfy({ cells[$0][t] == .hold }) {
                    tokens.append(allHold)
                    continue
                }
                for v in 0..<voices {
                    switch cells[v][t] {
                    case .rest: tokens.append(rest(v))
                    case .hold: tokens.append(hold(v))
                    case .note(let p): tokens.append(pitch(p, voice: v)!)
                    }
                }
            }
        }
        tokens.append(end)
        return tokens
    }

    /// The score a token sequence describes (the inverse of `encode`). Tokens out of place are
    /// ignored; a piece without End ends at its last complete bar.
    static func decode(_ tokens: [Int32]) -> Score {
        var beats = 4
        var key = MusicKey(tonic: 0, minor: false)
        var voicesNotes = [[ScoreNote]](repeating: [], count: voices)
        var open = [ScoreNote?](repeating: nil, count: voices)
        var step = -1
        var bars = 0
        func close(_ v: Int, at t: Int) {
            if var n = open[v] {
                n.duration = t - n.start
                voicesNotes[v].append(n)
                open[v] = nil
            }
        }
        for token in tokens {
            switch token {
            case metreBase, metreBase + 1: beats = token == metreBase ? 4 : 3
            case keyBase..<(keyBase + 24): key = MusicKey.all[Int(token - keyBase)]
            case bar, finalBar: bars += 1
            case allHold: step += 1
            case end: break
            default:
                guard let (v, c) = cell(token) else { continue }
                if v == 0 { step += 1 }
                switch c {
                case .hold: break
                case .rest: close(v, at: step)
                case .note(let p):
                    close(v, at: step)
                    open[v] = ScoreNote(pitch: p, start: step, duration: 0)
                }
            }
        }
        let length = bars * beats * Score.stepsPerQuarter
        for v in 0..<voices { close(v, at: length) }
        return Score(beatsPerBar: beats, key: key, bars: bars, voices: voicesNotes)
    }
}

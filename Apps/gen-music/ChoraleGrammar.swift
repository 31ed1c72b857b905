// The rules of the chorale token language as the engine's logits processor: which tokens may come
// next given the tokens so far, and what the user asked for — a key, the voice ranges, a primer's
// notes, a closing tonic chord, and the voice-leading rule against parallel fifths and octaves.
import GenEngine

final class ChoraleGrammar: LogitsProcessor {
    typealias Cell = ChoraleTokens.Cell
    let bars: Int, stepsPerBar: Int
    /// Pitches outside this key's `allowed` classes are forbidden (nil: any pitch class).
    let key: MusicKey?
    /// Pitches each voice may sing.
    let ranges: [ClosedRange<Int>]
    /// Cells the primer fixes, per voice and step from the start (nil: free).
    let primer: [[Cell?]]
    /// End on a whole-bar tonic chord: the final bar's first step sounds the tonic triad with the
    /// tonic in soprano and bass, and nothing changes after it.
    let cadence: Bool
    /// Forbid a new pitch that makes parallel fifths or octaves (or unisons) with a voice above it
    /// (as `MusicMetrics.parallels` counts them).
    let forbidParallels: Bool

    private var consumed = 0
    /// Pitch each voice sounds at the previous step, and at the step being written (nil: silence).
    private var previous = [Int?](repeating: nil, count: ChoraleTokens.voices)
    private var current = [Int?](repeating: nil, count: ChoraleTokens.voices)
    private var pieceKey: MusicKey?
    private var barsSeen = 0, step = 0, slot = 0, ended = false

    init(bars: Int, beatsPerBar: Int, key: MusicKey?, ranges: [ClosedRange<Int>] = Score.voiceRanges,
         primer: [[Cell?]] = [], cadence: Bool = false, forbidParallels: Bool = true) {
        self.bars = bars
        self.stepsPerBar = beatsPerBar * Score.stepsPerQuarter
        self.key = key
        self.ranges = ranges
        self.primer = primer
        self.cadence = cadence
        self.forbidParallels = forbidParallels
    }

    func process(_ logits: inout [Float], tokens: [Int32]) {
        while consumed < tokens.count { advance(tokens[consumed]); consumed += 1 }
        let allowed = allowedTokens()
        for i in logits.indices where !allowed.contains(Int32(i)) { logits[i] = -.infinity }
    }

    private func advance(_ token: Int32) {
        switch token {
        case ChoraleTokens.keyBase..<(ChoraleTokens.keyBase + 24): pieceKey = MusicKey.all[Int(token - ChoraleTokens.keyBase)]
        case ChoraleTokens.bar, ChoraleTokens.finalBar: barsSeen += 1; step = 0; slot = 0
        case ChoraleTokens.allHold: step += 1
        case ChoraleTokens.end: ended = true
        default:
            guard let (v, cell) = ChoraleTokens.cell(token) else { return }
            if v == 0 { previous = current }
            switch cell {
            case .rest: current[v] = nil
            case .hold: break
            case .note(let p): current[v] = p
            }
            if v == ChoraleTokens.voices - 1 { step += 1; slot = 0 } else { slot = v + 1 }
        }
    }

    private func allowedTokens() -> Set<Int32> {
        if ended { return [] }
        guard let pieceKey else {
            return Set((key.map { [$0] } ?? MusicKey.all).map(ChoraleTokens.key))
        }
        if slot == 0 && (barsSeen == 0 || step == stepsPerBar) {
            return barsSeen == bars ? [ChoraleTokens.end] : [barsSeen == bars - 1 ? ChoraleTokens.finalBar : ChoraleTokens.bar]
        }
        let t = (barsSeen - 1) * stepsPerBar + step
        var allowed = voiceTokens(slot, at: t, key: pieceKey)
        if forbidParallels && slot > 0 {
            let kept = allowed.filter { token in
                guard case .note(let p)? = ChoraleTokens.cell(token)?.cell else { return true }
                return !makesParallels(p, voice: slot)
            }
            if !kept.isEmpty { allowed = kept }
        }
        if slot == 0 && (0..<ChoraleTokens.voices).allSatisfy({ voiceTokens($0, at: t, key: pieceKey).contains(ChoraleTokens.hold($0)) }) {
            allowed.insert(ChoraleTokens.allHold)
        }
        return allowed
    }

    /// Whether voice `v` moving to `pitch` now makes parallel fifths or octaves with a voice above,
    /// whose pitch at this step is already written. Voices that keep their pitch make none.
    private func makesParallels(_ pitch: Int, voice v: Int) -> Bool {
        guard let before = previous[v], before != pitch else { return false }
        for u in 0..<v {
            guard let upperBefore = previous[u], let upper = current[u], upper != upperBefore,
                  (upper > upperBefore) == (pitch > before) else { continue }
            let was = ((upperBefore - before) % 12 + 12) % 12, now = ((upper - pitch) % 12 + 12) % 12
            if was == now && (now == 7 || now == 0) { return true }
        }
        return false
    }

    /// Tokens voice `v` may take at step `t` of the piece.
    private func voiceTokens(_ v: Int, at t: Int, key pieceKey: MusicKey) -> Set<Int32> {
        if v < primer.count, t < primer[v].count, let forced = primer[v][t] {
            switch forced {
            case .rest: return [ChoraleTokens.rest(v)]
            case .hold: return [ChoraleTokens.hold(v)]
            case .note(let p): return Set([ChoraleTokens.pitch(p, voice: v)].compactMap { $0 })
            }
        }
        let finalBarStart = (bars - 1) * stepsPerBar
        if cadence && t > finalBarStart { return [ChoraleTokens.hold(v)] }
        var classes = key?.allowed ?? Set(0..<12)
        if cadence && t == finalBarStart {
            classes = v == 0 || v == ChoraleTokens.voices - 1 ? [pieceKey.tonic] : pieceKey.triad
        }
        var tokens: Set<Int32> = cadence && t == finalBarStart ? [] : [ChoraleTokens.rest(v), ChoraleTokens.hold(v)]
        for p in ranges[v] where classes.contains(p % 12) {
            if let token = ChoraleTokens.pitch(p, voice: v) { tokens.insert(token) }
        }
        return tokens
    }
}

// The rules of the chorale token language as the engine's logits processor: which tokens may come
// next given the tokens so far, and what the user asked for — a key, the voice ranges, a primer's
// notes, a closing tonic chord, and the voice-leading rule against parallel fifths and octaves.
import GenEngine

struct ChoraleGrammar: LogitsProcessor {
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
    /// Longest a note or a silence may last, in steps (a bar): a voice that has held this long
    /// must move, re-strike or rest. Bach's chorales hold a note longer than a bar for 0.04% of
    /// notes; samplers without the rule can fall into holding every voice for ever.
    let longestHold: Int

    /// Pitch tokens each voice may take: its range, in the key when one is given.
    private let pitchTokens: [Set<Int32>]
    /// Pitch each voice sounds at the previous step, and at the step being written (nil: silence).
    private var previous = [Int?](repeating: nil, count: ChoraleTokens.voices)
    private var current = [Int?](repeating: nil, count: ChoraleTokens.voices)
    /// Step at which each voice's note or silence began.
    private var changedAt = [Int](repeating: 0, count: ChoraleTokens.voices)
    private var pieceKey: MusicKey?
    private var barsSeen = 0, step = 0, slot = 0, ended = false

    init(
        bars: Int, beatsPerBar: Int, key: MusicKey?, ranges: [ClosedRange<Int>] = Score.voiceRanges,
        primer: [[Cell?]] = [], cadence: Bool = false, forbidParallels: Bool = true
    ) {
        self.bars = bars
        self.stepsPerBar = beatsPerBar * Score.stepsPerQuarter
        self.key = key
        self.ranges = ranges
        self.primer = primer
        self.cadence = cadence
        self.forbidParallels = forbidParallels
        self.longestHold = stepsPerBar
        let classes = key?.allowed ?? Set(0..<12)
        pitchTokens = (0..<ChoraleTokens.voices).map { v in
            Set(ranges[v].filter { classes.contains($0 % 12) }.compactMap { ChoraleTokens.pitch($0, voice: v) })
        }
    }

    func process(_ logits: inout [Float]) {
        let allowed = allowedTokens()
        for i in logits.indices where !allowed.contains(Int32(i)) { logits[i] = -.infinity }
    }

    mutating func advance(_ token: Int32) {
        switch token {
        case ChoraleTokens.keyBase..<(ChoraleTokens.keyBase + 24): pieceKey = MusicKey.all[Int(token - ChoraleTokens.keyBase)]
        case ChoraleTokens.bar, ChoraleTokens.finalBar:
            barsSeen += 1
            step = 0
            slot = 0
        case ChoraleTokens.allHold: step += 1
        case ChoraleTokens.end: ended = true
        default:
            guard let (v, cell) = ChoraleTokens.cell(token) else { return }
            if v == 0 { previous = current }
            switch cell {
            case .rest:
                current[v] = nil
                changedAt[v] = (barsSeen - 1) * stepsPerBar + step
            case .hold: break
            case .note(let p):
                current[v] = p
                changedAt[v] = (barsSeen - 1) * stepsPerBar + step
            }
            if v == ChoraleTokens.voices - 1 {
                step += 1
                slot = 0
            } else {
                slot = v + 1
            }
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
                return !makesParallels(p, voice: slot, cadenceKey: cadence && t == (bars - 1) * stepsPerBar ? pieceKey : nil)
            }
            if !kept.isEmpty { allowed = kept }
        }
        if slot == 0 && (0..<ChoraleTokens.voices).allSatisfy({ mayHold($0, at: t) }) {
            allowed.insert(ChoraleTokens.allHold)
        }
        return allowed
    }

    /// Whether voice `v` moving to `pitch` now makes parallel fifths or octaves with a voice above,
    /// whose pitch at this step is already written. Voices that keep their pitch make none. On the
    /// cadence chord, where the bass must take the tonic, an upper voice also may not move so that
    /// every tonic the bass could take makes parallels with it.
    private func makesParallels(_ pitch: Int, voice v: Int, cadenceKey: MusicKey?) -> Bool {
        guard let before = previous[v], before != pitch else { return false }
        for u in 0..<v {
            if let upperBefore = previous[u], let upper = current[u], ChoraleGrammar.parallel(upperBefore, upper, before, pitch) {
                return true
            }
        }
        let bass = ChoraleTokens.voices - 1
        if let key = cadenceKey, v < bass, let bassBefore = previous[bass] {
            let tonics = ranges[bass].filter { $0 % 12 == key.tonic }
            return !tonics.isEmpty && tonics.allSatisfy { ChoraleGrammar.parallel(before, pitch, bassBefore, $0) }
        }
        return false
    }

    /// Whether an upper voice moving a → b and a lower voice moving c → d make parallel fifths or
    /// octaves: both move, in the same direction, between equal perfect intervals modulo octaves.
    static func parallel(_ a: Int, _ b: Int, _ c: Int, _ d: Int) -> Bool {
        guard a != b, c != d, (b > a) == (d > c) else { return false }
        let was = ((a - c) % 12 + 12) % 12
        let now = ((b - d) % 12 + 12) % 12
        return was == now && (now == 7 || now == 0)
    }

    /// The cell the primer fixes for voice `v` at step `t`, if any.
    private func forced(_ v: Int, at t: Int) -> Cell? { v < primer.count && t < primer[v].count ? primer[v][t] : nil }

    /// Whether voice `v` may keep its note or silence at step `t`.
    private func mayHold(_ v: Int, at t: Int) -> Bool {
        if let cell = forced(v, at: t) { return cell == .hold }
        let finalBarStart = (bars - 1) * stepsPerBar
        if cadence && t >= finalBarStart { return t > finalBarStart }
        return t - changedAt[v] < longestHold
    }

    /// Tokens voice `v` may take at step `t` of the piece.
    private func voiceTokens(_ v: Int, at t: Int, key pieceKey: MusicKey) -> Set<Int32> {
        if let cell = forced(v, at: t) {
            switch cell {
            case .rest: return [ChoraleTokens.rest(v)]
            case .hold: return [ChoraleTokens.hold(v)]
            case .note(let p): return Set([ChoraleTokens.pitch(p, voice: v)].compactMap { $0 })
            }
        }
        let finalBarStart = (bars - 1) * stepsPerBar
        if cadence && t > finalBarStart { return [ChoraleTokens.hold(v)] }
        if cadence && t == finalBarStart {
            let classes = v == 0 || v == ChoraleTokens.voices - 1 ? [pieceKey.tonic] : pieceKey.triad
            return pitchTokens[v].filter { classes.contains(ChoraleTokens.pitchOf($0) % 12) }
        }
        var tokens = pitchTokens[v]
        if current[v] != nil { tokens.insert(ChoraleTokens.rest(v)) }  // silence begins only after a note
        if mayHold(v, at: t) { tokens.insert(ChoraleTokens.hold(v)) }
        return tokens
    }
}

// A piece drawn as a piano roll: time left to right (4 px per 16th), pitch bottom to top (5 px
// per semitone), one colour per voice, bar lines dark and beat lines light, C rows shaded.
import GenEngine

enum PianoRoll {
    /// Soprano red, alto orange, tenor green, bass blue.
    static let colours: [(UInt8, UInt8, UInt8)] = [(214, 39, 40), (255, 127, 14), (44, 160, 44), (31, 119, 180)]

    static func image(_ score: Score, stepWidth: Int = 4, rowHeight: Int = 5) -> Image {
        let pitches = score.voices.flatMap { $0.map(\.pitch) }
        let low = (pitches.min() ?? 60) - 2
        let high = (pitches.max() ?? 72) + 2
        let width = max(1, score.length) * stepWidth + 1
        let height = (high - low + 1) * rowHeight
        var canvas = Canvas(width: width, height: height)
        func row(_ pitch: Int) -> Int { (high - pitch) * rowHeight }
        for p in low...high where p % 12 == 0 { canvas.fill(x0: 0, y0: row(p), x1: width, y1: row(p) + rowHeight, (236, 236, 236)) }
        for t in stride(from: 0, through: score.length, by: Score.stepsPerQuarter) {
            let dark = t % score.stepsPerBar == 0
            canvas.fill(x0: t * stepWidth, y0: 0, x1: t * stepWidth + 1, y1: height, dark ? (120, 120, 120) : (215, 215, 215))
        }
        let roles = MusicMetrics.roles(score.voices.count)
        for (v, voice) in score.voices.enumerated() {
            for n in voice {
                canvas.fill(
                    x0: n.start * stepWidth + 1, y0: row(n.pitch) + 1, x1: n.end * stepWidth, y1: row(n.pitch) + rowHeight,
                    colours[roles[v]])
            }
        }
        return canvas.image
    }
}

// A piece drawn as a piano roll: time left to right (4 px per 16th), pitch bottom to top (5 px
// per semitone), one colour per voice, bar lines dark and beat lines light, C rows shaded and
// named (C4 is middle C), bar numbers along the top and a legend of the voices below.
import GenEngine

enum PianoRoll {
    /// Soprano red, alto orange, tenor green, bass blue.
    static let colours: [(UInt8, UInt8, UInt8)] = [(214, 39, 40), (255, 127, 14), (44, 160, 44), (31, 119, 180)]
    /// Margins in pixels: the pitch names on the left, the bar numbers above, the legend below.
    static let left = 14, top = 8, bottom = 10
    static let ink: (UInt8, UInt8, UInt8) = (90, 90, 90)

    /// The roll of `score`: `stepWidth` pixels per 16th, `rowHeight` per semitone, the pitches
    /// used plus two on either side.
    static func image(_ score: Score, stepWidth: Int = 4, rowHeight: Int = 5) -> Image {
        let pitches = score.voices.flatMap { $0.map(\.pitch) }
        let low = (pitches.min() ?? 60) - 2
        let high = (pitches.max() ?? 72) + 2
        let rollWidth = max(1, score.length) * stepWidth + 1
        let rollHeight = (high - low + 1) * rowHeight
        var canvas = Canvas(width: left + rollWidth, height: top + rollHeight + bottom)
        func row(_ pitch: Int) -> Int { top + (high - pitch) * rowHeight }
        func x(_ step: Int) -> Int { left + step * stepWidth }
        for p in low...high where p % 12 == 0 {
            canvas.fill(x0: left, y0: row(p), x1: left + rollWidth, y1: row(p) + rowHeight, (236, 236, 236))
            canvas.text("C\(p / 12 - 1)", x: 1, y: row(p), color: ink, scale: 1)
        }
        for t in stride(from: 0, through: score.length, by: Score.stepsPerQuarter) {
            let bar = t % score.stepsPerBar == 0
            canvas.fill(x0: x(t), y0: top, x1: x(t) + 1, y1: top + rollHeight, bar ? (120, 120, 120) : (215, 215, 215))
            if bar && t < score.length { canvas.text("\(t / score.stepsPerBar + 1)", x: x(t) + 2, y: 1, color: ink, scale: 1) }
        }
        let roles = MusicMetrics.roles(score.voices.count)
        for (v, voice) in score.voices.enumerated() {
            for n in voice {
                canvas.fill(x0: x(n.start) + 1, y0: row(n.pitch) + 1, x1: x(n.end), y1: row(n.pitch) + rowHeight, colours[roles[v]])
            }
        }
        // Legend: a swatch and the name of each voice drawn, top voice first.
        var lx = left
        let ly = top + rollHeight + 3
        for role in roles {
            canvas.fill(x0: lx, y0: ly, x1: lx + 5, y1: ly + 5, colours[role])
            canvas.text(Score.voiceNames[role], x: lx + 7, y: ly, color: ink, scale: 1)
            lx += 7 + Canvas.textWidth(Score.voiceNames[role], scale: 1) + 6
        }
        return canvas.image
    }
}

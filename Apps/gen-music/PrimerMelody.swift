// --primer-melody: a melody typed on the command line, as Magenta's melody models take it.
import GenEngine

extension Score {
    /// A one-voice score from an inline melody, and its length in steps, one token per 16th note (Magenta's
    /// `--primer_melody`): a MIDI pitch starts a note, `_` (or Magenta's -2) holds it, `-` or `r`
    /// (or -1) is silence. Tokens are separated by spaces or commas; brackets are ignored, so
    /// `"60 _ 62 _ 64 _ _ _"` and `"[60, -2, 62, -2, 64, -2, -2, -2]"` are the same melody. Its
    /// key is `key`, else estimated from its pitches; its bars are the steps rounded up to whole
    /// bars of `beatsPerBar`. Throws `CLIError.usage` naming the token that is not one of these.
    static func melody(_ text: String, beatsPerBar: Int, key: MusicKey?) throws -> (score: Score, steps: Int) {
        let tokens = text.split(whereSeparator: { " ,\t\n[]".contains($0) })
        guard !tokens.isEmpty else { throw CLIError.usage("--primer-melody is empty; give pitches such as \"60 _ 62 _ 64\"") }
        var notes: [ScoreNote] = []
        for (step, token) in tokens.enumerated() {
            switch token {
            case "_", "-2":
                guard let last = notes.last, last.end == step else { continue }  // a hold after silence stays silent
                notes[notes.count - 1].duration += 1
            case "-", "r", "-1": continue
            default:
                guard let pitch = Int(token), (0...127).contains(pitch) else {
                    throw CLIError.usage(
                        "--primer-melody token \(step + 1) is '\(token)'; use MIDI pitches 0-127, _ to hold, - to rest")
                }
                notes.append(ScoreNote(pitch: pitch, start: step, duration: 1))
            }
        }
        guard !notes.isEmpty else { throw CLIError.usage("--primer-melody has no notes, only holds and rests") }
        let stepsPerBar = beatsPerBar * Score.stepsPerQuarter
        var score = Score(
            beatsPerBar: beatsPerBar, key: key ?? MusicKey.all[0], bars: (tokens.count + stepsPerBar - 1) / stepsPerBar, voices: [notes])
        if key == nil, let estimated = MusicKey.estimate(score.pitchClassHistogram)?.key { score.key = estimated }
        return (score, tokens.count)
    }
}

// Quality numbers of pieces, computed on the note lists (after MuseGAN, mgeval and muspy): bars,
// in-key ratio, empty-bar rate, voice ranges, parallel fifths and octaves, pitch-class entropy,
// and histogram distances between a set of pieces and a reference corpus.
import Foundation
import GenEngine

/// The numbers of one piece.
struct PieceMetrics: Codable, Equatable {
    var bars: Int
    var notes: Int
    /// The key the in-key ratio is measured against.
    var key: String
    /// Notes whose pitch class is in the key's scale (major or natural minor), over all notes.
    var inKeyRatio: Double
    /// The best in-key ratio over all 24 keys (muspy's scale consistency): how tonal the piece is
    /// whatever its key.
    var scaleConsistency: Double
    /// Bars in which a voice sounds no note, over bars × voices.
    var emptyBarRate: Double
    /// Notes within their voice's range (S C4–G5, A F3–C5, T C3–G4, B E2–C4), over all notes.
    var inRangeRatio: Double
    /// Parallel fifths and octaves (or unisons) between any two voices, per bar.
    var parallelFifthsPerBar: Double
    var parallelOctavesPerBar: Double
    /// Shannon entropy (bits) of the duration-weighted pitch-class histogram.
    var pitchClassEntropy: Double
    var notesPerBar: Double
}

enum MusicMetrics {
    /// Which of soprano, alto, tenor, bass each of `count` voices is: 1 → S, 2 → S B, 3 → S A B, 4 → S A T B.
    static func roles(_ count: Int) -> [Int] { [[], [0], [0, 3], [0, 1, 3], [0, 1, 2, 3]][min(count, 4)] }

    /// The metrics of `score`; `key` overrides the score's own key (the one asked for).
    static func measure(_ score: Score, key: MusicKey? = nil) -> PieceMetrics {
        let key = key ?? score.key
        let notes = score.voices.flatMap { $0 }
        let scale = key.scale
        let roles = roles(score.voices.count)
        var inRange = 0
        var emptyBars = 0
        for (v, voice) in score.voices.enumerated() {
            inRange += voice.filter { Score.voiceRanges[roles[v]].contains($0.pitch) }.count
            let grid = score.sounding(v)
            for b in 0..<score.bars where grid[(b * score.stepsPerBar)..<((b + 1) * score.stepsPerBar)].allSatisfy({ $0 == nil }) {
                emptyBars += 1
            }
        }
        let (fifths, octaves) = parallels(score)
        let bars = Double(max(score.bars, 1))
        return PieceMetrics(
            bars: score.bars, notes: notes.count, key: key.description,
            inKeyRatio: ratio(notes.filter { scale.contains($0.pitch % 12) }.count, notes.count),
            scaleConsistency: MusicKey.all.map { k in ratio(notes.filter { k.scale.contains($0.pitch % 12) }.count, notes.count) }.max()!,
            emptyBarRate: ratio(emptyBars, score.bars * score.voices.count),
            inRangeRatio: ratio(inRange, notes.count),
            parallelFifthsPerBar: Double(fifths) / bars, parallelOctavesPerBar: Double(octaves) / bars,
            pitchClassEntropy: Statistics.entropy(score.pitchClassHistogram, unit: .bits), notesPerBar: Double(notes.count) / bars)
    }

    static func ratio(_ a: Int, _ b: Int) -> Double { b > 0 ? Double(a) / Double(b) : 0 }

    /// Parallel perfect fifths and octaves: two voices that both move, in the same direction, from
    /// one perfect fifth (or octave/unison), modulo octaves, to another, between consecutive steps
    /// at which either voice changes.
    static func parallels(_ score: Score) -> (fifths: Int, octaves: Int) {
        let grids = score.voices.indices.map { score.sounding($0) }
        var fifths = 0
        var octaves = 0
        for i in grids.indices {
            for j in grids.indices where j > i {
                var previous: (Int, Int)?
                for t in 0..<score.length {
                    guard let a = grids[i][t], let b = grids[j][t] else {
                        previous = nil
                        continue
                    }
                    if let (pa, pb) = previous, ChoraleGrammar.parallel(pa, a, pb, b) {
                        if ((a - b) % 12 + 12) % 12 == 7 { fifths += 1 } else { octaves += 1 }
                    }
                    previous = (a, b)
                }
            }
        }
        return (fifths, octaves)
    }

    /// Duration-weighted pitch-class histogram of the pieces in one mode, each rotated so that its
    /// tonic is bin 0, normalised to sum 1.
    static func tonicPitchClassHistogram(_ scores: [Score], minor: Bool) -> [Double] {
        var h = [Double](repeating: 0, count: 12)
        for s in scores where s.key.minor == minor {
            for (pc, w) in s.pitchClassHistogram.enumerated() { h[((pc - s.key.tonic) % 12 + 12) % 12] += w }
        }
        return Statistics.normalised(h)
    }

    /// Distance of the tonic-relative pitch-class histograms, mode by mode (major pieces against
    /// the reference's major pieces, minor against minor), weighted by the input's share of each mode.
    static func pitchClassDistance(_ input: [Score], _ reference: [Score]) -> Double {
        let minorShare = Double(input.filter(\.key.minor).count) / Double(max(input.count, 1))
        return [false, true].map { minor in
            (minor ? minorShare : 1 - minorShare)
                * Statistics.totalVariation(
                    tonicPitchClassHistogram(input, minor: minor), tonicPitchClassHistogram(reference, minor: minor))
        }.reduce(0, +)
    }

    /// Note lengths in 16ths: 1, 2, 3, 4, 6, 8, 12, 16 and other; note counts normalised to sum 1.
    static let lengthClasses = [1, 2, 3, 4, 6, 8, 12, 16]
    static func noteLengthHistogram(_ scores: [Score]) -> [Double] {
        Statistics.histogram(scores.flatMap { $0.voices.flatMap { $0.map(\.duration) } }, categories: lengthClasses, other: true)
    }
}

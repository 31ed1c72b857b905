// Keys: parsing ("C", "Am", "F#m", "F# minor", "B- major"), scales, key signatures, and
// Krumhansl–Schmuckler key finding.
import Foundation
import GenEngine

struct MusicKey: Equatable, Hashable, Codable, CustomStringConvertible {
    /// Pitch class of the tonic, 0 = C … 11 = B.
    var tonic: Int
    var minor: Bool

    static let pitchNames = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]

    /// Every key as a token index: tonic + 12 for minor.
    static let all: [MusicKey] = (0..<24).map { MusicKey(tonic: $0 % 12, minor: $0 >= 12) }
    var index: Int { tonic + (minor ? 12 : 0) }

    init(tonic: Int, minor: Bool) {
        self.tonic = ((tonic % 12) + 12) % 12
        self.minor = minor
    }

    /// Parses "C", "c#", "Bb", "B-", "Am", "F#m", "F# minor", "E- major", "G maj", "a min".
    init?(_ text: String) {
        var s = text.trimmingCharacters(in: .whitespaces)
        guard let first = s.first?.uppercased(), let letter = ["C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11][first] else {
            return nil
        }
        s.removeFirst()
        var pc = letter
        while let c = s.first, c == "#" || c == "b" || c == "-" {
            pc += c == "#" ? 1 : -1
            s.removeFirst()
        }
        let mode = s.trimmingCharacters(in: .whitespaces).lowercased()
        switch mode {
        case "", "maj", "major": self.init(tonic: pc, minor: false)
        case "m", "min", "minor": self.init(tonic: pc, minor: true)
        default: return nil
        }
    }

    var description: String { MusicKey.pitchNames[tonic] + (minor ? "m" : "") }

    /// Pitch classes of the major or natural-minor scale (what the in-key ratio counts).
    var scale: Set<Int> {
        let steps = minor ? [0, 2, 3, 5, 7, 8, 10] : [0, 2, 4, 5, 7, 9, 11]
        return Set(steps.map { (tonic + $0) % 12 })
    }

    /// Pitch classes a generator may use in this key: the scale, and in minor also the raised
    /// sixth and seventh of the melodic and harmonic minor (the leading tone of every cadence).
    var allowed: Set<Int> {
        minor ? scale.union([(tonic + 9) % 12, (tonic + 11) % 12]) : scale
    }

    /// Pitch classes of the tonic triad.
    var triad: Set<Int> { Set([0, minor ? 3 : 4, 7].map { (tonic + $0) % 12 }) }

    /// Sharps (positive) or flats (negative) of the key signature, −6…+6.
    var sharps: Int {
        let major = minor ? (tonic + 3) % 12 : tonic
        let s = (major * 7) % 12  // position on the circle of fifths from C
        return s > 6 ? s - 12 : s
    }

    func transposed(by semitones: Int) -> MusicKey { MusicKey(tonic: tonic + semitones, minor: minor) }

    /// Krumhansl–Kessler profiles, as used by music21's key analysis.
    static let majorProfile: [Double] = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88]
    static let minorProfile: [Double] = [6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17]

    /// The key whose rotated profile correlates best with a 12-bin pitch-class histogram
    /// (duration-weighted), and that correlation. nil for an empty histogram.
    static func estimate(_ histogram: [Double]) -> (key: MusicKey, correlation: Double)? {
        guard histogram.contains(where: { $0 > 0 }) else { return nil }
        var best: (MusicKey, Double)?
        for key in all {
            let profile = key.minor ? minorProfile : majorProfile
            let rotated = (0..<12).map { profile[(($0 - key.tonic) % 12 + 12) % 12] }
            let r = Statistics.pearson(histogram, rotated)
            if best == nil || r > best!.1 { best = (key, r) }
        }
        return best
    }
}

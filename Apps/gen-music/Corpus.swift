// Training and reference pieces: the chorale JSON-lines corpus (samples/data/bach) or a folder of
// MIDI files, read into scores.
import Foundation
import GenEngine

enum Corpus {
    /// Scores from a `.jsonl[.gz]` corpus, a MIDI file, or a folder of MIDI files (searched
    /// recursively, in name order). A pickup bar is padded to a whole bar (`readMusic`); pieces in
    /// other metres than 4/4 and 3/4 (compound metres, changes of metre: `checkMetre`) are skipped, named with the reason, and
    /// counted, and so are unreadable MIDI files when `skipBad` (else they stop the load).
    static func load(_ path: String, skipBad: Bool = false) throws -> (scores: [Score], skipped: Int) {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw IOFailure.missing(path) }
        if !isDirectory.boolValue && (path.hasSuffix(".jsonl") || path.hasSuffix(".jsonl.gz")) {
            return try jsonLines(url)
        }
        let files = isDirectory.boolValue ? try midiFiles(in: url) : [url]
        guard !files.isEmpty else { throw CLIError.badData("\(path): no .mid or .midi files found") }
        var scores: [Score] = []
        var skipped = 0
        for f in files {
            // Unreadable or too long: an error, or with skipBad named and skipped.
            let score: Score
            let metreProblem: String?
            do {
                var midi = try readMIDI(f.path)
                // A pickup bar is padded to a whole bar; a metre the token language lacks (6/8, a
                // change of metre): skipped with its reason.
                do {
                    midi = try music(midi, path: f.path).midi
                    metreProblem = nil
                } catch { metreProblem = CLIError(from: error).message }
                score = try Score(midi: midi, voices: 4)
            } catch  where skipBad {
                printError("gen-music: skipped \(f.path): \(CLIError(from: error).message)")
                skipped += 1
                continue
            } catch let error as MIDIError {
                throw CLIError.badData("\(f.path): \(error.message); pass --skip-bad to leave such files out")
            }
            if let metreProblem {
                printError("gen-music: skipped \(metreProblem)")
                skipped += 1
            } else if score.voices.allSatisfy(\.isEmpty) {
                printError("gen-music: skipped \(f.path): no notes outside the drum channel")
                skipped += 1
            } else {
                scores.append(score)
            }
        }
        return (scores, skipped)
    }

    static func midiFiles(in folder: URL) throws -> [URL] {
        try DataFolder.files(under: folder, extensions: ["mid", "midi"])
    }

    /// One line of the converter's output (samples/data/bach/bach_convert.py); other keys are ignored.
    struct ChoraleRecord: Decodable {
        /// S, A, T, B: `[pitch, start, duration]` notes, times in quarter notes.
        var voices: [String: [[Double]]]
        var timeSignature: String?, timeSignaturesAll: [String]?
        /// "F# minor", "E- major".
        var key: String?
        var pickupQL: Double?
        var id: String?

        enum CodingKeys: String, CodingKey {
            case voices, key, id
            case timeSignature = "time_signature", timeSignaturesAll = "time_signatures_all", pickupQL = "pickup_ql"
        }
    }

    /// The converter's records (`ChoraleRecord`), read through the engine's JSON-lines reader (a bad
    /// line is an error naming its number). The pickup is dropped so that every piece starts on a
    /// downbeat; pieces with metre changes are skipped.
    static func jsonLines(_ url: URL) throws -> (scores: [Score], skipped: Int) {
        var scores: [Score] = []
        var skipped = 0
        for record in try JSONLines.read(ChoraleRecord.self, contentsOf: url) {
            let metres = record.timeSignaturesAll ?? [record.timeSignature ?? "4/4"]
            guard metres.count == 1, let beats = ["4/4": 4, "3/4": 3][metres[0]],
                let key = MusicKey(record.key ?? "C")
            else {
                skipped += 1
                continue
            }
            let pickup = record.pickupQL ?? 0
            let parts = ["S", "A", "T", "B"].map { name in
                Score.voice(
                    fromQuarters: (record.voices[name] ?? []).compactMap { e in
                        e.count == 3 ? (Int(e[0]), e[1], e[2]) : nil
                    }, from: pickup)
            }
            let end = parts.compactMap { $0.last?.end }.max() ?? 0
            let stepsPerBar = beats * Score.stepsPerQuarter
            scores.append(
                Score(
                    beatsPerBar: beats, key: key, bars: (end + stepsPerBar - 1) / stepsPerBar, voices: parts,
                    title: record.id))
        }
        return (scores, skipped)
    }
}

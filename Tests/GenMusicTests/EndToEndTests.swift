import Foundation
import XCTest

@testable import GenEngine
@testable import gen_music

/// Train tiny models on a few shipped chorales, compose, and read the MIDI back.
final class EndToEndTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("gen-music-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func run(_ args: [String], _ command: Command) throws {
        guard case .run(_, let parsed) = try CLI.parse(args, root: command) else { return XCTFail("did not parse \(args)") }
        try command.run!(parsed)
    }

    /// The first `count` chorales of the shipped corpus as a small JSON-lines file.
    func smallCorpus(_ count: Int) throws -> String {
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("samples/data/bach/chorales.jsonl.gz")
        let lines = String(decoding: try Gzip.readMaybeCompressed(shipped), as: UTF8.self).split(separator: "\n").prefix(count)
        let url = dir.appendingPathComponent("small.jsonl")
        try Data(lines.joined(separator: "\n").utf8).write(to: url)
        return url.path
    }

    func bars(_ path: String) throws -> Double {
        let file = try MIDIFile(bytes: [UInt8](Data(contentsOf: URL(fileURLWithPath: path))))
        return Double(file.lengthTicks) / Double(file.ticksPerBar)
    }

    func testTrainComposeEvaluateEndToEnd() throws {
        let data = try smallCorpus(12)
        let lstm = dir.appendingPathComponent("lstm").path
        let markov = dir.appendingPathComponent("markov").path
        try run(
            [
                "--data", data, "--arch", "lstm", "--steps", "3", "--batch", "4", "--length", "32", "--hidden", "16", "--embedding", "8",
                "--layers", "1", "--out", lstm, "--quiet",
            ], trainCommand)
        try run(["--data", data, "--arch", "markov", "--order", "4", "--out", markov, "--quiet"], trainCommand)
        let gpt = dir.appendingPathComponent("gpt").path
        try run(
            [
                "--data", data, "--arch", "transformer", "--steps", "2", "--batch", "2", "--length", "32", "--hidden", "16", "--heads", "2",
                "--layers", "1", "--out", gpt, "--quiet",
            ], trainCommand)
        // The output's folder is made (pieces/ does not exist yet).
        let gptSong = dir.appendingPathComponent("pieces/gpt.mid").path
        try run(["--model", gpt, "--bars", "3", "--count", "2", "--out", gptSong], root)
        XCTAssertEqual(try bars(dir.appendingPathComponent("pieces/gpt-0-1.mid").path), 3)
        for bundle in [lstm, markov, gpt] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: bundle + "/config.json"))
            XCTAssertNotNil(try loadMusicModel(URL(fileURLWithPath: bundle)).manifest.metrics["validation_nll_nats_per_token"])
        }
        XCTAssertThrowsError(try run(["--data", data, "--arch", "markov", "--out", markov], trainCommand)) {
            XCTAssertTrue("\($0)".contains("already exists"))
        }
        // A piece is the same whatever the batch it is decoded in (--count decodes in chunks).
        let model = try loadMusicModel(URL(fileURLWithPath: lstm)).model
        let request = CompositionRequest(bars: 2, beatsPerBar: 4, key: nil, cadence: false, sampling: SamplingOptions())
        let all = compose(model, request, pieces: 0..<12, seed: 3)
        XCTAssertEqual(compose(model, request, pieces: 9..<12, seed: 3).map(\.voices), all[9...].map(\.voices))
        for (name, bundle) in [("lstm", lstm), ("markov", markov)] {
            let song = dir.appendingPathComponent("\(name).mid").path
            let stats = dir.appendingPathComponent("\(name).json").path
            let roll = dir.appendingPathComponent("\(name).png").path
            let args = ["--model", bundle, "--bars", "6", "--key", "Am", "--cadence", "--seed", "5", "--out", song]
            try run(args + ["--stats", stats, "--piano-roll", roll], root)
            XCTAssertEqual(try bars(song), 6)
            let file = try readMIDI(song)
            XCTAssertEqual(file.tracks.count, 5)
            XCTAssertEqual(file.tracks[0].name, "GenSuite chorale (seed 5)")
            XCTAssertEqual(file.keySignature, MusicKey("Am"))
            let score = try Score(midi: file, voices: 4)
            XCTAssertTrue(score.voices.enumerated().allSatisfy { v, notes in notes.allSatisfy { Score.voiceRanges[v].contains($0.pitch) } })
            XCTAssertEqual(score.voices[3].last?.pitch.quotientAndRemainder(dividingBy: 12).remainder, 9)  // cadence on A
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: stats))) as! [String: Any]
            XCTAssertEqual(json["seed"] as? Int, 5)
            XCTAssertEqual(try PNG.read(URL(fileURLWithPath: roll)).width, PianoRoll.left + 6 * 16 * 4 + 1)
            // Same seed, same bytes; the file is not overwritten without --force.
            let before = try Data(contentsOf: URL(fileURLWithPath: song))
            XCTAssertThrowsError(try run(args, root)) { XCTAssertTrue("\($0)".contains("already exists")) }
            try run(args + ["--force"], root)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: song)), before)
            // The repetition penalty reaches the decoder: the same seed draws another piece.
            try run(args + ["--force", "--repetition-penalty", "3"], root)
            XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: song)), before)
            try run(["--model", bundle, "--bars", "6", "--key", "Am", "--cadence", "--seed", "6", "--out", song, "--force"], root)
            XCTAssertNotEqual(try Data(contentsOf: URL(fileURLWithPath: song)), before)
            // Continue the piece's first bars from the written file: they come back note for note.
            let primer = dir.appendingPathComponent("\(name)-primer.mid").path
            try Data(score.midiFile(tempo: 100, programs: [52, 52, 52, 52]).bytes()).write(to: URL(fileURLWithPath: primer))
            let continued = dir.appendingPathComponent("\(name)-continued.mid").path
            try run(["--model", bundle, "--bars", "9", "--primer", primer, "--seed", "1", "--out", continued], root)
            let longer = try Score(midi: readMIDI(continued), voices: 4)
            XCTAssertEqual(longer.bars, 9)
            for v in 0..<4 {
                XCTAssertEqual(
                    longer.voices[v].filter { $0.start < 6 * 16 }.map { [$0.pitch, $0.start] },
                    score.voices[v].filter { $0.start < 6 * 16 }.map { [$0.pitch, $0.start] })
            }
        }
        // A one-track melody as primer is kept as the soprano and harmonised from the first bar.
        let melody = Score(
            beatsPerBar: 4, key: MusicKey("G")!, bars: 2,
            voices: [(0..<8).map { ScoreNote(pitch: [67, 69, 71, 72][$0 % 4], start: 4 * $0, duration: 4) }])
        let melodyFile = dir.appendingPathComponent("melody.mid").path
        try Data(melody.midiFile(tempo: 100, programs: [0, 0, 0, 0]).bytes()).write(to: URL(fileURLWithPath: melodyFile))
        let harmonised = dir.appendingPathComponent("harmonised.mid").path
        try run(["--model", lstm, "--bars", "4", "--primer", melodyFile, "--out", harmonised], root)
        let chorale = try Score(midi: readMIDI(harmonised), voices: 4)
        XCTAssertEqual(chorale.voices[0].prefix(8).map(\.pitch), melody.voices[0].map(\.pitch))
        XCTAssertEqual(chorale.key, MusicKey("G"))
        for v in 1..<4 { XCTAssertLessThan(chorale.voices[v].first!.start, 16) }
        // --audio: the built-in synthesiser writes 16-bit mono PCM as long as the piece (two bars of
        // 4/4 at 120 bpm: 4 s, plus a 60 ms release); FluidSynth, when installed, a stereo file.
        let wav = dir.appendingPathComponent("h.wav")
        try run(
            ["--model", lstm, "--bars", "2", "--tempo", "120", "--out", harmonised, "--force", "--audio", wav.path, "--synth", "builtin"],
            root)
        let bytes = [UInt8](try Data(contentsOf: wav))
        XCTAssertEqual(String(decoding: bytes[0..<4], as: UTF8.self) + String(decoding: bytes[8..<16], as: UTF8.self), "RIFFWAVEfmt ")
        func u32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
        XCTAssertEqual([u32(24), u32(40), bytes.count], [22_050, bytes.count - 44, bytes.count])
        XCTAssertEqual(Double(u32(40) / 2) / 22_050, 4.06, accuracy: 0.01)
        XCTAssertTrue(stride(from: 44, to: bytes.count, by: 2).contains { bytes[$0] != 0 || bytes[$0 + 1] != 0 }, "silent")
        if AudioRender.fluidSynth() != nil {
            try run(["--model", lstm, "--bars", "2", "--out", harmonised, "--force", "--audio", wav.path, "--synth", "fluidsynth"], root)
            let rendered = [UInt8](try Data(contentsOf: wav))
            XCTAssertEqual(String(decoding: rendered[0..<4], as: UTF8.self), "RIFF")
            XCTAssertGreaterThan(rendered.count, 44_100 * 4)
        }
        // --regenerate 2 of a three-bar piece: bars 1 and 3 sound as before, step by step; with
        // --voices-fixed S the soprano is kept whole.
        let original = dir.appendingPathComponent("original.mid").path
        try run(["--model", lstm, "--bars", "3", "--seed", "4", "--out", original], root)
        let reworked = dir.appendingPathComponent("reworked.mid").path
        try run(["--model", lstm, "--primer", original, "--regenerate", "2", "--seed", "9", "--out", reworked], root)
        let (before, after) = (try Score(midi: readMIDI(original), voices: 4), try Score(midi: readMIDI(reworked), voices: 4))
        XCTAssertEqual(after.bars, 3)
        func sounding(_ score: Score, _ v: Int, _ t: Int) -> Int? { score.voices[v].first { $0.start <= t && t < $0.end }?.pitch }
        for v in 0..<4 {
            for t in Array(0..<16) + Array(32..<48) {
                XCTAssertEqual(sounding(after, v, t), sounding(before, v, t), "voice \(v), step \(t)")
            }
        }
        try run(["--model", lstm, "--primer", original, "--voices-fixed", "S", "--seed", "9", "--out", reworked, "--force"], root)
        XCTAssertEqual(try Score(midi: readMIDI(reworked), voices: 4).voices[0], before.voices[0])
        XCTAssertThrowsError(try run(["--model", lstm, "--primer", original, "--regenerate", "4", "--out", reworked, "--force"], root)) {
            XCTAssertEqual(CLIError(from: $0).code, .usage)
        }
        // The same melody typed inline (Magenta's --primer_melody), harmonised to exactly its own
        // two bars with a cadence: the soprano is the melody, note for note.
        let inline = (0..<8).map { "\([67, 69, 71, 72][$0 % 4]) _ _ _" }.joined(separator: " ")
        let exact = dir.appendingPathComponent("exact.mid").path
        try run(["--model", lstm, "--bars", "2", "--primer-melody", inline, "--cadence", "--out", exact], root)
        let twoBars = try Score(midi: readMIDI(exact), voices: 4)
        XCTAssertEqual(twoBars.bars, 2)
        XCTAssertEqual(twoBars.voices[0].map(\.pitch), melody.voices[0].map(\.pitch))
        XCTAssertEqual(twoBars.voices[0].map(\.start), melody.voices[0].map(\.start))
        XCTAssertThrowsError(try run(["--model", lstm, "--primer-melody", "60 61 sixty", "--out", exact, "--force"], root)) {
            XCTAssertEqual(CLIError(from: $0).code, .usage)
            XCTAssertTrue("\($0)".contains("token 3 is 'sixty'"), "\($0)")
        }
        // Several pieces, fewer voices, other programs, 3/4.
        let many = dir.appendingPathComponent("many.mid").path
        try run(
            [
                "--model", lstm, "--bars", "3", "--count", "3", "--voices", "2", "--programs", "0,32", "--time-signature", "3/4",
                "--seed", "2", "--out", many,
            ], root)
        for i in 0..<3 {
            let file = try readMIDI(dir.appendingPathComponent("many-2-\(i).mid").path)
            XCTAssertEqual(file.tracks.map(\.name), ["GenSuite chorale (seed 2, piece \(i))", "Soprano", "Bass"])
            XCTAssertEqual(file.timeSignature.numerator, 3)
            XCTAssertEqual(Double(file.lengthTicks) / Double(file.ticksPerBar), 3)
        }
        let report = dir.appendingPathComponent("eval.json").path
        try run(["--in", dir.path, "--reference", data, "--json", report], evalCommand)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report))) as! [String: Any]
        XCTAssertNotNil(json["pitchClassHistogramDistance"] as? Double)
        XCTAssertGreaterThanOrEqual((json["input"] as! [String: Any])["pieces"] as! Int, 9)
    }

    func testBadRequestsGetClearErrors() throws {
        let bundle = dir.appendingPathComponent("m").path
        try run(["--data", try smallCorpus(4), "--arch", "markov", "--order", "3", "--out", bundle, "--quiet"], trainCommand)
        let out = dir.appendingPathComponent("x.mid").path
        func expect(_ args: [String], _ text: String, code: ExitCode) {
            XCTAssertThrowsError(try run(["--model", bundle, "--out", out] + args, root)) {
                XCTAssertTrue(CLIError(from: $0).message.contains(text), "\($0)")
                XCTAssertEqual(CLIError(from: $0).code, code)
            }
        }
        expect(["--key", "H"], "--key must name a key", code: .usage)
        expect(["--time-signature", "5/4"], "one of 4/4, 3/4", code: .usage)
        expect(["--voices", "2", "--programs", "1,2,3"], "--programs needs 2", code: .usage)
        expect(["--bars", "0"], "--bars", code: .usage)
        expect(["--primer", dir.appendingPathComponent("missing.mid").path], "missing.mid", code: .noInput)
        let garbage = dir.appendingPathComponent("garbage.mid")
        try Data("MThd garbage".utf8).write(to: garbage)
        expect(["--primer", garbage.path], "is this a Standard MIDI File", code: .dataError)
        let long = dir.appendingPathComponent("long.mid")
        let score = Score(beatsPerBar: 4, key: MusicKey("C")!, bars: 4, voices: [[ScoreNote(pitch: 72, start: 0, duration: 64)]])
        try Data(score.midiFile(tempo: 100, programs: [0, 0, 0, 0]).bytes()).write(to: long)
        expect(["--primer", long.path, "--bars", "3"], "is shorter than the primer's 4 bars", code: .usage)
        XCTAssertThrowsError(try run(["--model", dir.appendingPathComponent("nothing").path, "--out", out], root)) {
            XCTAssertEqual(CLIError(from: $0).code, .noInput)
        }
        XCTAssertThrowsError(try run(["--model", dir.path, "--out", out], root)) { XCTAssertEqual(CLIError(from: $0).code, .dataError) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        XCTAssertThrowsError(try run(["--data", dir.appendingPathComponent("none").path, "--out", bundle + "2"], trainCommand))
        // A folder of MIDI files with a corrupt one: named and refused, or skipped with --skip-bad.
        let folder = dir.appendingPathComponent("midi")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: garbage, to: folder.appendingPathComponent("bad.mid"))
        for (i, s) in [score, score.transposed(by: 2), score.transposed(by: -3)].enumerated() {
            var four = s
            four.voices = [
                s.voices[0], s.voices[0].map { ScoreNote(pitch: $0.pitch - 5, start: $0.start, duration: $0.duration) },
                s.voices[0].map { ScoreNote(pitch: $0.pitch - 12, start: $0.start, duration: $0.duration) },
                s.voices[0].map { ScoreNote(pitch: $0.pitch - 24, start: $0.start, duration: $0.duration) },
            ]
            try Data(four.midiFile(tempo: 100, programs: [0, 0, 0, 0]).bytes()).write(to: folder.appendingPathComponent("\(i).mid"))
        }
        XCTAssertThrowsError(try run(["--data", folder.path, "--arch", "markov", "--out", bundle + "3", "--quiet"], trainCommand)) {
            XCTAssertTrue("\($0)".contains("bad.mid"), "\($0)")
        }
        try run(["--data", folder.path, "--arch", "markov", "--order", "3", "--skip-bad", "--out", bundle + "3", "--quiet"], trainCommand)
        XCTAssertTrue(FileManager.default.fileExists(atPath: bundle + "3/config.json"))
    }
}

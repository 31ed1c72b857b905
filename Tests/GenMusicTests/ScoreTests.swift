import Foundation
import XCTest

@testable import GenEngine
@testable import gen_music

/// Keys, the token language, the grammar's constraints and the metrics, on hand-made pieces.
final class ScoreTests: XCTestCase {
    func testKeysParseAndCarryTheirSignatures() {
        XCTAssertEqual(MusicKey("C"), MusicKey(tonic: 0, minor: false))
        XCTAssertEqual(MusicKey("Am"), MusicKey(tonic: 9, minor: true))
        XCTAssertEqual(MusicKey("F#m"), MusicKey(tonic: 6, minor: true))
        XCTAssertEqual(MusicKey("F# minor"), MusicKey(tonic: 6, minor: true))
        XCTAssertEqual(MusicKey("B- major"), MusicKey(tonic: 10, minor: false))
        XCTAssertEqual(MusicKey("Bb"), MusicKey(tonic: 10, minor: false))
        XCTAssertNil(MusicKey("H"))
        XCTAssertNil(MusicKey("C dorian"))
        XCTAssertEqual(
            [MusicKey("G")!, MusicKey("F")!, MusicKey("Am")!, MusicKey("F#m")!, MusicKey("Eb")!, MusicKey("Gb")!].map(\.sharps),
            [1, -1, 0, 3, -3, 6])
        XCTAssertEqual(MusicKey("Am")!.scale, [9, 11, 0, 2, 4, 5, 7])
        XCTAssertEqual(MusicKey("Am")!.allowed, [9, 11, 0, 2, 4, 5, 7, 6, 8])
        // A histogram weighted like a D major piece (tonic triad heavy) is found to be D major.
        var h = [Double](repeating: 0, count: 12)
        for (pc, w) in [(2, 6.0), (4, 2), (6, 4), (7, 3), (9, 5), (11, 2), (1, 2)] { h[pc] = w }
        XCTAssertEqual(MusicKey.estimate(h)?.key, MusicKey("D"))
        // The key written into a MIDI key signature is read back.
        let file = MIDIFile(
            format: 1, division: 480, tracks: [MIDITrack(events: MIDIFile.conductor(tempo: 90, timeSignature: (4, 4), key: (3, true)))])
        XCTAssertEqual(try MIDIFile(bytes: file.bytes()).keySignature, MusicKey("F#m"))
    }

    /// One 3/4 bar: soprano half + quarter, alto quarter rest then half, tenor whole bar, bass 8ths and a rest.
    func sampleScore() -> Score {
        Score(
            beatsPerBar: 3, key: MusicKey("G")!, bars: 2,
            voices: [
                [
                    ScoreNote(pitch: 74, start: 0, duration: 8), ScoreNote(pitch: 72, start: 8, duration: 4),
                    ScoreNote(pitch: 71, start: 12, duration: 12),
                ],
                [ScoreNote(pitch: 67, start: 4, duration: 8), ScoreNote(pitch: 66, start: 12, duration: 12)],
                [ScoreNote(pitch: 59, start: 0, duration: 12), ScoreNote(pitch: 62, start: 12, duration: 12)],
                [
                    ScoreNote(pitch: 43, start: 0, duration: 2), ScoreNote(pitch: 45, start: 2, duration: 2),
                    ScoreNote(pitch: 47, start: 6, duration: 6),
                    ScoreNote(pitch: 50, start: 12, duration: 8),
                ],
            ])
    }

    func testTokensRoundTripAndMarkBars() throws {
        let score = sampleScore()
        let tokens = try XCTUnwrap(ChoraleTokens.encode(score))
        XCTAssertEqual(Array(tokens.prefix(3)), [ChoraleTokens.start, ChoraleTokens.metreBase + 1, ChoraleTokens.key(MusicKey("G")!)])
        XCTAssertEqual(tokens.filter { $0 == ChoraleTokens.bar }.count, 1)
        XCTAssertEqual(tokens.filter { $0 == ChoraleTokens.finalBar }.count, 1)
        XCTAssertEqual(tokens.last, ChoraleTokens.end)
        // Frames without a change are one token; the rest are four.
        let frames = tokens.filter { $0 == ChoraleTokens.allHold || ChoraleTokens.cell($0)?.voice == 0 }.count
        XCTAssertEqual(frames, score.length)
        XCTAssertEqual(ChoraleTokens.decode(tokens), score)
        // A pitch no token names makes the piece unencodable (a transposition too far).
        XCTAssertNil(ChoraleTokens.encode(score.transposed(by: 30)))
        XCTAssertEqual(ChoraleTokens.decode(ChoraleTokens.encode(score.transposed(by: 2))!), score.transposed(by: 2))
    }

    /// Uniform logits through the grammar: every constraint must hold whatever the "model" says.
    func generate(_ grammar: ChoraleGrammar, prompt: [Int32], seed: UInt64) -> Score {
        var rng = RNG(seed: seed)
        let options = GenerationOptions(maxTokens: 10_000, stopSequences: [[ChoraleTokens.end]], processors: [{ grammar }])
        let out = generateTokens(prompt: prompt, options: options, rng: &rng) { _ in
            [Float](repeating: 0, count: ChoraleTokens.vocabularySize)
        }
        XCTAssertEqual(out.stop, .stopSequence)
        return ChoraleTokens.decode(prompt + out.tokens)
    }

    func testGrammarGivesExactBarsKeyRangesCadenceAndNoParallels() {
        let key = MusicKey("Eb")!
        for seed in 0..<5 as Range<UInt64> {
            let grammar = ChoraleGrammar(bars: 5, beatsPerBar: 4, key: key, cadence: true)
            let score = generate(grammar, prompt: [ChoraleTokens.start, ChoraleTokens.metreBase, ChoraleTokens.key(key)], seed: seed)
            XCTAssertEqual(score.bars, 5)
            XCTAssertEqual(score.key, key)
            for (v, voice) in score.voices.enumerated() {
                XCTAssertTrue(voice.allSatisfy { Score.voiceRanges[v].contains($0.pitch) && key.allowed.contains($0.pitch % 12) })
                XCTAssertTrue(voice.allSatisfy { $0.end <= score.length && $0.duration <= 16 })  // no note longer than a bar
                // No silence longer than a bar either (rests begin only after a note).
                XCTAssertTrue(zip([ScoreNote(pitch: 0, start: 0, duration: 0)] + voice, voice).allSatisfy { $1.start - $0.end <= 16 })
                // The cadence: one chord filling the final bar, tonic in soprano and bass.
                let last = voice.last!
                XCTAssertEqual(last.start, 4 * 16)
                XCTAssertEqual(last.end, 5 * 16)
                XCTAssertTrue((v == 0 || v == 3 ? [key.tonic] : key.triad).contains(last.pitch % 12))
            }
            let parallels = MusicMetrics.parallels(score)
            XCTAssertEqual(parallels.fifths + parallels.octaves, 0)
        }
        // Without the rule, uniform choices make parallels (the check above is not vacuous).
        let free = (0..<5 as Range<UInt64>).map { seed -> Int in
            let score = generate(
                ChoraleGrammar(bars: 5, beatsPerBar: 4, key: nil, forbidParallels: false),
                prompt: [ChoraleTokens.start, ChoraleTokens.metreBase], seed: seed)
            let p = MusicMetrics.parallels(score)
            return p.fifths + p.octaves
        }
        XCTAssertGreaterThan(free.reduce(0, +), 0)
    }

    func testGrammarKeepsThePrimerNoteForNote() throws {
        let primer = Score(
            beatsPerBar: 3, key: MusicKey("G")!, bars: 1,
            voices: [[ScoreNote(pitch: 67, start: 0, duration: 4), ScoreNote(pitch: 71, start: 4, duration: 8)]])
        let cells = try primerCells(primer, bars: 1)
        XCTAssertEqual(cells[0].count, 12)
        XCTAssertTrue(cells[1].isEmpty && cells[2].isEmpty && cells[3].isEmpty)  // free: the model harmonises
        let score = generate(
            ChoraleGrammar(bars: 3, beatsPerBar: 3, key: nil, primer: cells),
            prompt: [ChoraleTokens.start, ChoraleTokens.metreBase + 1, ChoraleTokens.key(primer.key)], seed: 1)
        XCTAssertEqual(Array(score.voices[0].prefix(2)), primer.voices[0])
        XCTAssertEqual(score.bars, 3)
        // A primer note no soprano token names is refused with a clear error.
        let high = Score(beatsPerBar: 4, key: MusicKey("C")!, bars: 1, voices: [[ScoreNote(pitch: 100, start: 0, duration: 4)]])
        XCTAssertThrowsError(try primerCells(high, bars: 1)) { XCTAssertTrue("\($0)".contains("outside the soprano range")) }
    }

    func testMetricsOnHandComputedPieces() {
        // Soprano C5 → D5 over bass F4 → G4: a fifth to a fifth, both up: one parallel fifth.
        // Alto E4 → F4 against the bass F4 → G4: seventh to ninth, no parallel. Then bar 2 is empty for the alto.
        let score = Score(
            beatsPerBar: 4, key: MusicKey("C")!, bars: 2,
            voices: [
                [
                    ScoreNote(pitch: 72, start: 0, duration: 4), ScoreNote(pitch: 74, start: 4, duration: 12),
                    ScoreNote(pitch: 73, start: 16, duration: 16),
                ],
                [ScoreNote(pitch: 64, start: 0, duration: 4), ScoreNote(pitch: 65, start: 4, duration: 12)],
                [
                    ScoreNote(pitch: 60, start: 0, duration: 16), ScoreNote(pitch: 48, start: 16, duration: 4),
                    ScoreNote(pitch: 50, start: 20, duration: 12),
                ],
                [
                    ScoreNote(pitch: 65, start: 0, duration: 4), ScoreNote(pitch: 67, start: 4, duration: 12),
                    ScoreNote(pitch: 36, start: 16, duration: 4),
                    ScoreNote(pitch: 38, start: 20, duration: 12),
                ],
            ])
        // Tenor C3 → D3 against bass C2 → D2: parallel octaves in bar 2 (bass 36 is below its range).
        let p = MusicMetrics.parallels(score)
        XCTAssertEqual(p.fifths, 1)
        XCTAssertEqual(p.octaves, 1)
        let m = MusicMetrics.measure(score)
        XCTAssertEqual(m.bars, 2)
        XCTAssertEqual(m.notes, 12)
        XCTAssertEqual(m.inKeyRatio, 11.0 / 12.0, accuracy: 1e-12)  // C#5 is out of C major
        XCTAssertEqual(m.emptyBarRate, 1.0 / 8.0, accuracy: 1e-12)  // the alto's second bar
        // Out of range: bass F4, G4 (above C4), C2, D2 (below E2); tenor C3 and D3 are in range.
        XCTAssertEqual(m.inRangeRatio, 8.0 / 12.0, accuracy: 1e-12)
        XCTAssertEqual(m.parallelFifthsPerBar, 0.5)
        XCTAssertEqual(MusicMetrics.measure(score, key: MusicKey("D")!).inKeyRatio, 6.0 / 12.0, accuracy: 1e-12)
        XCTAssertEqual(Statistics.totalVariation([0.5, 0.5, 0], [0, 0.5, 0.5]), 0.5, accuracy: 1e-12)
        let lengths = MusicMetrics.noteLengthHistogram([score])
        XCTAssertEqual(lengths[MusicMetrics.lengthClasses.firstIndex(of: 4)!], 5.0 / 12.0, accuracy: 1e-12)
        // Eight notes of equal length on eight pitch classes: 3 bits.
        let flat = Score(
            beatsPerBar: 4, key: MusicKey("C")!, bars: 2, voices: [(0..<8).map { ScoreNote(pitch: 60 + $0, start: 4 * $0, duration: 4) }])
        XCTAssertEqual(MusicMetrics.measure(flat).pitchClassEntropy, 3, accuracy: 1e-12)
    }

    func testScoresSurviveMIDIAndEndOnTheBarLine() throws {
        var score = sampleScore()
        score.title = "test"
        let file = try MIDIFile(bytes: score.midiFile(tempo: 90, programs: [52, 52, 52, 32]).bytes())
        XCTAssertEqual(file.tracks.count, 5)
        XCTAssertEqual(file.lengthTicks, score.bars * 3 * 480)  // the closing rest is kept
        XCTAssertEqual(file.tracks.map(\.name), ["test", "Soprano", "Alto", "Tenor", "Bass"])
        let back = try Score(midi: file, voices: 4)
        XCTAssertEqual(back.voices, score.voices)
        XCTAssertEqual(back.beatsPerBar, 3)
        XCTAssertEqual(back.bars, 2)
        XCTAssertEqual(back.key, score.key)
        // Two voices written: soprano and bass tracks.
        let outer = score.midiFile(tempo: 90, programs: [52, 52, 52, 32], voiceIndices: [0, 3])
        XCTAssertEqual(outer.tracks.map(\.name), ["test", "Soprano", "Bass"])
        XCTAssertTrue(outer.tracks[2].events.contains { $0.kind == .programChange(channel: 3, program: 32) })
        // inspect names each track's program as General MIDI does.
        let lines = inspection(of: file, path: "x.mid")
        XCTAssertTrue(lines[3].hasPrefix("  track 1 'Soprano'") && lines[3].hasSuffix(", program 52 (Choir Aahs)"), lines[3])
        XCTAssertTrue(lines[6].hasSuffix(", program 32 (Acoustic Bass)"), lines[6])
    }

    /// Without --key the key signature written is the key the notes are in: an E-major scale
    /// labelled G by the model's key token is written as E; a key asked for is kept.
    func testWrittenKeyIsTheKeyOfTheNotes() {
        let eMajor = [64, 66, 68, 69, 71, 73, 75, 76, 71, 68, 64, 76]
        var score = Score(
            beatsPerBar: 4, key: MusicKey("G")!, bars: 3,
            voices: [eMajor.enumerated().map { ScoreNote(pitch: $1, start: 4 * $0, duration: 4) }])
        let free = CompositionRequest(bars: 3, beatsPerBar: 4, key: nil, cadence: false, sampling: SamplingOptions())
        XCTAssertEqual(writtenKey(score, free), MusicKey("E"))
        XCTAssertEqual(
            writtenKey(score, CompositionRequest(bars: 3, beatsPerBar: 4, key: MusicKey("G"), cadence: false, sampling: SamplingOptions())),
            MusicKey("G"))
        score.key = MusicKey("E")!
        XCTAssertEqual(writtenKey(score, free), MusicKey("E"))
    }

    /// The piano roll has margins for the pitch names, the bar numbers and the voice legend, whose
    /// first swatch is the soprano's colour; bar 1's number is drawn above the roll.
    func testPianoRollHasAxesAndLegend() {
        let score = sampleScore()
        let roll = PianoRoll.image(score)
        let pitches = score.voices.flatMap { $0.map(\.pitch) }
        let rows = pitches.max()! - pitches.min()! + 5
        XCTAssertEqual(roll.width, PianoRoll.left + score.length * 4 + 1)
        XCTAssertEqual(roll.height, PianoRoll.top + rows * 5 + PianoRoll.bottom)
        func pixel(_ x: Int, _ y: Int) -> [UInt8] {
            Array(roll.pixels[(y * roll.width + x) * roll.channels..<(y * roll.width + x) * roll.channels + 3])
        }
        let (r, g, b) = PianoRoll.colours[0]
        XCTAssertEqual(pixel(PianoRoll.left + 2, roll.height - PianoRoll.bottom + 5), [r, g, b])
        XCTAssertTrue((1..<6).contains { y in (0..<4).contains { pixel(PianoRoll.left + 2 + $0, y) != [255, 255, 255] } }, "no bar number")
    }

    /// music21 (PyPI) as an optional oracle: parts, bars, metre, key signature and notes as written.
    func testMusic21ReadsAWrittenScoreWhenInstalled() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gensuite-\(UUID().uuidString).mid")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(sampleScore().midiFile(tempo: 90, programs: [52, 52, 52, 52]).bytes()).write(to: url)
        let out = try pythonOracle(
            needs: "music21",
            """
            import sys, music21
            s = music21.converter.parse(sys.argv[1])
            p = s.parts
            ks = p[0].recurse().getElementsByClass('KeySignature')[0]
            ts = p[0].recurse().getElementsByClass('TimeSignature')[0]
            print(len(p), len(p[0].getElementsByClass('Measure')), ts.ratioString, ks.sharps, [n.pitch.midi for n in p[3].recurse().notes])
            """, arguments: [url.path])
        XCTAssertEqual(out, "4 2 3/4 1 [43, 45, 47, 50]")
    }
}

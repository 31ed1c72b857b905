import Foundation
import XCTest

@testable import GenEngine
@testable import gen_music

final class MIDIFileTests: XCTestCase {
    /// A two-track file: conductor, then a soprano line with an overlapping repeated pitch.
    func sampleFile() -> MIDIFile {
        let notes = [
            Note(pitch: 72, start: 0, duration: 480, velocity: 80, channel: 0),
            Note(pitch: 74, start: 480, duration: 240, velocity: 70, channel: 0),
            Note(pitch: 74, start: 600, duration: 480, velocity: 60, channel: 0),  // overlaps the previous 74
            Note(pitch: 76, start: 1080, duration: 840, velocity: 90, channel: 0),
        ]
        let conductor = MIDITrack(events: MIDIFile.conductor(tempo: 96, timeSignature: (3, 4), key: (sharps: -1, minor: true)))
        return MIDIFile(
            format: 1, division: 480, tracks: [conductor, MIDITrack.from(notes: notes, name: "Soprano", program: 52, channel: 0)])
    }

    func testWriteReadRoundTripKeepsNotesTempoAndMeter() throws {
        let file = sampleFile()
        let back = try MIDIFile(bytes: file.bytes())
        XCTAssertEqual(back.format, 1)
        XCTAssertEqual(back.division, 480)
        XCTAssertEqual(back.tracks.count, 2)
        XCTAssertEqual(back.tracks[1].notes, file.tracks[1].notes)
        XCTAssertEqual(back.tracks[1].notes.count, 4)
        XCTAssertEqual(back.tempo, 96, accuracy: 0.01)
        XCTAssertEqual(back.timeSignature.numerator, 3)
        XCTAssertEqual(back.ticksPerBar, 1440)
        XCTAssertEqual(back.tracks[1].name, "Soprano")
        // Exactly one end-of-track, last, in every track; note-off before note-on at the same tick.
        for track in back.tracks {
            let ends = track.events.filter {
                if case .meta(0x2F, _) = $0.kind { return true }
                return false
            }
            XCTAssertEqual(ends.count, 1)
            XCTAssertEqual(track.events.last?.kind, .meta(type: 0x2F, data: []))
        }
        let at480 = back.tracks[1].events.filter { $0.tick == 480 }.map(\.kind)
        XCTAssertEqual(at480.first, .noteOff(channel: 0, key: 72, velocity: 0))
        XCTAssertEqual(try MIDIFile(bytes: back.bytes()), back)
    }

    func testReadsRunningStatusAndVelocityZeroNoteOff() throws {
        // One track: note-on 60, then under running status note-on 60 velocity 0 (= off), note-on 64.
        let body: [UInt8] = [0x00, 0x90, 60, 100, 0x83, 0x60, 60, 0, 0x00, 64, 90, 0x81, 0x70, 0x80, 64, 0, 0x00, 0xFF, 0x2F, 0x00]
        let bytes = Array("MThd".utf8) + [0, 0, 0, 6, 0, 0, 0, 1, 0x01, 0xE0] + Array("MTrk".utf8) + be32(body.count) + body
        let file = try MIDIFile(bytes: bytes)
        XCTAssertEqual(file.format, 0)
        XCTAssertEqual(
            file.tracks[0].notes,
            [
                Note(pitch: 60, start: 0, duration: 480, velocity: 100, channel: 0),
                Note(pitch: 64, start: 480, duration: 240, velocity: 90, channel: 0),
            ])
    }

    func testMalformedFilesGiveErrorsWithOffsets() {
        let good = sampleFile().bytes()
        func rejects(_ bytes: [UInt8], _ fragment: String, line: UInt = #line) {
            XCTAssertThrowsError(try MIDIFile(bytes: bytes), line: line) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(error)", line: line)
                XCTAssertTrue("\(error)".contains("at byte"), "\(error)", line: line)
            }
        }
        rejects(Array("RIFF....".utf8), "no MThd")
        let badVLQ: [UInt8] =
            Array("MThd".utf8) + [0, 0, 0, 6, 0, 0, 0, 1, 0x01, 0xE0] + Array("MTrk".utf8) + [
                0, 0, 0, 6, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x90,
            ]
        XCTAssertTrue(try MIDIFile.read(badVLQ).warnings.joined().contains("longer than 4 bytes at byte 22"))
        rejects(Array("MThd".utf8) + [0, 0, 0, 6, 0, 1, 0, 2, 0x01, 0xE0], "no track chunk")
        rejects(Array("MThd".utf8) + [0, 0, 0, 6, 0, 1, 0, 1, 0xE7, 0x28], "SMPTE")
        // A malformed event ends its track with a warning naming the byte; what came before is kept.
        let orphanData: [UInt8] =
            Array("MThd".utf8) + [0, 0, 0, 6, 0, 0, 0, 1, 0x01, 0xE0] + Array("MTrk".utf8) + [0, 0, 0, 3, 0x00, 60, 100]
        XCTAssertTrue(try MIDIFile.read(orphanData).warnings.joined().contains("running status at byte 23"))
        // Every truncation of a valid file is an error or a file with warnings, never a crash.
        for cut in 0..<good.count {
            if let (file, warnings) = try? MIDIFile.read(Array(good.prefix(cut))) {
                XCTAssertFalse(warnings.isEmpty && file != sampleFile(), "cut \(cut)")
            }
        }
    }

    /// A file of one note-on track after a conductor track, with `body` as the note track's events.
    func file(conductor: [UInt8] = [0x00, 0xFF, 0x2F, 0x00], _ body: [UInt8], announced: Int = 2, lengthFix: Int = 0) -> [UInt8] {
        Array("MThd".utf8) + [0, 0, 0, 6, 0, 1, 0, UInt8(announced), 0x01, 0xE0] + Array("MTrk".utf8) + be32(conductor.count) + conductor
            + Array("MTrk".utf8) + be32(body.count + lengthFix) + body
    }

    /// Tempo maps and metres: of two events on one tick the last is in effect (and inspect says
    /// so); a compound metre, a change of metre and short bars are refused by name as primers,
    /// and one pickup bar is padded to a whole bar;
    /// a primer's tempo is kept unless --tempo is given.
    func testTempoMapsAndMetres() throws {
        func meta(_ tick: Int, _ type: UInt8, _ data: [UInt8]) -> MIDIEvent { MIDIEvent(tick: tick, kind: .meta(type: type, data: data)) }
        func tempo(_ tick: Int, _ bpm: Int) -> MIDIEvent {
            let micros = 60_000_000 / bpm
            return meta(tick, 0x51, [UInt8(micros >> 16 & 255), UInt8(micros >> 8 & 255), UInt8(micros & 255)])
        }
        func metre(_ tick: Int, _ n: UInt8, _ d: UInt8) -> MIDIEvent { meta(tick, 0x58, [n, d, 24, 8]) }
        let melody = (0..<16).map { Note(pitch: [72, 74, 76, 77][$0 % 4], start: 480 * $0, duration: 480, velocity: 80, channel: 0) }
        func file(_ conductor: [MIDIEvent]) -> MIDIFile {
            MIDIFile(
                format: 1, division: 480,
                tracks: [MIDITrack(events: conductor), MIDITrack.from(notes: melody, name: "S", program: 0, channel: 0)])
        }
        let doubled = file([tempo(0, 100), tempo(0, 90), metre(0, 4, 2), metre(0, 3, 2), tempo(3840, 60)])
        XCTAssertEqual(doubled.tempo, 90, accuracy: 0.01)
        // The tempo that lasts longest is a primer's: 90 and 60 bpm hold 3,840 ticks each (the first wins).
        XCTAssertEqual(doubled.predominantTempo, 90, accuracy: 0.01)
        XCTAssertEqual(file([tempo(0, 13), tempo(480, 96)]).predominantTempo, 96, accuracy: 0.01)
        XCTAssertEqual(doubled.timeSignature.numerator, 3)
        let lines = inspection(of: doubled, path: "x.mid")
        XCTAssertTrue(
            lines.contains {
                $0.hasPrefix("tempo map: 100.0 bpm at tick 0 (replaced on the same tick), 90.0 bpm at tick 0 (in effect), 60.0")
            }, "\(lines)")
        XCTAssertTrue(
            lines.contains { $0.hasPrefix("time signatures: 4/4 at tick 0 (replaced on the same tick), 3/4 at tick 0 (in effect)") },
            "\(lines)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("metres-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func primer(_ name: String, _ conductor: [MIDIEvent]) throws -> String {
            let path = dir.appendingPathComponent(name).path
            try Data(file(conductor).bytes()).write(to: URL(fileURLWithPath: path))
            return path
        }
        for (name, conductor, message) in [
            ("six-eight.mid", [metre(0, 6, 3)], "6/8, a compound metre"),
            ("change.mid", [metre(0, 4, 2), metre(3840, 3, 2)], "changes metre to 3/4 at tick 3840"),
            ("two-short-bars.mid", [metre(0, 1, 2), metre(960, 4, 2)], "starts in 1/4 before 4/4 at tick 960"),
        ] {
            XCTAssertThrowsError(try checkMetre(file(conductor), path: name)) { XCTAssertTrue("\($0)".contains(message), "\($0)") }
            _ = try primer(name, conductor)
        }
        // One 1/4 pickup bar before 4/4: padded by three quarters of rest, so its note (72 at
        // tick 0) falls on the bar's fourth beat and the next note on the downbeat of bar 2.
        let pickup = file([tempo(0, 90), metre(0, 1, 2), metre(480, 4, 2)])
        let (padded, rest) = try XCTUnwrap(pickup.paddingPickup())
        XCTAssertEqual(rest, 3)
        XCTAssertEqual(padded.timeSignature.numerator, 4)
        XCTAssertEqual(padded.timeSignatureChanges.count, 1)
        XCTAssertEqual(padded.tempo, 90, accuracy: 0.01)
        XCTAssertEqual(padded.tracks[1].notes.prefix(2).map(\.start), [1440, 1920])
        let score = try Score(midi: padded, voices: 4)
        XCTAssertEqual(score.beatsPerBar, 4)
        XCTAssertNil(file([metre(0, 4, 2)]).paddingPickup(), "a file without a pickup stays as it is")
        var patterns = file([metre(0, 4, 2)])
        patterns.format = 2
        XCTAssertThrowsError(try music(patterns, path: "patterns.mid")) { XCTAssertTrue("\($0)".contains("format 2"), "\($0)") }
        XCTAssertNil(file([metre(0, 1, 2), metre(960, 4, 2)]).paddingPickup(), "two short bars are not a pickup")
        // The primer's 90 bpm is kept; --tempo overrides it.
        let slow = try primer("slow.mid", [tempo(0, 90), metre(0, 4, 2)])
        let out = dir.appendingPathComponent("out.mid").path
        let args = ["--model", "music-bach-markov", "--primer", slow, "--bars", "6", "--out", out, "--quiet"]
        guard (try? ModelBundle.resolve("music-bach-markov", default: "music-bach-markov")) != nil else {
            throw XCTSkip("no shipped model here")
        }
        guard case .run(_, let parsed) = try CLI.parse(args, root: root) else { return XCTFail() }
        try root.run!(parsed)
        XCTAssertEqual(try readMIDI(out).tempo, 90, accuracy: 0.01)
        guard case .run(_, let again) = try CLI.parse(args + ["--tempo", "120", "--force"], root: root) else { return XCTFail() }
        try root.run!(again)
        XCTAssertEqual(try readMIDI(out).tempo, 120, accuracy: 0.01)
        // A primer with a pickup is accepted; its first note sounds on the fourth beat.
        let upbeat = try primer("pickup.mid", [tempo(0, 90), metre(0, 1, 2), metre(480, 4, 2)])
        let withPickup = ["--model", "music-bach-markov", "--primer", upbeat, "--bars", "6", "--out", out, "--quiet", "--force"]
        guard case .run(_, let third) = try CLI.parse(withPickup, root: root) else { return XCTFail() }
        try root.run!(third)
        let written = try readMIDI(out)
        let firstSoprano = try XCTUnwrap(written.tracks.flatMap(\.notes).filter { $0.pitch == 72 }.map(\.start).min())
        XCTAssertEqual(firstSoprano, 3 * written.division)
        // --bars 6 counts the bars after the pickup: the piece ends in its 7th (padded) bar.
        let end = try XCTUnwrap(written.tracks.flatMap(\.notes).map { $0.start + $0.duration }.max())
        XCTAssertGreaterThan(end, 6 * 4 * written.division)
        XCTAssertLessThanOrEqual(end, 7 * 4 * written.division)
    }

    func testRealWorldQuirksAreReadWithWarnings() throws {
        // Running status continues after a meta event (as in the Lakh MIDI dataset): two notes.
        let afterMeta: [UInt8] = [
            0x00, 0x90, 60, 100, 0x00, 0xFF, 0x01, 0x01, 0x41, 0x00, 64, 100, 0x83, 0x60, 0x80, 60, 0, 0x00, 64, 0, 0x00, 0xFF, 0x2F, 0x00,
        ]
        XCTAssertEqual(try MIDIFile(bytes: file(afterMeta)).tracks[1].notes.map(\.pitch), [60, 64])
        // Notes after an early end-of-track are kept, with a warning.
        let early: [UInt8] = [
            0x00, 0x90, 60, 100, 0x00, 0xFF, 0x2F, 0x00, 0x83, 0x60, 0x80, 60, 0, 0x00, 0x90, 62, 100, 0x83, 0x60, 0x80, 62, 0,
        ]
        let (read, warnings) = try MIDIFile.read(file(early))
        XCTAssertEqual(read.tracks[1].notes.map(\.pitch), [60, 62])
        XCTAssertTrue(warnings.joined().contains("after its end-of-track at byte"), "\(warnings)")
        // The header announces 3 tracks, the file holds 2; a length field running past the end.
        let plain: [UInt8] = [0x00, 0x90, 60, 100, 0x83, 0x60, 0x80, 60, 0, 0x00, 0xFF, 0x2F, 0x00]
        let (_, miscount) = try MIDIFile.read(file(plain, announced: 3))
        XCTAssertTrue(miscount.joined().contains("announces 3 tracks; the file holds 2"), "\(miscount)")
        let (long, lengthWarnings) = try MIDIFile.read(file(plain, lengthFix: 500))
        XCTAssertEqual(long.tracks[1].notes.count, 1)
        XCTAssertTrue(lengthWarnings.joined().contains("track 2 at byte 26: its length field says 513 bytes"), "\(lengthWarnings)")
        // A RIFF RMID wrapper.
        let smf = file(plain)
        let riff = Array("RIFF".utf8) + le32(4 + 8 + smf.count) + Array("RMID".utf8) + Array("data".utf8) + le32(smf.count) + smf
        XCTAssertEqual(try MIDIFile(bytes: riff), try MIDIFile(bytes: smf))
    }

    func le32(_ v: Int) -> [UInt8] { [UInt8(v & 255), UInt8(v >> 8 & 255), UInt8(v >> 16 & 255), UInt8(v >> 24 & 255)] }

    func testLengthIsWhereTheMusicEndsAndKeySignaturesAreChecked() throws {
        // A conductor track whose end-of-track comes 0x0FFFFFFF ticks late, with a key signature of
        // −18 flats: two bars of music, and the key estimated from the notes.
        let conductor: [UInt8] = [0x00, 0xFF, 0x59, 0x02, 0xEE, 0x00, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0x2F, 0x00]
        var notes: [UInt8] = []
        for pitch: UInt8 in [60, 64, 67, 72, 67, 64, 60, 62] {
            notes += [0x00, 0x90, pitch, 100, 0x83, 0x60, 0x80, pitch, 0]
        }
        notes += [0x00, 0xFF, 0x2F, 0x00]
        let midi = try MIDIFile(bytes: file(conductor: conductor, notes))
        XCTAssertNil(midi.keySignature)
        XCTAssertEqual(midi.invalidKeySignatures.count, 1)
        let score = try Score(midi: midi, voices: 4)
        XCTAssertEqual(score.bars, 2)
        XCTAssertEqual(score.key, MusicKey("C"))
        // Music longer than the cap is refused by name, before any token is made.
        let endless: [UInt8] = [0x00, 0x90, 60, 100, 0xFF, 0xFF, 0xFF, 0x7F, 0x80, 60, 0, 0x00, 0xFF, 0x2F, 0x00]
        XCTAssertThrowsError(try Score(midi: try MIDIFile(bytes: file(endless)), voices: 4)) {
            XCTAssertTrue("\($0)".contains("reads at most 1000"), "\($0)")
        }
    }

    /// mido (PyPI) as an optional oracle: it must read what we write, with the same notes.
    func testMidoReadsOurFileWhenInstalled() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gensuite-\(UUID().uuidString).mid")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(sampleFile().bytes()).write(to: url)
        let out = try pythonOracle(
            needs: "mido",
            """
            import mido, sys
            m = mido.MidiFile(sys.argv[1])
            ons = [(msg.note, msg.velocity) for msg in m.tracks[1] if msg.type == 'note_on' and msg.velocity > 0]
            print(m.type, m.ticks_per_beat, len(m.tracks), ons, round(mido.tempo2bpm(m.tracks[0][0].tempo), 2))
            """, arguments: [url.path])
        XCTAssertEqual(out, "1 480 2 [(72, 80), (74, 70), (74, 60), (76, 90)] 96.0")
    }

}

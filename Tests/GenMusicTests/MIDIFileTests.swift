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
        rejects(Array(good.prefix(30)), "claims")
        var longChunk = good
        longChunk[21] = 0xFF  // first MTrk length becomes huge
        rejects(longChunk, "claims")
        let badVLQ: [UInt8] =
            Array("MThd".utf8) + [0, 0, 0, 6, 0, 0, 0, 1, 0x01, 0xE0] + Array("MTrk".utf8) + [
                0, 0, 0, 6, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0x90,
            ]
        rejects(badVLQ, "longer than 4 bytes")
        let orphanData: [UInt8] =
            Array("MThd".utf8) + [0, 0, 0, 6, 0, 0, 0, 1, 0x01, 0xE0] + Array("MTrk".utf8) + [0, 0, 0, 3, 0x00, 60, 100]
        rejects(orphanData, "running status")
        let truncatedEvent: [UInt8] =
            Array("MThd".utf8) + [0, 0, 0, 6, 0, 0, 0, 1, 0x01, 0xE0] + Array("MTrk".utf8) + [0, 0, 0, 3, 0x00, 0x90, 60]
        rejects(truncatedEvent, "end")
        rejects(Array("MThd".utf8) + [0, 0, 0, 6, 0, 1, 0, 2, 0x01, 0xE0], "announces 2 tracks")
        rejects(Array("MThd".utf8) + [0, 0, 0, 6, 0, 1, 0, 1, 0xE7, 0x28], "SMPTE")
        // Every truncation of a valid file is an error, never a crash.
        for cut in 0..<good.count { XCTAssertThrowsError(try MIDIFile(bytes: Array(good.prefix(cut))), "cut \(cut)") }
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

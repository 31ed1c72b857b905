// Standard MIDI Files (SMF), read and written in Swift: header and track chunks, variable-length
// delta times, running status, meta and sysex events. Malformed input is an error with its byte
// offset, never a crash or a hang.
import Foundation

/// One timed MIDI event; `tick` is absolute within its track.
struct MIDIEvent: Equatable {
    enum Kind: Equatable {
        case noteOff(channel: UInt8, key: UInt8, velocity: UInt8)
        case noteOn(channel: UInt8, key: UInt8, velocity: UInt8)
        case polyPressure(channel: UInt8, key: UInt8, value: UInt8)
        case controlChange(channel: UInt8, controller: UInt8, value: UInt8)
        case programChange(channel: UInt8, program: UInt8)
        case channelPressure(channel: UInt8, value: UInt8)
        case pitchBend(channel: UInt8, value: UInt16)
        case meta(type: UInt8, data: [UInt8])
        case sysex(data: [UInt8])
    }
    var tick: Int
    var kind: Kind
}

struct MIDITrack: Equatable {
    var events: [MIDIEvent]
}

/// A parsed or to-be-written Standard MIDI File.
struct MIDIFile: Equatable {
    var format: Int
    /// Ticks per quarter note.
    var division: Int
    var tracks: [MIDITrack]
}

struct MIDIError: Error, CustomStringConvertible {
    let offset: Int
    let message: String
    var description: String { "malformed MIDI at byte \(offset): \(message)" }
}

extension MIDIFile {
    /// Parses SMF bytes (format 0, 1 or 2; ticks-per-quarter division); see `read`.
    init(bytes: [UInt8]) throws {
        self = try MIDIFile.read(bytes).file
    }

    /// Parses SMF bytes and reads what real files hold even where they break the letter of the
    /// spec, saying what it recovered in `warnings` (with byte offsets): a RIFF `RMID` wrapper is
    /// unwrapped; a header that announces more or fewer tracks than the file holds, a track whose
    /// length field runs past the end of the file, a track cut off inside an event, and events
    /// after an early end-of-track are read as far as they go. Unknown chunks are skipped. Throws
    /// `MIDIError` (with the byte offset) when there is no MIDI header, the format or time division
    /// is unsupported, or no track can be read.
    static func read(_ raw: [UInt8]) throws -> (file: MIDIFile, warnings: [String]) {
        var warnings: [String] = []
        var bytes = raw
        if bytes.count >= 12, Array(bytes[0..<4]) == Array("RIFF".utf8), Array(bytes[8..<12]) == Array("RMID".utf8) {
            bytes = try unwrapRIFF(bytes)
        }
        var r = ByteReader(bytes: bytes)
        guard bytes.count >= 4, try r.chunkID() == "MThd" else {
            throw MIDIError(offset: 0, message: "not a Standard MIDI File (no MThd header)")
        }
        let headerLength = try r.u32()
        guard headerLength >= 6 else { throw MIDIError(offset: 4, message: "header length \(headerLength) is below 6") }
        let start = r.position
        let format = Int(try r.u16())
        let trackCount = Int(try r.u16())
        let division = Int(try r.u16())
        guard format <= 2 else { throw MIDIError(offset: 8, message: "unknown format \(format)") }
        guard division & 0x8000 == 0, division > 0 else {
            throw MIDIError(offset: 12, message: "SMPTE or zero time division is not supported (need ticks per quarter note)")
        }
        try r.skip(Int(headerLength) - (r.position - start))
        var tracks: [MIDITrack] = []
        while r.remaining >= 8 {
            let chunkStart = r.position
            guard let id = try? r.chunkID() else {
                guard !tracks.isEmpty else { throw MIDIError(offset: chunkStart, message: "bad chunk id") }
                warnings.append(
                    "\(bytes.count - chunkStart) bytes after track \(tracks.count) at byte \(chunkStart) are not a chunk; ignored")
                break
            }
            var length = Int(try r.u32())
            if length > r.remaining {
                if id == "MTrk" {
                    warnings.append(
                        "track \(tracks.count + 1) at byte \(chunkStart): its length field says \(length) bytes but \(r.remaining) remain; "
                            + "read to the end of the file")
                }
                length = r.remaining
            }
            guard id == "MTrk" else {
                try r.skip(length)
                continue
            }
            let (track, problem) = MIDIFile.parseTrack(&r, end: r.position + length)
            if let problem { warnings.append("track \(tracks.count + 1): \(problem)") }
            tracks.append(track)
        }
        guard !tracks.isEmpty else { throw MIDIError(offset: r.position, message: "no track chunk (MTrk) in the file") }
        if tracks.count != trackCount {
            warnings.append("the header announces \(trackCount) tracks; the file holds \(tracks.count), all read")
        }
        return (MIDIFile(format: format, division: division, tracks: tracks), warnings)
    }

    /// The SMF inside a RIFF MIDI file (`RIFF <size> RMID`, then a `data` chunk).
    private static func unwrapRIFF(_ bytes: [UInt8]) throws -> [UInt8] {
        var r = ByteReader(bytes: bytes, position: 12)
        while r.remaining >= 8 {
            let id = try r.chunkID()
            let size = Int(try r.u32LittleEndian())
            if id == "data" { return try r.bytes(min(size, r.remaining)) }
            try r.skip(min(size + size % 2, r.remaining))
        }
        throw MIDIError(offset: 12, message: "RIFF MIDI file without a data chunk")
    }

    /// The events of one track chunk. Reading stops at the first malformed event, keeping what
    /// came before; the problem is returned with its byte offset. Running status carries over meta
    /// and sysex events: the spec says both cancel it, but files in the wild (much of the Lakh MIDI
    /// dataset) continue a channel status after them, and mido, pretty_midi and players read them so.
    private static func parseTrack(_ r: inout ByteReader, end: Int) -> (MIDITrack, String?) {
        var events: [MIDIEvent] = []
        var tick = 0
        var running: UInt8?
        var endOfTrack: Int?
        var afterEnd = 0
        func finish(_ problem: String?) -> (MIDITrack, String?) {
            r.position = end
            var note = problem
            if let at = endOfTrack, afterEnd > 0 {
                // The writer places one end-of-track after the last event.
                note = (note.map { $0 + "; " } ?? "") + "\(afterEnd) events after its end-of-track at byte \(at) were kept"
                events.removeAll { if case .meta(0x2F, _) = $0.kind { return true } else { return false } }
            }
            return (MIDITrack(events: events), note)
        }
        while r.position < end {
            let at = r.position
            do {
                tick += try r.vlq()
                let eventStart = r.position
                var status = try r.byte()
                var first: UInt8?
                if status < 0x80 {
                    guard let previous = running else { throw MIDIError(offset: eventStart, message: "data byte without a running status") }
                    first = status
                    status = previous
                }
                func data() throws -> UInt8 {
                    if let f = first {
                        first = nil
                        return f
                    }
                    let b = try r.byte()
                    guard b < 0x80 else {
                        throw MIDIError(offset: r.position - 1, message: "data byte 0x\(String(b, radix: 16)) has its top bit set")
                    }
                    return b
                }
                let channel = status & 0x0F
                switch status & 0xF0 {
                case 0x80:
                    running = status
                    events.append(MIDIEvent(tick: tick, kind: .noteOff(channel: channel, key: try data(), velocity: try data())))
                case 0x90:
                    running = status
                    events.append(MIDIEvent(tick: tick, kind: .noteOn(channel: channel, key: try data(), velocity: try data())))
                case 0xA0:
                    running = status
                    events.append(MIDIEvent(tick: tick, kind: .polyPressure(channel: channel, key: try data(), value: try data())))
                case 0xB0:
                    running = status
                    events.append(MIDIEvent(tick: tick, kind: .controlChange(channel: channel, controller: try data(), value: try data())))
                case 0xC0:
                    running = status
                    events.append(MIDIEvent(tick: tick, kind: .programChange(channel: channel, program: try data())))
                case 0xD0:
                    running = status
                    events.append(MIDIEvent(tick: tick, kind: .channelPressure(channel: channel, value: try data())))
                case 0xE0:
                    running = status
                    let lsb = try data()
                    let msb = try data()
                    events.append(MIDIEvent(tick: tick, kind: .pitchBend(channel: channel, value: UInt16(msb) << 7 | UInt16(lsb))))
                default:
                    if status == 0xFF {
                        let type = try r.byte()
                        let payload = try r.bytes(try r.vlq())
                        if type == 0x2F {
                            endOfTrack = endOfTrack ?? eventStart
                        }
                        events.append(MIDIEvent(tick: tick, kind: .meta(type: type, data: payload)))
                    } else if status == 0xF0 || status == 0xF7 {
                        events.append(MIDIEvent(tick: tick, kind: .sysex(data: try r.bytes(try r.vlq()))))
                    } else {
                        throw MIDIError(offset: eventStart, message: "unexpected status byte 0x\(String(status, radix: 16))")
                    }
                }
                guard r.position <= end else { throw MIDIError(offset: at, message: "event runs past the end of its track chunk") }
                if endOfTrack != nil, events.last.map({ if case .meta(0x2F, _) = $0.kind { return false } else { return true } }) ?? false {
                    afterEnd += 1
                }
            } catch let error as MIDIError {
                return finish("\(error.message) at byte \(error.offset); the \(events.count) events before it were kept")
            } catch {
                return finish("\(error) at byte \(at)")
            }
        }
        return finish(nil)
    }

    /// SMF bytes. Events are written in tick order (note-offs before note-ons at the same tick),
    /// without running status, with exactly one end-of-track per track (at the latest of the last
    /// event and a given end-of-track event).
    func bytes() -> [UInt8] {
        var out: [UInt8] = Array("MThd".utf8) + be32(6) + be16(format) + be16(tracks.count) + be16(division)
        for track in tracks {
            let ordered = track.events.enumerated().filter {
                if case .meta(0x2F, _) = $0.element.kind { return false }
                return true
            }.sorted { a, b in
                a.element.tick != b.element.tick
                    ? a.element.tick < b.element.tick
                    : (a.element.orderRank, a.offset) < (b.element.orderRank, b.offset)
            }.map(\.element)
            var body: [UInt8] = []
            var last = 0
            for e in ordered {
                body += vlq(e.tick - last)
                last = e.tick
                body += e.encoded()
            }
            // An end-of-track placed later than the last event (a closing rest) keeps its tick.
            let end =
                track.events.compactMap { e -> Int? in
                    if case .meta(0x2F, _) = e.kind { return e.tick } else { return nil }
                }.max() ?? last
            body += vlq(max(0, end - last)) + [0xFF, 0x2F, 0x00]
            out += Array("MTrk".utf8) + be32(body.count) + body
        }
        return out
    }
}

extension MIDIEvent {
    /// Same-tick order: meta first, then note-offs, then everything else, then note-ons.
    var orderRank: Int {
        switch kind {
        case .meta: return 0
        case .noteOff: return 1
        case .noteOn(_, _, let v): return v == 0 ? 1 : 3
        default: return 2
        }
    }

    func encoded() -> [UInt8] {
        switch kind {
        case .noteOff(let c, let k, let v): return [0x80 | c, k, v]
        case .noteOn(let c, let k, let v): return [0x90 | c, k, v]
        case .polyPressure(let c, let k, let v): return [0xA0 | c, k, v]
        case .controlChange(let c, let n, let v): return [0xB0 | c, n, v]
        case .programChange(let c, let p): return [0xC0 | c, p]
        case .channelPressure(let c, let v): return [0xD0 | c, v]
        case .pitchBend(let c, let v): return [0xE0 | c, UInt8(v & 0x7F), UInt8(v >> 7 & 0x7F)]
        case .meta(let t, let d): return [0xFF, t] + vlq(d.count) + d
        case .sysex(let d): return [0xF0] + vlq(d.count) + d
        }
    }
}

func vlq(_ value: Int) -> [UInt8] {
    var v = value
    var out = [UInt8(v & 0x7F)]
    v >>= 7
    while v > 0 {
        out.insert(UInt8(v & 0x7F) | 0x80, at: 0)
        v >>= 7
    }
    return out
}

func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 255), UInt8(v & 255)] }
func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 255), UInt8(v >> 16 & 255), UInt8(v >> 8 & 255), UInt8(v & 255)] }

/// Bounds-checked big-endian reads; every failure names the byte offset.
struct ByteReader {
    let bytes: [UInt8]
    var position = 0

    init(bytes: [UInt8], position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }
    var atEnd: Bool { position >= bytes.count }
    var remaining: Int { bytes.count - position }

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw MIDIError(offset: position, message: "unexpected end of file") }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func bytes(_ n: Int) throws -> [UInt8] {
        guard n >= 0, n <= remaining else { throw MIDIError(offset: position, message: "\(n) bytes announced, \(remaining) remain") }
        defer { position += n }
        return Array(bytes[position..<(position + n)])
    }

    mutating func skip(_ n: Int) throws { _ = try bytes(n) }
    mutating func u16() throws -> UInt16 { UInt16(try byte()) << 8 | UInt16(try byte()) }
    mutating func u32() throws -> UInt32 { try (0..<4).reduce(UInt32(0)) { acc, _ in acc << 8 | UInt32(try byte()) } }
    mutating func u32LittleEndian() throws -> UInt32 { try (0..<4).reduce(UInt32(0)) { acc, k in acc | UInt32(try byte()) << (8 * k) } }

    mutating func chunkID() throws -> String {
        let at = position
        let id = try bytes(4)
        guard id.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { throw MIDIError(offset: at, message: "bad chunk id") }
        return String(decoding: id, as: UTF8.self)
    }

    /// A variable-length quantity of at most 4 bytes (28 bits), as the SMF specification allows.
    mutating func vlq() throws -> Int {
        let at = position
        var value = 0
        for _ in 0..<4 {
            let b = try byte()
            value = value << 7 | Int(b & 0x7F)
            if b & 0x80 == 0 { return value }
        }
        throw MIDIError(offset: at, message: "variable-length quantity longer than 4 bytes")
    }
}

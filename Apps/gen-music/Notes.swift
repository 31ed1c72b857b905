// Notes (pitch, start, duration) from and to MIDI events, and the file-level facts inspect reports.
import Foundation

struct Note: Equatable {
    var pitch: Int
    /// Start and length in ticks.
    var start: Int, duration: Int
    var velocity: Int
    var channel: Int
}

extension MIDITrack {
    /// The track's notes in start order. A note-on with velocity 0 ends a note; overlapping notes
    /// of the same pitch and channel end first-in, first-out; a note never ended lasts to the
    /// track's last event.
    var notes: [Note] {
        var open: [Int: [(start: Int, velocity: Int)]] = [:]  // key: channel·128 + pitch
        var notes: [Note] = []
        let end = events.map(\.tick).max() ?? 0
        for e in events {
            switch e.kind {
            case .noteOn(let c, let k, let v) where v > 0:
                open[Int(c) * 128 + Int(k), default: []].append((e.tick, Int(v)))
            case .noteOn(let c, let k, _), .noteOff(let c, let k, _):
                let key = Int(c) * 128 + Int(k)
                guard var queue = open[key], !queue.isEmpty else { continue }
                let first = queue.removeFirst()
                open[key] = queue
                notes.append(
                    Note(pitch: Int(k), start: first.start, duration: e.tick - first.start, velocity: first.velocity, channel: Int(c)))
            default: continue
            }
        }
        for key in open.keys.sorted() {
            for n in open[key]! {
                notes.append(Note(pitch: key % 128, start: n.start, duration: end - n.start, velocity: n.velocity, channel: key / 128))
            }
        }
        return notes.sorted { ($0.start, $0.channel, $0.pitch) < ($1.start, $1.channel, $1.pitch) }
    }

    /// The first track-name meta event.
    var name: String? {
        for e in events { if case .meta(0x03, let d) = e.kind { return String(decoding: d, as: UTF8.self) } }
        return nil
    }

    /// A track of `notes` on their channels, with a name and a General MIDI program.
    static func from(notes: [Note], name: String, program: Int, channel: Int) -> MIDITrack {
        var events = [
            MIDIEvent(tick: 0, kind: .meta(type: 0x03, data: Array(name.utf8))),
            MIDIEvent(tick: 0, kind: .programChange(channel: UInt8(channel), program: UInt8(program))),
        ]
        for n in notes {
            events.append(
                MIDIEvent(tick: n.start, kind: .noteOn(channel: UInt8(n.channel), key: UInt8(n.pitch), velocity: UInt8(n.velocity))))
            events.append(
                MIDIEvent(tick: n.start + n.duration, kind: .noteOff(channel: UInt8(n.channel), key: UInt8(n.pitch), velocity: 0)))
        }
        return MIDITrack(events: events)
    }
}

extension MIDIFile {
    /// Every set-tempo event as (tick, quarter notes per minute), in time order; events on the
    /// same tick keep file order (track by track), so the last of them is the one in effect.
    var tempoChanges: [(tick: Int, bpm: Double)] {
        metaEvents(0x51).compactMap { tick, d in
            guard d.count == 3 else { return nil }
            let micros = Int(d[0]) << 16 | Int(d[1]) << 8 | Int(d[2])
            return micros > 0 ? (tick, 60_000_000 / Double(micros)) : nil
        }
    }

    /// Every time-signature event as (tick, numerator, denominator), ordered as `tempoChanges`.
    var timeSignatureChanges: [(tick: Int, numerator: Int, denominator: Int)] {
        metaEvents(0x58).compactMap { tick, d in d.count >= 2 ? (tick, Int(d[0]), 1 << Int(min(d[1], 6))) : nil }
    }

    /// Meta events of `type` as (tick, data), stably sorted by tick.
    private func metaEvents(_ type: UInt8) -> [(tick: Int, data: [UInt8])] {
        let all = tracks.flatMap { track in
            track.events.compactMap { e -> (Int, [UInt8])? in
                if case .meta(type, let d) = e.kind { return (e.tick, d) }
                return nil
            }
        }
        return all.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map { ($0.element.0, $0.element.1) }
    }

    /// The tempo in effect at the start: the last set-tempo event on the first tick that has one
    /// (120 when absent, as the SMF specification says).
    var tempo: Double {
        guard let first = tempoChanges.first?.tick else { return 120 }
        return tempoChanges.last { $0.tick == first }!.bpm
    }

    /// The tempo in effect for the most ticks up to the end of the music, ties to the one met
    /// first: a primer's tempo. Exports of performances often open with a momentary tempo (a
    /// 13 bpm first beat before 120), which the tempo at the start would take.
    var predominantTempo: Double {
        let changes = [(tick: 0, bpm: 120.0)] + tempoChanges  // SMF's default until the first event
        let end = max(lengthTicks, changes.last!.tick)
        var spans: [(bpm: Double, ticks: Int)] = []
        for (i, change) in changes.enumerated() {
            let ticks = (i + 1 < changes.count ? changes[i + 1].tick : end) - change.tick
            if let k = spans.firstIndex(where: { $0.bpm == change.bpm }) {
                spans[k].ticks += ticks
            } else {
                spans.append((change.bpm, ticks))
            }
        }
        return spans.reduce(spans[0]) { $1.ticks > $0.ticks ? $1 : $0 }.bpm
    }

    /// The time signature in effect at the start, as `tempo` (4/4 when absent).
    var timeSignature: (numerator: Int, denominator: Int) {
        guard let first = timeSignatureChanges.first?.tick else { return (4, 4) }
        let t = timeSignatureChanges.last { $0.tick == first }!
        return (t.numerator, t.denominator)
    }

    /// A file that opens with one pickup bar, a first bar shorter than the metre after it (a
    /// 1/4 or 2/4 bar before 4/4, as notation programs write an anacrusis), with that bar padded
    /// at its start by rests to a whole bar of the following metre, which is then in effect from
    /// tick 0; and the rest added, in quarter notes. Nil for any other file. Meta events at tick 0
    /// (tempo, key, names) stay there; everything else moves by the rest.
    func paddingPickup() -> (file: MIDIFile, restQuarters: Double)? {
        let metres = timeSignatureChanges
        guard metres.first?.tick == 0, let next = metres.first(where: { $0.tick > 0 }) else { return nil }
        let (n, d) = timeSignature
        let pickupTicks = n * 4 * division / d
        let barTicks = next.numerator * 4 * division / next.denominator
        guard n * 4 * division % d == 0, pickupTicks == next.tick, pickupTicks < barTicks else { return nil }
        let rest = barTicks - pickupTicks
        var padded = self
        for t in padded.tracks.indices {
            padded.tracks[t].events = padded.tracks[t].events.compactMap { event in
                var e = event
                if case .meta(0x58, _) = e.kind {
                    guard e.tick >= next.tick else { return nil }  // the pickup's metre
                    if e.tick == next.tick {
                        e.tick = 0  // the real metre, from the start
                        return e
                    }
                }
                if case .meta = e.kind, e.tick == 0 { return e }
                e.tick += rest
                return e
            }.enumerated().sorted { ($0.element.tick, $0.offset) < ($1.element.tick, $1.offset) }.map(\.element)
        }
        return (padded, Double(rest) / Double(division))
    }

    /// Ticks from the start to the last event of any track.
    var lengthTicks: Int { tracks.map { $0.events.map(\.tick).max() ?? 0 }.max() ?? 0 }

    /// Ticks per bar of the first time signature.
    var ticksPerBar: Int { division * 4 * timeSignature.numerator / timeSignature.denominator }

    /// Conductor meta events for the first track: tempo, time signature, key signature (sharps, minor).
    static func conductor(tempo bpm: Double, timeSignature: (Int, Int), key: (sharps: Int, minor: Bool)) -> [MIDIEvent] {
        let micros = Int((60_000_000 / bpm).rounded())
        let denominatorPower = UInt8(timeSignature.1.trailingZeroBitCount)
        return [
            MIDIEvent(tick: 0, kind: .meta(type: 0x51, data: [UInt8(micros >> 16 & 255), UInt8(micros >> 8 & 255), UInt8(micros & 255)])),
            MIDIEvent(tick: 0, kind: .meta(type: 0x58, data: [UInt8(timeSignature.0), denominatorPower, 24, 8])),
            MIDIEvent(tick: 0, kind: .meta(type: 0x59, data: [UInt8(bitPattern: Int8(key.sharps)), key.minor ? 1 : 0])),
        ]
    }
}

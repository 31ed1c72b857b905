// --audio: a piece rendered to a WAV file, to hear it without a DAW. FluidSynth (the standard
// free General MIDI synthesiser) renders the MIDI with a GM SoundFont when both are installed
// (Debian's fluidsynth and fluid-soundfont-gm); otherwise a small built-in additive synthesiser
// does, so --audio always works.
import Foundation
import GenEngine

/// Which synthesiser `--audio` uses.
enum Synthesiser: String, CaseIterable {
    /// FluidSynth when it and a GM SoundFont are installed, else the built-in one.
    case auto
    case fluidsynth
    case builtin
}

enum AudioRender {
    /// The SoundFonts looked for, first found used: `$GENSUITE_SOUNDFONT`, then Debian's.
    static var soundFonts: [String] {
        (ProcessInfo.processInfo.environment["GENSUITE_SOUNDFONT"].map { [$0] } ?? [])
            + ["/usr/share/sounds/sf2/FluidR3_GM.sf2", "/usr/share/sounds/sf2/default-GM.sf2", "/usr/share/sounds/sf3/default-GM.sf3"]
    }

    /// The `fluidsynth` executable on PATH and an existing SoundFont, if both are there.
    static func fluidSynth() -> (program: URL, soundFont: String)? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard
            let program = path.split(separator: ":").map({ URL(fileURLWithPath: String($0)).appendingPathComponent("fluidsynth") })
                .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }),
            let font = soundFonts.first(where: { FileManager.default.fileExists(atPath: $0) })
        else { return nil }
        return (program, font)
    }

    /// Writes `midi` (the piece as written) rendered to `url` as a WAV file: by FluidSynth unless
    /// `synthesiser` is `.builtin` or FluidSynth is missing (the caller checks `.fluidsynth` is
    /// there), else by `AdditiveSynth`. Returns the synthesiser used. Throws `CLIError` when
    /// FluidSynth fails, `IOFailure.cannotCreate` when the file cannot be written.
    @discardableResult
    static func write(_ midi: MIDIFile, score: Score, tempo: Double, to url: URL, synthesiser: Synthesiser) throws -> Synthesiser {
        if synthesiser != .builtin, let (program, font) = fluidSynth() {
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gen-music-\(getpid())-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: scratch) }
            let (input, output) = (scratch.appendingPathComponent("piece.mid"), scratch.appendingPathComponent("piece.wav"))
            try Data(midi.bytes()).write(to: input)
            let process = Process()
            process.executableURL = program
            // -n no MIDI input, -i no shell, -q quiet, -g gain (its default 0.2 renders quietly), -r sample
            // rate, -T file type, -F render to this file.
            process.arguments = ["-n", "-i", "-q", "-g", "0.7", "-r", "44100", "-T", "wav", "-F", output.path, font, input.path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0, let data = try? Data(contentsOf: output), data.count > 44 else {
                throw CLIError(
                    "fluidsynth could not render \(url.path) (exit \(process.terminationStatus)); try --synth builtin", code: .cannotCreate)
            }
            try AtomicFile.write(data, to: url)
            return .fluidsynth
        }
        try AtomicFile.write(WAV.pcm16(AdditiveSynth.render(score, tempo: tempo), sampleRate: AdditiveSynth.sampleRate), to: url)
        return .builtin
    }
}

/// The built-in synthesiser: each note a sum of four harmonics (amplitudes 1, ½, ¼, ⅛, an
/// organ-like tone) under an attack–decay–sustain–release envelope (10 ms, 80 ms to 70 %, 60 ms
/// release), voices mixed and the peak normalised to 0.8, equal temperament with A4 = 440 Hz.
enum AdditiveSynth {
    static let sampleRate = 22_050

    /// Mono samples in [-1, 1] of `score` at `tempo` quarter notes per minute.
    static func render(_ score: Score, tempo: Double) -> [Float] {
        let secondsPerStep = 60 / tempo / Double(Score.stepsPerQuarter)
        let rate = Double(sampleRate)
        let release = 0.06
        let total = Int((Double(score.length) * secondsPerStep + release) * rate) + 1
        var mix = [Float](repeating: 0, count: total)
        for voice in score.voices {
            for note in voice {
                let frequency = 440 * pow(2, Double(note.pitch - 69) / 12)
                let start = Int(Double(note.start) * secondsPerStep * rate)
                let held = Double(note.duration) * secondsPerStep
                let length = min(Int((held + release) * rate), total - start)
                guard length > 0 else { continue }
                for i in 0..<length {
                    let t = Double(i) / rate
                    let envelope: Double
                    if t < 0.01 {
                        envelope = t / 0.01
                    } else if t < held {
                        envelope = 0.7 + 0.3 * max(0, 1 - (t - 0.01) / 0.08)
                    } else {
                        envelope = max(0, 0.7 * (1 - (t - held) / release))
                    }
                    let phase = 2 * Double.pi * frequency * t
                    let tone = sin(phase) + 0.5 * sin(2 * phase) + 0.25 * sin(3 * phase) + 0.125 * sin(4 * phase)
                    mix[start + i] += Float(envelope * tone)
                }
            }
        }
        let peak = mix.map(abs).max() ?? 0
        return peak > 0 ? mix.map { $0 * (0.8 / peak) } : mix
    }
}

/// RIFF WAVE files (Microsoft's Multimedia Programming Interface and Data Specifications 1.0, 1991).
enum WAV {
    /// 16-bit PCM mono: the 44-byte header (RIFF, fmt with format 1, data) and the samples,
    /// clamped to [-1, 1] and rounded, little-endian.
    static func pcm16(_ samples: [Float], sampleRate: Int) -> Data {
        var data = Data()
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { data.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { data.append(contentsOf: $0) } }
        let bytes = samples.count * 2
        data.append(contentsOf: Array("RIFF".utf8))
        u32(36 + bytes)
        data.append(contentsOf: Array("WAVEfmt ".utf8))
        u32(16)
        u16(1)  // PCM
        u16(1)  // mono
        u32(sampleRate)
        u32(sampleRate * 2)  // bytes per second
        u16(2)  // bytes per frame
        u16(16)  // bits per sample
        data.append(contentsOf: Array("data".utf8))
        u32(bytes)
        for s in samples {
            let v = Int16((max(-1, min(1, s)) * 32767).rounded())
            withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }
}

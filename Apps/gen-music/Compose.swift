// gen-music (the default command): compose pieces with a model and write them as MIDI, with
// optional piano rolls and a stats file.
import Foundation
import GenEngine

/// The default model: the LSTM (closer to the corpus than the Markov model; see its model card).
let defaultModel = "music-bach-lstm"

/// What the user asked for, checked.
struct CompositionRequest {
    var bars: Int, beatsPerBar: Int, key: MusicKey?, cadence: Bool
    var forbidParallels = true
    var temperature: Float
    /// The primer's cells per voice and step, and its key (nil: no primer).
    var primer: (cells: [[ChoraleTokens.Cell?]], bars: Int, key: MusicKey)?

    /// The header every piece starts from: Start, metre, and the key when one is fixed.
    var prompt: [Int32] {
        [ChoraleTokens.start, ChoraleTokens.metre(beatsPerBar: beatsPerBar)!] + ((key ?? primer?.key).map { [ChoraleTokens.key($0)] } ?? [])
    }

    func options() -> GenerationOptions {
        let stepsPerBar = beatsPerBar * Score.stepsPerQuarter
        return GenerationOptions(sampling: SamplingOptions(temperature: temperature),
                                 maxTokens: bars * (stepsPerBar * ChoraleTokens.voices + 1) + 2,
                                 stopSequences: [[ChoraleTokens.end]],
                                 processors: [ChoraleGrammar(bars: bars, beatsPerBar: beatsPerBar, key: key,
                                                             primer: primer?.cells ?? [], cadence: cadence,
                                                             forbidParallels: forbidParallels)])
    }
}

/// `count` pieces, piece i drawn from the generator stream "piece-i" of `seed`.
func compose(_ model: MusicModel, _ request: CompositionRequest, count: Int, seed: UInt64) -> [Score] {
    let base = RNG(seed: seed, stream: "gen-music")
    var rngs = (0..<count).map { base.stream("piece-\($0)") }
    let prompt = request.prompt
    let out = model.generator.generate(prompts: Array(repeating: prompt, count: count), options: (0..<count).map { _ in request.options() },
                                       rngs: &rngs)
    return out.map { ChoraleTokens.decode(prompt + $0.tokens) }
}

/// The cells a primer fixes: its first `bars` bars, voice by voice (1 voice → soprano, 2 → soprano
/// and bass, 3 → soprano, alto, bass); the voices it lacks, or leaves silent, stay free.
func primerCells(_ primer: Score, bars: Int) throws -> [[ChoraleTokens.Cell?]] {
    let length = bars * primer.stepsPerBar
    var cells = [[ChoraleTokens.Cell?]](repeating: [], count: ChoraleTokens.voices)
    for (v, role) in MusicMetrics.roles(primer.voices.count).enumerated() where !primer.voices[v].isEmpty {
        var row = [ChoraleTokens.Cell?](repeating: .hold, count: length)
        var previousEnd = 0
        for n in primer.voices[v] where n.start < length {
            guard ChoraleTokens.pitch(n.pitch, voice: role) != nil else {
                throw CLIError.badData("primer note \(n.pitch) at 16th \(n.start) is outside the \(Score.voiceNames[role].lowercased()) "
                                       + "range \(ChoraleTokens.pitchRanges[role]); transpose the primer")
            }
            if n.start > previousEnd { row[previousEnd] = .rest }
            row[n.start] = .note(n.pitch)
            previousEnd = n.end
        }
        if previousEnd < length { row[previousEnd] = .rest }
        cells[role] = row
    }
    return cells
}

extension CompositionRequest {
    /// The request the command line makes: --bars, --time-signature, --key, --cadence,
    /// --temperature, --allow-parallels and --primer, checked.
    init(_ args: Arguments) throws {
        var beats: Int? = nil
        if let ts = args.string("time-signature") {
            guard let b = ["4/4": 4, "3/4": 3][ts] else { throw CLIError.usage("--time-signature must be 4/4 or 3/4, got '\(ts)'") }
            beats = b
        }
        var key: MusicKey?
        if let k = args.string("key") {
            guard let parsed = MusicKey(k) else { throw CLIError.usage("--key must name a key such as C, Am, F#m, Bb or \"F# minor\", got '\(k)'") }
            key = parsed
        }
        self.init(bars: try args.int("bars", in: 1...1000)!, beatsPerBar: beats ?? 4, key: key, cadence: args.flag("cadence"),
                  temperature: try args.float("temperature", in: 0...5)!)
        forbidParallels = !args.flag("allow-parallels")
        if let path = args.string("primer") {
            let primer = try Score(midi: try readMIDI(path), voices: 4)
            guard [3, 4].contains(primer.beatsPerBar), !primer.voices.allSatisfy(\.isEmpty) else {
                throw CLIError.badData("\(path): the primer needs notes in 4/4 or 3/4")
            }
            if let beats, beats != primer.beatsPerBar {
                throw CLIError.usage("--time-signature \(beats)/4 differs from the primer's \(primer.timeSignature)")
            }
            guard primer.bars < bars else {
                throw CLIError.usage("--bars \(bars) must exceed the primer's \(primer.bars) bars (--bars counts the primer's bars too)")
            }
            beatsPerBar = primer.beatsPerBar
            self.primer = (try primerCells(primer, bars: primer.bars), primer.bars, primer.key)
        }
    }
}

/// General MIDI programs of the four voices from --program and --programs (one per written voice).
func programs(_ args: Arguments, voices: Int) throws -> [Int] {
    var programs = Array(repeating: try args.int("program", in: 0...127)!, count: 4)
    if let list = args.string("programs") {
        let values = list.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == voices, values.allSatisfy({ $0.map { (0...127).contains($0) } ?? false }) else {
            throw CLIError.usage("--programs needs \(voices) General MIDI programs 0-127 separated by commas (one per voice), got '\(list)'")
        }
        for (i, role) in MusicMetrics.roles(voices).enumerated() { programs[role] = values[i]! }
    }
    return programs
}

func composeCommand(_ args: Arguments) throws {
    let request = try CompositionRequest(args)
    let count = try args.int("count", in: 1...10_000)!, seed = try args.seed()!
    let tempo = Double(try args.float("tempo", in: 20...400)!)
    let voices = try args.int("voices", in: 1...4)!
    let programs = try programs(args, voices: voices)
    let folder = try ModelBundle.resolve(args.string("model"), default: defaultModel)
    let (model, _) = try MusicModel.load(folder)

    let outPath = args.string("out") ?? "song.mid"
    guard outPath != "-" || count == 1 else { throw CLIError.usage("--out - (standard output) takes one piece; pass a file name with --count") }
    let names = outputNames(outPath, count: count, seed: seed, extension: "mid")
    let rolls = args.string("piano-roll").map { outputNames($0, count: count, seed: seed, extension: "png") }
    for name in names + (rolls ?? []) where name != "-" {
        if !args.flag("force") && FileManager.default.fileExists(atPath: name) { throw IOFailure.exists(name) }
        let parent = URL(fileURLWithPath: name).deletingLastPathComponent().path
        guard FileManager.default.isWritableFile(atPath: parent) else { throw IOFailure.cannotCreate(name, reason: "folder \(parent) is missing or not writable") }
    }
    let started = Date()
    let scores = compose(model, request, count: count, seed: seed)
    let roles = MusicMetrics.roles(voices)
    var pieces: [[String: Any]] = []
    for (i, var score) in scores.enumerated() {
        score.title = "GenSuite chorale (seed \(seed)\(count > 1 ? ", piece \(i)" : ""))"
        let midi = score.midiFile(tempo: tempo, programs: programs, voiceIndices: roles)
        try AtomicFile.write(Data(midi.bytes()), to: URL(fileURLWithPath: names[i]))
        var written = score
        written.voices = roles.map { score.voices[$0] }
        if let rolls { try PNG.write(PianoRoll.image(written), to: URL(fileURLWithPath: rolls[i])) }
        let metrics = MusicMetrics.measure(written, key: request.key)
        pieces.append(["file": names[i], "key": score.key.description, "metrics": try jsonObject(metrics)])
    }
    let seconds = Date().timeIntervalSince(started)
    if outPath != "-" && !args.flag("quiet") {
        printError("gen-music: wrote " + (count == 1 ? names[0] : "\(count) pieces as \(names[0]) …") + ", \(request.bars) bars of \(request.beatsPerBar)/4"
                   + String(format: " in %.2f s", seconds) + (args.string("out") == nil ? " (pass --out to choose the file)" : ""))
    }
    if let statsPath = args.string("stats") {
        let stats: [String: Any] = ["seed": seed, "model": folder.path, "count": count, "bars": request.bars, "time_signature": "\(request.beatsPerBar)/4",
                                    "tempo": tempo, "key": request.key?.description ?? "sampled", "temperature": Double(request.temperature),
                                    "cadence": request.cadence, "forbid_parallels": request.forbidParallels, "primer": args.string("primer") ?? NSNull(),
                                    "voices": voices, "programs": roles.map { programs[$0] }, "seconds": seconds, "pieces": pieces]
        try AtomicFile.write(try JSONSerialization.data(withJSONObject: stats, options: [.prettyPrinted, .sortedKeys]),
                             to: URL(fileURLWithPath: statsPath))
    }
}

/// `path` for one output; for several, `<stem>-<seed>-<i>.<ext>` beside it.
func outputNames(_ path: String, count: Int, seed: UInt64, extension ext: String) -> [String] {
    guard count > 1 else { return [path] }
    let url = URL(fileURLWithPath: path)
    let stem = url.deletingPathExtension().lastPathComponent
    let dir = url.deletingLastPathComponent()
    return (0..<count).map { dir.appendingPathComponent("\(stem)-\(seed)-\($0).\(url.pathExtension.isEmpty ? ext : url.pathExtension)").path }
}

/// A Codable value as a JSON object for JSONSerialization.
func jsonObject<T: Encodable>(_ value: T) throws -> Any {
    try JSONSerialization.jsonObject(with: try JSONEncoder().encode(value))
}

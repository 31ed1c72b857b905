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
    /// How tokens are drawn (temperature, top-k, top-p, min-p) and CTRL's repetition penalty.
    var sampling: SamplingOptions
    var repetitionPenalty: Float = 1
    /// The main tempo of a MIDI primer (`MIDIFile.predominantTempo`), kept unless --tempo is given.
    var primerTempo: Double?
    /// The primer's cells per voice and step, and its key (nil: no primer).
    var primer: (cells: [[ChoraleTokens.Cell?]], bars: Int, key: MusicKey)?

    /// The header every piece starts from: Start, metre, and the key when one is fixed.
    var prompt: [Int32] {
        [ChoraleTokens.start, ChoraleTokens.metre(beatsPerBar: beatsPerBar)!] + ((key ?? primer?.key).map { [ChoraleTokens.key($0)] } ?? [])
    }

    func options() -> GenerationOptions {
        let stepsPerBar = beatsPerBar * Score.stepsPerQuarter
        return GenerationOptions(
            sampling: sampling,
            maxTokens: bars * (stepsPerBar * ChoraleTokens.voices + 1) + 2,
            stopSequences: [[ChoraleTokens.end]],
            repetitionPenalty: repetitionPenalty,
            processors: [
                { [self] in
                    ChoraleGrammar(
                        bars: bars, beatsPerBar: beatsPerBar, key: key, primer: primer?.cells ?? [],
                        cadence: cadence, forbidParallels: forbidParallels)
                }
            ])
    }
}

/// Pieces `pieces` (any range), piece i drawn from the generator stream "piece-i" of `seed`, in
/// one decoding batch: a piece is the same whatever the batch it is decoded in.
func compose(_ model: any SequenceModel, _ request: CompositionRequest, pieces: Range<Int>, seed: UInt64) -> [Score] {
    let base = RNG(seed: seed, stream: "gen-music")
    var rngs = pieces.map { base.stream("piece-\($0)") }
    let prompt = request.prompt
    let out = model.generate(
        prompts: Array(repeating: prompt, count: pieces.count), options: pieces.map { _ in request.options() },
        rngs: &rngs)
    return out.map { ChoraleTokens.decode(prompt + $0.tokens) }
}

/// The key signature to write: the key asked for (--key, or the primer's), else the key the notes
/// are in. Without --key the grammar does not mask pitches, so a piece can wander from the key
/// token the model drew first; the Krumhansl–Kessler estimate (as eval uses) is written instead
/// when more of the notes lie in its scale.
func writtenKey(_ score: Score, _ request: CompositionRequest) -> MusicKey {
    if let key = request.key ?? request.primer?.key { return key }
    guard let estimate = MusicKey.estimate(score.pitchClassHistogram)?.key else { return score.key }
    let notes = score.voices.flatMap { $0 }
    func fit(_ key: MusicKey) -> Int { notes.filter { key.scale.contains($0.pitch % 12) }.count }
    return fit(estimate) > fit(score.key) ? estimate : score.key
}

/// Pieces decoded per batch: memory stays flat in --count, and each batch is written before the next.
let compositionChunk = 64

/// Primer cells with the 1-based `bars` left free (nil) for the model to draw again. A note held
/// from a free bar into a fixed one is struck again there (and a held silence stays silent), so
/// that the fixed bars sound as the primer's whatever the free ones became.
func freeing(_ cells: [[ChoraleTokens.Cell?]], bars: Set<Int>, stepsPerBar: Int) -> [[ChoraleTokens.Cell?]] {
    cells.map { row in
        var sounding = ChoraleTokens.Cell.rest
        return row.enumerated().map { t, cell in
            if case .note? = cell { sounding = cell! } else if cell == .rest { sounding = .rest }
            let bar = t / stepsPerBar + 1
            if bars.contains(bar) { return nil }
            let afterFree = t > 0 && bars.contains((t - 1) / stepsPerBar + 1)
            return cell == .hold && afterFree ? sounding : cell
        }
    }
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
                throw CLIError.badData(
                    "primer note \(n.pitch) at 16th \(n.start) is outside the \(Score.voiceNames[role].lowercased()) "
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
    /// --temperature, --top-k/--top-p/--min-p, --allow-parallels and --primer, checked.
    init(_ args: Arguments) throws {
        typealias O = ComposeOptions
        let beats = args[O.timeSignature]?.beatsPerBar
        var key: MusicKey?
        if let k = args[O.key] {
            guard let parsed = MusicKey(k) else {
                throw CLIError.usage("--key must name a key such as C, Am, F#m, Bb or \"F# minor\", got '\(k)'")
            }
            key = parsed
        }
        self.init(bars: args[O.bars], beatsPerBar: beats ?? 4, key: key, cadence: args[O.cadence], sampling: O.sampling.sampling(args))
        forbidParallels = !args[O.allowParallels]
        repetitionPenalty = args[O.sampling.repetitionPenalty]
        // The primer: a MIDI file's whole bars, or an inline melody's steps (the rest of its last bar free).
        var primer: Score?
        var primerSteps: Int?
        // A primer's pickup is read as a whole bar (mostly rest) that --bars and --regenerate do
        // not count: their bars are the ones after it.
        var pickup = 0
        if let path = args[O.primer] {
            guard !args.has(O.primerMelody) else { throw CLIError.usage("--primer and --primer-melody: give one of them") }
            let midi: MIDIFile
            (midi, pickup) = try music(readMIDI(path), path: path)
            bars += pickup
            let file: Score
            do { file = try Score(midi: midi, voices: 4) } catch let error as MIDIError {
                throw CLIError.badData("\(path): \(error.message)")
            }
            guard !file.voices.allSatisfy(\.isEmpty) else {
                throw CLIError.badData("\(path): the primer has no notes outside the drum channel (10)")
            }
            guard [3, 4].contains(file.beatsPerBar) else {
                throw CLIError.badData("\(path): the primer is in \(file.timeSignature); gen-music composes in 4/4 or 3/4")
            }
            primerTempo = midi.predominantTempo
            if let beats, beats != file.beatsPerBar {
                throw CLIError.usage("--time-signature \(beats)/4 differs from the primer's \(file.timeSignature)")
            }
            if let key, key != file.key, !args[O.output.quiet] {
                printError(
                    "gen-music: warning: --key \(key) differs from the primer's \(file.key); its notes are kept, the rest is in \(key)")
            }
            primer = file
        } else if let melody = args[O.primerMelody] {
            let parsed = try Score.melody(melody, beatsPerBar: beats ?? 4, key: key)
            (primer, primerSteps) = (parsed.score, parsed.steps)
        }
        if args.has(O.regenerate) || args.has(O.voicesFixed) {
            guard let primer, primerSteps == nil else {
                throw CLIError.usage("--regenerate and --voices-fixed rework a --primer MIDI file; give one")
            }
            if !args.has(O.bars) { bars = primer.bars }  // a rework keeps the piece's length
        }
        if let primer {
            guard primer.bars <= bars else {
                throw CLIError.usage(
                    "--bars \(bars - pickup) is shorter than the primer's \(primer.bars - pickup) bars (--bars counts the primer's bars; "
                        + "equal harmonises it alone)")
            }
            beatsPerBar = primer.beatsPerBar
            var cells = try primerCells(primer, bars: primer.bars)
            if let primerSteps { cells = cells.map { Array($0.prefix(primerSteps)) } }
            if let fixed = args[O.voicesFixed] {
                let names = Score.voiceNames.map { String($0.first!) }
                let kept = try fixed.uppercased().split(separator: ",").map { letter -> Int in
                    guard let v = names.firstIndex(of: String(letter)) else {
                        throw CLIError.usage("--voices-fixed takes voice letters S, A, T, B separated by commas, got '\(fixed)'")
                    }
                    return v
                }
                cells = cells.indices.map { kept.contains($0) ? cells[$0] : [] }
            }
            if let redo = args[O.regenerate] {
                guard let last = redo.max(), last <= primer.bars - pickup, redo.min()! >= 1 else {
                    throw CLIError.usage(
                        "--regenerate names bars 1...\(primer.bars - pickup) of the primer, got \(redo.listDescription)"
                    )
                }
                cells = freeing(cells, bars: Set(redo.map { $0 + pickup }), stepsPerBar: primer.stepsPerBar)
            }
            self.primer = (cells, primer.bars, primer.key)
        }
    }
}

/// Refuses a piece (a primer, or a file to train or evaluate on) whose metre the token language
/// lacks, naming it: compound metres (6/8, 9/8, 12/8: beats of three eighths, not quarters),
/// metres that are not 3 or 4 whole quarters, short bars before the real metre (one pickup bar
/// is read by `readMusic`), and a change of metre after the start.
func checkMetre(_ midi: MIDIFile, path: String) throws {
    let metres = midi.timeSignatureChanges
    let (n, d) = midi.timeSignature
    if d == 8 && n % 3 == 0 && n > 3 {
        throw CLIError.badData(
            "\(path) is in \(n)/8, a compound metre; gen-music reads and composes 4/4 and 3/4 only (its tokens count quarter notes)")
    }
    guard n * 4 % d == 0, [3, 4].contains(n * 4 / d) else {
        if let next = metres.first(where: { $0.tick > (metres.first?.tick ?? 0) }) {
            throw CLIError.badData(
                "\(path) starts in \(n)/\(d) before \(next.numerator)/\(next.denominator) at tick \(next.tick), more than one "
                    + "pickup bar; gen-music keeps one metre: cut the piece to start at the change")
        }
        throw CLIError.badData("\(path) is in \(n)/\(d); gen-music reads and composes 4/4 and 3/4 only")
    }
    let start = metres.first?.tick ?? 0
    if let change = metres.first(where: { $0.tick > start && ($0.numerator, $0.denominator) != (n, d) }) {
        throw CLIError.badData(
            "\(path) changes metre to \(change.numerator)/\(change.denominator) at tick \(change.tick); "
                + "gen-music keeps one metre: cut the piece before the change")
    }
}

/// General MIDI programs of the four voices from --program and --programs (one per written voice).
func programs(_ args: Arguments, voices: Int) throws -> [Int] {
    var programs = Array(repeating: args[ComposeOptions.program], count: 4)
    if let list = args[ComposeOptions.programs] {
        let values = list.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard values.count == voices, values.allSatisfy({ $0.map { (0...127).contains($0) } ?? false }) else {
            throw CLIError.usage(
                "--programs needs \(voices) General MIDI programs 0-127 separated by commas (one per voice), got '\(list)'")
        }
        for (i, role) in MusicMetrics.roles(voices).enumerated() { programs[role] = values[i]! }
    }
    return programs
}

func composeCommand(_ args: Arguments) throws {
    typealias O = ComposeOptions
    let request = try CompositionRequest(args)
    let count = args[O.sampling.count]
    let seed = args[O.sampling.seed]
    let tempo = args.has(O.tempo) ? Double(args[O.tempo]) : request.primerTempo ?? Double(args[O.tempo])
    let voices = args[O.voices]
    let programs = try programs(args, voices: voices)
    let outPath = args[O.output.out] ?? "song.mid"
    try OutputOptionGroup.refuseBinaryOnTerminal(outPath, "A MIDI file")
    guard outPath != "-" || count == 1 else {
        throw CLIError.usage("--out - (standard output) takes one piece; pass a file name with --count")
    }
    let names = OutputOptionGroup.numberedPaths(outPath, count: count, seed: seed, extension: "mid")
    let rolls = args[O.pianoRoll].map { OutputOptionGroup.numberedPaths($0, count: count, seed: seed, extension: "png") }
    let audios = args[O.audio].map { OutputOptionGroup.numberedPaths($0, count: count, seed: seed, extension: "wav") }
    let targets = names + (rolls ?? []) + (audios ?? []) + (args[O.output.stats].map { [$0] } ?? [])
    if args[O.synth] == .fluidsynth && AudioRender.fluidSynth() == nil {
        throw CLIError.usage(
            "--synth fluidsynth needs the fluidsynth program and a General MIDI SoundFont "
                + "(apt-get install fluidsynth fluid-soundfont-gm, or GENSUITE_SOUNDFONT=FILE.sf2)")
    }
    try O.output.check(targets, args)
    // The folders of the outputs are made, as gen-image and gen-level make theirs.
    for dir in Set(targets.filter { $0 != "-" }.map { URL(fileURLWithPath: $0).deletingLastPathComponent() }) {
        do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
            throw IOFailure.cannotCreate(dir.path, reason: error.localizedDescription)
        }
    }
    let folder = try ModelBundle.resolve(args[O.model], default: defaultModel)
    let loading = Date()
    let (model, _) = try loadMusicModel(folder)
    let loadSeconds = Date().timeIntervalSince(loading)

    let started = Date()
    let roles = MusicMetrics.roles(voices)
    var pieces: [CompositionStats.Piece] = []
    var synthesiser: Synthesiser?
    let progress = Progress(total: count, label: "pieces", quiet: args[O.output.quiet] || count <= compositionChunk)
    Interrupt.begin()
    for start in stride(from: 0, to: count, by: compositionChunk) {
        let chunk = start..<min(start + compositionChunk, count)
        for (i, var score) in zip(chunk, compose(model, request, pieces: chunk, seed: seed)) {
            score.title = "GenSuite chorale (seed \(seed)\(count > 1 ? ", piece \(i)" : ""))"
            score.key = writtenKey(score, request)
            let midi = score.midiFile(tempo: tempo, programs: programs, voiceIndices: roles)
            try AtomicFile.write(Data(midi.bytes()), to: URL(fileURLWithPath: names[i]))
            var written = score
            written.voices = roles.map { score.voices[$0] }
            if let rolls { try PNG.write(PianoRoll.image(written), to: URL(fileURLWithPath: rolls[i])) }
            if let audios {
                synthesiser = try AudioRender.write(
                    midi, score: written, tempo: tempo, to: URL(fileURLWithPath: audios[i]), synthesiser: args[O.synth])
            }
            let metrics = MusicMetrics.measure(written, key: request.key)
            pieces.append(CompositionStats.Piece(file: names[i], key: score.key.description, metrics: metrics))
        }
        progress.update(chunk.upperBound)
        if Interrupt.requested && chunk.upperBound < count {
            throw CLIError(
                "interrupted: \(chunk.upperBound) of \(count) pieces written (\(names[0]) …); the rest were not started", code: .interrupted
            )
        }
    }
    let seconds = Date().timeIntervalSince(started)
    if outPath != "-" && !args[O.output.quiet] {
        let keys = Set(pieces.map(\.key))
        printError(
            "gen-music: wrote " + (count == 1 ? names[0] : "\(count) pieces as \(names[0]) …")
                + ", \(request.bars) bars of \(request.beatsPerBar)/4"
                + (keys.count == 1 ? ", key \(keys.first!)" : ", \(keys.count) keys (each piece's in --stats)")
                + (synthesiser.map { $0 == .fluidsynth ? ", audio by FluidSynth" : ", audio by the built-in synthesiser" } ?? "")
                + String(format: " in %.2f s (model loaded in %.2f s)", seconds, loadSeconds)
                + (args.has(O.output.out) ? "" : " (pass --out to choose the file)"))
    }
    if let statsPath = args[O.output.stats] {
        let stats = CompositionStats(
            seed: seed, model: folder.path, count: count, bars: request.bars, timeSignature: "\(request.beatsPerBar)/4",
            tempo: tempo, key: request.key?.description ?? "sampled", temperature: Double(request.sampling.temperature),
            cadence: request.cadence, forbidParallels: request.forbidParallels,
            primer: CompositionStats.Nullable(args[O.primer]), voices: voices,
            programs: roles.map { programs[$0] }, seconds: seconds, pieces: pieces)
        try JSONOutput.write(stats, to: URL(fileURLWithPath: statsPath))
    }
}

/// What `--stats` writes: the settings, the time taken, and each piece's file, key and metrics.
struct CompositionStats: Encodable {
    struct Piece: Encodable {
        var file: String, key: String
        var metrics: PieceMetrics
    }

    /// An optional written as `null` rather than left out, so that every run has the same keys.
    struct Nullable<Value: Encodable>: Encodable {
        var value: Value?
        init(_ value: Value?) { self.value = value }
        func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(value)
        }
    }

    var seed: UInt64, model: String, count: Int, bars: Int, timeSignature: String, tempo: Double
    /// The key asked for, or "sampled" when the model chose.
    var key: String
    var temperature: Double, cadence: Bool, forbidParallels: Bool
    /// The `--primer` path.
    var primer: Nullable<String>
    var voices: Int, programs: [Int]
    var seconds: Double
    var pieces: [Piece]

    enum CodingKeys: String, CodingKey {
        case seed, model, count, bars, tempo, key, temperature, cadence, primer, voices, programs, seconds, pieces
        case timeSignature = "time_signature"
        case forbidParallels = "forbid_parallels"
    }
}

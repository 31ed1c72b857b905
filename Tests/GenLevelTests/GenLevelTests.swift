import Foundation
import ToolTesting
import XCTest

@testable import GenEngine
@testable import gen_level

final class GenLevelTests: XCTestCase {
    let vglc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("samples/data/vglc/smb1")

    /// A flat level of `width` columns: ground everywhere but `gaps` (column ranges), plus extra tiles.
    func flat(_ width: Int, gaps: [Range<Int>] = [], walls: [(x: Int, height: Int)] = []) -> Level {
        var rows = [[Character]](repeating: [Character](repeating: "-", count: width), count: 14)
        for x in 0..<width where !gaps.contains(where: { $0.contains(x) }) { rows[13][x] = "X" }
        for (x, height) in walls { for y in (13 - height)..<13 { rows[y][x] = "X" } }
        return Level(rows: rows)
    }

    /// A fresh folder for a test's files, removed when the test ends.
    func scratchFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gen-level-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// Runs gen-level with `args` twice: it must succeed with the same bytes both times and a
    /// level the agent can play, which is returned.
    @discardableResult
    func drawTwice(_ args: [String], in dir: URL, file: StaticString = #filePath, line: UInt = #line) throws -> Level {
        let a = try run(args, in: dir)
        XCTAssertEqual(a.status, 0, a.err, file: file, line: line)
        XCTAssertEqual(a.out, try run(args, in: dir).out, "same seed, same bytes", file: file, line: line)
        let level = try Level.read(String(decoding: a.out, as: UTF8.self), source: "out", legend: .smb)
        XCTAssertTrue(playable(level), file: file, line: line)
        return level
    }

    func playable(_ level: Level) -> Bool { PlatformerAgent(level: level, solid: Legend.smb.solid).run().playable }

    func testEveryVGLCLevelIsPlayable() throws {
        let levels = try readLevels(vglc.path, legend: .smb)
        XCTAssertEqual(levels.count, 15)
        for (name, level) in levels { XCTAssertTrue(playable(level), name) }
    }

    func testJumpPhysicsAsTheVGLCAgent() {
        XCTAssertTrue(playable(flat(40)))
        // Running jumps clear a 9-wide pit (mario-8-1 has a 6-wide one); a 10-wide pit is one too wide.
        XCTAssertTrue(playable(flat(40, gaps: [15..<21])))
        XCTAssertTrue(playable(flat(40, gaps: [15..<24])))
        let tooWide = PlatformerAgent(level: flat(40, gaps: [15..<25]), solid: Legend.smb.solid).run()
        XCTAssertFalse(tooWide.playable)
        XCTAssertEqual(tooWide.furthestColumn, 14 + 8 + 2)  // the jump's reach, then two diagonal falls into the pit
        // A wall of 4 tiles can be climbed; one of 5 cannot (jumps rise 4 tiles).
        XCTAssertTrue(playable(flat(30, walls: [(10, 4)])))
        XCTAssertFalse(playable(flat(30, walls: [(10, 5)])))
        // A pipe (two tiles wide, its top one row higher than its body) 4 tiles tall is jumped; 5 is not.
        func pipe(_ height: Int) -> Level {
            var level = flat(30)
            for (i, y) in ((13 - height)..<13).enumerated() {
                (level.rows[y][10], level.rows[y][11]) = i == 0 ? ("<", ">") : ("[", "]")
            }
            return level
        }
        XCTAssertTrue(playable(pipe(4)))
        XCTAssertFalse(playable(pipe(5)))
    }

    /// Output paths as users give them: `-` or a file with --count, a folder or a path ending in /
    /// as a file, /dev/null, an extension that names the format; check takes folders.
    func testOutputPathsAsUsersGiveThem() throws {
        let dir = try scratchFolder()
        XCTAssertEqual(try run(["--count", "2", "--width", "20", "--out", "-"], in: dir).status, 64)
        try Data().write(to: dir.appendingPathComponent("f.txt"))
        XCTAssertEqual(try run(["--count", "2", "--width", "20", "--out", "f.txt"], in: dir).status, 64)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("lv"), withIntermediateDirectories: true)
        let folder = try run(["--out", "lv", "--force"], in: dir)
        XCTAssertEqual(folder.status, 73)
        XCTAssertTrue(folder.err.contains("it is a folder"), folder.err)
        XCTAssertEqual(try run(["--out", "new/"], in: dir).status, 73)
        XCTAssertEqual(try run(["--width", "20", "--out", "/dev/null"], in: dir).status, 0)
        XCTAssertEqual(try run(["--width", "20", "--out", "l.png"], in: dir).status, 0)
        XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("l.png")).prefix(4), Data([0x89, 0x50, 0x4E, 0x47]))
        XCTAssertEqual(try run(["--count", "2", "--width", "20", "--out", "lv/set"], in: dir).status, 0)
        XCTAssertEqual(try run(["check", "lv/set"], in: dir).status, 0)
        XCTAssertEqual(try run(["check", "lv"], in: dir).status, 65, "a folder without levels")
        // An extension at odds with --format, one file's name for --count 2, an option the model
        // does not read, and counts no level could meet: refused before any draw.
        for bad in [
            ["--format", "png", "--out", "a.txt"], ["--count", "2", "--out", "x.tmx"], ["--height", "20"], ["--doors", "2"],
            ["--require", "E>=5", "--require", "E<=2"], ["--require", "E>=99999"],
        ] {
            let r = try run(bad + ["--width", "20"], in: dir)
            XCTAssertEqual(r.status, 64, "\(bad): \(r.err)")
        }
    }

    func testReadersTakeWindowsLineEnds() throws {
        let level = try Level.read("--X\r\nXXX\r\n", source: "crlf.txt", legend: .smb)
        XCTAssertEqual(level.rows.map { String($0) }, ["--X", "XXX"])
        // A byte-order mark and old Mac line ends (CR alone) too.
        XCTAssertEqual(try Level.read("\u{FEFF}--X\rXXX\r", source: "mac.txt", legend: .smb).rows, level.rows)
        XCTAssertThrowsError(try Legend.read(Data(#"{"tiles": {"\r\n": ["solid"]}}"#.utf8), source: "l.json"))
    }

    func testReadersNameTheFileAndLine() {
        XCTAssertThrowsError(try Level.read("---\n--\n", source: "a.txt", legend: .smb)) {
            XCTAssertEqual("\($0)", "a.txt, line 2: the row has 2 tiles, the first row 3")
        }
        XCTAssertThrowsError(try Level.read("---\n-Z-\n", source: "b.txt", legend: .smb)) {
            XCTAssertTrue("\($0)".contains("b.txt, line 2: tile 'Z' at column 2 is not in the legend"), "\($0)")
            XCTAssertEqual(CLIError(from: $0).code, .dataError)
        }
        XCTAssertThrowsError(try Level.read("---\n--\t\n", source: "t.txt", legend: .smb)) {
            XCTAssertTrue("\($0)".contains("t.txt, line 2: tile U+0009 at column 3 is not in the legend"), "\($0)")
        }
        XCTAssertThrowsError(try Level.read("\n\n", source: "c.txt", legend: .smb)) { XCTAssertTrue("\($0)".contains("no tiles")) }
        XCTAssertThrowsError(try Legend.read(Data("{\"tiles\": {\"XY\": [\"solid\"]}}".utf8), source: "l.json")) {
            XCTAssertTrue("\($0)".contains("'XY' must be one character"), "\($0)")
        }
        XCTAssertEqual(try TileRule("E>=5"), try TileRule("E>=5"))
        XCTAssertThrowsError(try TileRule("E>>5"))
        XCTAssertEqual(Level(columns: ["-X", "-X", "oX"]).text, "--o\nXXX\n")
    }

    /// gen-level as a user runs it.
    func run(_ args: [String], in dir: URL) throws -> (out: Data, err: String, status: Int32) {
        let r = try runTool("gen-level", args, in: dir)
        return (r.out, r.err, r.status)
    }

    /// Linearity and leniency on hand-made levels: flat ground is perfectly linear; a 4-high
    /// plateau over half the level is not; two enemies and one 3-wide gap over 40 columns give
    /// leniency (−1 −1 −0.5) / 40 · 10 = −0.625.
    func testLinearityAndLeniencyOnHandMadeLevels() throws {
        XCTAssertEqual(LevelMetrics.linearity(flat(40), legend: .smb), 1)
        let plateau = flat(40, walls: (10..<30).map { (x: $0, height: 4) })
        // Heights 1, 5, 1 over 10, 20, 10 columns: symmetric, so the fitted line is flat at 3 and
        // every column is 2 rows off it: 1 − 2 / (14 / 2).
        XCTAssertEqual(LevelMetrics.linearity(plateau, legend: .smb), 1 - 2.0 / 7, accuracy: 1e-9)
        var rows = flat(40, gaps: [10..<13]).rows
        rows[12][5] = "E"
        rows[12][30] = "E"
        XCTAssertEqual(LevelMetrics.leniency(Level(rows: rows), legend: .smb), -0.625, accuracy: 1e-12)
        // eval on a folder: the numbers beside the shipped levels', and the picture.
        let dir = try scratchFolder()
        try Data(Level(rows: rows).text.utf8).write(to: dir.appendingPathComponent("a.txt"))
        try Data(plateau.text.utf8).write(to: dir.appendingPathComponent("b.txt"))
        let json = dir.appendingPathComponent("eval.json")
        let out = try run(
            [
                "eval", dir.path, "--reference", vglc.path, "--json", json.path, "--plot", dir.appendingPathComponent("er.png").path,
            ], in: dir)
        XCTAssertEqual(out.status, 0, out.err)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: json)) as! [String: [String: Any]]
        XCTAssertEqual(report["levels"]?["levels"] as? Int, 2)
        XCTAssertEqual(report["reference"]?["levels"] as? Int, 15)
        XCTAssertEqual(report["levels"]?["leniency"] as? Double ?? 0, (-0.625 + 0) / 2, accuracy: 1e-9)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("er.png").path))
    }

    func testTrainGenerateCheckEndToEnd() throws {
        let dir = try scratchFolder()
        let model = dir.appendingPathComponent("m").path
        XCTAssertEqual(try run(["train", "--data", vglc.path, "--order", "2", "--out", model], in: dir).status, 0)
        XCTAssertEqual(try drawTwice(["--model", model, "--seed", "4", "--width", "80"], in: dir).width, 80)
        // Several levels, every format, and the checker on what was written.
        for format in ["txt", "json", "tmx", "tmj", "csv", "png"] {
            let r = try run(
                ["--model", model, "--count", "3", "--format", format, "--out", dir.appendingPathComponent(format).path], in: dir)
            XCTAssertEqual(r.status, 0, r.err)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent(format).path).count, 3)
        }
        let txt = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("txt").path).sorted().map {
            dir.appendingPathComponent("txt/" + $0).path
        }
        XCTAssertEqual(try run(["check"] + txt, in: dir).status, 0)
        // Stats: raw playability over the draws, and each level's novelty against the VGLC levels.
        let statsPath = dir.appendingPathComponent("stats.json")
        let counted = try run(["--count", "3", "--out", dir.appendingPathComponent("s").path, "--stats", statsPath.path], in: dir)
        XCTAssertEqual(counted.status, 0, counted.err)
        let stats = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: statsPath)) as? [String: Any])
        XCTAssertEqual(stats["rawPlayability"] as? Double, 1)
        for entry in try XCTUnwrap(stats["levels"] as? [[String: Any]]) {
            XCTAssertTrue((0...1).contains(try XCTUnwrap(entry["novelty"] as? Double)))
        }
        // An impossible rule: exit 3 within the budget, nothing written.
        let impossible = try run(
            ["--model", model, "--require", "E>=1000", "--max-attempts", "3", "--out", dir.appendingPathComponent("x.txt").path], in: dir)
        XCTAssertEqual(impossible.status, 3, impossible.err)
        XCTAssertTrue(impossible.err.contains("no level in 3 attempts"), impossible.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.txt").path))
        // A level that cannot be played fails the check, saying where.
        let pit = dir.appendingPathComponent("pit.txt")
        try Data(flat(40, gaps: [15..<25]).text.utf8).write(to: pit)
        let checked = try run(["check", pit.path], in: dir)
        XCTAssertEqual(checked.status, 65)
        XCTAssertTrue(String(decoding: checked.out, as: UTF8.self).contains("the path breaks at column 24"))
    }

    /// Tiled's own reader conventions, through pytmx where it is installed (an optional oracle).
    /// `make install`'s layout works from any folder: the tool in `<prefix>/bin` finds its default
    /// model in `<prefix>/share/gensuite/models`, with no checkout near it or the working directory.
    func testInstalledToolFindsItsModel() throws {
        guard ProcessInfo.processInfo.environment["GENSUITE_MODELS"] == nil else { throw XCTSkip("GENSUITE_MODELS is set") }
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("gensuite-install-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: prefix) }
        let fm = FileManager.default
        let bin = prefix.appendingPathComponent("bin")
        let models = prefix.appendingPathComponent("share/gensuite/models")
        let elsewhere = prefix.appendingPathComponent("work")
        for dir in [bin, models, elsewhere] { try fm.createDirectory(at: dir, withIntermediateDirectories: true) }
        let built = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gen-level")
        try fm.copyItem(at: built, to: bin.appendingPathComponent("gen-level"))
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("SharedModels/level-smb-markov")
        try fm.copyItem(at: shipped, to: models.appendingPathComponent("level-smb-markov"))
        let run = try runProcess(bin.appendingPathComponent("gen-level"), ["--seed", "1"], in: elsewhere)
        XCTAssertEqual(run.status, 0, run.err)
        XCTAssertEqual(run.text.split(separator: "\n").count, 14)
        // Without the models folder it says where it looked.
        try fm.removeItem(at: models)
        let missing = try runProcess(bin.appendingPathComponent("gen-level"), ["--seed", "1"], in: elsewhere)
        XCTAssertEqual(missing.status, 66)
        XCTAssertTrue(missing.err.contains("share/gensuite/models"), missing.err)
    }

    func testTMXReadsInPytmxWhenInstalled() throws {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import pytmx"]
        check.standardError = FileHandle.nullDevice
        guard (try? check.run()) != nil else { throw XCTSkip("no python3") }
        check.waitUntilExit()
        try XCTSkipUnless(check.terminationStatus == 0, "pytmx is not installed")
        let level = flat(20, gaps: [8..<10])
        var rows = level.rows
        rows[12][5] = "E"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gen-level-\(UUID().uuidString).tmx")
        defer { try? FileManager.default.removeItem(at: url) }
        try Level(rows: rows).encoded(.tmx, legend: .smb).write(to: url)
        let script = """
            import pytmx, sys
            m = pytmx.TiledMap(sys.argv[1])
            layer = m.get_layer_by_name("tiles")
            chars = "".join(m.get_tile_properties_by_gid(layer.data[13][x])["char"] if layer.data[13][x] else "-" for x in range(m.width))
            print(m.width, m.height, chars, [(o.name, int(o.x), int(o.y)) for o in m.get_layer_by_name("objects")])
            """
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = ["python3", "-c", script, url.path]
        let out = Pipe()
        python.standardOutput = out
        python.standardError = FileHandle.nullDevice
        try python.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        XCTAssertEqual(
            text, "20 14 XXXXXXXX--XXXXXXXXXX [('start', 32, 192), ('goal', 304, 192), ('enemy', 80, 192)]\n")
    }

    /// WFC's overlapping model: every N×N window of an output is a pattern of the example, the
    /// ground and sky rows stay ground and sky, and the same seed gives the same level.
    func testWaveFunctionCollapseKeepsTheExamplesPatterns() throws {
        let example = flat(24, gaps: [10..<12], walls: [(5, 2)])
        let model = try OverlappingModel(examples: [example], n: 2)
        var rng = RNG(seed: 3)
        var again = RNG(seed: 3)
        var level: Level?
        for _ in 0..<20 where level == nil { level = model.run(width: 40, height: 14, rng: &rng) }
        var second: Level?
        for _ in 0..<20 where second == nil { second = model.run(width: 40, height: 14, rng: &again) }
        let out = try XCTUnwrap(level)
        XCTAssertEqual(out, second)
        XCTAssertEqual(out.width, 40)
        let known = Set(model.patterns)
        for y in 0..<(out.height - 1) {
            for x in 0..<(out.width - 1) {
                XCTAssertTrue(
                    known.contains([out.rows[y][x], out.rows[y][x + 1], out.rows[y + 1][x], out.rows[y + 1][x + 1]]), "\(x),\(y)")
            }
        }
        XCTAssertEqual(String(out.rows[0]), String(repeating: "-", count: 40))
        XCTAssertThrowsError(try OverlappingModel(examples: [Level(rows: [["X"]])], n: 2))
        // A wrapping output: the windows across its right edge into its left are patterns too.
        var wrapRNG = RNG(seed: 5)
        var wrapped: Level?
        for _ in 0..<20 where wrapped == nil { wrapped = model.run(width: 40, height: 14, rng: &wrapRNG, wraps: true) }
        let loop = try XCTUnwrap(wrapped)
        for y in 0..<(loop.height - 1) {
            for x in 0..<loop.width {
                let next = (x + 1) % loop.width
                XCTAssertTrue(
                    known.contains([loop.rows[y][x], loop.rows[y][next], loop.rows[y + 1][x], loop.rows[y + 1][next]]), "\(x),\(y)")
            }
        }
    }

    /// Bounded backtracking: 3×3 patterns of World 1-1 in a 24×20 grid contradict in most
    /// attempts; undoing choices finishes them with every window a pattern of the example, and an
    /// attempt that never contradicts is the same level with or without backtracking.
    func testWaveFunctionCollapseBacktracksOutOfContradictions() throws {
        let example = try Level.read(contentsOf: vglc.appendingPathComponent("mario-1-1.txt").path, legend: .smb)
        let model = try OverlappingModel(examples: [example], n: 3)
        let known = Set(model.patterns)
        var contradicted = 0
        for seed in 0..<6 {
            var plain = RNG(seed: UInt64(seed))
            var backtracking = plain
            let first = model.run(width: 24, height: 20, rng: &plain, backtracks: 0)
            let level = try XCTUnwrap(model.run(width: 24, height: 20, rng: &backtracking, backtracks: 1000), "seed \(seed)")
            if let first { XCTAssertEqual(first, level, "seed \(seed)") } else { contradicted += 1 }
            for y in 0...(level.height - 3) {
                for x in 0...(level.width - 3) {
                    let window = (0..<9).map { level.rows[y + $0 / 3][x + $0 % 3] }
                    XCTAssertTrue(known.contains(window), "seed \(seed) at \(x),\(y)")
                }
            }
        }
        XCTAssertGreaterThan(contradicted, 2, "the case should contradict without backtracking")
    }

    /// The tile chain (MdMC): a tile given its neighbours. Every tile of a sampled level has, at
    /// the full neighbourhood, a context seen in training or fell back to a shorter one; the pipe
    /// tops of the example always come as `<>`, so every `<` drawn has its `>`; the same seed
    /// gives the same level; the bundle trains and samples through the tool; an unknown
    /// neighbour is a usage error.
    func testTileChainKeepsNeighbourPairs() throws {
        var example = flat(30, gaps: [12..<14])
        for x in [4, 20] {
            (example.rows[11][x], example.rows[11][x + 1], example.rows[12][x], example.rows[12][x + 1]) = ("<", ">", "[", "]")
        }
        let domain = TileChainDomain(game: "smb", height: 14, tiles: "-<>X[]", neighbourhood: TileChain.defaultNeighbourhood)
        let chain = TileChain(model: TileChain.fit(levels: [example], domain: domain), domain: domain, source: "test")
        for seed in 0..<20 {
            var rng = RNG(seed: UInt64(seed))
            var again = RNG(seed: UInt64(seed))
            let level = try XCTUnwrap(chain.sample(width: 60, temperature: 1, rng: &rng))
            XCTAssertEqual(level, chain.sample(width: 60, temperature: 1, rng: &again))
            XCTAssertEqual(level.height, 14)
            for y in 0..<14 {
                for x in 0..<60 where level.rows[y][x] == "<" {
                    XCTAssertEqual(x + 1 < 60 ? level.rows[y][x + 1] : ">", ">", "seed \(seed) at \(x),\(y)")
                }
            }
            XCTAssertEqual(String(level.rows[0]), String(repeating: "-", count: 60))
        }
        let dir = try scratchFolder()
        let model = dir.appendingPathComponent("mdmc").path
        let trained = try run(["train", "--data", vglc.path, "--arch", "mdmc", "--out", model], in: dir)
        XCTAssertEqual(trained.status, 0, trained.err)
        try drawTwice(["--model", model, "--seed", "2", "--width", "60"], in: dir)
        let unknown = try run(
            ["train", "--data", vglc.path, "--arch", "mdmc", "--neighbourhood", "left,right", "--out", model + "2"], in: dir)
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.err.contains("no neighbour 'right'"), unknown.err)
    }

    /// The level grammar of column models: a column must close the pipes the last one opened,
    /// and no column may leave the A* agent without a way on. A pit is allowed column by column
    /// exactly as far as the agent can cross it onto ground of some height, and a wall exactly up
    /// to the height the agent climbs.
    func testLevelGrammarKeepsPipesWholeAndAPathOpen() {
        let ground = String(repeating: "-", count: 13) + "X"
        let pit = String(repeating: "-", count: 14)
        func wall(_ h: Int) -> String { String(repeating: "-", count: 13 - h) + String(repeating: "X", count: h + 1) }
        let pipeLeft = String(repeating: "-", count: 11) + "<[X"
        let pipeRight = String(repeating: "-", count: 11) + ">]X"
        let domain = LevelDomain(game: "smb", height: 14, columns: [ground, pit, pipeLeft, pipeRight] + (1...8).map(wall))
        func allowed(after prefix: [Int], width: Int = 40, pipesToo: Bool = false) -> [Bool] {
            var pipes = PipeGrammar(domain: domain, legend: .smb, width: width)
            let path = PathGrammar(domain: domain, legend: .smb, width: width)
            for t in [Int(domain.startToken)] + prefix {
                pipes.advance(Int32(t))
                path.advance(Int32(t))
            }
            var logits = [Float](repeating: 0, count: domain.vocabularySize)
            logits[Int(domain.startToken)] = -.infinity
            if pipesToo { pipes.process(&logits) }
            path.process(&logits)
            return logits.map { $0 > -.infinity }
        }
        XCTAssertEqual(allowed(after: [0, 0, 0, 2], pipesToo: true).enumerated().filter(\.element).map(\.offset), [3])
        XCTAssertFalse(allowed(after: [0, 0, 0, 0], pipesToo: true)[3])
        XCTAssertTrue(allowed(after: [0, 0, 0, 0], width: 6, pipesToo: true)[2])
        XCTAssertFalse(allowed(after: [0, 0, 0, 0, 0], width: 6, pipesToo: true)[2], "no pipe opens in the last column")
        var banned = 0
        for k in 1...14 {
            // The k-th column of a pit is allowed if ground of some height after it can be reached;
            // once nothing can follow the prefix, the grammar stands aside.
            let prefix = [0, 0, 0, 0, 0] + [Int](repeating: 1, count: k - 1)
            func playable(after columns: [Int]) -> Bool {
                ([0] + (4...11)).contains { landing in
                    self.playable(Level(columns: (columns + [Int](repeating: landing, count: 10)).map { domain.columns[$0] }))
                }
            }
            let verdicts = allowed(after: prefix)
            if verdicts.dropLast().allSatisfy({ $0 }) {
                XCTAssertFalse(playable(after: prefix), "a pit \(k) wide")
            } else {
                XCTAssertEqual(verdicts[1], playable(after: prefix + [1]), "a pit \(k) wide")
                if !verdicts[1] { banned += 1 }
            }
        }
        XCTAssertEqual(banned, 1, "the pit is banned at the column it becomes too wide")
        for h in 1...8 {
            let level = Level(columns: ([0, 0, 0, 0, 0, 3 + h] + [Int](repeating: 3 + h, count: 10)).map { domain.columns[$0] })
            XCTAssertEqual(allowed(after: [0, 0, 0, 0, 0])[3 + h], playable(level), "a wall \(h) high")
        }
        XCTAssertTrue(allowed(after: [0, 0, 0, 0, 0])[4] && !allowed(after: [0, 0, 0, 0, 0])[11])
        // Reaching the level's last column counts at any row, even the bottom one the agent then
        // falls from: under a ceiling, this level is won by dropping through the floor at its end.
        let low = LevelDomain(game: "smb", height: 4, columns: ["-X-X", "-X--", "----"])
        let fall = Level(columns: [0, 0, 0, 0, 0, 0, 1, 2].map { low.columns[$0] })
        XCTAssertTrue(playable(fall))
        let path = PathGrammar(domain: low, legend: .smb, width: 8)
        for t in [low.startToken] + [Int32](repeating: 0, count: 6) { path.advance(t) }
        XCTAssertTrue(path.keepsAPath(1), "the hole before the last column")
    }

    /// A neural column model (experimental) through the engine's language-model recipe: trains,
    /// samples the same level from the same seed under the level grammar, and refuses a folder
    /// too small to hold out a level.
    func testNeuralColumnModelTrainsAndSamples() throws {
        let dir = try scratchFolder()
        let model = dir.appendingPathComponent("lstm").path
        let trained = try run(
            ["train", "--data", vglc.path, "--arch", "lstm", "--steps", "4", "--width", "16", "--layers", "1", "--out", model, "--quiet"],
            in: dir)
        XCTAssertEqual(trained.status, 0, trained.err)
        XCTAssertTrue(trained.err.contains("14 levels to train, 1 to validate"), trained.err)
        try drawTwice(["--model", model, "--seed", "5", "--width", "50"], in: dir)
        let few = dir.appendingPathComponent("few")
        try FileManager.default.createDirectory(at: few, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: vglc.appendingPathComponent("mario-1-1.txt"), to: few.appendingPathComponent("a.txt"))
        let refused = try run(["train", "--data", few.path, "--arch", "gru", "--out", model + "2"], in: dir)
        XCTAssertEqual(refused.status, 65)
        XCTAssertTrue(refused.err.contains("needs at least 8"), refused.err)
    }

    /// The top-down agent: keys open the doors of their letter; a key behind its own door, or a
    /// wall across the way, leaves the exit unreachable and says which doors stayed locked.
    func testKeyDoorSearchOnHandMadeDungeons() {
        func play(_ rows: [String]) -> PathOutcome { Legend.dungeon.play(Level(rows: rows.map(Array.init))) }
        let good = play(["########", "#@.a.A>#", "########"])
        XCTAssertTrue(good.playable, good.failure ?? "")
        XCTAssertEqual(good.pathLength, 5)
        let behind = play(["########", "#@...A>#", "#####a##", "########"])
        XCTAssertFalse(behind.playable)
        XCTAssertTrue(behind.failure?.contains("still locked: A at column 5, row 1") ?? false, behind.failure ?? "")
        XCTAssertEqual(play(["#######", "#a..@A>", "#######"]).pathLength, 8, "back for the key, then through its door")
        let chain = play(["##########", "#@.b.A.aB>", "##########"])
        XCTAssertFalse(chain.playable, "key b lies before door A, whose key a lies behind it")
        let order = play(["##########", "#@.a.A.bB>", "##########"])
        XCTAssertTrue(order.playable, order.failure ?? "")
        XCTAssertTrue(play(["#####", "#.>.#", "#####"]).failure?.contains("one start and an exit (it has 0 and 1)") ?? false)
        // Several exits, as GVGAI's Zelda levels have: any one reached will do, the nearest measured.
        let exits = play(["#########", "#>..@..>#", "##A####.#", "#>a######", "#########"])
        XCTAssertTrue(exits.playable, exits.failure ?? "")
        XCTAssertEqual(exits.pathLength, 3)
        XCTAssertFalse(play(["#######", "#>#@#>#", "#######"]).playable)
    }

    /// `--game dungeon`: WaveFunctionCollapse learns the shipped rooms, the repair joins them and
    /// places start, exit, doors and keys; every level passes the checker, has one start and one
    /// exit and a key for each door, and the same seed gives the same bytes; TMX lists the objects.
    func testDungeonsAreJoinedAndSolvable() throws {
        let dir = try scratchFolder()
        let out = dir.appendingPathComponent("d").path
        let made = try run(["--game", "dungeon", "--count", "4", "--seed", "3", "--require", "A>=1", "--out", out, "--quiet"], in: dir)
        XCTAssertEqual(made.status, 0, made.err)
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted().map { out + "/" + $0 }
        XCTAssertEqual(files.count, 4)
        let checked = try run(["check", "--game", "dungeon"] + files, in: dir)
        XCTAssertEqual(checked.status, 0, String(decoding: checked.out, as: UTF8.self))
        for file in files {
            let level = try Level.read(contentsOf: file, legend: .dungeon)
            let tiles = level.rows.joined()
            XCTAssertEqual(tiles.filter { $0 == "@" }.count, 1)
            XCTAssertEqual(tiles.filter { $0 == ">" }.count, 1)
            for door in "ABC" where tiles.contains(door) { XCTAssertTrue(tiles.contains(Character(door.lowercased())), file) }
            XCTAssertTrue(tiles.contains("A"), file)
            XCTAssertEqual(level.rows.first.map { String($0) }, String(repeating: "#", count: 48), "the outer wall")
        }
        let again = try run(["--game", "dungeon", "--seed", "3", "--require", "A>=1"], in: dir)
        XCTAssertEqual(again.out, try Data(contentsOf: URL(fileURLWithPath: files[0])))
        let tmx = try run(["--game", "dungeon", "--seed", "3", "--format", "tmx"], in: dir)
        let text = String(decoding: tmx.out, as: UTF8.self)
        for name in ["start", "goal", "key", "door"] { XCTAssertTrue(text.contains("name=\"\(name)\""), name) }
        // A model trained on Mario levels does not draw dungeons.
        let wrong = try run(["--game", "dungeon", "--model", "level-smb-markov"], in: dir)
        XCTAssertEqual(wrong.status, 64)
    }

    /// The simple tiled model: every pair of neighbouring tiles in its output (right and below)
    /// neighbours somewhere in the example, and without wrapping the edges keep the example's.
    func testSimpleTiledModelKeepsTheExamplesAdjacencies() throws {
        let rooms = vglc.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("dungeon/rooms.txt")
        let example = try Level.read(contentsOf: rooms.path, legend: .dungeon)
        var pairs = Set<String>()
        for y in 0..<example.height {
            for x in 0..<example.width {
                if x + 1 < example.width { pairs.insert("r\(example.rows[y][x])\(example.rows[y][x + 1])") }
                if y + 1 < example.height { pairs.insert("d\(example.rows[y][x])\(example.rows[y + 1][x])") }
            }
        }
        let model = OverlappingModel(adjacenciesOf: example, periodic: false)
        var rng = RNG(seed: 9)
        let level = try XCTUnwrap(model.run(width: 30, height: 20, rng: &rng, backtracks: 100))
        for y in 0..<20 {
            for x in 0..<30 {
                if x + 1 < 30 { XCTAssertTrue(pairs.contains("r\(level.rows[y][x])\(level.rows[y][x + 1])"), "\(x),\(y)") }
                if y + 1 < 20 { XCTAssertTrue(pairs.contains("d\(level.rows[y][x])\(level.rows[y + 1][x])"), "\(x),\(y)") }
            }
        }
        XCTAssertEqual(String(level.rows[0]), String(repeating: "#", count: 30))
        XCTAssertTrue(level.rows.joined().contains("."))
    }

    /// `--legend`: a custom game's tiles, and what is refused (no legend, not a legend, a top
    /// view without a start).
    func testCustomLegends() throws {
        let dir = try scratchFolder()
        let legend = dir.appendingPathComponent("legend.json")
        try Data(#"{"tiles": {"=": ["solid", "ground"], " ": ["passable", "empty"], "*": ["collectable"]}}"#.utf8).write(to: legend)
        let sample = dir.appendingPathComponent("sample.txt")
        try Data("      *     \n   ===      \n            \n============\n".utf8).write(to: sample)
        let a = try run(
            ["--legend", legend.path, "--model", "wfc-tiled", "--sample", sample.path, "--width", "30", "--height", "4"], in: dir)
        XCTAssertEqual(a.status, 0, a.err)
        let level = try Level.read(String(decoding: a.out, as: UTF8.self), source: "out", legend: try Legend.read(contentsOf: legend.path))
        XCTAssertEqual(level.width, 30)
        XCTAssertEqual(String(level.rows[3]), String(repeating: "=", count: 30))
        XCTAssertEqual(try run(["check", "--legend", legend.path, sample.path], in: dir).status, 0)
        XCTAssertEqual(try run(["--game", "custom"], in: dir).status, 64)
        try Data("not json".utf8).write(to: legend)
        let bad = try run(["--legend", legend.path, "--model", "wfc", "--sample", sample.path], in: dir)
        XCTAssertEqual(bad.status, 65)
        XCTAssertTrue(bad.err.contains("not a legend"), bad.err)
        try Data(##"{"tiles": {"#": ["solid"], ".": ["floor"]}, "view": "top"}"##.utf8).write(to: legend)
        let noStart = try run(["check", "--legend", legend.path, sample.path], in: dir)
        XCTAssertEqual(noStart.status, 65)
        XCTAssertTrue(noStart.err.contains("exactly one \"start\" tile"), noStart.err)
    }

    /// `train --arch wfc`: WaveFunctionCollapse's patterns of every level in a bundle, drawn from
    /// by `--model` (same seed, same bytes; playable); `--model markov --sample` learns a column
    /// chain on the spot; `--require` counts of enemies are placed, and of coins removed, rather
    /// than drawn again.
    func testPatternBundlesChainsOnTheSpotAndCountRepair() throws {
        let dir = try scratchFolder()
        let bundle = dir.appendingPathComponent("wfc").path
        let trained = try run(["train", "--data", vglc.path, "--arch", "wfc", "--out", bundle], in: dir)
        XCTAssertEqual(trained.status, 0, trained.err)
        XCTAssertTrue(trained.err.contains("15 levels"), trained.err)
        try drawTwice(["--model", bundle, "--seed", "6", "--width", "40"], in: dir)
        // A bundle whose patterns name a tile it does not list is refused, naming the tensor.
        let config = URL(fileURLWithPath: bundle).appendingPathComponent("config.json")
        let text = try String(contentsOf: config, encoding: .utf8)
        try Data(text.replacingOccurrences(of: #""tiles" : "-"#, with: #""tiles" : ""#).utf8).write(to: config)
        let broken = try run(["--model", bundle], in: dir)
        XCTAssertEqual(broken.status, 65, broken.err)
        XCTAssertTrue(broken.err.contains("'patterns' holds a tile index outside 0..<12"), broken.err)
        let markov = try run(
            ["--model", "markov", "--sample", vglc.appendingPathComponent("mario-1-1.txt").path, "--seed", "1", "--width", "60"], in: dir)
        XCTAssertEqual(markov.status, 0, markov.err)
        let counted = try run(["--seed", "2", "--width", "60", "--require", "E==25", "--require", "o==0", "--max-attempts", "1"], in: dir)
        XCTAssertEqual(counted.status, 0, counted.err)
        let level = try Level.read(String(decoding: counted.out, as: UTF8.self), source: "out", legend: .smb)
        XCTAssertEqual(level.rows.joined().filter { $0 == "E" }.count, 25)
        XCTAssertFalse(level.rows.joined().contains("o"))
        for y in 0..<13 { for x in 0..<60 where level.rows[y][x] == "E" { XCTAssertNotEqual(level.rows[y + 1][x], "-", "\(x),\(y)") } }
    }
}

import Foundation
import GenEngine
import XCTest

@testable import augment

final class TabularTests: XCTestCase {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    var temporary: URL!

    override func setUpWithError() throws {
        temporary = FileManager.default.temporaryDirectory.appendingPathComponent("tabular-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: temporary)
        Threads.set(ProcessInfo.processInfo.activeProcessorCount)
    }

    /// The arguments of `augment tabular ARGS`.
    func parse(_ argv: [String]) throws -> Arguments {
        guard case .run(let path, let args) = try CLI.parse(["tabular"] + argv, root: root), path.last?.name == "tabular" else {
            XCTFail("not a run of augment tabular: \(argv)")
            return .empty
        }
        return args
    }

    /// Writes `text` to a temporary file and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let url = temporary.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// The bytes `augment tabular ARGS` would write.
    func output(_ argv: [String]) throws -> Data {
        let args = try parse(argv)
        return tableOutput(try synthesiseTable(args), shard: args[TabularOptions.shard], onlyNew: args[TabularOptions.onlyNew])
    }

    /// The user-facing error (message and exit code) that `body` throws.
    func failure(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> CLIError? {
        do {
            try body()
            XCTFail("no error", file: file, line: line)
            return nil
        } catch {
            return CLIError(from: error)
        }
    }

    // MARK: SMOTE

    /// 9 majority rows far away, 3 minority rows A (0, 0), B (1, 0), C (4, 6): with k = 1, A's and
    /// C's nearest neighbour is B, B's is A (standardised distances keep these, as the scales of
    /// both columns are comparable).
    func handTable() throws -> String {
        var text = "x,y,label\n0,0,min\n1,0,min\n4,6,min\n"
        for i in 0..<9 { text += "\(20 + i),\(30 + i % 3),maj\n" }
        return try file("hand.csv", text)
    }

    func testSMOTEHandComputedSegmentsAndBalancedCounts() throws {
        let path = try handTable()
        let args = try parse(["--in", path, "--target", "label", "--k", "1", "--seed", "11"])
        let result = try synthesiseTable(args)
        XCTAssertEqual(result.data.classes, ["min", "maj"])
        XCTAssertEqual(result.plan.counts, [6, 0], "the minority is raised to the majority's 9 rows")
        XCTAssertEqual(result.rows.count, 6)
        let points: [[Double]] = [[0, 0], [1, 0], [4, 6]]
        let nearest = [1, 0, 1]
        let smote = try SMOTE(result.data, k: 1, plan: result.plan)
        for i in 0..<6 {
            // The draws of imbalanced-learn's generation, by hand: a row, its neighbour, a gap.
            var rng = RNG(seed: 11, stream: "tabular:\(i)")
            let base = rng.int(below: 3)
            XCTAssertEqual(rng.int(below: 1), 0)
            let gap = Double(rng.uniform())
            let (x, nn) = (points[base], points[nearest[base]])
            let expected = [x[0] + gap * (nn[0] - x[0]), x[1] + gap * (nn[1] - x[1])]
            let row = smote.row(i, classIndex: 0, seed: 11)
            XCTAssertEqual(row.numeric[0], expected[0], accuracy: 1e-12)
            XCTAssertEqual(row.numeric[1], expected[1], accuracy: 1e-12)
            // On the segment from x to its neighbour: the same fraction t of the way on both axes.
            var fractions: [Double] = []
            for a in 0..<2 where nn[a] != x[a] { fractions.append((row.numeric[a] - x[a]) / (nn[a] - x[a])) }
            for t in fractions {
                XCTAssertTrue(t >= 0 && t < 1, "row \(i): \(row.numeric)")
                XCTAssertEqual(t, fractions[0], accuracy: 1e-12)
            }
            // Integer columns are written rounded.
            XCTAssertEqual(result.rows[i], [String(Int(expected[0].rounded())), String(Int(expected[1].rounded())), "min"])
        }
        let written = String(decoding: try output(["--in", path, "--target", "label", "--k", "1", "--seed", "11"]), as: UTF8.self)
        let table = try CSV.decode(Data(written.utf8))
        XCTAssertEqual(table.rows.filter { $0[2] == "min" }.count, 9)
        XCTAssertEqual(table.rows.filter { $0[2] == "maj" }.count, 9)
        XCTAssertTrue(written.hasPrefix(try String(contentsOfFile: path, encoding: .utf8)), "originals copied verbatim first")
    }

    func testNeighboursAreStandardisedAndRankedByDistance() throws {
        let path = try handTable()
        let data = try TabularData(try CSV.read(contentsOf: URL(fileURLWithPath: path)), source: path, target: "label")
        XCTAssertEqual(SMOTE.nearest(data, members: data.rowsOfClass[0], k: 2), [[1, 2], [0, 2], [1, 0]])
    }

    func testSMOTENCCategoricalVoteOfTheNeighbours() throws {
        // Minority of 4 rows; with k = 3 every row's neighbours are the other three.
        var text = "v,colour,label\n0,red,a\n1,blue,a\n2,blue,a\n3,red,a\n"
        for i in 0..<10 { text += "\(50 + i),green,b\n" }
        let path = try file("nc.csv", text)
        let result = try synthesiseTable(try parse(["--in", path, "--target", "label", "--k", "3", "--seed", "5"]))
        XCTAssertEqual(result.plan.counts, [6, 0])
        // Votes by hand: row 0's neighbours are blue, blue, red -> blue; row 1's red, blue, red -> red; …
        let vote = ["blue", "red", "red", "blue"]
        for (i, row) in result.rows.enumerated() {
            var rng = RNG(seed: 5, stream: "tabular:\(i)")
            let base = rng.int(below: 4)
            XCTAssertEqual(row[1], vote[base], "synthetic row \(i) from row \(base)")
            XCTAssertNotEqual(row[1], "green", "a category of another class never appears")
        }
        var rng = RNG(seed: 1)
        XCTAssertEqual(SMOTE.vote(["x", "y", "y"], rng: &rng), "y")
        let tied = Set((0..<50).map { _ in SMOTE.vote(["x", "y"], rng: &rng) })
        XCTAssertEqual(tied, ["x", "y"], "ties are broken at random")
    }

    func testSMOTENCPenaltyIsTheMedianStandardDeviation() throws {
        let path = try file("p.csv", "u,w,c,label\n0,0,p,a\n2,0,q,a\n0,4,p,a\n2,4,q,a\n")
        let data = try TabularData(try CSV.read(contentsOf: URL(fileURLWithPath: path)), source: path, target: "label")
        // Standardised, each numeric column has standard deviation 1 here, so Med = 1.
        XCTAssertEqual(SMOTE.categoricalPenalty(data, members: [0, 1, 2, 3]), 1, accuracy: 1e-12)
        // Row 0 (−1, −1, p): row 1 (1, −1, q) is 2² + 1 = 5 away, row 2 (−1, 1, p) 4, row 3 9.
        XCTAssertEqual(SMOTE.nearest(data, members: [0, 1, 2, 3], k: 3)[0], [2, 1, 3])
    }

    func testCategoricalOnlyTablesVoteLikeSMOTEN() throws {
        var text = "colour,size,label\nred,s,a\nred,m,a\nblue,m,a\nred,s,a\n"
        for _ in 0..<8 { text += "green,l,b\n" }
        let path = try file("cat.csv", text)
        let result = try synthesiseTable(try parse(["--in", path, "--target", "label", "--k", "3"]))
        XCTAssertEqual(result.rows.count, 4)
        XCTAssertTrue(result.rows.allSatisfy { ["red", "blue"].contains($0[0]) && ["s", "m"].contains($0[1]) && $0[2] == "a" })
    }

    func testRowsAreSharedInProportionToTheClasses() {
        XCTAssertEqual(SynthesisPlan.proportional(10, classCounts: [240, 45, 15]).counts, [8, 2, 0])
        XCTAssertEqual(SynthesisPlan.proportional(7, classCounts: [1, 1, 1]).counts, [3, 2, 2])
        XCTAssertEqual(SynthesisPlan.balance([240, 45, 15]).counts, [0, 195, 225])
        let plan = SynthesisPlan(counts: [2, 0, 3])
        XCTAssertEqual((0..<5).map(plan.classIndex), [0, 0, 2, 2, 2])
        XCTAssertEqual(plan.classes(1..<4), [0, 2, 2])
    }

    func testNumericFormatsFollowTheOriginals() {
        XCTAssertEqual(NumericFormat(["1", "20", "-3"]), NumericFormat(isInteger: true, decimals: 0))
        XCTAssertEqual(NumericFormat(["1.5", "2.25", "3"]).format(2.123456), "2.12")
        XCTAssertEqual(NumericFormat(["1", "2"]).format(2.5), "3")
        XCTAssertEqual(NumericFormat(["1", "2"]).format(-0.4), "0")
        XCTAssertEqual(NumericFormat(["0.5"]).format(-0.01), "0.0")
        XCTAssertTrue(NumericFormat(["1e-3", "2"]).scientific)
    }

    // MARK: Fidelity report

    func testFidelityNumbersByHand() {
        // F_a − F_b is largest (0.5) between 2 and 4.
        XCTAssertEqual(FidelityReport.ksComplement([1, 2, 3, 4], [3, 4, 5, 6]), 0.5, accuracy: 1e-12)
        XCTAssertEqual(FidelityReport.ksComplement([1, 2, 3], [1, 2, 3]), 1, accuracy: 1e-12)
        // p = (½, ½), q = (¼, ¾): TV = ¼.
        XCTAssertEqual(FidelityReport.tvComplement(["a", "a", "b", "b"], ["a", "b", "b", "b"]), 0.75, accuracy: 1e-12)
        // A value only in the synthetic rows counts: p = (1, 0), q = (½, ½).
        XCTAssertEqual(FidelityReport.tvComplement(["a", "a"], ["a", "c"]), 0.5, accuracy: 1e-12)
        XCTAssertEqual(FidelityReport.bins([0, 1, 1.05, 10, 11, -5], over: [0, 10]), [0, 0, 1, 9, 9, 0])

        let header = ["x", "y", "c"]
        let real = [["1", "1", "a"], ["2", "2", "a"], ["3", "3", "b"], ["4", "4", "b"]]
        let synthetic = [["1", "4", "a"], ["2", "3", "b"], ["3", "2", "b"], ["4", "1", "b"]]
        let report = FidelityReport(header: header, numeric: [true, true, false], real: real, synthetic: synthetic)
        XCTAssertEqual(report.columnShapes.map(\.metric), ["KSComplement", "KSComplement", "TVComplement"])
        XCTAssertEqual(report.columnShapes.map(\.score), [1, 1, 0.75])
        let xy = report.columnPairTrends[0]
        XCTAssertEqual(xy.metric, "CorrelationSimilarity")
        XCTAssertEqual(xy.realCorrelation!, 1, accuracy: 1e-12)
        XCTAssertEqual(xy.syntheticCorrelation!, -1, accuracy: 1e-12)
        XCTAssertEqual(xy.score, 0, accuracy: 1e-12)
        // x and c: real cells (bin 0,a) (3,a) (6,b) (9,b), synthetic (0,a) (3,b) (6,b) (9,b): TV ¼.
        XCTAssertEqual(report.columnPairTrends[1].metric, "ContingencySimilarity")
        XCTAssertEqual(report.columnPairTrends[1].score, 0.75, accuracy: 1e-12)
        // y and c: real (0,a) (3,a) (6,b) (9,b), synthetic (9,a) (6,b) (3,b) (0,b): cells shared only (6,b): TV ¾.
        XCTAssertEqual(report.columnPairTrends[2].score, 0.25, accuracy: 1e-12)
        XCTAssertEqual(report.columnShapesScore, 2.75 / 3, accuracy: 1e-12)
        XCTAssertEqual(report.columnPairTrendsScore!, 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(report.overallScore, (2.75 / 3 + 1.0 / 3) / 2, accuracy: 1e-12)
    }

    func testGeneratedRowsResembleTheWineData() throws {
        let wine = fixtures.appendingPathComponent("wine.csv").path
        for method in ["smote", "gmm"] {
            let result = try synthesiseTable(try parse(["--in", wine, "--target", "cultivar", "--method", method, "--rows", "178"]))
            let report = try XCTUnwrap(result.stats.fidelity)
            XCTAssertGreaterThan(report.columnShapesScore, 0.85, method)
            XCTAssertGreaterThan(report.columnPairTrendsScore!, 0.85, method)
            let proline = result.data.header.firstIndex(of: "proline")!
            XCTAssertTrue(result.rows.allSatisfy { Int($0[proline]) != nil }, "proline stays an integer column")
        }
    }

    func testVAETrainsAndDecodesEveryClass() throws {
        let customers = fixtures.appendingPathComponent("customers.csv").path
        let args = try parse(["--in", customers, "--target", "label", "--method", "vae", "--steps", "150", "--rows", "300"])
        let result = try synthesiseTable(args)
        let losses = try XCTUnwrap(result.stats.vaeNegativeELBO)
        XCTAssertLessThan(losses[1], losses[0], "training lowers the negative ELBO")
        XCTAssertEqual(result.rows.count, 300)
        XCTAssertEqual(Set(result.rows.map { $0[5] }), ["negative", "positive", "review"])
        XCTAssertGreaterThan(result.stats.fidelity!.columnShapesScore, 0.7)
    }

    // MARK: Determinism

    func testSameBytesForAnyThreadCountAndShards() throws {
        let customers = fixtures.appendingPathComponent("customers.csv").path
        for method in ["smote", "gmm", "vae"] {
            let base = ["--in", customers, "--target", "label", "--method", method, "--steps", "40", "--seed", "3"]
            Threads.set(1)
            let one = try output(base)
            Threads.set(2)
            let two = try output(base)
            XCTAssertEqual(one, two, "\(method): 1 and 2 threads")
            let shards = try (0..<3).map { try output(base + ["--shard", "\($0)/3"]) }
            XCTAssertEqual(shards.reduce(Data(), +), one, "\(method): shards concatenated equal one run")
            XCTAssertFalse(shards[1].starts(with: Data("age,".utf8)), "only shard 0 writes the header")
            XCTAssertNotEqual(
                try output(["--in", customers, "--target", "label", "--method", method, "--steps", "40", "--seed", "4"]), one)
        }
        let newOnly = try output(["--in", customers, "--target", "label", "--only-new"])
        XCTAssertTrue(String(decoding: newOnly, as: UTF8.self).hasPrefix("age,income,score,city,plan,label\n"))
        XCTAssertEqual(try CSV.decode(newOnly).rows.count, 420)
    }

    // MARK: Bad input

    func testBadInputsGiveClearErrorsAndExitCodes() throws {
        let ragged = try file("ragged.csv", "a,b,label\n1,2,x\n3,4\n")
        var e = failure { _ = try synthesiseTable(try parse(["--in", ragged, "--target", "label"])) }
        XCTAssertEqual(e?.code, .dataError)
        XCTAssertTrue(e?.message.contains("ragged.csv: line 3") ?? false, e?.message ?? "")

        let good = try handTable()
        e = failure { _ = try synthesiseTable(try parse(["--in", good, "--target", "class"])) }
        XCTAssertEqual(e?.code, .usage)
        XCTAssertTrue(e?.message.contains("no column 'class'; its columns are 'x', 'y', 'label'") ?? false, e?.message ?? "")

        e = failure { _ = try synthesiseTable(try parse(["--in", good, "--target", "label", "--k", "3"])) }
        XCTAssertEqual(e?.code, .dataError)
        XCTAssertTrue(e?.message.contains("class 'min' has 3 rows") ?? false, e?.message ?? "")
        XCTAssertTrue(e?.message.contains("lower --k (to at most 2)") ?? false, e?.message ?? "")

        let empty = try file("empty.csv", "")
        e = failure { _ = try synthesiseTable(try parse(["--in", empty, "--target", "label"])) }
        XCTAssertEqual(e?.code, .dataError)
        XCTAssertTrue(e?.message.contains("empty") ?? false, e?.message ?? "")

        let headerOnly = try file("header.csv", "a,label\n")
        e = failure { _ = try synthesiseTable(try parse(["--in", headerOnly, "--target", "label"])) }
        XCTAssertEqual(e?.code, .dataError)

        e = failure {
            _ = try synthesiseTable(try parse(["--in", temporary.appendingPathComponent("none.csv").path, "--target", "label"]))
        }
        XCTAssertEqual(e?.code, .noInput)

        e = failure { _ = try parse(["--in", good, "--method", "gan"]) }
        XCTAssertEqual(e?.code, .usage)
        e = failure { _ = try synthesiseTable(try parse(["--in", good, "--target", "label", "--balance", "--rows", "3"])) }
        XCTAssertEqual(e?.code, .usage)
        e = failure { _ = try synthesiseTable(try parse(["--in", good])) }
        XCTAssertEqual(e?.code, .usage)

        // Text among numbers: the column is categorical, and a note says why.
        let mixed = try file("mixed.csv", "n,label\n1,a\n2,a\nabc,a\n4,b\n5,b\n6,b\n7,b\n8,b\n")
        let result = try synthesiseTable(try parse(["--in", mixed, "--target", "label", "--k", "2"]))
        XCTAssertEqual(result.data.categoricalColumns, [0])
        XCTAssertTrue(result.data.notes.first?.contains("'abc' (data row 3) is not a number") ?? false, "\(result.data.notes)")
    }

    func testOutputIsNeverReplacedWithoutForceNorLeftPartial() throws {
        let good = try handTable()
        let out = try file("out.csv", "keep me\n")
        let e = failure { try augmentTable(try parse(["--in", good, "--target", "label", "--k", "1", "--out", out, "--quiet"])) }
        XCTAssertEqual(e?.code, .cannotCreate)
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "keep me\n")
        let failing = failure { try augmentTable(try parse(["--in", good, "--target", "label", "--out", out, "--force", "--quiet"])) }
        XCTAssertEqual(failing?.code, .dataError, "k = 5 is too many for 3 rows")
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "keep me\n", "nothing written on failure")
        let stats = temporary.appendingPathComponent("stats.json").path
        try augmentTable(try parse(["--in", good, "--target", "label", "--k", "1", "--out", out, "--force", "--quiet", "--stats", stats]))
        XCTAssertEqual(try CSV.read(contentsOf: URL(fileURLWithPath: out)).rows.count, 18)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: stats))) as? [String: Any]
        XCTAssertEqual(json?["newRows"] as? Int, 6)
        XCTAssertNotNil((json?["fidelity"] as? [String: Any])?["overallScore"])
    }

    // MARK: Cross-check with imbalanced-learn (optional)

    func testCountsMatchImbalancedLearn() throws {
        let script = """
            import csv, sys, collections
            try:
                import numpy as np
                from imblearn.over_sampling import SMOTENC
            except ImportError:
                sys.exit(3)
            rows = list(csv.reader(open(sys.argv[1])))[1:]
            X = np.array([[float(r[0]), float(r[1]), float(r[2]), r[3], r[4]] for r in rows], dtype=object)
            y = [r[5] for r in rows]
            _, y2 = SMOTENC(categorical_features=[3, 4], random_state=0).fit_resample(X, y)
            c = collections.Counter(y2)
            print(",".join(f"{k}={c[k]}" for k in sorted(c)))
            """
        let customers = fixtures.appendingPathComponent("customers.csv").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, customers]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = Pipe()
        do { try process.run() } catch { throw XCTSkip("python3 is not available") }
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus == 3 || process.terminationStatus == 127 {
            throw XCTSkip("python3 with imbalanced-learn is not available")
        }
        XCTAssertEqual(process.terminationStatus, 0, "the imbalanced-learn script failed")
        let result = try synthesiseTable(try parse(["--in", customers, "--target", "label"]))
        let ours = result.data.classes.indices.map { ($0, result.data.classCounts[$0] + result.plan.counts[$0]) }
            .sorted { result.data.classes[$0.0] < result.data.classes[$1.0] }.map { "\(result.data.classes[$0.0])=\($0.1)" }
        XCTAssertEqual(ours.joined(separator: ","), text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

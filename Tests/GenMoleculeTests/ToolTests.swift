import Foundation
import ToolTesting
import XCTest

@testable import gen_molecule

/// gen-molecule as a user runs it.
final class ToolTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("gen-molecule-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func run(_ args: [String], stdin: String? = nil) throws -> (out: String, err: String, status: Int32) {
        let r = try runTool("gen-molecule", args, in: dir, stdin: stdin.map { Data($0.utf8) })
        return (r.text, r.err, r.status)
    }

    /// 3,000 MOSES molecules as a training file.
    func trainingFile() throws -> String {
        let lines = try SMILESFile(Fixtures.root.appendingPathComponent("samples/data/moses/train-100k.smi.gz").path).entries.prefix(3000)
        let path = dir.appendingPathComponent("train.smi").path
        try (lines.map(\.smiles).joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Train a tiny GRU for a few steps (checkpoints included), sample with a seed twice: the same
    /// bytes; every molecule written is valid and distinct; raw shards put together are the whole.
    func testTrainAndSampleAreReproducible() throws {
        let data = try trainingFile()
        let trained = try run([
            "train", "--data", data, "--arch", "gru", "--width", "32", "--layers", "1", "--batch", "8", "--length", "32",
            "--steps", "12", "--validate-every", "6", "--out", "gru", "--quiet",
        ])
        XCTAssertEqual(trained.status, 0, trained.err)
        let first = try run(["--model", "gru", "--count", "5", "--seed", "3", "--max-attempts", "5000", "--quiet"])
        let second = try run(["--model", "gru", "--count", "5", "--seed", "3", "--max-attempts", "5000", "--quiet"])
        XCTAssertEqual(first.status, 0, first.err)
        XCTAssertEqual(first.out, second.out)
        let molecules = first.out.split(separator: "\n").map(String.init)
        XCTAssertEqual(molecules.count, 5)
        XCTAssertEqual(Set(molecules).count, 5)
        for m in molecules { XCTAssertEqual(try readMolecule(m).get().canonicalSMILES(), m) }
        let whole = try run(["--model", "gru", "--count", "9", "--raw", "--seed", "1", "--quiet"]).out
        let parts = try (0..<3).map {
            try run(["--model", "gru", "--count", "9", "--raw", "--seed", "1", "--shard", "\($0)/3", "--quiet"]).out
        }
        XCTAssertEqual(parts.joined(), whole)
        XCTAssertEqual(whole.split(separator: "\n", omittingEmptySubsequences: false).count, 10)
        // Fine-tuning from the GRU (transfer learning, as REINVENT's prior) keeps its vocabulary;
        // a SMILES token the GRU never saw reads as <unk>.
        let focused = dir.appendingPathComponent("focused.smi").path
        try "c1ccc2[se]ccc2c1\nCCOc1ccccc1\nCCN(CC)CC\n".write(toFile: focused, atomically: true, encoding: .utf8)
        let tuned = try run([
            "train", "--data", focused, "--init", "gru", "--steps", "3", "--batch", "1", "--length", "8", "--validation", "0.34", "--out",
            "tuned", "--quiet",
        ])
        XCTAssertEqual(tuned.status, 0, tuned.err)
        XCTAssertTrue(tuned.err.contains("hold tokens the --init model's vocabulary lacks"), tuned.err)
        XCTAssertEqual(
            try Data(contentsOf: dir.appendingPathComponent("tuned/tokenizer.json")),
            try Data(contentsOf: dir.appendingPathComponent("gru/tokenizer.json")))
        XCTAssertEqual(try run(["--model", "tuned", "--count", "2", "--seed", "3", "--max-attempts", "5000", "--quiet"]).status, 0)
    }

    /// The n-gram baseline, constrained: more valid draws than unconstrained from the same model.
    func testConstrainedDecodingRaisesValidity() throws {
        let data = try trainingFile()
        XCTAssertEqual(try run(["train", "--data", data, "--arch", "ngram", "--order", "8", "--out", "ngram"]).status, 0)
        func validity(_ extra: [String]) throws -> Double {
            let csv = try run(["--model", "ngram", "--count", "300", "--raw", "--format", "csv", "--quiet"] + extra)
            XCTAssertEqual(csv.status, 0, csv.err)
            let rows = csv.out.split(separator: "\n").dropFirst()
            XCTAssertEqual(rows.count, 300)
            return Double(rows.filter { $0.contains(",1,") }.count) / 300
        }
        let plain = try validity([])
        let constrained = try validity(["--constrained"])
        XCTAssertGreaterThan(constrained, plain + 0.05, "constrained \(constrained), plain \(plain)")
    }

    func testCheckAndCanonicalOnStandardInput() throws {
        let check = try run(["check", "-"], stdin: "CCO\nC1CC\nc1ccccc1\n\u{FF}\u{00}x\n")
        XCTAssertEqual(check.status, 1)
        XCTAssertEqual(
            check.out,
            "valid CCO\ninvalid: ring bond 1 is never closed at position 2\nvalid c1ccccc1\ninvalid: unexpected byte 0xC3 at position 1\n")
        XCTAssertTrue(check.err.contains("2 of 4 SMILES are invalid"), check.err)
        let canonical = try run(["canonical"], stdin: "OCC\nC1=CC=CC=C1\n")
        XCTAssertEqual(canonical.status, 0, canonical.err)
        XCTAssertEqual(canonical.out, "CCO\nc1ccccc1\n")
    }

    func testBadTrainingData() throws {
        try "".write(to: dir.appendingPathComponent("empty.smi"), atomically: true, encoding: .utf8)
        let empty = try run(["train", "--data", "empty.smi", "--out", "m"])
        XCTAssertEqual(empty.status, 65)
        XCTAssertTrue(empty.err.contains("holds 0 SMILES"), empty.err)
        try "Hello, world! This is not SMILES.\nNor is this line.\n".write(
            to: dir.appendingPathComponent("text.smi"), atomically: true, encoding: .utf8)
        let text = try run(["train", "--data", "text.smi", "--out", "m"])
        XCTAssertEqual(text.status, 65)
        XCTAssertTrue(text.err.contains("is it a SMILES file?"), text.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("m").path))
    }
}

extension ToolTests {
    func testPropsAndFilters() throws {
        let props = try run(["props", "-"], stdin: "CCO\nC1CC\n")
        XCTAssertEqual(props.status, 1)
        let lines = props.out.split(separator: "\n")
        XCTAssertEqual(lines[0], "smiles,valid,reason,MW,logP,TPSA,HBD,HBA,rotatable,rings,aromaticRings,heavyAtoms")
        XCTAssertEqual(lines[1], "CCO,1,,46.07,-0.0014,20.23,1,1,0,0,0,3")  // RDKit: 46.069, -0.0014, 20.23
        XCTAssertTrue(lines[2].hasPrefix("C1CC,0,ring bond 1 is never closed"))
        let bad = try run(["--require", "Mass<3"])
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.err.contains("unknown property 'Mass'"), bad.err)
        let data = try trainingFile()
        XCTAssertEqual(try run(["train", "--data", data, "--arch", "ngram", "--order", "8", "--out", "ngram"]).status, 0)
        let filtered = try run(["--model", "ngram", "--count", "20", "--require", "MW<=250", "--format", "csv", "--quiet"])
        XCTAssertEqual(filtered.status, 0, filtered.err)
        let rows = filtered.out.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        XCTAssertEqual(rows.count, 20)
        for row in rows { XCTAssertLessThanOrEqual(Double(row[5])!, 250) }
        let impossible = try run(["--model", "ngram", "--count", "3", "--require", "MW<=1", "--max-attempts", "200", "--quiet"])
        XCTAssertEqual(impossible.status, 3)
        XCTAssertTrue(impossible.err.contains("only 0 of 3 molecules passed within 256 attempts"), impossible.err)
    }

    func testEvalReportsTheMOSESMetrics() throws {
        try "CCO\nCCO\nC1CC\n\nc1ccccc1\n".write(to: dir.appendingPathComponent("gen.smi"), atomically: true, encoding: .utf8)
        try "CCO\nCCN\n".write(to: dir.appendingPathComponent("train.smi"), atomically: true, encoding: .utf8)
        let eval = try run(["eval", "gen.smi", "--train", "train.smi", "--json", "-"])
        XCTAssertEqual(eval.status, 0, eval.err)
        let json = try XCTUnwrap(eval.out.range(of: "{").map { String(eval.out[$0.lowerBound...]) })
        let metrics = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        XCTAssertEqual(metrics["samples"] as? Int, 5)
        XCTAssertEqual(metrics["validity"] as! Double, 0.6, accuracy: 1e-12)  // the empty line is an invalid sample
        XCTAssertEqual(metrics["unique1k"] as! Double, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(metrics["novelty"] as! Double, 0.5, accuracy: 1e-12)  // benzene is new, ethanol is not
        XCTAssertEqual(metrics["scaffoldNovelty"] as! Double, 1, accuracy: 1e-12)
    }

    /// Ctrl-C or a kill while the molecules stream to `--out` leaves neither a partial file nor
    /// the hidden temporary one.
    func testASignalLeavesNoTemporaryFile() throws {
        for signal in [SIGTERM, SIGINT] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
                .appendingPathComponent("gen-molecule")
            process.arguments = ["--count", "100000", "--out", "many.smi", "--quiet"]
            process.currentDirectoryURL = dir
            try process.run()
            // Wait until the temporary file is being written, then signal.
            let started = Date()
            while try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty && Date().timeIntervalSince(started) < 60 {
                usleep(20_000)
            }
            XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty, "no temporary file appeared")
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationReason, .uncaughtSignal)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [], "signal \(signal)")
        }
    }

    /// Files as Windows tools write them (CR LF line ends, a byte-order mark) read as their LF
    /// twins do; reports replace nothing without --force; one file is not two outputs; an empty
    /// reference set is refused rather than scored as perfect.
    func testWindowsFilesAndReportOutputs() throws {
        try "CCO\nC1CC\n\nc1ccccc1\n".write(to: dir.appendingPathComponent("gen.smi"), atomically: true, encoding: .utf8)
        try "\u{FEFF}CCO\r\nCCN\r\n".write(to: dir.appendingPathComponent("train-crlf.smi"), atomically: true, encoding: .utf8)
        try "CCO\nCCN\n".write(to: dir.appendingPathComponent("train.smi"), atomically: true, encoding: .utf8)
        let windows = try run(["eval", "gen.smi", "--train", "train-crlf.smi", "--json", "-"])
        XCTAssertEqual(windows.status, 0, windows.err)
        XCTAssertEqual(windows.out, try run(["eval", "gen.smi", "--train", "train.smi", "--json", "-"]).out)
        XCTAssertEqual(try run(["check", "train-crlf.smi"]).out, "valid CCO\nvalid CCN\n")
        try "CCO\rCCN\r".write(to: dir.appendingPathComponent("mac.smi"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try run(["check", "mac.smi"]).out, "valid CCO\nvalid CCN\n")
        let json = dir.appendingPathComponent("report.json")
        try "keep".write(to: json, atomically: true, encoding: .utf8)
        let kept = try run(["eval", "gen.smi", "--json", "report.json"])
        XCTAssertEqual(kept.status, 73)
        XCTAssertEqual(try String(contentsOf: json, encoding: .utf8), "keep")
        XCTAssertEqual(try run(["eval", "gen.smi", "--json", "report.json", "--force"]).status, 0)
        XCTAssertNotEqual(try String(contentsOf: json, encoding: .utf8), "keep")
        let twice = try run(["--model", "ngram", "--out", "x.smi", "--stats", "./x.smi"])
        XCTAssertEqual(twice.status, 73)
        XCTAssertTrue(twice.err.contains("named for two outputs"), twice.err)
        try "".write(to: dir.appendingPathComponent("empty.smi"), atomically: true, encoding: .utf8)
        let empty = try run(["eval", "gen.smi", "--train", "empty.smi"])
        XCTAssertEqual(empty.status, 65)
        XCTAssertTrue(empty.err.contains("holds no SMILES"), empty.err)
    }
}

extension ToolTests {
    /// Every molecule gen-molecule writes parses in RDKit, and distinct ones stay distinct (an
    /// optional oracle: skipped where `python3 -c "import rdkit"` fails).
    func testRDKitReadsEveryWrittenMolecule() throws {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import rdkit"]
        (probe.standardOutput, probe.standardError) = (FileHandle.nullDevice, FileHandle.nullDevice)
        guard (try? probe.run()) != nil else { throw XCTSkip("python3 is not installed") }
        probe.waitUntilExit()
        guard probe.terminationStatus == 0 else { throw XCTSkip("RDKit is not installed (pip install rdkit)") }
        let data = try trainingFile()
        XCTAssertEqual(try run(["train", "--data", data, "--arch", "ngram", "--order", "8", "--out", "ngram"]).status, 0)
        let written = try run(["--model", "ngram", "--count", "300", "--constrained", "--seed", "5", "--out", "mols.smi", "--quiet"])
        XCTAssertEqual(written.status, 0, written.err)
        let script = """
            import sys
            from rdkit import Chem, RDLogger
            RDLogger.DisableLog("rdApp.*")
            lines = open("mols.smi").read().split()
            mols = [Chem.MolFromSmiles(s) for s in lines]
            bad = [s for s, m in zip(lines, mols) if m is None]
            forms = {Chem.MolToSmiles(m, isomericSmiles=False) for m in mols if m is not None}
            print(len(lines), len(bad), len(forms), bad[:5])
            """
        let oracle = Process()
        oracle.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        oracle.arguments = ["python3", "-c", script]
        oracle.currentDirectoryURL = dir
        let pipe = Pipe()
        oracle.standardOutput = pipe
        try oracle.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        oracle.waitUntilExit()
        XCTAssertEqual(out.split(separator: " ").prefix(3).joined(separator: " "), "300 0 300", out)
    }
}

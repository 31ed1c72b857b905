import Foundation
import ToolTesting
import XCTest

@testable import GenEngine
@testable import gen_text

/// gen-text as a user runs it: the built executable in a temporary folder, its stdout, stderr and
/// exit code.
final class GenTextTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("gen-text-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// Runs gen-text with `args` (and `input` on stdin); returns stdout bytes, stderr text and status.
    @discardableResult
    func run(_ args: [String], input: Data? = nil) throws -> (out: Data, err: String, status: Int32) {
        let r = try runTool("gen-text", args, in: dir, stdin: input)
        return (r.out, r.err, r.status)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// A small corpus of three documents.
    func corpus() throws -> [String] {
        let verse = "To be, or not to be, that is the question:\nWhether 'tis nobler in the mind to suffer\n\n"
        return try (0..<3).map { try write("doc\($0).txt", String(repeating: verse, count: 20 + $0)) }
    }

    func testTrainSampleEvaluateEndToEnd() throws {
        let files = try corpus()
        let gpt = dir.appendingPathComponent("gpt").path
        let trained = try run(
            ["train", "--corpus"] + files + [
                "--arch", "gpt", "--steps", "3", "--length", "16", "--layers", "1", "--width", "16", "--heads", "2", "--batch", "2",
                "--validation", "0.34", "--out", gpt, "--quiet",
            ])
        XCTAssertEqual(trained.status, 0, trained.err)
        for file in ["config.json", "model.safetensors", "tokenizer.json", "curve.png"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: gpt + "/" + file), file)
        }
        // Same seed, same bytes; the prompt is echoed and continued.
        let a = try run(["--model", gpt, "To be", "--max-tokens", "40", "--seed", "9", "--quiet"])
        let b = try run(["--model", gpt, "To be", "--max-tokens", "40", "--seed", "9", "--quiet"])
        XCTAssertEqual(a.status, 0, a.err)
        XCTAssertEqual(a.out, b.out)
        XCTAssertTrue(String(decoding: a.out, as: UTF8.self).hasPrefix("To be"))
        XCTAssertNotEqual(a.out, try run(["--model", gpt, "To be", "--max-tokens", "40", "--seed", "10", "--quiet"]).out)
        // Several samples in one batch, and the prompt from standard input.
        let many = try run(["--model", gpt, "-", "--max-tokens", "10", "--count", "3", "--quiet"], input: Data("To".utf8))
        XCTAssertEqual(String(decoding: many.out, as: UTF8.self).components(separatedBy: "---\n").count, 3)
        // Stats.
        let stats = dir.appendingPathComponent("stats.json").path
        XCTAssertEqual(try run(["--model", gpt, "--max-tokens", "5", "--stats", stats, "--quiet"]).status, 0)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: stats))) as! [String: Any]
        XCTAssertEqual(json["tokens"] as? Int, 5)
        XCTAssertNotNil(json["timeToFirstTokenSeconds"])

        // An n-gram: eval's units agree with the model's own log-likelihood.
        let ngram = dir.appendingPathComponent("ngram").path
        XCTAssertEqual(try run(["train", "--corpus"] + files + ["--arch", "ngram", "--order", "3", "--out", ngram, "--quiet"]).status, 0)
        // float16 decoding: reproducible from its seed, for one sample of a GPT only.
        let half = ["--model", gpt, "To be", "--max-tokens", "40", "--seed", "9", "--quiet", "--dtype", "float16"]
        let h = try run(half)
        XCTAssertEqual(h.status, 0, h.err)
        XCTAssertEqual(h.out, try run(half).out)
        XCTAssertTrue(String(decoding: h.out, as: UTF8.self).hasPrefix("To be"))
        for (args, message) in [
            (["--model", gpt, "--count", "2", "--dtype", "float16"], "one sample at a time"),
            (["--model", ngram, "--dtype", "float16"], "applies to GPT models"),
            (["--model", gpt, "--dtype", "bf16"], "one of float32, float16"),
        ] {
            let refused = try run(args)
            XCTAssertEqual(refused.status, 64, refused.err)
            XCTAssertTrue(refused.err.contains(message), refused.err)
        }

        // Fine-tuning: --init starts from the GPT's weights, sizes and tokenizer (two steps at a
        // tiny rate leave the weights within 1e-3; fresh weights would differ by far more).
        let tuned = dir.appendingPathComponent("tuned").path
        let fine = try run([
            "train", "--corpus", files[0], "--init", gpt, "--steps", "2", "--batch", "2", "--lr", "1e-6", "--out", tuned, "--quiet",
        ])
        XCTAssertEqual(fine.status, 0, fine.err)
        XCTAssertEqual(
            try Data(contentsOf: URL(fileURLWithPath: tuned + "/tokenizer.json")),
            try Data(contentsOf: URL(fileURLWithPath: gpt + "/tokenizer.json")))
        // The starting weights are validated first (step 0), so a run that never improves on them returns them.
        let firstRecord = try String(contentsOfFile: tuned + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")[0]
        XCTAssertTrue(firstRecord.contains(#""step":0"#) && firstRecord.contains("validationLoss"), String(firstRecord))
        let before = Dictionary(uniqueKeysWithValues: (try loadTextModel(gpt).model as! TransformerLM).stateDict())
        let after = (try loadTextModel(tuned).model as! TransformerLM).stateDict()
        XCTAssertEqual(after.count, before.count)
        for (name, tensor) in after {
            let gap = zip(tensor.scalars, before[name]!.scalars).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(gap, 1e-3, name)
        }
        let sized = try run(["train", "--corpus", files[0], "--init", gpt, "--layers", "2", "--arch", "gpt", "--out", "x"])
        XCTAssertEqual(sized.status, 64)
        XCTAssertTrue(sized.err.contains("leave out --arch, --layers"), sized.err)
        let long = try run(["train", "--corpus", files[0], "--init", gpt, "--length", "64", "--out", "x"])
        XCTAssertEqual(long.status, 64)
        XCTAssertTrue(long.err.contains("longer than the --init GPT's context of 16"), long.err)
        // A resume names the --init its run started from (else another tokenizer would be built).
        let resumed = try run(["train", "--corpus", files[0], "--resume", "--out", tuned])
        XCTAssertEqual(resumed.status, 64)
        XCTAssertTrue(resumed.err.contains("started from --init"), resumed.err)
        // Characters the --init vocabulary lacks: named with their file, or left out.
        let odd = try write("odd.txt", String(repeating: "To be (or not) to be\n\n", count: 40))
        let lacking = try run(["train", "--corpus", odd, "--init", gpt, "--steps", "1", "--batch", "2", "--out", "odd"])
        XCTAssertEqual(lacking.status, 65)
        XCTAssertTrue(lacking.err.contains("odd.txt (for --init's vocabulary)") && lacking.err.contains("--skip-unknown"), lacking.err)
        let skipped = try run(
            ["train", "--corpus", odd, "--init", gpt, "--steps", "1", "--batch", "2", "--skip-unknown", "--out", "odd", "--quiet"])
        XCTAssertEqual(skipped.status, 0, skipped.err)
        let counted = try run(["train", "--corpus", files[0], "--init", ngram, "--out", "x"])
        XCTAssertEqual(counted.status, 64)
        XCTAssertTrue(counted.err.contains("an n-gram is counted, not fine-tuned"), counted.err)
        let text = "To be, or not to be"
        let evalFile = try write("eval.txt", text)
        let result = try run(["eval", "--model", ngram, "--text", evalFile, "--json", "-"])
        XCTAssertEqual(result.status, 0, result.err)
        let numbers = try JSONSerialization.jsonObject(with: result.out) as! [String: Any]
        let loaded = try loadTextModel(ngram)
        let ids = try loaded.tokenizer.encode(text)
        let nats = -(loaded.model as! NGramModel).logLikelihood(ids).dropFirst().reduce(0, +)
        XCTAssertEqual(numbers["natsPerToken"] as! Double, nats / Double(ids.count - 1), accuracy: 1e-9)
        XCTAssertEqual(numbers["natsPerCharacter"] as! Double, nats / Double(text.unicodeScalars.count - 1), accuracy: 1e-9)
        XCTAssertEqual(numbers["bitsPerCharacter"] as! Double, nats / Double(text.unicodeScalars.count - 1) / log(2), accuracy: 1e-9)
        XCTAssertEqual(numbers["perplexity"] as! Double, exp(nats / Double(ids.count - 1)), accuracy: 1e-9)
        // tokenize and detokenize are inverses.
        let tokens = try run(["tokenize", "--model", ngram, evalFile])
        XCTAssertEqual(String(decoding: tokens.out, as: UTF8.self).split(separator: "\n").count, ids.count)
        XCTAssertEqual(String(decoding: try run(["detokenize", "--model", ngram], input: tokens.out).out, as: UTF8.self), text)
    }

    func testBadInputsGetClearErrors() throws {
        let files = try corpus()
        let model = dir.appendingPathComponent("m").path
        XCTAssertEqual(try run(["train", "--corpus"] + files + ["--arch", "ngram", "--order", "2", "--out", model, "--quiet"]).status, 0)
        func expect(_ args: [String], _ text: String, _ status: Int32, input: Data? = nil, line: UInt = #line) throws {
            let r = try run(args, input: input)
            XCTAssertEqual(r.status, status, r.err, line: line)
            XCTAssertTrue(r.err.contains(text), r.err, line: line)
        }
        try expect(["train", "--corpus", try write("empty.txt", ""), "--out", "x"], "is empty", 65)
        try Data([0x50, 0x4B, 0x00, 0x01, 0x02]).write(to: dir.appendingPathComponent("binary.bin"))
        try expect(["train", "--corpus", "binary.bin", "--out", "x"], "NUL bytes", 65)
        try Data([0x61, 0x62, 0xC3, 0x28]).write(to: dir.appendingPathComponent("latin.txt"))
        try expect(["train", "--corpus", "latin.txt", "--out", "x"], "byte offset 2", 65)
        try expect(["--model", model, "--prompt-file", "latin.txt"], "byte offset 2", 65)
        XCTAssertEqual(
            try run(["--model", model, "--prompt-file", "latin.txt", "--lossy", "--skip-unknown", "--quiet", "--max-tokens", "3"]).status, 0
        )
        try expect(["--model", model, "To 한"], "U+D55C '한'", 65)
        XCTAssertEqual(try run(["--model", model, "To 한", "--skip-unknown", "--max-tokens", "3", "--quiet"]).status, 0)
        try expect(["--model", model, "--max-tokens", "0"], "--max-tokens must be in 1...", 64)
        try expect(["train", "--corpus", files[0], "--arch", "gptt", "--out", "x"], "did you mean gpt", 64)
        try expect(["--model", dir.appendingPathComponent("nowhere").path], "no such file", 66)
        // A corrupt bundle: its weights cut short.
        let weights = URL(fileURLWithPath: model + "/model.safetensors")
        try Data(contentsOf: weights).prefix(40).write(to: weights)
        try expect(["--model", model], "model.safetensors", 65)
    }

    func testALongPromptSlidesAndSaysSo() throws {
        let files = try corpus()
        let gpt = dir.appendingPathComponent("gpt").path
        XCTAssertEqual(
            try run(
                ["train", "--corpus"] + files + [
                    "--arch", "gpt", "--steps", "1", "--length", "16", "--layers", "1", "--width", "8", "--heads", "2", "--batch", "2",
                    "--out", gpt, "--quiet",
                ]
            ).status, 0)
        let r = try run(["--model", gpt, String(repeating: "To be, ", count: 10), "--max-tokens", "5"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.err.contains("the model reads the last 15"), r.err)
    }

    /// Text as Windows tools write it (CR LF line ends, a byte-order mark) is read as Python's
    /// text mode reads it: the same model and the same scores as its LF twin. A report replaces
    /// nothing without --force.
    func testWindowsTextAndReportOutputs() throws {
        let verse = "To be, or not to be, that is the question:\nWhether 'tis nobler in the mind to suffer\n\n"
        let unix = try (0..<3).map { try write("unix\($0).txt", String(repeating: verse, count: 20 + $0)) }
        let windows = try (0..<3).map {
            try write(
                "windows\($0).txt", "\u{FEFF}" + String(repeating: verse, count: 20 + $0).replacingOccurrences(of: "\n", with: "\r\n"))
        }
        for (name, files) in [("unix", unix), ("windows", windows)] {
            let trained = try run(["train", "--corpus"] + files + ["--arch", "ngram", "--order", "3", "--out", name, "--quiet"])
            XCTAssertEqual(trained.status, 0, trained.err)
        }
        let bundle = { (name: String) in try Data(contentsOf: self.dir.appendingPathComponent(name + "/model.safetensors")) }
        XCTAssertEqual(try bundle("windows"), try bundle("unix"))
        let scores = try ["unix0.txt", "windows0.txt"].map { file -> [String: Any] in
            let r = try run(["eval", "--model", "unix", "--text", file, "--json", "-"])
            XCTAssertEqual(r.status, 0, r.err)
            return try JSONSerialization.jsonObject(with: r.out) as! [String: Any]
        }
        for key in ["characters", "tokens", "natsPerToken"] {
            XCTAssertEqual(scores[1][key] as? NSNumber, scores[0][key] as? NSNumber, key)
        }
        // An unknown character is placed by line and column, which CR LF does not shift.
        let odd = try write("odd.txt", "\u{FEFF}To be,\r\nor \u{2713}\r\n")
        let placed = try run(["eval", "--model", "unix", "--text", odd])
        XCTAssertEqual(placed.status, 65)
        XCTAssertTrue(placed.err.contains("U+2713 '\u{2713}' at line 2, column 4"), placed.err)
        let report = try write("report.json", "keep")
        let kept = try run(["eval", "--model", "unix", "--text", "unix0.txt", "--json", report])
        XCTAssertEqual(kept.status, 73, kept.err)
        XCTAssertEqual(try String(contentsOfFile: report, encoding: .utf8), "keep")
        XCTAssertEqual(try run(["eval", "--model", "unix", "--text", "unix0.txt", "--json", report, "--force"]).status, 0)
    }

    /// `train --out` never writes among other files, or over a file; `--stop ""` is refused;
    /// `eval --skip-unknown` scores the text without the characters the model lacks.
    func testOutputFolderAndOptionChecks() throws {
        let files = try corpus()
        let file = try write("a-file", "x")
        let onFile = try run(["train", "--corpus"] + files + ["--arch", "ngram", "--out", file])
        XCTAssertEqual(onFile.status, 73, onFile.err)
        XCTAssertTrue(onFile.err.contains("a file of that name is in the way"), onFile.err)
        let crowded = dir.appendingPathComponent("crowded")
        try FileManager.default.createDirectory(at: crowded, withIntermediateDirectories: true)
        _ = try write("crowded/notes.md", "mine")
        let among = try run(["train", "--corpus"] + files + ["--arch", "ngram", "--out", crowded.path])
        XCTAssertEqual(among.status, 73, among.err)
        XCTAssertEqual(
            try run(["train", "--corpus"] + files + ["--arch", "ngram", "--out", crowded.path, "--force", "--quiet"]).status, 0)
        XCTAssertEqual(try run(["--model", crowded.path, "--stop", "", "--max-tokens", "3"]).status, 64)
        let odd = try write("odd.txt", "To be \u{2713} or not")
        XCTAssertEqual(try run(["eval", "--model", crowded.path, "--text", odd]).status, 65)
        let skipped = try run(["eval", "--model", crowded.path, "--text", odd, "--skip-unknown", "--json", "-"])
        XCTAssertEqual(skipped.status, 0, skipped.err)
        let numbers = try JSONSerialization.jsonObject(with: skipped.out) as! [String: Any]
        XCTAssertEqual(numbers["characters"] as? Int, "To be  or not".count - 1)
        // Korean in decomposed form (jamo, as macOS writes names) is named as such.
        let korean = try write("ko.txt", String(repeating: "대한민국은 민주공화국이다.\n\n", count: 40))
        XCTAssertEqual(try run(["train", "--corpus", korean, "--arch", "ngram", "--order", "3", "--out", "ko", "--quiet"]).status, 0)
        let nfd = try run(["--model", "ko", "대한민국".decomposedStringWithCanonicalMapping, "--max-tokens", "3"])
        XCTAssertEqual(nfd.status, 65)
        XCTAssertTrue(nfd.err.contains("the text is decomposed (NFD)"), nfd.err)
    }

    func testStreamingNeverPrintsBrokenUTF8() throws {
        // A byte-level model of Korean text stops after an odd number of bytes: half a syllable.
        let korean = try write("ko.txt", String(repeating: "대한민국은 민주공화국이다.\n\n", count: 40))
        let model = dir.appendingPathComponent("ko").path
        XCTAssertEqual(
            try run([
                "train", "--corpus", korean, "--arch", "ngram", "--order", "4", "--tokenizer", "bpe", "--vocab-size", "260", "--out", model,
                "--quiet",
            ])
            .status, 0)
        for tokens in 1...7 {
            let r = try run(["--model", model, "대", "--max-tokens", "\(tokens)", "--quiet"])
            XCTAssertEqual(r.status, 0, r.err)
            XCTAssertNoThrow(try UTF8Text.decode([UInt8](r.out)), "\(tokens) tokens")
        }
    }

    func testStopStringsAreHeldBackUntilTheyCannotMatch() {
        var filter = StopStringFilter(["\n\n", "END"])
        XCTAssertEqual(filter.push("Hello E").printable, "Hello ")
        XCTAssertEqual(filter.push("N").printable, "")
        XCTAssertEqual(filter.push("x").printable, "ENx")
        let stopped = filter.push(" then\n\nmore")
        XCTAssertEqual(stopped.printable, " then")
        XCTAssertTrue(stopped.stopped)
        var other = StopStringFilter(["END"])
        XCTAssertEqual(other.push("abE").printable, "ab")
        XCTAssertEqual(other.finish(), "E")
    }
}

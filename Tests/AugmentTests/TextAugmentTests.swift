import Foundation
import GenEngine
import XCTest

@testable import augment

/// augment text: EDA's four operations, the WordNet reader, the file formats, determinism over
/// threads and shards, and the errors on bad input.
final class TextAugmentTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("augment-text-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        Threads.set(ProcessInfo.processInfo.activeProcessorCount)
        try? FileManager.default.removeItem(at: dir)
    }

    /// The installed WordNet, or a skip when there is none.
    func wordNet() throws -> WordNet {
        guard let folder = WordNet.locate() else { throw XCTSkip("no WordNet database in $WNSEARCHDIR or /usr/share/wordnet") }
        return try WordNet(folder: folder)
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    func write(_ text: String, _ name: String) throws -> String {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
        return path(name)
    }

    /// Runs `augment text ARGS` in-process; the error's exit code and message when it fails.
    @discardableResult
    func runText(_ args: [String]) -> (code: ExitCode, message: String) {
        do {
            guard case .run(let commands, let parsed) = try CLI.parse(["text"] + args + ["--quiet"], root: root) else {
                return (.usage, "not a run")
            }
            try commands.last!.run!(parsed)
            return (.success, "")
        } catch {
            let e = CLIError(from: error)
            return (e.code, e.message)
        }
    }

    func read(_ name: String) throws -> String { try String(contentsOfFile: path(name), encoding: .utf8) }

    let english = "The quick, brown Fox jumps over the lazy dog near the old river bank!"
    let korean = "오늘 날씨가 정말 좋아서 우리는 공원에 산책을 갔다 😀 가족과 함께"

    // MARK: the operations

    func testRandomDeletionRemovesOnlyWholeWordsAndKeepsOne() {
        let words = WordSequence(english).words
        var deletedSomething = false
        for seed in 0..<50 as Range<UInt64> {
            var rng = RNG(seed: seed, stream: "rd")
            let out = EDA.randomDeletion(WordSequence(english), p: 0.3, rng: &rng).words
            XCTAssertGreaterThanOrEqual(out.count, 1)
            XCTAssertTrue(isSubsequence(out, of: words), "\(out) is not the input with whole words removed")
            deletedSomething = deletedSomething || out.count < words.count
        }
        XCTAssertTrue(deletedSomething)
        var rng = RNG(seed: 1, stream: "rd")
        let one = EDA.randomDeletion(WordSequence(english), p: 1, rng: &rng).words
        XCTAssertEqual(one.count, 1)
        XCTAssertTrue(words.contains(one[0]))
    }

    func testRandomSwapKeepsTheWordsAndTheSpacing() {
        let text = "  One two,\tthree\nfour five six  "
        var rng = RNG(seed: 7, stream: "rs")
        let out = EDA.randomSwap(WordSequence(text), n: 2, rng: &rng)
        XCTAssertEqual(out.words.sorted(), WordSequence(text).words.sorted())
        XCTAssertNotEqual(out.words, WordSequence(text).words)
        XCTAssertEqual(out.gaps, [" ", "\t", "\n", " ", " "])
        XCTAssertTrue(out.text.hasPrefix("  ") && out.text.hasSuffix("  "))
        XCTAssertEqual(WordSequence(text).text, text)
    }

    func testSynonymReplacementUsesWordNetSynonymsInTheWordsCase() throws {
        let wordnet = try wordNet()
        let eda = EDA(alpha: [.sr: 0.1], lexicon: wordnet)
        let input = WordSequence("Happy children read the book.")
        for seed in 0..<10 as Range<UInt64> {
            var rng = RNG(seed: seed, stream: "sr")
            let out = eda.synonymReplacement(input, n: 1, rng: &rng)
            let changed = input.words.indices.filter { out.words[$0] != input.words[$0] }
            XCTAssertEqual(changed.count, 1, "\(out.words)")
            let i = changed[0]
            let before = WordParts(input.words[i])
            let after = WordParts(out.words[i])
            XCTAssertTrue(wordnet.synonyms(of: before.key).contains(after.core.lowercased()), "\(after.core) for \(before.core)")
            XCTAssertEqual(after.suffix, before.suffix)
            XCTAssertEqual(after.core.first?.isUppercase, before.core.first?.isUppercase)
            XCTAssertNotEqual(before.key, "the")
        }
    }

    func testRandomInsertionAddsExactlyNSynonyms() {
        let eda = EDA(alpha: [.ri: 0.1], lexicon: BuiltInSynonyms())
        let input = WordSequence("the happy child ate a big meal")
        var rng = RNG(seed: 3, stream: "ri")
        let out = eda.randomInsertion(input, n: 3, rng: &rng)
        XCTAssertEqual(out.words.count, input.words.count + 3)
        XCTAssertTrue(isSubsequence(input.words, of: out.words))
        var rest = out.words
        for word in input.words { rest.remove(at: rest.firstIndex(of: word)!) }
        let allowed = ["happy", "child", "ate", "big", "meal"].flatMap { BuiltInSynonyms().synonyms(of: $0) }
        for word in rest { XCTAssertTrue(allowed.contains(word), "\(word) is not a synonym of a word of the text") }
    }

    func testWordNetLookup() throws {
        let wordnet = try wordNet()
        let happy = wordnet.synonyms(of: "happy")
        XCTAssertTrue(happy.contains("felicitous") || happy.contains("glad"), "\(happy)")
        XCTAssertFalse(happy.contains("happy"))
        XCTAssertTrue(wordnet.synonyms(of: "movies").contains("film"), "morphy: movies → movie")
        XCTAssertTrue(wordnet.synonyms(of: "ran").contains("run") == false)
        XCTAssertFalse(wordnet.synonyms(of: "ran").isEmpty, "verb.exc: ran → run")
        XCTAssertEqual(wordnet.synonyms(of: "xqzzyv"), [])
        XCTAssertEqual(wordnet.synonyms(of: "좋아서"), [])
    }

    func testKoreanThroughSwapAndDeletion() throws {
        let words = WordSequence(korean).words
        XCTAssertEqual(words.count, 11)
        for seed in 0..<20 as Range<UInt64> {
            var rng = RNG(seed: seed, stream: "ko")
            let swapped = EDA.randomSwap(WordSequence(korean), n: 2, rng: &rng)
            XCTAssertEqual(swapped.words.sorted(), words.sorted())
            let deleted = EDA.randomDeletion(WordSequence(korean), p: 0.3, rng: &rng)
            XCTAssertTrue(isSubsequence(deleted.words, of: words))
            for text in [swapped.text, deleted.text] {
                XCTAssertNoThrow(try UTF8Text.decode(Array(text.utf8)))
                XCTAssertTrue(text.split(separator: " ").allSatisfy { words.contains(String($0)) })
            }
        }
        // Synonym operations leave a text with no known word as it was.
        let eda = EDA(alpha: [.sr: 0.5, .ri: 0.5], lexicon: (try? wordNet()) ?? BuiltInSynonyms())
        var rng = RNG(seed: 1)
        XCTAssertEqual(eda.apply(.sr, to: WordSequence(korean), rng: &rng).text, korean)
        XCTAssertEqual(eda.apply(.ri, to: WordSequence(korean), rng: &rng).text, korean)
    }

    func testCopiesAreDealtAsEDANLPDoes() throws {
        // 9 copies over 4 recipes: 3 of each (9/4 + 1), shuffled, the first 9 kept.
        var totals = [0, 0, 0, 0]
        for seed in 0..<400 as Range<UInt64> {
            var rng = RNG(seed: seed)
            let plan = EDA.assign(recipes: 4, copies: 9, rng: &rng)
            XCTAssertEqual(plan.count, 9)
            for r in 0..<4 {
                XCTAssertLessThanOrEqual(plan.filter { $0 == r }.count, 3, "\(plan)")
                totals[r] += plan.filter { $0 == r }.count
            }
            XCTAssertEqual(Set(EDA.assign(recipes: 4, copies: 2, rng: &rng)).count, 2)
        }
        for total in totals { XCTAssertEqual(Double(total), 900, accuracy: 90) }
        XCTAssertEqual(try EDARecipe.parse("sr, rs+rd").map(\.name), ["sr", "rs+rd"])
        XCTAssertThrowsError(try EDARecipe.parse("sr,sx"))
    }

    func testCaseAndPunctuationOfUntouchedWordsStay() {
        XCTAssertEqual(WordParts("\"Movie,").replacingCore(with: "film"), "\"Film,")
        XCTAssertEqual(WordParts("NASA").replacingCore(with: "space agency"), "SPACE AGENCY")
        XCTAssertEqual(WordParts("don't").key, "don't")
        let eda = EDA(alpha: [.sr: 1], lexicon: BuiltInSynonyms())
        var rng = RNG(seed: 2)
        let out = eda.synonymReplacement(WordSequence("A good movie.\nA GOOD movie!"), n: 5, rng: &rng)
        XCTAssertEqual(out.gaps, [" ", " ", "\n", " ", " "])
        XCTAssertEqual(out.words[0], "A")
        XCTAssertTrue(out.words[2].hasSuffix(".") && out.words[5].hasSuffix("!"))
        XCTAssertEqual(out.words[4], out.words[4].uppercased())
        XCTAssertNotEqual(out.words[1], "good")
    }

    // MARK: files

    /// A CSV of `rows` rows whose texts have commas, quotes and line breaks.
    func sampleCSV(rows: Int) throws -> String {
        var text = "id,text,label,note\n"
        let sentences = [
            "The movie was good, and the actors were happy.", "A \"bad\" film:\nthe plot was slow, the end awful.",
            "오늘 날씨가 정말 좋아서 공원에 갔다", "Quick answer,\r\nbig problem", "one",
        ]
        for i in 0..<rows {
            text += CSV.line(["\(i)", sentences[i % sentences.count] + " \(i)", i % 2 == 0 ? "pos" : "neg", "n,\(i)"])
        }
        return try write(text, "in.csv")
    }

    func testCSVRoundTripsQuotedFieldsAndAddsProvenance() throws {
        let input = try sampleCSV(rows: 10)
        XCTAssertEqual(runText(["--in", input, "--out", path("out.csv"), "--copies", "3", "--builtin-synonyms"]).code, .success)
        let table = try CSV.read(contentsOf: URL(fileURLWithPath: path("out.csv")))
        let original = try CSV.read(contentsOf: URL(fileURLWithPath: input))
        XCTAssertEqual(table.header, original.header + ["augment"])
        XCTAssertEqual(table.rows.count, 40)
        for (i, row) in original.rows.enumerated() {
            let group = Array(table.rows[(4 * i)..<(4 * i + 4)])
            XCTAssertEqual(group[0], row + [""])
            for copy in group.dropFirst() {
                XCTAssertEqual([copy[0], copy[2], copy[3]], [row[0], row[2], row[3]])
                XCTAssertTrue(["sr", "ri", "rs", "rd"].contains(copy[4]))
            }
        }
        XCTAssertTrue(table.rows.contains { $0[4] != "" && $0[1] != original.rows[Int($0[0])!][1] })
    }

    func testJSONLinesKeepEveryOtherKeyAsWritten() throws {
        let input = try write(
            """
            {"id": 1, "text": "The happy dog ran fast.", "score": 2.50, "meta": {"a": [1, "}"]}}

            {"text":"Sad \\"quoted\\" words\\nhere","id":2}

            """, "in.jsonl")
        XCTAssertEqual(
            runText(["--in", input, "--out", path("out.jsonl"), "--copies", "2", "--no-originals", "--builtin-synonyms"]).code, .success)
        let lines = try read("out.jsonl").split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4)
        for line in lines.prefix(2) {
            XCTAssertTrue(line.hasPrefix("{\"id\": 1, \"text\": \""))
            XCTAssertTrue(line.contains(", \"score\": 2.50, \"meta\": {\"a\": [1, \"}\"]},\"augment\":\""))
        }
        for line in lines {
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertNotNil(object["text"] as? String)
            XCTAssertFalse((object["augment"] as? String ?? "").isEmpty)
        }
    }

    func testSameOutputForAnyThreadCountAndShards() throws {
        let input = try sampleCSV(rows: 700)
        let common = ["--in", input, "--copies", "4", "--seed", "11", "--builtin-synonyms"]
        Threads.set(1)
        XCTAssertEqual(runText(common + ["--out", path("one.csv")]).code, .success)
        Threads.set(2)
        XCTAssertEqual(runText(common + ["--out", path("two.csv")]).code, .success)
        XCTAssertEqual(runText(common + ["--out", path("w1.csv"), "--workers", "1"]).code, .success)
        let whole = try read("two.csv")
        XCTAssertEqual(try read("one.csv"), whole)
        XCTAssertEqual(try read("w1.csv"), whole)
        for n in [2, 3] {
            var joined = ""
            for k in 0..<n {
                XCTAssertEqual(runText(common + ["--out", path("s\(k)-\(n).csv"), "--shard", "\(k)/\(n)"]).code, .success)
                joined += try read("s\(k)-\(n).csv")
            }
            XCTAssertEqual(joined, whole, "shards of \(n)")
        }
        XCTAssertEqual(runText(common + ["--out", path("seed.csv"), "--seed", "12"]).code, .usage, "--seed given twice")
        XCTAssertEqual(
            runText(Array(common.dropLast(3)) + ["--seed", "12", "--builtin-synonyms", "--out", path("seed.csv")]).code, .success)
        XCTAssertNotEqual(try read("seed.csv"), whole)
    }

    func testStatsCountWhatWasDone() throws {
        let input = try sampleCSV(rows: 20)
        let result = runText([
            "--in", input, "--out", path("o.csv"), "--stats", path("s.json"), "--ops", "rs,rd", "--copies", "3", "--label-field", "label",
        ])
        XCTAssertEqual(result.code, .success, result.message)
        let stats = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("s.json")))) as? [String: Any])
        XCTAssertEqual(stats["rowsRead"] as? Int, 20)
        XCTAssertEqual(stats["rowsWritten"] as? Int, 80)
        XCTAssertEqual(stats["lexicon"] as? String, "none")
        let perOp = try XCTUnwrap(stats["copiesPerOperation"] as? [String: Int])
        XCTAssertEqual(perOp.values.reduce(0, +), 60)
        XCTAssertEqual(stats["rowsPerLabel"] as? [String: Int], ["pos": 10, "neg": 10])
    }

    // MARK: bad input

    func testBadInputGivesClearErrorsAndNoOutput() throws {
        let out = path("out.csv")
        var r = runText(["--in", path("missing.csv"), "--out", out])
        XCTAssertEqual(r.code, .noInput)
        XCTAssertTrue(r.message.contains("missing.csv"))

        let good = try write("id,body\n1,hello there\n", "good.csv")
        r = runText(["--in", good, "--out", out])
        XCTAssertEqual(r.code, .dataError)
        XCTAssertTrue(r.message.contains("'text'") && r.message.contains("'id', 'body'"), r.message)

        let ragged = try write("id,text\n1,fine words here\n2,\"a, b\",extra\n", "ragged.csv")
        r = runText(["--in", ragged, "--out", out])
        XCTAssertEqual(r.code, .dataError)
        XCTAssertTrue(r.message.contains("line 3"), r.message)

        let notObject = try write("{\"text\": \"ok\"}\n[1, 2]\n", "array.jsonl")
        r = runText(["--in", notObject, "--out", out])
        XCTAssertEqual(r.code, .dataError)
        XCTAssertTrue(r.message.contains("array.jsonl: line 2"), r.message)

        let noField = try write("{\"text\": \"ok\"}\n\n{\"body\": \"x\"}\n", "nofield.jsonl")
        r = runText(["--in", noField, "--out", out])
        XCTAssertEqual(r.code, .dataError)
        XCTAssertTrue(r.message.contains("nofield.jsonl: line 3") && r.message.contains("'body'"), r.message)

        r = runText(["--in", good, "--field", "body", "--alpha-rd", "1.5", "--out", out])
        XCTAssertEqual(r.code, .usage)
        XCTAssertTrue(r.message.contains("0.0...1.0"), r.message)
        XCTAssertEqual(runText(["--in", good, "--field", "body", "--ops", "sr,xx", "--out", out]).code, .usage)
        XCTAssertEqual(runText(["--in", good, "--field", "body", "--ops", "rd", "--alpha-rd", "0", "--out", out]).code, .usage)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "a failed run wrote output")

        XCTAssertEqual(runText(["--in", good, "--field", "body", "--out", out]).code, .success)
        let first = try read("out.csv")
        XCTAssertEqual(runText(["--in", good, "--field", "body", "--out", out, "--seed", "5"]).code, .cannotCreate)
        XCTAssertEqual(runText(["--in", ragged, "--out", out, "--force"]).code, .dataError)
        XCTAssertEqual(try read("out.csv"), first, "a failed run changed the existing output")
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }, [], "temporary files left")
        XCTAssertEqual(runText(["--in", good, "--field", "body", "--out", good, "--force"]).code, .usage, "--out is the input")
    }

    /// Whether `part` is `whole` with some elements removed, the order kept.
    func isSubsequence(_ part: [String], of whole: [String]) -> Bool {
        var i = 0
        for word in whole where i < part.count && part[i] == word { i += 1 }
        return i == part.count
    }
}

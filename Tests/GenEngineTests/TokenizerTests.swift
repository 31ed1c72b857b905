import Foundation
import XCTest

@testable import GenEngine

final class TokenizerTests: XCTestCase {
    // MARK: Fixtures

    /// `Fixtures/tokenizer/gpt2_expected.json`, written by `make_gpt2_fixture.py`.
    struct Expected: Decodable {
        struct Sentence: Decodable {
            let text: String, ids: [Int32], tokens: [String], splits: [String]
            let hasSpecialTokens: Bool
            enum CodingKeys: String, CodingKey {
                case text, ids, tokens, splits
                case hasSpecialTokens = "has_special_tokens"
            }
        }
        struct Split: Decodable { let text: String, splits: [String] }
        let vocabSize: Int
        let specialTokens: [String]
        let sentences: [Sentence]
        let randomSplits: [Split]
        enum CodingKeys: String, CodingKey {
            case sentences
            case vocabSize = "vocab_size", specialTokens = "special_tokens", randomSplits = "random_splits"
        }
    }

    func expected() throws -> Expected {
        try JSONDecoder().decode(Expected.self, from: Data(contentsOf: fixture("tokenizer/gpt2_expected.json")))
    }

    func gpt2Fixture() throws -> ByteLevelBPE {
        try TokenizerFile.readGPT2(vocabulary: fixture("tokenizer/vocab.json"), merges: fixture("tokenizer/merges.txt"))
    }

    func corpus() throws -> String { try String(contentsOf: fixture("tokenizer/corpus.txt"), encoding: .utf8) }

    /// Seeded text mixing what breaks tokenizers: Hangul, CJK, emoji with ZWJ and skin tones, flags,
    /// combining marks, CRLF, tabs, long whitespace runs, contractions, digits, control characters.
    func randomUnicode(_ rng: inout RNG, pieces: Int) -> String {
        let fixed = [
            "\r\n", "\n", "\t", " ", "                    ", "\u{00A0}", "\u{3000}", "'s", "'ll", "don't",
            "e\u{0301}", "\u{0308}", "👩\u{200D}👩\u{200D}👧\u{200D}👦", "👍🏽", "🇰🇷", "\u{200B}", "\u{FEFF}",
            "\u{0000}", "½", "٣", "Ⅻ", "...", "!!", "Ω", "ß", "ﬁ",
        ]
        let ranges: [ClosedRange<UInt32>] = [
            0x20...0x7E, 0xA0...0x17F, 0xAC00...0xD7A3, 0x4E00...0x4FFF, 0x1F300...0x1F64F,
            0x300...0x36F, 0x400...0x4FF, 0x900...0x97F,
        ]
        var s = ""
        for _ in 0..<pieces {
            if rng.int(below: 3) == 0 {
                s += fixed[rng.int(below: fixed.count)]
            } else {
                let r = ranges[rng.int(below: ranges.count)]
                for _ in 0..<(1 + rng.int(below: 6)) {
                    s.unicodeScalars.append(Unicode.Scalar(r.lowerBound + UInt32(rng.int(below: Int(r.upperBound - r.lowerBound + 1))))!)
                }
            }
        }
        return s
    }

    /// Strings compared scalar by scalar (`String ==` treats é and e + U+0301 as equal).
    func scalars(_ strings: [String]) -> [[UInt32]] { strings.map { $0.unicodeScalars.map(\.value) } }

    // MARK: Round trips

    func testCharacterTokenizerRoundTripsRandomUnicode() throws {
        var rng = RNG(seed: 7, stream: "char-roundtrip")
        for _ in 0..<50 {
            let text = randomUnicode(&rng, pieces: 40)
            let tokenizer = CharacterTokenizer(corpus: text)
            let ids = try tokenizer.encode(text)
            XCTAssertEqual(ids.count, text.unicodeScalars.count)
            XCTAssertEqual(Array(tokenizer.decode(ids).utf8), Array(text.utf8))
            // Ids follow scalar order.
            let scalars = tokenizer.vocabulary.map { $0.unicodeScalars.first!.value }
            XCTAssertEqual(scalars, scalars.sorted())
        }
        let korean = CharacterTokenizer(corpus: "한국어 문장", specialTokens: ["<eos>"])
        XCTAssertEqual(korean.vocabulary, ["<eos>", " ", "국", "문", "어", "장", "한"])
        XCTAssertEqual(try korean.encode("한국"), [6, 2])
        XCTAssertEqual(korean.specialTokenID("<eos>"), 0)
    }

    func testByteLevelBPERoundTripsRandomUnicode() throws {
        var rng = RNG(seed: 11, stream: "bpe-roundtrip")
        let fixtureTokenizer = try gpt2Fixture()
        let trained = try ByteLevelBPE.train(texts: (0..<20).map { _ in randomUnicode(&rng, pieces: 30) }, vocabSize: 400)
        for tokenizer in [fixtureTokenizer, trained] {
            for _ in 0..<50 {
                let text = randomUnicode(&rng, pieces: 40)
                let ids = try tokenizer.encode(text)
                XCTAssertEqual(Array(tokenizer.decode(ids).utf8), Array(text.utf8))
                XCTAssertEqual(ids.count, try tokenizer.encode(text).count, "cached encoding differs")
                XCTAssertEqual(ByteLevelBPE.preTokenize(text).joined().utf8.count, text.utf8.count)
            }
        }
    }

    func testInvalidUTF8IsRejectedWithItsByteOffset() throws {
        let tokenizer = try gpt2Fixture()
        let cases: [([UInt8], Int)] = [
            (Array("abc".utf8) + [0xFF] + Array("d".utf8), 3),  // never a lead byte
            (Array("한".utf8) + [0x80], 3),  // stray continuation
            (Array("ab".utf8) + [0xED, 0x95], 2),  // cut off at the end
            ([0x41, 0xE2, 0x28, 0xA1], 1),  // bad continuation
            ([0x41, 0x42, 0xC0, 0xAF], 2),  // overlong "/"
            ([0xED, 0xA0, 0x80], 0),  // surrogate U+D800
            (Array("ok".utf8) + [0xF4, 0x90, 0x80, 0x80], 2),  // above U+10FFFF
        ]
        for (bytes, offset) in cases {
            XCTAssertThrowsError(try tokenizer.encode(bytes: bytes), "\(bytes)") { error in
                guard let e = error as? TokenizerError else { return XCTFail("wrong error \(error)") }
                XCTAssertEqual(e.kind, .invalidUTF8)
                XCTAssertEqual(e.byteOffset, offset, e.description)
                XCTAssertTrue(e.description.contains("byte offset \(offset)"), e.description)
            }
        }
        let valid = Array("안녕 👩‍👩‍👧".utf8)
        XCTAssertEqual(try tokenizer.encode(bytes: valid), try tokenizer.encode("안녕 👩‍👩‍👧"))
    }

    func testStreamDecoderHoldsBackHalfAHangulSyllable() throws {
        let tokenizer = try gpt2Fixture()
        // One byte token per byte, so the stream ends after two of 한's three bytes (ED 95 9C).
        let byteID = { (b: UInt8) in tokenizer.id(forToken: String(ByteLevelBPE.byteToUnicode[Int(b)]))! }
        let bytes = Array("AB 한".utf8)
        var stream = tokenizer.streamDecoder()
        var text = ""
        for b in bytes.dropLast() {
            let piece = stream.append(byteID(b))
            XCTAssertFalse(piece.unicodeScalars.contains("\u{FFFD}"))
            text += piece
        }
        XCTAssertEqual(text, "AB ")
        XCTAssertEqual(stream.heldBytes, [0xED, 0x95])
        XCTAssertEqual(stream.append(byteID(bytes.last!)), "한")
        XCTAssertEqual(stream.heldBytes, [])
        XCTAssertEqual(stream.finish(), "")

        // An unfinished tail is flushed as one U+FFFD by finish().
        var cut = tokenizer.streamDecoder()
        XCTAssertEqual(cut.append(byteID(0xED)), "")
        XCTAssertEqual(cut.append(byteID(0x95)), "")
        XCTAssertEqual(cut.finish(), "\u{FFFD}")

        // Streaming any encoding gives the decoded text, never a broken character on the way.
        var rng = RNG(seed: 3, stream: "stream")
        for _ in 0..<20 {
            let source = randomUnicode(&rng, pieces: 30)
            var s = tokenizer.streamDecoder()
            var pieces: [String] = []
            for id in try tokenizer.encode(source) { pieces.append(s.append(id)) }
            pieces.append(s.finish())
            XCTAssertEqual(Array(pieces.joined().utf8), Array(source.utf8))
            XCTAssertFalse(pieces.joined().unicodeScalars.contains("\u{FFFD}"))
        }
    }

    // MARK: Training

    func testBPETrainingReproducesHandComputedMerges() throws {
        // "aaabdaaabac" is one pre-token. Counts over overlapping windows: aa 4, ab 2, others 1.
        // 1. a a (4)  -> aa a b d aa a b a c      (aa a) 2, (a b) 2: tie, ids (a=64, b=65) < (aa=256, a=64)
        // 2. a b (2)  -> aa ab d aa ab a c        (aa ab) 2
        // 3. aa ab    -> aaab d aaab a c          all pairs 1: smallest ids (a=64, c=66)
        // 4. a c      -> aaab d aaab ac           (d=67, aaab=258) < (aaab, d) < (aaab, ac)
        // 5. d aaab   -> aaab daaab ac            (string order would have picked "aaab ac")
        // 6. aaab daaab, 7. aaabdaaab ac; then one token and no pair is left.
        let bpe = try ByteLevelBPE.train(text: "aaabdaaabac", vocabSize: 300)
        XCTAssertEqual(bpe.merges.map(\.description), ["a a", "a b", "aa ab", "a c", "d aaab", "aaab daaab", "aaabdaaab ac"])
        XCTAssertEqual(bpe.vocabSize, 256 + 7)
        XCTAssertEqual(bpe.id(forToken: "a"), 64)
        XCTAssertEqual(bpe.id(forToken: "aaabdaaabac"), 262)
        XCTAssertEqual(try bpe.encode("aaabdaaabac"), [262])
        XCTAssertEqual(try bpe.encode("aaab"), [258])

        // Special tokens come first; the size limit stops training.
        let small = try ByteLevelBPE.train(text: "aaabdaaabac", vocabSize: 259, specialTokens: ["<|endoftext|>"])
        XCTAssertEqual(small.merges.map(\.description), ["a a", "a b"])
        XCTAssertEqual(small.specialTokens, ["<|endoftext|>": 0])
        XCTAssertEqual(small.id(forToken: "a"), 65)
        XCTAssertThrowsError(try ByteLevelBPE.train(text: "x", vocabSize: 100)) { error in
            XCTAssertEqual((error as? TokenizerError)?.kind, .invalidArgument)
        }
    }

    func testTrainingMatchesTokenizersBpeTrainer() throws {
        let expected = try expected()
        let trained = try ByteLevelBPE.train(text: corpus(), vocabSize: expected.vocabSize, specialTokens: expected.specialTokens)
        let reference = try gpt2Fixture()
        XCTAssertEqual(trained.merges.count, reference.merges.count)
        for (i, (ours, theirs)) in zip(trained.merges, reference.merges).enumerated() where ours != theirs {
            return XCTFail("merge \(i): trained '\(ours)', tokenizers '\(theirs)'")
        }
        XCTAssertEqual(trained.vocabulary, reference.vocabulary)
    }

    // MARK: GPT-2 compatibility

    func testPreTokenizerSplitsLikeGPT2Pattern() throws {
        let expected = try expected()
        for sentence in expected.sentences {
            XCTAssertEqual(scalars(ByteLevelBPE.preTokenize(sentence.text)), scalars(sentence.splits), sentence.text)
        }
        for case_ in expected.randomSplits {
            XCTAssertEqual(scalars(ByteLevelBPE.preTokenize(case_.text)), scalars(case_.splits), case_.text.debugDescription)
        }
        XCTAssertEqual(ByteLevelBPE.preTokenize("a  b\n\n c   "), ["a", " ", " b", "\n\n", " c", "   "])
    }

    func testGPT2FilesAndTokenizerJSONGiveTokenizersIDs() throws {
        let expected = try expected()
        let fromPair = try gpt2Fixture()
        let fromJSON = try TokenizerFile.read(contentsOf: fixture("tokenizer/tokenizer.json"))
        XCTAssertTrue(fromJSON is ByteLevelBPE)
        XCTAssertEqual(fromPair.vocabSize, expected.vocabSize)
        XCTAssertEqual(fromJSON.vocabSize, expected.vocabSize)
        XCTAssertEqual(fromPair.specialTokens, ["<|endoftext|>": 0])
        XCTAssertEqual(fromJSON.specialTokens, ["<|endoftext|>": 0])
        for sentence in expected.sentences {
            for tokenizer in [fromPair, fromJSON] as [any Tokenizer] {
                let ids = try tokenizer.encode(sentence.text, recognisingSpecialTokens: true)
                XCTAssertEqual(ids, sentence.ids, sentence.text)
                XCTAssertEqual(scalars(ids.map { tokenizer.token(forID: $0)! }), scalars(sentence.tokens), sentence.text)
                XCTAssertEqual(Array(tokenizer.decode(ids).utf8), Array(sentence.text.utf8))
                if sentence.hasSpecialTokens {
                    XCTAssertNotEqual(try tokenizer.encode(sentence.text), sentence.ids, "special tokens must not come from plain text")
                    XCTAssertEqual(
                        tokenizer.decode(ids, skippingSpecialTokens: true),
                        sentence.text.replacingOccurrences(of: "<|endoftext|>", with: ""))
                } else {
                    XCTAssertEqual(try tokenizer.encode(sentence.text), sentence.ids, sentence.text)
                }
            }
        }
    }

    // MARK: Word-level tokenizers

    static let smilesPattern = #"(\[[^\]]+]|Br?|Cl?|N|O|S|P|F|I|b|c|n|o|s|p|\(|\)|\.|=|#|-|\+|\\|\/|:|~|@|\?|>|\*|\$|\%[0-9]{2}|[0-9])"#

    func testRegexTokenizerSplitsSMILESWithUnknown() throws {
        let corpus = ["CCO.O", "c1ccccc1Br", "CC(=O)Nc1ccc(O)cc1", "[nH]1cccc1", "C[C@@H](N)C(=O)O", "C%10CCCCC%10"]
        let tokenizer = try RegexTokenizer(pattern: Self.smilesPattern, corpus: corpus)
        XCTAssertEqual(tokenizer.vocabulary.first, "<unk>")
        XCTAssertEqual(try tokenizer.split("C[C@@H](N)Br%10").map(\.text), ["C", "[C@@H]", "(", "N", ")", "Br", "%10"])
        for smiles in corpus {
            XCTAssertEqual(tokenizer.decode(try tokenizer.encode(smiles)), smiles)
        }
        // Cl and [Na+] were never seen.
        let ids = try tokenizer.encode("CC(=O)Cl.[Na+]")
        XCTAssertEqual(ids.filter { $0 == tokenizer.specialTokenID("<unk>") }.count, 2)
        XCTAssertEqual(tokenizer.decode(ids), "CC(=O)<unk>.<unk>")

        XCTAssertThrowsError(try tokenizer.encode("CCX")) { error in
            let e = error as? TokenizerError
            XCTAssertEqual(e?.kind, .unmatchedText)
            XCTAssertEqual(e?.byteOffset, 2)
        }
        let strict = try RegexTokenizer(pattern: Self.smilesPattern, corpus: corpus, unknownToken: nil)
        XCTAssertThrowsError(try strict.encode("CCCl")) { error in
            let e = error as? TokenizerError
            XCTAssertEqual(e?.kind, .unknownToken)
            XCTAssertEqual(e?.byteOffset, 2)
        }
        let lenient = try RegexTokenizer(pattern: Self.smilesPattern, corpus: corpus, unmatched: .unknown)
        XCTAssertEqual(lenient.decode(try lenient.encode("CCXC")), "CC<unk>C")

        let words = try RegexTokenizer(
            pattern: #"\S+"#, corpus: ["the cat sat", "the mat"], specialTokens: ["<eos>"],
            unmatched: .skip, joiner: " ")
        XCTAssertEqual(words.vocabulary, ["<unk>", "<eos>", "cat", "mat", "sat", "the"])
        XCTAssertEqual(words.decode(try words.encode("the  dog sat")), "the <unk> sat")
        var stream = words.streamDecoder()
        XCTAssertEqual([5, 2, 4].map { stream.append($0) }.joined() + stream.finish(), "the cat sat")
    }

    func testCharacterTokenizerUnknownCharacters() throws {
        let strict = CharacterTokenizer(corpus: "abc 가")
        XCTAssertThrowsError(try strict.encode("ab한x")) { error in
            guard let e = error as? TokenizerError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.kind, .unknownCharacters)
            XCTAssertEqual(e.byteOffset, 2)
            XCTAssertTrue(e.description.contains("U+D55C '한' at line 1, column 3"), e.description)
            XCTAssertTrue(e.description.contains("U+0078 'x' at line 1, column 4"), e.description)
        }
        var skipping = strict
        skipping.skipUnknown = true
        XCTAssertEqual(skipping.decode(try skipping.encode("ab한x가")), "ab가")
        let withUnknown = CharacterTokenizer(corpus: "abc", specialTokens: ["<eos>"], unknownToken: "<unk>")
        XCTAssertEqual(withUnknown.vocabulary, ["<unk>", "<eos>", "a", "b", "c"])
        XCTAssertEqual(try withUnknown.encode("a?c"), [2, 0, 4])
        XCTAssertEqual(withUnknown.decode([2, 0, 1, 4], skippingSpecialTokens: true), "ac")
        // Text never turns into special tokens unless asked.
        XCTAssertEqual(try withUnknown.encode("<eos>"), [0, 0, 0, 0, 0])
        XCTAssertEqual(try withUnknown.encode("a<eos>b", recognisingSpecialTokens: true), [2, 1, 3])
    }

    // MARK: Files

    func testTokenizerJSONRoundTripsEveryKind() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text = try corpus()
        let tokenizers: [any Tokenizer] = [
            try ByteLevelBPE.train(text: text, vocabSize: 320, specialTokens: ["<|endoftext|>", "<pad>"]),
            CharacterTokenizer(corpus: text, specialTokens: ["<eos>"], unknownToken: "<unk>"),
            CharacterTokenizer(corpus: "abc", skipUnknown: true),
            try RegexTokenizer(pattern: Self.smilesPattern, corpus: ["CC(=O)O", "c1ccccc1"], specialTokens: ["<bos>", "<eos>"]),
            try RegexTokenizer(pattern: #"\S+"#, corpus: [text], unknownToken: "<unk>", unmatched: .skip, joiner: " "),
        ]
        let samples = ["First Citizen: we'll 안녕 😀 CC(=O)O", "c1ccccc1 abc", "aab"]
        for (k, tokenizer) in tokenizers.enumerated() {
            let url = folder.appendingPathComponent("\(k)-\(TokenizerFile.fileName)")
            try TokenizerFile.write(tokenizer, to: url)
            let back = try TokenizerFile.read(contentsOf: url)
            XCTAssertEqual(String(describing: type(of: back)), String(describing: type(of: tokenizer)))
            XCTAssertEqual(back.vocabSize, tokenizer.vocabSize)
            XCTAssertEqual(back.specialTokens, tokenizer.specialTokens)
            XCTAssertEqual(back.joiner, tokenizer.joiner)
            for id in 0..<Int32(tokenizer.vocabSize) { XCTAssertEqual(back.token(forID: id), tokenizer.token(forID: id)) }
            for sample in samples {
                let a = Result { try tokenizer.encode(sample) }
                let b = Result { try back.encode(sample) }
                XCTAssertEqual(try? a.get(), try? b.get(), "tokenizer \(k): \(sample)")
            }
            XCTAssertEqual(try TokenizerFile.encode(back), try TokenizerFile.encode(tokenizer), "tokenizer \(k) file is not stable")
        }
        let closure = try RegexTokenizer(rule: .custom { $0.split(separator: " ").map(String.init) }, corpus: ["a b"])
        XCTAssertThrowsError(try TokenizerFile.encode(closure))
    }

    func testMalformedFilesGiveClearErrors() throws {
        let vocab = Data(#"{"a": 0, "b": 1, "ab": 2, "c": 3}"#.utf8)
        func gpt2Error(vocab: Data = vocab, merges: String) -> TokenizerError? {
            do {
                _ = try TokenizerFile.decodeGPT2(vocabulary: vocab, merges: Data(merges.utf8))
                return nil
            } catch {
                return error as? TokenizerError
            }
        }
        XCTAssertNil(gpt2Error(merges: "#version: 0.2\na b\n"))
        XCTAssertNil(gpt2Error(merges: "a b"))
        let missing = gpt2Error(merges: "#version: 0.2\na b\nab c\n")
        XCTAssertEqual(missing?.line, 3)
        XCTAssertTrue(missing?.description.contains("merges.txt line 3") ?? false, "\(String(describing: missing))")
        XCTAssertTrue(missing?.description.contains("'abc'") ?? false, "\(String(describing: missing))")
        let malformed = gpt2Error(merges: "#version: 0.2\na b\na  b\n")
        XCTAssertEqual(malformed?.line, 3)
        XCTAssertEqual(gpt2Error(vocab: Data(#"{"a": "zero"}"#.utf8), merges: "")?.kind, .invalidFile)
        XCTAssertTrue(gpt2Error(vocab: Data(#"{"a": -1}"#.utf8), merges: "")?.description.contains("entry 'a'") ?? false)
        XCTAssertTrue(gpt2Error(vocab: Data(#"{"a": true}"#.utf8), merges: "")?.description.contains("not an integer") ?? false)
        XCTAssertEqual(gpt2Error(vocab: Data([0x7B, 0x22, 0xFF, 0x22]), merges: "")?.byteOffset, 2)
        XCTAssertTrue(gpt2Error(vocab: Data(#"{"a": 0,"#.utf8), merges: "")?.description.contains("not valid JSON") ?? false)
        XCTAssertTrue(gpt2Error(vocab: Data(#"{"a": 0, "b": 0}"#.utf8), merges: "")?.description.contains("share id 0") ?? false)

        func jsonError(_ text: String) -> String {
            do {
                _ = try TokenizerFile.decode(Data(text.utf8))
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        let bpeModel = #""model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": [["a", "b"]]}"#
        XCTAssertTrue(jsonError(#"{"pre_tokenizer": {"type": "ByteLevel"}, \#(bpeModel)}"#) == "no error")
        XCTAssertTrue(jsonError(#"{"pre_tokenizer": null, \#(bpeModel)}"#).contains("pre_tokenizer"))
        XCTAssertTrue(
            jsonError(#"{"normalizer": {"type": "NFC"}, "pre_tokenizer": {"type": "ByteLevel"}, \#(bpeModel)}"#)
                .contains("normalizer"))
        XCTAssertTrue(jsonError(#"{"model": {"type": "Unigram"}}"#).contains("model.type"))
        let byteLevel = #""pre_tokenizer": {"type": "ByteLevel"}"#
        XCTAssertTrue(
            jsonError(#"{\#(byteLevel), "model": {"type": "BPE", "vocab": {"a": 0}, "merges": [["a"]]}}"#)
                .contains("model.merges[0]"))
        XCTAssertTrue(
            jsonError(#"{\#(byteLevel), "model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a c"]}}"#)
                .contains("model.merges[0]"))
        XCTAssertTrue(jsonError(#"{"model": {"type": "WordLevel", "vocab": {"a": 0}}}"#).contains("gensuite.kind"))
        XCTAssertTrue(
            jsonError(#"{"added_tokens": [{"id": "x", "content": "<s>"}], "model": {"type": "WordLevel", "vocab": {}}}"#)
                .contains("added_tokens[0].id"))
        XCTAssertTrue(
            jsonError(#"{"gensuite": {"version": 9, "kind": "character"}, "model": {"type": "WordLevel", "vocab": {}}}"#)
                .contains("newer"))
        XCTAssertTrue(
            jsonError(#"{"gensuite": {"kind": "character"}, "model": {"type": "WordLevel", "vocab": {"ab": 0}}}"#)
                .contains("not 1"))
    }
}

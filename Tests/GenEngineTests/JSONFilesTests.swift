import Foundation
import XCTest

@testable import GenEngine

final class JSONFilesTests: XCTestCase {
    struct Record: Codable, Equatable {
        var step: Int
        var loss: Double
        var note: String?
    }

    func testJSONLinesDecodesSkippingBlankLines() throws {
        let text = "{\"step\":1,\"loss\":2.5}\n\n  \r\n{\"step\":2,\"loss\":1,\"note\":\"a/b\"}\r\n"
        XCTAssertEqual(
            try JSONLines.decode(Record.self, from: Data(text.utf8)),
            [Record(step: 1, loss: 2.5, note: nil), Record(step: 2, loss: 1, note: "a/b")])
        let objects = try JSONLines.objects(from: Data(text.utf8))
        XCTAssertEqual(objects.count, 2)
        XCTAssertEqual(objects[1]["note"] as? String, "a/b")
        XCTAssertEqual(try JSONLines.decode(Record.self, from: Data()), [])
    }

    func testJSONLinesErrorsNameTheLine() {
        let text = "{\"step\":1,\"loss\":2}\n\n{\"step\":2,\"loss\":}\n"
        let bad = thrownError(JSONLinesError.self) { try JSONLines.decode(Record.self, from: Data(text.utf8), source: "m.jsonl") }
        XCTAssertEqual(bad?.line, 3)
        XCTAssertEqual(bad?.description.hasPrefix("m.jsonl: line 3: not valid JSON"), true, bad?.description ?? "")
        let missing = thrownError(JSONLinesError.self) { try JSONLines.decode(Record.self, from: Data("{\"step\":1}".utf8)) }
        XCTAssertEqual(missing?.line, 1)
        XCTAssertEqual(missing?.message.hasPrefix("missing key 'loss'"), true, missing?.message ?? "")
        XCTAssertEqual(thrownError(JSONLinesError.self) { try JSONLines.objects(from: Data("{}\n[1, 2]\n".utf8)) }?.line, 2)
        XCTAssertEqual(thrownError(JSONLinesError.self) { try JSONLines.objects(from: Data("{}\n{\n".utf8)) }?.line, 2)
    }

    func testJSONLinesWriterAppendsSortedCompactLines() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("metrics.jsonl")
        try JSONLinesWriter(url: url).write(Record(step: 1, loss: 0.5, note: "x/y"))
        let writer = try JSONLinesWriter(url: url)
        try writer.write(Record(step: 2, loss: 0.25, note: nil))
        XCTAssertEqual(
            try String(contentsOf: url, encoding: .utf8),
            "{\"loss\":0.5,\"note\":\"x/y\",\"step\":1}\n{\"loss\":0.25,\"step\":2}\n")
        XCTAssertEqual(try JSONLines.read(Record.self, contentsOf: url).map(\.step), [1, 2])
        try JSONLinesWriter(url: url, append: false).write(Record(step: 3, loss: 0, note: nil))
        XCTAssertEqual(try JSONLines.readObjects(contentsOf: url).count, 1)
    }

    func testJSONOutputIsPrettySortedWithUnescapedSlashesAndNewline() throws {
        struct Report: Encodable {
            var path = "runs/a \"b\""
            var value = 1.0
            var ratio = 0.1
            var list = [1, 2]
        }
        let text = String(decoding: try JSONOutput.encode(Report()), as: UTF8.self)
        XCTAssertEqual(
            text,
            """
            {
              "list" : [
                1,
                2
              ],
              "path" : "runs/a \\"b\\"",
              "ratio" : 0.1,
              "value" : 1
            }

            """)
        XCTAssertThrowsError(try JSONOutput.encode(["x": Double.nan]))
    }

    /// The safetensors header is built by hand (the reference writer's key order: `__metadata__`
    /// first, then tensors by name, each `dtype`, `shape`, `data_offsets`), so its bytes are pinned here.
    func testSafeTensorsHeaderEscapesNamesByteForByte() throws {
        let name = "a\"b\\c\n\t\u{1}\u{8}é😀/"
        let file = SafeTensors(tensors: [(name, Tensor([1, 2], shape: [2]))], metadata: ["k\"": "v\u{c}"])
        let data = file.encoded()
        let length = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = String(decoding: data[8..<(8 + length)], as: UTF8.self)
        let expected =
            "{\"__metadata__\":{\"k\\\"\":\"v\\u000c\"},"
            + "\"a\\\"b\\\\c\\n\\t\\u0001\\u0008é😀/\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}"
        XCTAssertEqual(header.trimmingCharacters(in: .whitespaces), expected)
        XCTAssertEqual(length % 8, 0)
        let back = try SafeTensors.decode(data)
        XCTAssertEqual(back.tensors.map(\.name), [name])
        XCTAssertEqual(back.metadata, ["k\"": "v\u{c}"])
    }
}

/// Output paths behave as Unix tools treat them.
final class AtomicFileTests: XCTestCase {
    func testDevicesFIFOsAndSymlinksAreWrittenThrough() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // A character device stays a device.
        try AtomicFile.write(Data("x".utf8), to: URL(fileURLWithPath: "/dev/null"))
        var info = stat()
        XCTAssertEqual(stat("/dev/null", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR)
        // A symlink keeps pointing at its target, which gets the bytes.
        let target = dir.appendingPathComponent("target.txt")
        let link = dir.appendingPathComponent("link.txt")
        try Data("old".utf8).write(to: target)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        try AtomicFile.write(Data("new".utf8), to: link)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link.path), target.path)
        XCTAssertEqual(try String(contentsOf: target, encoding: .utf8), "new")
        // A FIFO is written directly (a reader on the other end gets the bytes).
        let fifo = dir.appendingPathComponent("pipe")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        final class Received: @unchecked Sendable { var data = Data() }
        let received = Received()
        let done = DispatchSemaphore(value: 0)
        let reader = Thread {
            if let handle = FileHandle(forReadingAtPath: fifo.path) { received.data = handle.readDataToEndOfFile() }
            done.signal()
        }
        reader.start()
        try AtomicFile.write(Data("through".utf8), to: fifo)
        done.wait()
        XCTAssertEqual(String(decoding: received.data, as: UTF8.self), "through")
        XCTAssertEqual(stat(fifo.path, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFIFO)
        // A missing folder is made (as the tools' output check promises); one that cannot be, a
        // file in the way, is a clear error.
        try AtomicFile.write(Data("made".utf8), to: dir.appendingPathComponent("no/such/file"))
        XCTAssertEqual(try AtomicFile.read(dir.appendingPathComponent("no/such/file")), Data("made".utf8))
        XCTAssertThrowsError(try AtomicFile.write(Data(), to: dir.appendingPathComponent("no/such/file/below"))) {
            XCTAssertEqual(CLIError(from: $0).code, .cannotCreate)
        }
    }
}

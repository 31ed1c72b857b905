import Foundation
import XCTest

@testable import GenEngine

/// The error of type `E` that `body` throws; a test failure when it throws nothing or another error.
func thrownError<E: Error>(_ type: E.Type, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Any) -> E? {
    do {
        _ = try body()
        XCTFail("no error thrown", file: file, line: line)
    } catch let e as E {
        return e
    } catch {
        XCTFail("not a \(E.self): \(error)", file: file, line: line)
    }
    return nil
}

final class CSVTests: XCTestCase {
    func testRoundTripOfAwkwardFields() throws {
        let header = ["name", "notes, with comma", "empty"]
        let rows = [
            ["plain", "say \"hi\"", ""],
            ["two\nlines", "crlf\r\ninside", "tab\there"],
            ["naïve café 😀", ",", "\""],
            ["", "", ""],
        ]
        let data = CSV.encode(header: header, rows: rows)
        let table = try CSV.decode(data)
        XCTAssertEqual(table, CSVTable(header: header, rows: rows))
        XCTAssertEqual(table.column("empty"), ["", "tab\there", "\"", ""])
        XCTAssertNil(table.column("missing"))
        XCTAssertEqual(try CSV.decode(CSV.encode(header: nil, rows: [[""], ["x"]]), hasHeader: false).rows, [[""], ["x"]])
    }

    func testWriterQuotesOnlyWhenNeeded() {
        XCTAssertEqual(CSV.line(["a", "b,c", "d\"e", "f\ng", "h\ri", ""]), "a,\"b,c\",\"d\"\"e\",\"f\ng\",\"h\ri\",\n")
        XCTAssertEqual(CSV.line(["x;y", "z,w"], delimiter: ";"), "\"x;y\";z,w\n")
        XCTAssertEqual(CSV.line([""]), "\"\"\n")
        XCTAssertEqual(CSV.line(["a", ""]), "a,\n")
    }

    func testReadsCRLFWithByteOrderMarkDelimitersAndBlankLines() throws {
        let text = "\u{FEFF}id;text\r\n1;\"a;b\"\r\n\r\n2;\"multi\r\nline\"\r\n3;last"
        let table = try CSV.decode(Data(text.utf8), delimiter: ";")
        XCTAssertEqual(table.header, ["id", "text"])
        XCTAssertEqual(table.rows, [["1", "a;b"], ["2", "multi\r\nline"], ["3", "last"]])
        XCTAssertEqual(try CSV.decode(Data("a\tb\n1\t2\n".utf8), delimiter: "\t").rows, [["1", "2"]])
        XCTAssertEqual(try CSV.decode(Data("a,b\r1,2\r".utf8)).rows, [["1", "2"]])
        let empty = try CSV.decode(Data())
        XCTAssertEqual(empty, CSVTable(header: [], rows: []))
    }

    func testRecordLineNumbersCountLinesInsideQuotes() throws {
        let reader = try CSVReader(data: Data("h\n\"a\nb\"\n\nc\n".utf8))
        XCTAssertEqual(reader.header, ["h"])
        XCTAssertEqual(try reader.next(), ["a\nb"])
        XCTAssertEqual(reader.line, 2)
        XCTAssertEqual(try reader.next(), ["c"])
        XCTAssertEqual(reader.line, 5)
        XCTAssertNil(try reader.next())
    }

    func testRaggedRowNamesRowAndLine() {
        let e = thrownError(CSVError.self) { try CSV.decode(Data("a,b\n1,2\n\"x\ny\",2\n3\n".utf8), source: "data.csv") }
        XCTAssertEqual(e?.kind, .raggedRow)
        XCTAssertEqual(e?.line, 5)
        XCTAssertEqual(e?.description.hasPrefix("data.csv: line 5: row 3 has 1 field, the header has 2;"), true, e?.description ?? "")
        let noHeader = thrownError(CSVError.self) { try CSV.decode(Data("1,2,3\n4,5\n".utf8), hasHeader: false) }
        XCTAssertEqual(noHeader?.line, 2)
        XCTAssertEqual(noHeader?.message.contains("row 2 has 2 fields, the first row has 3"), true, noHeader?.message ?? "")
    }

    func testUnterminatedQuoteNamesTheLineWhereItStarted() {
        let e = thrownError(CSVError.self) { try CSV.decode(Data("a,b\n1,2\n3,\"open\n4,5\n6,7\n".utf8)) }
        XCTAssertEqual(e?.kind, .unterminatedQuote)
        XCTAssertEqual(e?.line, 3)
    }

    func testTextAfterClosingQuote() {
        let e = thrownError(CSVError.self) { try CSV.decode(Data("a\n\"x\"y\n".utf8)) }
        XCTAssertEqual(e?.kind, .textAfterQuote)
        XCTAssertEqual(e?.line, 2)
    }

    func testInvalidUTF8NamesTheByteOffset() {
        // "a,b\n1," is 6 bytes; then C3 28 is a lead byte followed by a non-continuation byte.
        let cut = thrownError(CSVError.self) { try CSV.decode(Data("a,b\n1,".utf8) + Data([0xC3, 0x28]) + Data("\n".utf8)) }
        XCTAssertEqual(cut?.kind, .invalidUTF8)
        XCTAssertEqual(cut?.byteOffset, 6)
        XCTAssertEqual(cut?.line, 2)
        XCTAssertEqual(thrownError(CSVError.self) { try CSV.decode(Data("a\nx".utf8) + Data([0xFF])) }?.byteOffset, 3)
        XCTAssertEqual(
            thrownError(CSVError.self) { try CSV.decode(Data("a\n".utf8) + Data([0xED, 0xA0, 0x80])) }?.byteOffset, 2, "surrogate")
        XCTAssertEqual(
            thrownError(CSVError.self) { try CSV.decode(Data("a\n".utf8) + Data([0xE2, 0x82])) }?.byteOffset, 2, "cut short at the end")
    }

    func testStreamsAFileAcrossChunkBoundaries() throws {
        // Header "a\r\n" is 3 bytes; a field of 65532 bytes puts its CR at offset 65535, the last
        // byte of the first 64 KiB chunk, and its LF first in the next. The next record opens with a
        // quote at 65537, so after 65533 "y"s its "é" (2 bytes) sits at 131071-131072, across the
        // second boundary.
        let long = String(repeating: "x", count: 65_532)
        let secondField = String(repeating: "y", count: 65_533) + "é"
        var text = "a\r\n" + long + "\r\n" + "\"" + secondField + "\"\r\n"
        for i in 0..<20_000 { text += "\"row \(i)\nsecond line\"\r\n" }
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("big.csv")
        try Data(text.utf8).write(to: url)
        let reader = try CSVReader(contentsOf: url)
        XCTAssertEqual(try reader.next(), [long])
        XCTAssertEqual(try reader.next(), [secondField])
        XCTAssertEqual(reader.line, 3)
        var count = 0
        var last: [String]?
        while let row = try reader.next() {
            count += 1
            last = row
        }
        XCTAssertEqual(count, 20_000)
        XCTAssertEqual(last, ["row 19999\nsecond line"])
        XCTAssertEqual(reader.line, 4 + 2 * 19_999)
        XCTAssertThrowsError(try CSVReader(contentsOf: folder.appendingPathComponent("missing.csv"))) { error in
            guard let failure = error as? IOFailure, case .missing = failure else { return XCTFail("\(error)") }
        }
    }

    func testWriteAndReadAFile() throws {
        let folder = temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("t.csv")
        try CSV.write(header: ["k", "v"], rows: [["1", "a,b"]], to: url)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "k,v\n1,\"a,b\"\n")
        XCTAssertEqual(try CSV.read(contentsOf: url).rows, [["1", "a,b"]])
    }
}

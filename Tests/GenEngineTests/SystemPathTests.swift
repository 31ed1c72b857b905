import Foundation
import XCTest

@testable import GenEngine

/// File names that are not UTF-8 (a Latin-1 name from an old zip archive): listed, read, written
/// and named in messages with their bytes intact. The files are made by the test.
final class SystemPathTests: XCTestCase {
    func testBytesRoundTripThroughStrings() {
        var rng = RNG(seed: 4)
        for length in [1, 2, 3, 7, 40] {
            for _ in 0..<200 {
                let bytes = (0..<length).map { _ in UInt8(1 + rng.int(below: 255)) }  // no NUL in a name
                let name = SystemPath.string(fromBytes: bytes)
                XCTAssertEqual(SystemPath.bytes(name).dropLast().map { UInt8(bitPattern: $0) }, bytes)
            }
        }
        XCTAssertEqual(SystemPath.string(fromBytes: Array("café 한글.png".utf8)), "café 한글.png", "UTF-8 decodes as itself")
        XCTAssertEqual(SystemPath.escaped(SystemPath.string(fromBytes: [0x63, 0x61, 0x66, 0xE9])), "caf\\xE9")
        // A valid scalar from the escape range is itself escaped byte by byte, so it round-trips.
        let tricky = Array("\u{10FFE9}".utf8)
        XCTAssertEqual(SystemPath.bytes(SystemPath.string(fromBytes: tricky)).dropLast().map { UInt8(bitPattern: $0) }, tricky)
    }

    func testLatin1NamesAreListedReadWrittenAndEscaped() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("latin1-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // "café.txt" and the folder "clàss" in Latin-1, made with the raw bytes.
        let file =
            dir.path.utf8.map { CChar(bitPattern: $0) } + Array("/caf".utf8CString.dropLast()) + [CChar(bitPattern: 0xE9)]
            + Array(".txt".utf8CString)
        let fd = open(file, O_WRONLY | O_CREAT, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        _ = "hello".withCString { write(fd, $0, 5) }
        close(fd)
        let folder =
            dir.path.utf8.map { CChar(bitPattern: $0) } + Array("/cl".utf8CString.dropLast()) + [CChar(bitPattern: 0xE0)]
            + Array("ss".utf8CString)
        XCTAssertEqual(mkdir(folder, 0o755), 0)

        let names = try DataFolder.entries(dir)
        XCTAssertEqual(names.map(SystemPath.escaped), ["caf\\xE9.txt", "cl\\xE0ss"])
        let cafe = dir.appendingPathComponent(names[0])
        XCTAssertNil(DataFolder.problem(cafe))
        XCTAssertEqual(try AtomicFile.read(cafe), Data("hello".utf8))
        let classFolder = dir.appendingPathComponent(names[1])
        XCTAssertTrue(DataFolder.isFolder(classFolder))
        // Written under the same bytes, next to a name made from them.
        let copy = classFolder.appendingPathComponent(names[0].replacingOccurrences(of: ".txt", with: "-copy.txt"))
        try AtomicFile.write(Data("again".utf8), to: copy)
        XCTAssertEqual(
            try DataFolder.files(under: dir, extensions: ["txt"]).map { SystemPath.escaped($0.lastPathComponent) },
            ["caf\\xE9.txt", "caf\\xE9-copy.txt"])
        XCTAssertEqual(try AtomicFile.read(copy), Data("again".utf8))
        // A dangling symbolic link's target is written (as `cat > link` does), the link kept.
        let link = dir.appendingPathComponent("link.txt")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "target.txt")
        try AtomicFile.write(Data("via link".utf8), to: link)
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("target.txt"), encoding: .utf8), "via link")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link.path), "target.txt")
        let missing = IOFailure.missing(classFolder.appendingPathComponent(names[0]).path)
        XCTAssertTrue(missing.description.hasSuffix("/cl\\xE0ss/caf\\xE9.txt: no such file or folder"), missing.description)
    }
}

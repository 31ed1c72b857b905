import Foundation
import XCTest

@testable import GenEngine

final class SafeTensorsTests: XCTestCase {
    func testRoundTripIsByteStableAndAligned() throws {
        let file = SafeTensors(
            tensors: [("b.weight", randomTensor([3, 2])), ("a", Tensor(scalar: 4)), ("empty", Tensor.zeros([0, 3]))],
            metadata: ["step": "12", "quote\"d": "x\ny"])
        let data = file.encoded()
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        XCTAssertEqual(headerLength % 8, 0)
        let back = try SafeTensors.decode(data)
        XCTAssertEqual(back.metadata, file.metadata)
        XCTAssertEqual(back.tensors.map(\.name).sorted(), ["a", "b.weight", "empty"])
        XCTAssertEqual(back.byName["b.weight"]!.scalars, file.byName["b.weight"]!.scalars)
        XCTAssertEqual(back.byName["a"]!.shape, [])
        XCTAssertEqual(back.byName["empty"]!.shape, [0, 3])
        XCTAssertEqual(back.encoded(), data)
    }

    func testReadsFileWrittenByPythonSafetensors() throws {
        let file = try SafeTensors.read(contentsOf: fixture("python_written.safetensors"))
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: fixture("python_written.expected.json"))) as! [String: Any]
        let values = expected["values"] as! [String: [Double]]
        let shapes = expected["shapes"] as! [String: [Int]]
        XCTAssertEqual(Set(file.byName.keys), Set(values.keys))
        for (name, v) in values {
            let t = file.byName[name]!
            XCTAssertEqual(t.shape, shapes[name], name)
            XCTAssertEqual(t.scalars, v.map { Float($0) }, name)
        }
        XCTAssertEqual(file.dtypes["f16"], "F16")
        XCTAssertEqual(file.dtypes["bf16"], "BF16")
        XCTAssertEqual(file.byName["f16"]!.scalars, [1.5, -2.25, 0.0009765625, 65504])
        XCTAssertEqual(file.metadata["source"], "safetensors.numpy")
    }

    /// A file with the given header text and buffer.
    private func forge(_ header: String, buffer: [UInt8] = [], length: UInt64? = nil) -> Data {
        var d = Data()
        var n = (length ?? UInt64(header.utf8.count)).littleEndian
        withUnsafeBytes(of: &n) { d.append(contentsOf: $0) }
        d.append(contentsOf: Array(header.utf8))
        d.append(contentsOf: buffer)
        return d
    }

    private func assertRejects(_ data: Data, _ kind: SafeTensorsError.Kind, line: UInt = #line) {
        XCTAssertThrowsError(try SafeTensors.decode(data), line: line) { error in
            guard let e = error as? SafeTensorsError else { return XCTFail("wrong error \(error)", line: line) }
            XCTAssertEqual(e.kind, kind, e.message, line: line)
        }
    }

    func testMalformedFilesGiveClearErrors() {
        let four = [UInt8](repeating: 0, count: 4)
        assertRejects(Data([1, 2, 3]), .truncated)
        assertRejects(forge("{}", length: 1 << 40), .headerTooLarge)
        assertRejects(forge("{}", length: 5000), .truncated)
        assertRejects(forge("[1]"), .invalidHeaderStart)
        assertRejects(Data([2, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0xFF]), .invalidUTF8)
        assertRejects(forge("{\"a\": "), .invalidJSON)
        assertRejects(forge(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}"#, buffer: four), .invalidOffset)
        assertRejects(forge(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, buffer: four), .shapeMismatch)
        assertRejects(forge(#"{"a":{"dtype":"Q9","shape":[1],"data_offsets":[0,4]}}"#, buffer: four), .unsupportedDType)
        assertRejects(
            forge(
                #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
                buffer: four), .overlappingOrHole)
        assertRejects(forge(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, buffer: four + four), .overlappingOrHole)
        assertRejects(forge(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, buffer: four + four), .overlappingOrHole)
        assertRejects(forge(#"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}"#, buffer: four), .shapeMismatch)
        assertRejects(forge(#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, buffer: four), .invalidEntry)
        assertRejects(forge(#"{"__metadata__":{"k":1}}"#), .metadata)
        assertRejects(forge(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#, buffer: four), .invalidOffset)
    }

    func testEveryTruncationOfAValidFileIsRejected() throws {
        let data = SafeTensors(tensors: [("w", randomTensor([2, 3]))]).encoded()
        for cut in 0..<data.count {
            XCTAssertThrowsError(try SafeTensors.decode(data.prefix(cut)), "prefix of \(cut) bytes")
        }
    }
}

// gen-molecule check: each line's verdict (`valid <canonical>` or `invalid: <reason> at <position>`),
// as RDKit's MolFromSmiles would give it.
import Foundation
import GenEngine

/// The verdict on one SMILES: the sanitised molecule, or why it is not one.
func readMolecule(_ smiles: String) -> Result<Molecule, SMILESError> { readMolecule(bytes: Array(smiles.utf8)) }

/// The lines of a file or standard input (`-` or nil), as raw bytes so that any byte sequence
/// gets a verdict.
func readLines(_ path: String?) throws -> [[UInt8]] {
    let data: Data
    if let path, path != "-" {
        data = try Gzip.readMaybeCompressed(URL(fileURLWithPath: path))
    } else {
        data = FileHandle.standardInput.readDataToEndOfFile()
    }
    var bytes = [UInt8](data)
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }  // a byte-order mark, as Windows editors write
    // A lone CR ends a line too (classic Mac files), as SMILESFile reads them; a CR before LF is
    // left for smilesField, which stops at it.
    for i in bytes.indices where bytes[i] == 0x0D && (i + 1 == bytes.count || bytes[i + 1] != 0x0A) { bytes[i] = 0x0A }
    var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
    if lines.last?.isEmpty == true { lines.removeLast() }
    return lines
}

/// Runs `transform` on every line on every core (`Threads.map`, the order kept) and prints what
/// it returns, 32,768 lines at a time so that output starts early and memory stays flat; returns
/// how many lines it called invalid.
func eachLine(_ lines: [[UInt8]], header: String? = nil, _ transform: ([UInt8]) -> (text: String, valid: Bool)) -> Int {
    if let header { print(header, terminator: "") }
    var invalid = 0
    for start in stride(from: 0, to: lines.count, by: 32_768) {
        for (text, valid) in Threads.map(Array(lines[start..<min(start + 32_768, lines.count)]), transform) {
            print(text, terminator: "")
            if !valid { invalid += 1 }
        }
    }
    return invalid
}

/// The SMILES of a line: after leading spaces and tabs, up to the next space, tab, comma or CR
/// (a title or other CSV columns may follow).
func smilesField(_ line: [UInt8]) -> String {
    String(decoding: line.drop { $0 == 0x20 || $0 == 0x09 }.prefix { $0 != 0x20 && $0 != 0x09 && $0 != 0x2C && $0 != 0x0D }, as: UTF8.self)
}

/// The verdict on one line's bytes (any bytes: errors name the real byte): the sanitised
/// molecule, or why it is not one.
func readMolecule(bytes line: [UInt8]) -> Result<Molecule, SMILESError> {
    var parser = SMILESParser(bytes: line)
    do {
        var molecule = try parser.parse()
        try molecule.sanitize()
        return .success(molecule)
    } catch let error as SMILESError {
        return .failure(error)
    } catch {
        return .failure(SMILESError("\(error)", at: 0))
    }
}

func check(_ args: Arguments) throws {
    let lines = try readLines(args.positionals.first)
    let invalid = eachLine(lines) { line in
        do {
            return ("valid " + (try readMolecule(bytes: line).get().canonicalSMILES()) + "\n", true)
        } catch {
            return ("invalid: \(error)\n", false)
        }
    }
    if invalid > 0 { throw CLIError("\(invalid) of \(lines.count) SMILES are invalid", code: .checkFailed) }
}

func canonical(_ args: Arguments) throws {
    let lines = try readLines(args.positionals.first)
    let invalid = eachLine(lines) { line in
        do {
            return (try readMolecule(bytes: line).get().canonicalSMILES() + "\n", true)
        } catch {
            return ("invalid: \(error)\n", false)
        }
    }
    if invalid > 0 { throw CLIError("\(invalid) of \(lines.count) SMILES are invalid", code: .checkFailed) }
}

func properties(_ args: Arguments) throws {
    let lines = try readLines(args.positionals.first)
    let header = CSV.line(["smiles", "valid", "reason"] + propertyColumns.map(\.rawValue))
    let invalid = eachLine(lines, header: header) { line in
        let smiles = smilesField(line)
        switch readMolecule(bytes: line) {
        case .success(let molecule): return (CSV.line([smiles, "1", ""] + propertyFields(MolecularProperties(molecule))), true)
        case .failure(let error): return (CSV.line([smiles, "0", error.description] + propertyColumns.map { _ in "" }), false)
        }
    }
    if invalid > 0 { throw CLIError("\(invalid) of \(lines.count) SMILES are invalid", code: .checkFailed) }
}

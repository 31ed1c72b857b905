// gen-molecule check: each line's verdict, as RDKit's MolFromSmiles would give it.
import Foundation
import GenEngine

/// The verdict on one SMILES: the sanitised molecule, or why it is not one.
func readMolecule(_ smiles: String) -> Result<Molecule, SMILESError> {
    do {
        var molecule = try SMILESParser.parse(smiles)
        try molecule.sanitize()
        return .success(molecule)
    } catch let error as SMILESError {
        return .failure(error)
    } catch {
        return .failure(SMILESError("\(error)", at: 0))
    }
}

/// The lines of a file or standard input (`-` or nil), as raw bytes so that any byte sequence
/// gets a verdict.
func readLines(_ path: String?) throws -> [[UInt8]] {
    let data: Data
    if let path, path != "-" {
        data = try Gzip.readMaybeCompressed(URL(fileURLWithPath: path))
    } else {
        data = FileHandle.standardInput.readDataToEndOfFile()
    }
    var lines = [UInt8](data).split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
    if lines.last?.isEmpty == true { lines.removeLast() }
    return lines
}

func check(_ args: Arguments) throws {
    let lines = try readLines(args.positionals.first)
    var invalid = 0
    for line in lines {
        var parser = SMILESParser(bytes: line)
        do {
            var molecule = try parser.parse()
            try molecule.sanitize()
            print("valid")
        } catch let error as SMILESError {
            invalid += 1
            print("invalid: \(error)")
        }
    }
    if invalid > 0 { throw CLIError("\(invalid) of \(lines.count) SMILES are invalid", code: .checkFailed) }
}

func canonical(_ args: Arguments) throws {
    let lines = try readLines(args.positionals.first)
    var invalid = 0
    for line in lines {
        var parser = SMILESParser(bytes: line)
        do {
            var molecule = try parser.parse()
            try molecule.sanitize()
            print(try molecule.canonicalSMILES())
        } catch let error as SMILESError {
            invalid += 1
            print("invalid: \(error)")
        }
    }
    if invalid > 0 { throw CLIError("\(invalid) of \(lines.count) SMILES are invalid", code: .checkFailed) }
}

func properties(_ args: Arguments) throws {
    let lines = try readLines(args.positionals.first)
    print(CSV.line(["smiles", "valid", "reason"] + propertyColumns.map(\.rawValue)), terminator: "")
    var invalid = 0
    for line in lines {
        let smiles = String(decoding: line.prefix { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }, as: UTF8.self)
        switch readMolecule(smiles) {
        case .success(let molecule): print(CSV.line([smiles, "1", ""] + propertyFields(MolecularProperties(molecule))), terminator: "")
        case .failure(let error):
            invalid += 1
            print(CSV.line([smiles, "0", error.description] + propertyColumns.map { _ in "" }), terminator: "")
        }
    }
    if invalid > 0 { throw CLIError("\(invalid) of \(lines.count) SMILES are invalid", code: .checkFailed) }
}

// Reading SMILES files: one molecule per line, as RDKit's SmilesMolSupplier and MOSES read them.
import Foundation
import GenEngine

/// A SMILES file (`.smi`, `.smi.gz`, or `-`): each line's first field (up to a space, tab or
/// comma) is a SMILES; the rest of the line is a title (OpenSMILES) or other CSV columns. Empty
/// lines are skipped, and so is a first line whose first field is `smiles` in any case (the
/// MOSES and ChEMBL CSV headers). Throws `CLIError.badData` for a file that is not UTF-8.
struct SMILESFile {
    /// Each molecule's SMILES and its 1-based line number.
    var entries: [(smiles: String, line: Int)] = []

    init(_ path: String) throws {
        let data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Gzip.readMaybeCompressed(URL(fileURLWithPath: path))
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIError.badData("\(path == "-" ? "standard input" : path): is not UTF-8 text; pass one SMILES per line")
        }
        var number = 0
        for line in UTF8Text.normalisingNewlines(text).split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let field = line.drop { $0 == " " || $0 == "\t" }.prefix { $0 != " " && $0 != "\t" && $0 != "," && $0 != "\r" }
            if field.isEmpty || (number == 1 && field.lowercased() == "smiles") { continue }
            entries.append((String(field), number))
        }
    }

    /// The SMILES of a reference file (training or test molecules): refused with
    /// `CLIError.badData` when it holds none, since every number measured against an empty set
    /// (novelty 1, distances 0) would look like a perfect score.
    static func references(_ path: String) throws -> [String] {
        let smiles = try SMILESFile(path).entries.map(\.smiles)
        guard !smiles.isEmpty else { throw CLIError.badData("\(path): holds no SMILES; give the reference molecules, one per line") }
        return smiles
    }
}

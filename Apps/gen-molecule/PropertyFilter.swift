// Property bounds on sampled molecules: `--require "MW<=500"` and `--filter lipinski`.
import GenEngine

/// One bound on a property: `MW<=500`, `logP<5`, `HBD>=1`, `rings==2` (names as
/// `MolecularProperties.Name`, any case).
struct PropertyBound: Equatable {
    enum Relation: String, CaseIterable { case atMost = "<=", atLeast = ">=", below = "<", above = ">", equal = "==" }
    let name: MolecularProperties.Name
    let relation: Relation
    let limit: Double

    /// Parses `NAME OP NUMBER` (spaces allowed, `=` for `==`). Throws `CLIError.usage` naming what is wrong.
    init(_ text: String) throws {
        let compact = text.replacingOccurrences(of: " ", with: "")
        for relation in [Relation.atMost, .atLeast, .equal, .below, .above] {
            for symbol in relation == .equal ? ["==", "="] : [relation.rawValue] {
                guard let range = compact.range(of: symbol) else { continue }
                let (left, right) = (String(compact[..<range.lowerBound]), String(compact[range.upperBound...]))
                guard let name = MolecularProperties.Name(lenient: left) else {
                    let names = MolecularProperties.Name.allCases.map(\.rawValue).joined(separator: ", ")
                    throw CLIError.usage("--require \"\(text)\": unknown property '\(left)'; use one of \(names)")
                }
                guard let limit = Double(right), limit.isFinite else {
                    throw CLIError.usage("--require \"\(text)\": '\(right)' is not a number")
                }
                (self.name, self.relation, self.limit) = (name, relation, limit)
                return
            }
        }
        throw CLIError.usage("--require \"\(text)\": write NAME<=N, NAME>=N, NAME<N, NAME>N or NAME==N, e.g. \"MW<=500\"")
    }

    init(_ name: MolecularProperties.Name, _ relation: Relation, _ limit: Double) {
        (self.name, self.relation, self.limit) = (name, relation, limit)
    }

    func holds(_ p: MolecularProperties) -> Bool {
        let v = p.value(name)
        switch relation {
        case .atMost: return v <= limit
        case .atLeast: return v >= limit
        case .below: return v < limit
        case .above: return v > limit
        case .equal: return v == limit
        }
    }

    /// Lipinski's rule of five (C. A. Lipinski et al., Adv. Drug Deliv. Rev. 23, 3, 1997): weight
    /// at most 500, logP at most 5, at most 5 donors and 10 acceptors.
    static let lipinski = [
        PropertyBound(.mw, .atMost, 500), PropertyBound(.logP, .atMost, 5), PropertyBound(.hbd, .atMost, 5),
        PropertyBound(.hba, .atMost, 10),
    ]
}

/// The property columns of CSV output, in order.
let propertyColumns = MolecularProperties.Name.allCases

/// A molecule's property values as CSV fields (weights and areas to 2 decimals, logP to 4).
func propertyFields(_ p: MolecularProperties) -> [String] {
    propertyColumns.map { name in
        switch name {
        case .mw, .tpsa: String(format: "%.2f", p.value(name))
        case .logP: String(format: "%.4f", p.value(name))
        default: String(Int(p.value(name)))
        }
    }
}

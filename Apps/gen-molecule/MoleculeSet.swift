// A set of molecules as the distribution metrics need them: canonical forms, fingerprints,
// scaffolds.
import Foundation
import GenEngine

/// What the metrics need of one valid molecule.
struct DescribedMolecule: Sendable {
    let forms: MoleculeForms
    let fingerprint: Fingerprint
    let properties: MolecularProperties
}

extension DescribedMolecule {
    /// Describes a SMILES, or nil when it is not a valid molecule.
    init?(_ smiles: String) {
        guard case .success(let molecule) = readMolecule(smiles), let forms = MoleculeForms(molecule) else { return nil }
        var aromatic = molecule.withoutExplicitHydrogens()
        aromatic.perceiveAromaticity()
        self.forms = forms
        fingerprint = Fingerprint(aromatic)
        properties = MolecularProperties(aromatic)
    }

    /// Describes many SMILES on every core; nil where a SMILES is invalid. Order is kept.
    static func describe(_ smiles: [String]) -> [DescribedMolecule?] { Threads.map(smiles, DescribedMolecule.init) }
}

/// A molecule's canonical form and its scaffold's: what novelty needs of a training set.
struct MoleculeForms: Sendable {
    let canonical: String
    /// Canonical SMILES of the Bemis–Murcko scaffold ("" for an acyclic molecule).
    let scaffold: String
    /// Rings of the scaffold (its cycle rank).
    let scaffoldRings: Int

    /// The forms of a sanitised molecule; nil when it cannot be canonicalised.
    init?(_ molecule: Molecule) {
        guard let canonical = try? molecule.canonicalSMILES() else { return nil }
        let scaffold = molecule.withoutExplicitHydrogens().murckoScaffold()
        self.canonical = canonical
        self.scaffold = scaffold.atoms.isEmpty ? "" : (try? scaffold.canonicalSMILES()) ?? ""
        scaffoldRings = scaffold.atoms.isEmpty ? 0 : scaffold.bonds.count - scaffold.atoms.count + 1
    }

    /// The forms of many SMILES on every core; nil where a SMILES is invalid. Order is kept.
    static func describe(_ smiles: [String]) -> [MoleculeForms?] {
        Threads.map(smiles) { (try? readMolecule($0).get()).flatMap(MoleculeForms.init) }
    }
}

/// Similarity aggregates over fingerprint sets, on every core.
enum Similarity {
    /// Mean over `a` of the mean (`power` 1) or root-mean-power Tanimoto to all of `b`: the
    /// `average_agg_tanimoto` of MOSES's `internal_diversity` (molecularsets/moses `metrics/utils.py`).
    static func meanTanimoto(_ a: [Fingerprint], _ b: [Fingerprint], power: Double) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var sums = [Double](repeating: 0, count: a.count)
        sums.withUnsafeMutableBufferPointer { out in
            DispatchQueue.concurrentPerform(iterations: a.count) { i in
                var s = 0.0
                for f in b { s += power == 1 ? a[i].tanimoto(f) : pow(a[i].tanimoto(f), power) }
                out[i] = s / Double(b.count)
            }
        }
        return sums.reduce(0) { $0 + (power == 1 ? $1 : pow($1, 1 / power)) } / Double(a.count)
    }

    /// Mean over `a` of the largest Tanimoto to any of `b` (MOSES's SNN).
    static func meanNearest(_ a: [Fingerprint], _ b: [Fingerprint]) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var best = [Double](repeating: 0, count: a.count)
        best.withUnsafeMutableBufferPointer { out in
            DispatchQueue.concurrentPerform(iterations: a.count) { i in out[i] = b.reduce(0) { max($0, a[i].tanimoto($1)) } }
        }
        return best.reduce(0, +) / Double(a.count)
    }

    /// The Wasserstein-1 (earth mover's) distance between two samples of a number: the area
    /// between their empirical distribution functions (MOSES's property metrics use it).
    static func wasserstein(_ x: [Double], _ y: [Double]) -> Double {
        guard !x.isEmpty, !y.isEmpty else { return 0 }
        let (a, b) = (x.sorted(), y.sorted())
        var (i, j) = (0, 0)
        var last = min(a[0], b[0])
        var area = 0.0
        while i < a.count || j < b.count {
            let next = j == b.count || (i < a.count && a[i] <= b[j]) ? a[i] : b[j]
            area += abs(Double(i) / Double(a.count) - Double(j) / Double(b.count)) * (next - last)
            last = next
            if j == b.count || (i < a.count && a[i] <= b[j]) { i += 1 } else { j += 1 }
        }
        return area
    }

    /// Cosine similarity of two count vectors (MOSES's Scaf and Frag metrics).
    static func cosine(_ x: [String: Int], _ y: [String: Int]) -> Double {
        var dot = 0.0
        for (k, v) in x { dot += Double(v * (y[k] ?? 0)) }
        let nx = sqrt(x.values.reduce(0.0) { $0 + Double($1 * $1) })
        let ny = sqrt(y.values.reduce(0.0) { $0 + Double($1 * $1) })
        return nx == 0 || ny == 0 ? 0 : dot / (nx * ny)
    }
}

// Constrained decoding: a per-sequence processor that keeps a SMILES being sampled well formed.
import GenEngine

/// What one vocabulary token does in a SMILES.
enum SMILESTokenKind: Equatable {
    /// An atom, and the bonds it can still make (its largest allowed valence less its hydrogens;
    /// one less for an aromatic carbon, whose π bond is spoken for).
    case atom(budget: Int)
    case bond(order: Int)
    case open, close, dot
    case ring(label: Int)
    case end
    /// `<unk>` and anything unreadable: never drawn when constrained.
    case other

    /// The kind of a token's text, as the SMILES reader sees it.
    init(_ text: String) {
        switch text {
        case SMILESTokens.end: self = .end
        case "(": self = .open
        case ")": self = .close
        case ".": self = .dot
        case "-", "/", "\\", ":": self = .bond(order: 1)
        case "=": self = .bond(order: 2)
        case "#": self = .bond(order: 3)
        case "$": self = .bond(order: 4)
        default:
            if let first = text.first, first.isNumber || first == "%" {
                if let molecule = try? SMILESParser.parse("C" + text + "CC" + text), molecule.bonds.count == 3 {
                    let digits = text.filter(\.isNumber)
                    self = .ring(label: Int(digits) ?? 0)
                    return
                }
                self = .other
                return
            }
            guard let molecule = try? SMILESParser.parse(text), molecule.atoms.count == 1 else {
                self = .other
                return
            }
            let atom = molecule.atoms[0]
            let top = atom.allowedValences?.last ?? 8
            let hydrogens = atom.bracket ? (atom.hydrogens ?? 0) : 0
            self = .atom(budget: max(0, top - hydrogens - (atom.aromatic && atom.element == 6 ? 1 : 0)))
        }
    }
}

/// Keeps one sampled SMILES well formed, token by token (the syntax constraints of the
/// project's n-gram experiment, plus a valence budget): branches open only after an atom and
/// close only when open; ring-bond labels close on a different atom not yet bonded to it; a bond
/// symbol is followed by an atom or a ring label; no atom gets more bonds than its valence
/// allows; the end token comes only when every branch and ring is closed; and near `maxLength`
/// nothing new is opened. Tokens of kind `.other` (`<unk>`) are never drawn.
final class SMILESGrammar: LogitsProcessor {
    let kinds: [SMILESTokenKind]
    let maxLength: Int
    private var budgets: [Int] = []  // per atom so far
    private var current: Int?  // the atom the next bond starts from
    private var pendingOrder: Int?
    private var branches: [Int] = []
    private var branchStart = false
    private var rings: [Int: (atom: Int, order: Int)] = [:]
    private var bonded = Set<Int>()  // atom pairs a * 65_536 + b
    private var length = 0
    private var started = false

    init(kinds: [SMILESTokenKind], maxLength: Int) { (self.kinds, self.maxLength) = (kinds, maxLength) }

    /// The kinds of every token of a tokenizer's vocabulary.
    static func kinds(of tokenizer: any Tokenizer) -> [SMILESTokenKind] {
        (0..<tokenizer.vocabSize).map { id in
            guard let vocabulary = (tokenizer as? any VocabularyTokenizer)?.vocabulary else { return .other }
            return SMILESTokenKind(vocabulary[id])
        }
    }

    func advance(_ token: Int32) {
        let kind = kinds[Int(token)]
        guard started else {
            if kind == .end { started = true }  // the start token
            return
        }
        length += 1
        switch kind {
        case .atom(let budget):
            let index = budgets.count
            budgets.append(budget)
            if let from = current {
                let order = pendingOrder ?? 1
                budgets[from] -= order
                budgets[index] -= order
                bonded.insert(from * 65_536 + index)
            }
            current = index
            pendingOrder = nil
            branchStart = false
        case .bond(let order): pendingOrder = order
        case .open:
            branches.append(current!)
            branchStart = true
        case .close: current = branches.popLast()
        case .dot: current = nil
        case .ring(let label):
            let atom = current!
            if let open = rings.removeValue(forKey: label) {
                let order = pendingOrder ?? open.order
                budgets[open.atom] -= order - 1  // one unit was reserved at the opening
                budgets[atom] -= order
                bonded.insert(min(open.atom, atom) * 65_536 + max(open.atom, atom))
            } else {
                let order = pendingOrder ?? 1
                rings[label] = (atom, order)
                budgets[atom] -= 1
            }
            pendingOrder = nil
        case .end, .other: break
        }
    }

    func process(_ logits: inout [Float]) {
        for id in logits.indices where !allowed(kinds[id]) { logits[id] = -.infinity }
    }

    private func allowed(_ kind: SMILESTokenKind) -> Bool {
        let order = pendingOrder ?? 1
        let room = current.map { budgets[$0] } ?? 0
        let left = maxLength - length - branches.count - rings.count
        switch kind {
        case .atom(let budget):
            guard current != nil else { return pendingOrder == nil && budget >= 0 }
            return room >= order && budget >= order
        case .bond(let o): return current != nil && pendingOrder == nil && room >= o
        case .open: return current != nil && pendingOrder == nil && !branchStart && room >= 2 && left > 3
        case .close: return !branches.isEmpty && !branchStart && pendingOrder == nil
        case .dot: return false
        case .ring(let label):
            guard let atom = current, !branchStart else { return false }
            if let open = rings[label] {
                let o = pendingOrder ?? open.order
                return open.atom != atom && !bonded.contains(min(open.atom, atom) * 65_536 + max(open.atom, atom))
                    && room >= o && budgets[open.atom] >= o - 1
            }
            return room >= 2 && left > 4 && rings.count < 4
        case .end: return current != nil && branches.isEmpty && rings.isEmpty && pendingOrder == nil && !branchStart
        case .other: return false
        }
    }
}

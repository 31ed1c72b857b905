// The SMILES token language of the models: atom-level tokens, one molecule per document.
import Foundation
import GenEngine

/// SMILES tokenisation of Schwaller et al. 2019 ("Molecular Transformer", ACS Cent. Sci. 5, 1572;
/// pschwllr/MolecularTransformer `smi_tokenizer`): a bracket atom, `Br`, `Cl`, a two-digit ring
/// label `%nn` and every other character are one token each. RDKit's `%(nnn)` ring label is one
/// token too.
enum SMILESTokens {
    static let pattern =
        #"(\[[^\]]+]|Br?|Cl?|N|O|S|P|F|I|b|c|n|o|s|p|\(|\)|\.|=|#|-|\+|\\|\/|:|~|@|\?|>|\*|\$|%\([0-9]+\)|%[0-9]{2}|[0-9])"#
    /// Ends every molecule; generation starts after it and stops at it.
    static let end = "<eos>"
    static let unknown = "<unk>"

    /// A tokenizer whose vocabulary is the tokens of `molecules` (plus `<unk>` and `<eos>`).
    /// Throws `TokenizerError.unmatchedText` for a line with characters SMILES does not use.
    static func tokenizer(corpus molecules: [String]) throws -> RegexTokenizer {
        try RegexTokenizer(pattern: pattern, corpus: molecules, specialTokens: [end], unknownToken: unknown)
    }

    /// The ids of one molecule followed by the end token.
    static func document(_ smiles: String, _ tokenizer: any Tokenizer) throws -> [Int32] {
        try tokenizer.encode(smiles) + [tokenizer.specialTokenID(end)!]
    }
}

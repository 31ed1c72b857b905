// augment tabular: SMOTE, Gaussian-mixture and VAE rows (being built).
import GenEngine

let tabularCommand = Command("tabular", abstract: "Tabular synthesis (being built).", options: []) { _ in
    throw CLIError.usage("augment tabular is being built")
}

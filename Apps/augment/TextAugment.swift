// augment text: EDA over a CSV or JSONL column (being built).
import GenEngine

let textCommand = Command("text", abstract: "EDA text augmentation (being built).", options: []) { _ in
    throw CLIError.usage("augment text is being built")
}

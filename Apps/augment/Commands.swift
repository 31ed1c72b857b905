// augment's command line: every subcommand and its typed options.
import GenEngine

let version = "0.1.0"

let root = Command(
    "augment", abstract: "Augment datasets for training: image folders with boxes, text, tabular rows, generated images.",
    discussion: """
        Every command is deterministic for its --seed, whatever --workers, and --shard K/N runs the K-th of N \
        slices of a job (the slices' outputs together equal one run). Example: \
        augment images --in data/train --out data/train-aug --pipeline "hflip; rotate:limit=15" --copies 4
        """,
    options: [], subcommands: [imagesCommand, previewCommand, textCommand, tabularCommand, generateCommand, mergeCommand, benchCommand])

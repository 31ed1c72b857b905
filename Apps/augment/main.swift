// augment: data augmentation for ML data prep: images with boxes, text, tabular, generative.
import GenEngine

CLI.main(version: version, root: root)

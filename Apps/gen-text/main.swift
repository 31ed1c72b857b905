// gen-text: text generation with the engine's language models.
import GenEngine

CLI.main(version: version, root: root)

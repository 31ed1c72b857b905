// gen-level: procedural game levels with the engine's sequence models, checked by an A* agent.
import GenEngine

CLI.main(version: version, root: root)

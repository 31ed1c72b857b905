// gen-molecule: SMILES generation with the engine's sequence models and a chemistry core.
import GenEngine

CLI.main(version: version, root: root)
